"""The pages of one session: description, links, split screen, data, payments, reports, edit."""

from __future__ import annotations

import json
import logging
import math
import traceback
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import object_session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from otree.conf import settings
from otree.currency import Currency, RealWorldCurrency, json_default
from otree.db.core import Session
from otree.project import get_project

from .. import auth
from ..endpoints import NotFound, endpoint
from ..limits import query_int
from ..rendering import get_engine
from .common import base_url, format_time, get_session, render_admin, session_header

logger = logging.getLogger("otree.admin")

SPLIT_SCREEN_MAX = 6
GRID_MAX = 12
DATA_REFRESH_SECONDS = 5


def _page(request: Request, template: str, context: dict, active_tab: str, status: int = 200) -> Response:
    return render_admin(request, template, status=status, active_tab=active_tab, **context)


def _session(request: Request) -> Session:
    """The session of the URL's {code}; NotFound (the admin's 404 page) if there is none."""
    return get_session(request.path_params["code"])


# -- description ----------------------------------------------------------------------------------


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


@auth.admin_view("demo")
@endpoint(db="read")
def session_description(request: Request, form: FormData | None) -> Response:
    session = _session(request)
    project = get_project()
    config = dict(session.config or {})
    app_sequence = list(config.get("app_sequence") or [])
    hidden = {"name", "display_name", "app_sequence", "doc"}
    context = dict(
        session_header(session),
        config_name=session.config_name, config_doc=config.get("doc") or "",
        config_items=[(key, _show(value)) for key, value in config.items() if key not in hidden],
        apps=[dict(name=name, doc=project.apps[name].doc if name in project.apps else "")
              for name in app_sequence],
        created=format_time(session.created_at), comment=session.comment or "",
    )
    return _page(request, "otree/admin/SessionDescription.html", context, "description")


# -- links --------------------------------------------------------------------------------------


def _links(request: Request, session: Session) -> dict:
    base = base_url(request)
    participants = session.get_participants()
    return dict(
        session_header(session),
        participant_links=[dict(url=f"{base}/InitializeParticipant/{p.code}", label=p.label or "",
                                id_in_session=p.id_in_session, code=p.code) for p in participants],
        session_wide_url=f"{base}/join/{session._anonymous_code}",
        room_url=f"{base}/room/{session._room_name}" if session._room_name else None,
        room_admin_url=f"/room_with_session/{session._room_name}" if session._room_name else None,
        split_screen_count=min(len(participants), SPLIT_SCREEN_MAX),
        grid_count=min(len(participants), GRID_MAX),
    )


@auth.admin_view("demo")
@endpoint(db="read")
def session_start_links(request: Request, form: FormData | None) -> Response:
    return _page(request, "otree/admin/SessionStartLinks.html", _links(request, _session(request)), "links")


def _screens(request: Request, limit: int, template: str) -> Response:
    context = _links(request, _session(request))
    context["frames"] = context["participant_links"][:limit]
    return _page(request, template, context, "links")


@auth.admin_view("demo")
@endpoint(db="read")
def session_split_screen(request: Request, form: FormData | None) -> Response:
    return _screens(request, SPLIT_SCREEN_MAX, "otree/admin/SessionSplitScreen.html")


@auth.admin_view("demo")
@endpoint(db="read")
def session_grid_view(request: Request, form: FormData | None) -> Response:
    return _screens(request, GRID_MAX, "otree/admin/SessionDemoGridView.html")


# -- data -----------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A value as JSON can carry it: numbers stay numbers, everything odd becomes text."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return json_default(value)
    return str(value)


