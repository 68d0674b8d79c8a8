"""Rendering pages: the template engine of the project and the context oTree templates expect."""

from __future__ import annotations

import json
import os
import time
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from starlette.responses import HTMLResponse

from otree import flow, live_replies, pages, state
from otree.conf import settings
from otree.currency import json_default
from otree.dropouts import group_dropouts
from otree.i18n import N_, gettext
from otree.leaving import seconds_until_leave
from otree.pages import BasePage, WaitPage, call_hook, find_hook
from otree.templating import TemplateEngine
from otree.waitpages import socket_url

from .security import strict_page_nonce

if TYPE_CHECKING:
    from otree.project import Project

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_engine(project: Project, app_state: state.AppState | None = None,
                 auto_reload: bool | None = None) -> TemplateEngine:
    """The template engine of `app_state` (default: the current one): app folders, _templates/,
    oTree's own templates, self-format app templates.

    auto_reload (default: settings.DEBUG): look for edited template files on every render.
    """
    search_path = [project.root, os.path.join(project.root, "_templates"), os.path.join(PACKAGE_DIR, "templates")]
    for app in project.apps.values():
        templates = os.path.join(app.folder, "templates")
        if os.path.isdir(templates):
            search_path.append(templates)
    for name in settings.get("EXTENSION_APPS") or []:  # templates of custom views
        templates = os.path.join(project.root, *str(name).split("."), "templates")
        if os.path.isdir(templates) and templates not in search_path:
            search_path.append(templates)
    engine = TemplateEngine(search_path, auto_reload=settings.DEBUG if auto_reload is None else auto_reload)
    from .chat import chat_html

    engine.env.globals["chat_html"] = chat_html
    (app_state or state.current()).templates = engine
    return engine


def get_engine() -> TemplateEngine:
    """The current AppState's template engine (built for its project on first use)."""
    app_state = state.current()
    if app_state.templates is None:
        return build_engine(app_state.require_project(), app_state)
    return app_state.templates


# oTree's admin pages carry no inline code but nonce'd scripts, so they get the strict CSP;
# the admin report shows the app's own template, which may have inline scripts.
_APP_CONTENT_ADMIN_TEMPLATES = {"otree/admin/AdminReport.html"}


def render(template: str, context: dict[str, Any], status: int = 200, headers: dict | None = None,
           base: str | None = None) -> HTMLResponse:
    strict = template.startswith("otree/admin/") and template not in _APP_CONTENT_ADMIN_TEMPLATES
    context = {**context, "csp_nonce": strict_page_nonce() if strict else ""}
    html = get_engine().render(template, context, base=base)
    return HTMLResponse(html, status_code=status, headers=headers)


def _base_for(kind: str) -> str:
    """Pages implicitly extend the project's global/<kind>.html if it has one, else oTree's own."""
    engine = get_engine()
    return f"global/{kind}.html" if engine.has_template(f"global/{kind}.html") else f"otree/{kind}.html"


def page_context(page: BasePage, form=None) -> dict[str, Any]:
    app = page._app
    player = page.player
    js_vars = call_hook(page, "js_vars", default=None) or {}
    context: dict[str, Any] = dict(
        view=page, page=page, player=player, group=page.group, subsession=page.subsession,
        session=page.session, participant=page.participant, C=app.constants, Constants=app.constants,
        form=form, js_vars=json.dumps(js_vars, default=json_default).replace("</", "<\\/"),
        current_page_name=type(page).__name__, has_live_method=find_hook(type(page), "live_method") is not None,
        use_standard_layout=not getattr(type(page), "use_blank_layout", False),
        page_index=page._index_in_pages, debug=settings.DEBUG,
        participant_code=page.participant.code,
    )
    _timer(page, context)
    context.update(live_replies.page_context(page))
    extra = call_hook(page, "vars_for_template", default=None) or {}
    if not isinstance(extra, dict):
        raise TypeError(f"{type(page).__name__}.vars_for_template must return a dict, not {type(extra).__name__}")
    context.update(extra)
    if settings.DEBUG:
        context["debug_info"] = dict(
            basic=[("Participant", page.participant.code), ("ID in session", page.participant.id_in_session),
                   ("App", app.name), ("Round", page.round_number), ("Page", type(page).__name__),
                   ("ID in group", player.id_in_group), ("Group", player.group.id_in_subsession)],
            vars_for_template=sorted(extra.items(), key=lambda item: str(item[0])),
            restart_url=f"/join/{page.session._anonymous_code}",
        )
        context["debug_tab_prefix"] = f"[{page.session.code}/P{page.participant.id_in_session}]"
    return context


