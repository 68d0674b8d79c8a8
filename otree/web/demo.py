"""The demo page: list session configs, create a demo session, show one start link per participant."""

from __future__ import annotations

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from otree.conf import settings
from otree.db.core import Session
from otree.db.uow import unit_of_work
from otree.errors import SessionCreationError
from otree.project import get_project
from otree.session import create_session

from .rendering import render


async def home(request: Request) -> Response:
    return RedirectResponse("/demo", status_code=307)


async def demo_index(request: Request) -> Response:
    project = get_project()
    configs = [
        dict(name=c["name"], display_name=c.get("display_name") or c["name"],
             num_demo_participants=c["num_demo_participants"], doc=c.get("doc", ""))
        for c in project.session_configs.values()
    ]
    return render("otree/DemoIndex.html", dict(
        configs=configs, intro_html=settings.DEMO_PAGE_INTRO_HTML, title=settings.DEMO_PAGE_TITLE))


async def create_demo_session(request: Request) -> Response:
    name = request.path_params["config_name"]
    project = get_project()
    if name not in project.session_configs:
        return render("otree/DemoIndex.html", dict(configs=[], intro_html="", title="Demo",
                                                   error=f"No session config named {name!r}"), status=404)
    config = project.session_configs[name]

    def create() -> str:
        with unit_of_work():
            return create_session(name, config["num_demo_participants"], is_demo=True).code

    try:
        code = await run_in_threadpool(create)
    except SessionCreationError as exc:
        return render("otree/DemoIndex.html", dict(configs=[], intro_html="", title="Demo", error=str(exc)),
                      status=400)
    return RedirectResponse(f"/SessionStartLinks/{code}", status_code=302)


async def session_start_links(request: Request) -> Response:
    code = request.path_params["code"]

    def load():
        with unit_of_work(readonly=True) as db:
            session = db.scalars(select(Session).filter_by(code=code)).one_or_none()
            if session is None:
                return None
            base = str(request.base_url).rstrip("/")
            return dict(
                session_code=session.code,
                config_name=session.config.get("display_name") or session.config_name,
                is_demo=session.is_demo,
                session_wide_url=f"{base}/join/{session._anonymous_code}",
                participant_urls=[f"{base}/InitializeParticipant/{p.code}" for p in session.get_participants()],
            )

    context = await run_in_threadpool(load)
    if context is None:
        return render("otree/DemoIndex.html", dict(configs=[], intro_html="", title="Demo",
                                                   error="No such session"), status=404)
    return render("otree/SessionStartLinks.html", context)