def session_data(session: Session) -> list[dict]:
    """One table per app and round: participant, group, then player, group, subsession fields."""
    project = get_project()
    db = object_session(session)
    participants = {p.id: p for p in session.get_participants()}
    tables = []
    for app_name in (session.config or {}).get("app_sequence") or []:
        app = project.apps.get(app_name)
        if app is None:
            continue
        P, G, S = app.Player, app.Group, app.Subsession
        player_fields = list(P._otree_fields)
        group_fields = list(G._otree_fields)
        subsession_fields = list(S._otree_fields)
        headers = ["participant", "group", "player.id_in_group"]
        if app.roles:
            headers.append("player.role")
        headers += [f"player.{f}" for f in player_fields]
        headers += [f"group.{f}" for f in group_fields]
        headers += [f"subsession.{f}" for f in subsession_fields]
        groups = {g.id: g for g in db.scalars(select(G).filter_by(session_id=session.id))}
        players_by_round: dict[int, list] = {}
        for player in db.scalars(select(P).filter_by(session_id=session.id)):
            players_by_round.setdefault(player.round_number, []).append(player)
        for subsession in db.scalars(select(S).filter_by(session_id=session.id).order_by(S.round_number)):
            rows = []
            players = sorted(players_by_round.get(subsession.round_number, []), key=lambda p: p.id_in_subsession)
            for player in players:
                participant = participants.get(player.participant_id)
                group = groups.get(player.group_id)
                row = [
                    (participant.label or f"P{participant.id_in_session}") if participant else "",
                    group.id_in_subsession if group is not None else None,
                    player.id_in_group,
                ]
                if app.roles:
                    row.append(player.role)
                row += [_cell(player.field_maybe_none(f)) for f in player_fields]
                row += [_cell(group.field_maybe_none(f)) if group is not None else None for f in group_fields]
                row += [_cell(subsession.field_maybe_none(f)) for f in subsession_fields]
                rows.append(row)
            tables.append(dict(app_name=app_name, round_number=subsession.round_number,
                               headers=headers, rows=rows))
    return tables


@auth.admin_view("demo")
@endpoint(db="read")
def session_data_page(request: Request, form: FormData | None) -> Response:
    session = _session(request)
    context = dict(session_header(session), tables=session_data(session), refresh_seconds=DATA_REFRESH_SECONDS)
    return _page(request, "otree/admin/SessionData.html", context, "data")


def _json_not_found(request: Request, message: str) -> Response:
    return Response(json.dumps({"error": "No such session"}), status_code=404, media_type="application/json")


@auth.admin_view("demo")
@endpoint(db="read")
def session_data_json(request: Request, form: FormData | None) -> Response:
    try:
        session = _session(request)
    except NotFound as exc:
        raise NotFound(exc.message, page=_json_not_found) from None
    return Response(json.dumps(session_data(session), default=json_default), media_type="application/json")


# -- payments -------------------------------------------------------------------------------------


def session_payments(session: Session) -> dict:
    fee = session.participation_fee
    rows = []
    total = RealWorldCurrency(0)
    for p in session.get_participants():
        payoff = Currency(p.payoff if p.payoff is not None else 0)
        real = payoff.to_real_world_currency(session)
        row_total = RealWorldCurrency(real + fee)
        total = RealWorldCurrency(total + row_total)
        rows.append(dict(
            id_in_session=p.id_in_session, code=p.code, label=p.label or "",
            finished=p._max_page_index > 0 and p._index_in_pages > p._max_page_index,
            progress=f"{min(p._index_in_pages, p._max_page_index)}/{p._max_page_index}",
            payoff=payoff, payoff_real=real, total=row_total,
            is_dropout=bool(p.is_dropout), left_wait_page=bool(p.left_wait_page),
        ))
    mean = RealWorldCurrency(Decimal(total) / len(rows)) if rows else RealWorldCurrency(0)
    return dict(
        participants=rows, participation_fee=fee, total=total, mean=mean,
        dropouts=sum(r["is_dropout"] for r in rows), leavers=sum(r["left_wait_page"] for r in rows),
        real_world_currency_per_point=session.real_world_currency_per_point,
        use_points=bool(settings.USE_POINTS), currency_code=settings.REAL_WORLD_CURRENCY_CODE,
    )


@auth.admin_view("demo")
@endpoint(db="read")
def session_payments_page(request: Request, form: FormData | None) -> Response:
    session = _session(request)
    context = dict(session_header(session), **session_payments(session))
    return _page(request, "otree/admin/SessionPayments.html", context, "payments")


# -- admin report ---------------------------------------------------------------------------------


def report_template(app_name: str) -> str:
    return f"{app_name}/admin_report.html"


def _default_round(session: Session, app_name: str, num_rounds: int) -> int:
    """The round the session has got to in this app (the last round once anyone moved past it)."""
    sequence = list(session.config.get("app_sequence") or [])
    position = sequence.index(app_name)
    reached = 1
    for p in session.get_participants():
        current = p._current_app_name
        finished = p._max_page_index and p._index_in_pages > p._max_page_index
        if finished or (current in sequence and sequence.index(current) > position):
            return num_rounds
        if current == app_name and p._round_number:
            reached = max(reached, p._round_number)
    return min(reached, num_rounds)


