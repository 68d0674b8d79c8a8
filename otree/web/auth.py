"""Admin authentication: auth levels, login, the signed session cookie, CSRF.

OTREE_AUTH_LEVEL unset: everything is open. DEMO: the demo and per-session pages are open,
the rest of the admin needs login. STUDY: every admin page and admin WebSocket needs login.
Participant pages never need it.
"""

from __future__ import annotations

import functools
import hmac
import re
import secrets
from typing import Any, Awaitable, Callable
from urllib.parse import quote, unquote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from otree.conf import env_flag, settings
from otree.db.login_attempts import clear_failures, recent_failures, record_failure

from .rendering import render

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


def same_text(a: Any, b: Any) -> bool:
    """Constant-time comparison of two texts (any characters: compare_digest refuses non-ASCII str)."""
    return hmac.compare_digest(str(a).encode("utf-8", "surrogatepass"), str(b).encode("utf-8", "surrogatepass"))


def is_logged_in(conn: HTTPConnection) -> bool:
    token = conn.session.get(AUTH_KEY) if "session" in conn.scope else None
    return bool(token) and same_text(token, _auth_token())


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
    return bool(expected) and isinstance(sent, str) and same_text(sent, expected)


def csrf_failed() -> Response:
    return PlainTextResponse("CSRF verification failed", status_code=403)


def admin_view(area: str) -> Callable:
    """Decorate an admin endpoint: login per the auth level, and a CSRF check on every POST."""

    def decorate(endpoint: Callable[[Request], Awaitable[Response]]):
        @functools.wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            if not may_access(request, area):
                return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=302)
            if request.method == "POST" and not await csrf_ok(request):
                return csrf_failed()
            return await endpoint(request)

        wrapper.otree_area = area
        return wrapper

    return decorate


DEFAULT_NEXT = "/demo"
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f\\]")


def safe_next(target: Any) -> str:
    """`target` if it is a path on this site, else /demo.

    Refused: absolute URLs and schemes, protocol-relative `//host`, backslashes (browsers read
    `/\\host` as `//host`), whitespace and control characters (browsers drop tabs and newlines,
    so `/\t/host` is `//host` too), and any of these hidden behind percent-encoding.
    """
    if not isinstance(target, str) or not target.startswith("/"):
        return DEFAULT_NEXT
    decoded = target
    for _ in range(3):  # encoded, double-encoded, triple-encoded
        parts = urlsplit(decoded)
        if decoded.startswith("//") or _UNSAFE_CHARS.search(decoded) or parts.scheme or parts.netloc:
            return DEFAULT_NEXT
        decoded = unquote(decoded)
    return target


def _client(request: Request) -> str:
    # Behind a proxy, uvicorn's --proxy-headers sets this from X-Forwarded-For.
    return (request.client.host if request.client else "") or "unknown"


async def login(request: Request) -> Response:
    context = {"error": None, "csrftoken": csrf_token(request), "next": safe_next(request.query_params.get("next"))}
    if request.method == "POST":
        if not await csrf_ok(request):
            return csrf_failed()
        form = await request.form()
        context["next"] = safe_next(form.get("next") or context["next"])  # kept when the login fails
        client, window = _client(request), float(settings.LOGIN_ATTEMPTS_WINDOW_SECONDS)
        if await run_in_threadpool(recent_failures, client, window) >= int(settings.LOGIN_MAX_ATTEMPTS):
            context["error"] = (f"Too many failed login attempts. Try again in {round(window / 60) or 1} "
                                f"minute(s).")
            return render("otree/admin/Login.html", context, status=429)
        username, password = form.get("username", ""), form.get("password", "")
        configured = settings.ADMIN_PASSWORD or ""
        # Both comparisons always run, so the time taken tells nothing about which one failed.
        user_ok = same_text(username, settings.ADMIN_USERNAME or "")
        password_ok = same_text(password, configured)
        if configured and user_ok & password_ok:
            await run_in_threadpool(clear_failures, client)
            request.session[AUTH_KEY] = _auth_token()
            return RedirectResponse(context["next"], status_code=302)
        if configured:
            await run_in_threadpool(record_failure, client, window)
        context["error"] = "Login failed" if configured else (
            "Login failed: no admin password is set. Set the OTREE_ADMIN_PASSWORD environment variable.")
    return render("otree/admin/Login.html", context)


async def logout(request: Request) -> Response:
    request.session.pop(AUTH_KEY, None)
    return RedirectResponse("/demo" if auth_level() != "STUDY" else "/login", status_code=302)


def forbidden(message: str) -> HTMLResponse:
    return HTMLResponse(message, status_code=403)
