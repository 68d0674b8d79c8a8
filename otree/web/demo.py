"""The demo page (reference §8.6): the session configs, and creating a demo session with progress.

/demo/<config> shows the creation steps it receives over WS /create_demo_session
(otree.web.admin.creating); without JavaScript its form POSTs to the same URL instead.
Under OTREE_AUTH_LEVEL=DEMO these pages are open; under STUDY they need login.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from otree.conf import settings
from otree.errors import SessionCreationError
from otree.project import get_project

from . import auth
from .endpoints import endpoint
from .admin.common import admin_not_found, render_admin
from .admin.creating import CreationFailed, create, demo_request
from .admin.session_pages import session_start_links

__all__ = ["home", "demo_index", "create_demo_session", "create_demo_session_post", "session_start_links"]


async def home(request: Request) -> Response:
    return RedirectResponse("/demo", status_code=307)


def _configs() -> list[dict]:
    return [
        dict(name=c["name"], display_name=c.get("display_name") or c["name"],
             num_demo_participants=c["num_demo_participants"], doc=c.get("doc") or "")
        for c in get_project().session_configs.values()
    ]


@auth.admin_view(auth.OPEN_UNDER_DEMO)
async def demo_index(request: Request) -> Response:
    return render_admin(request, "otree/admin/DemoIndex.html", configs=_configs(),
                        intro_html=settings.DEMO_PAGE_INTRO_HTML or "", title=settings.DEMO_PAGE_TITLE or "Demo")


def _config(name: str) -> dict:
    """The session config called `name`; NotFound (the admin's 404 page) if there is none."""
    config = get_project().session_configs.get(name)
    if config is None:
        raise admin_not_found(f"There is no session config named {name!r}.")
    return config


@auth.admin_view(auth.OPEN_UNDER_DEMO)
async def create_demo_session(request: Request) -> Response:
    name = request.path_params["config_name"]
    config = _config(name)
    return render_admin(request, "otree/admin/CreateDemoSession.html", config_name=name,
                        display_name=config.get("display_name") or name,
                        num_participants=config["num_demo_participants"], error=None, traceback=None)


@auth.admin_view(auth.OPEN_UNDER_DEMO)
@endpoint(db=None)  # create() runs its own unit of work
def create_demo_session_post(request: Request, form: FormData | None) -> Response:
    """The demo page's form without JavaScript: create at once, then go to the links."""
    name = request.path_params["config_name"]
    config = _config(name)
    context = dict(config_name=name, display_name=config.get("display_name") or name,
                   num_participants=config["num_demo_participants"], error=None, traceback=None)
    try:
        url = create(demo_request(name), is_demo=True)
    except SessionCreationError as exc:
        return render_admin(request, "otree/admin/CreateDemoSession.html", status=400, **dict(context, error=str(exc)))
    except CreationFailed as exc:
        return render_admin(request, "otree/admin/CreateDemoSession.html", status=500,
                            **dict(context, error=str(exc), traceback=exc.traceback_text))
    return RedirectResponse(url, status_code=302)
