"""Admin authentication (reference §8.1): auth levels, login, the signed session cookie, CSRF.

OTREE_AUTH_LEVEL unset: everything is open. DEMO: the demo and per-session pages are open,
the rest of the admin needs login. STUDY: every admin page and admin WebSocket needs login.
Participant pages never need it.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from typing import Awaitable, Callable

from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from otree.conf import settings, env_flag

AUTH_KEY = "otreeadminauth"
CSRF_KEY = "csrftoken"

# Which admin areas need login at each level ("demo" pages are open under DEMO).
OPEN_UNDER_DEMO = "demo"
ALWAYS_LOGIN = "admin"


def auth_level() -> str | None:
    level = (settings.get("AUTH_LEVEL") or "").upper()
    return level if level in ("DEMO", "STUDY") else None


def secret() -> str:
    return f"{settings.SECRET_KEY or ''}{settings.ADMIN_PASSWORD or ''}"


def _auth_token() -> str:
    # The cookie stores a value derived from the credentials, so changing the password logs everyone out.
    return hmac.new(secret().encode(), f"admin:{settings.ADMIN_USERNAME}".encode(), "sha256").hexdigest()


def login_required(area: str) -> bool:
    level = auth_level()
    if level is None:
        return False
    if level == "DEMO":
        return area == ALWAYS_LOGIN
    return True


def is_logged_in(conn: HTTPConnection) -> bool:
    token = conn.session.get(AUTH_KEY) if "session" in conn.scope else None
    return bool(token) and hmac.compare_digest(str(token), _auth_token())


def may_access(conn: HTTPConnection, area: str) -> bool:
    return not login_required(area) or is_logged_in(conn)


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_KEY)
    if not token:
        token = secrets.token_urlsafe(24)
        request.session[CSRF_KEY] = token
    return token


async def csrf_ok(request: Request) -> bool:
    if env_flag("OTREE_SKIP_CSRF"):
        return True
    form = await request.form()
    sent = form.get(CSRF_KEY) or request.headers.get("x-csrftoken") or ""
    expected = request.session.get(CSRF_KEY) or ""
    return bool(expected) and hmac.compare_digest(str(sent), str(expected))


def csrf_failed() -> Response:
    return PlainTextResponse("CSRF verification failed", status_code=403)


def admin_view(area: str) -> Callable:
    """Decorate an admin endpoint: login per the auth level, and a CSRF check on every POST."""

    def decorate(endpoint: Callable[[Request], Awaitable[Response]]):
        @functools.wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            if not may_access(request, area):
                return RedirectResponse(f"/login?next={request.url.path}", status_code=302)
            if request.method == "POST" and not await csrf_ok(request):
                return csrf_failed()
            return await endpoint(request)

        wrapper.otree_area = area
        return wrapper

    return decorate


async def login(request: Request) -> Response:
    from .rendering import render

    context = {"error": None, "csrftoken": csrf_token(request), "next": request.query_params.get("next", "/demo")}
    if request.method == "POST":
        if not await csrf_ok(request):
            return csrf_failed()
        form = await request.form()
        context["next"] = str(form.get("next") or context["next"])  # kept when the login fails
        username, password = form.get("username", ""), form.get("password", "")
        configured = settings.ADMIN_PASSWORD or ""
        if (configured and hmac.compare_digest(str(username), str(settings.ADMIN_USERNAME or ""))
                and hmac.compare_digest(str(password), str(configured))):
            request.session[AUTH_KEY] = _auth_token()
            target = str(form.get("next") or "/demo")
            return RedirectResponse(target if target.startswith("/") else "/demo", status_code=302)
        context["error"] = "Login failed" if configured else (
            "Login failed: no admin password is set. Set the OTREE_ADMIN_PASSWORD environment variable.")
    return render("otree/admin/Login.html", context)


async def logout(request: Request) -> Response:
    request.session.pop(AUTH_KEY, None)
    return RedirectResponse("/demo" if auth_level() != "STUDY" else "/login", status_code=302)


def forbidden(message: str) -> HTMLResponse:
    return HTMLResponse(message, status_code=403)