def _timer(page: BasePage, context: dict) -> None:
    """Start the page's countdown on its first display; a reload keeps the same deadline."""
    participant = page.participant
    context["timer_text"] = None
    context["remaining_timeout_seconds"] = None
    if isinstance(page, WaitPage):
        return
    # The deadline was set when the participant arrived (otree.timeouts); this only starts
    # it for one who arrived without it (a session begun by an older version).
    pages.start_timer(page)
    if participant._timeout_page_index == page._index_in_pages and participant._timeout_expiration_time is not None:
        context["remaining_timeout_seconds"] = max(0, participant._timeout_expiration_time - time.time())
        default_text = gettext(N_("Time left to complete this page:"))
        context["timer_text"] = getattr(type(page), "timer_text", None) or default_text


def render_page(page: BasePage, form=None, status: int = 200, headers: dict | None = None) -> HTMLResponse:
    if isinstance(page, WaitPage):
        return render_wait_page(page)
    if form is None:
        form = flow.form_for(page)  # which model and fields: the page's own decision (otree.pages.form_target)
    context = page_context(page, form)
    context["auto_advance_url"] = (
        f"/auto_advance?participant_code={page.participant.code}&page_index={page._index_in_pages}"
    )
    from otree.bots.browser import script_url

    context["browser_bot_url"] = script_url(page)
    return render(page.get_template_name(), context, status=status, headers=headers, base=_base_for("Page"))


def render_wait_page(page: WaitPage) -> HTMLResponse:
    context = page_context(page)
    title = type(page).title_text  # a string, or (old apps) a method
    # The defaults are translated; an app's own text is looked up too (and shown as is if not found).
    context.setdefault("title_text", call_hook(page, "title_text") if callable(title) else gettext(title))
    context.setdefault("body_text", gettext(type(page).body_text) if type(page).body_text else type(page).body_text)
    context["wait_page_socket_url"] = socket_url(page)
    context.setdefault("leave_after_seconds", seconds_until_leave(page))
    if page.group_by_arrival_time:
        # oTree 6's "Are you still there?" prompt: inactive waiters are not grouped.
        context["gbat_inactive_prompt_s"] = settings.get("GBAT_INACTIVE_SECONDS_UNTIL_PROMPT", 120)
        context["gbat_inactive_confirm_s"] = settings.get("GBAT_INACTIVE_SECONDS_TO_CONFIRM", 15)
    if not page.group_by_arrival_time and not page.wait_for_all_groups:
        context.setdefault("group_dropouts", group_dropouts(page))
    # As a JS string literal for makeReconnectingWebSocket("..."): our own URL of ids and app names.
    context["wait_page_socket_js"] = Markup(json.dumps(context["wait_page_socket_url"]).replace("</", "<\\/"))
    engine = get_engine()
    template = page.template_name
    if not template:
        own = f"{page._app.name}/{type(page).__name__}.html"
        template = own if engine.has_template(own) else None
    headers = {"oTree-Wait-Page": "1"}
    if template:
        return render(template, context, headers=headers, base=_base_for("WaitPage"))
    return render(_base_for("WaitPage"), context, headers=headers)