def admin_report(session: Session, app_name: str | None, round_number: int | None) -> dict:
    project = get_project()
    engine = get_engine()
    apps = [project.apps[n] for n in session.config.get("app_sequence") or [] if n in project.apps]
    with_report = [a for a in apps if engine.has_template(report_template(a.name))]
    context: dict[str, Any] = dict(session_header(session), report_apps=[a.name for a in with_report],
                                   report_html=None, report_error=None, report_traceback=None)
    if not with_report:
        return context
    app = next((a for a in with_report if a.name == app_name), with_report[0])
    if round_number is None or not 1 <= round_number <= app.num_rounds:
        round_number = _default_round(session, app.name, app.num_rounds)
    context.update(app_name=app.name, round_number=round_number, rounds=list(range(1, app.num_rounds + 1)))
    subsession = object_session(session).scalars(
        select(app.Subsession).filter_by(session_id=session.id, round_number=round_number)).one_or_none()
    if subsession is None:
        context["report_error"] = f"{app.name} has no round {round_number} in this session."
        return context
    try:
        variables = dict(subsession=subsession, session=session, C=app.constants, Constants=app.constants,
                         round_number=round_number, app_name=app.name)
        hook = app.subsession_hook("vars_for_admin_report")
        if hook is not None:
            extra = hook(subsession)
            if extra is not None and not isinstance(extra, dict):
                raise TypeError(f"vars_for_admin_report must return a dict, not {type(extra).__name__}")
            variables.update(extra or {})
        context["report_html"] = engine.render(report_template(app.name), variables)
    except Exception as exc:  # the app's hook or template: show it, as the participant pages would
        logger.exception("admin report of %s failed", app.name)
        context["report_error"] = f"{type(exc).__name__}: {exc}"
        context["report_traceback"] = traceback.format_exc()
    return context


@auth.admin_view("demo")
@endpoint(db="read")
def admin_report_page(request: Request, form: FormData | None) -> Response:
    app_name = request.query_params.get("app_name")
    round_number = query_int(request.query_params.get("round_number"))
    context = admin_report(_session(request), app_name, round_number)
    status = 500 if context.get("report_error") and context.get("report_traceback") else 200
    return _page(request, "otree/admin/AdminReport.html", context, "reports", status=status)


# -- edit properties ------------------------------------------------------------------------------


def _edit_values(session: Session) -> dict:
    return dict(participation_fee=float(session.participation_fee),
                real_world_currency_per_point=session.real_world_currency_per_point,
                label=session.label or "", comment=session.comment or "")


def _parse_properties(form) -> tuple[dict, dict]:
    values, errors = {}, {}
    for key in ("participation_fee", "real_world_currency_per_point"):
        raw = str(form.get(key) or "").strip()
        try:
            number = float(raw)
            if not math.isfinite(number):
                raise ValueError
        except ValueError:
            errors[key] = "Enter a number."
            values[key] = raw  # shown again as typed
            continue
        if number < 0:
            errors[key] = "This must not be negative."
        values[key] = number
    values["label"] = str(form.get("label") or "").strip()
    values["comment"] = str(form.get("comment") or "")
    return values, errors


@auth.admin_view("admin")
@endpoint(db="read_mostly")  # writes only when a valid form is saved
def session_edit_properties(request: Request, form: FormData | None) -> Response:
    session = _session(request)
    if form is None:
        context = dict(session_header(session), values=_edit_values(session), errors={},
                       saved=request.query_params.get("saved") == "1")
        return _page(request, "otree/admin/SessionEditProperties.html", context, "edit")

    values, errors = _parse_properties(form)
    if errors:
        context = dict(session_header(session), values=values, errors=errors, saved=False)
        return _page(request, "otree/admin/SessionEditProperties.html", context, "edit")
    config = dict(session.config or {})
    config["participation_fee"] = values["participation_fee"]
    config["real_world_currency_per_point"] = values["real_world_currency_per_point"]
    session.config = config
    session.label = values["label"]
    session.comment = values["comment"]
    return RedirectResponse(f"/SessionEditProperties/{request.path_params['code']}?saved=1", status_code=302)
