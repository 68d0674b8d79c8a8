"""Default protections on every HTTP response: security headers, a CSP, Secure cookies over HTTPS.

`SecurityHeaders` wraps the whole ASGI app once, so routes added later are covered too:

* every response: `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin`;
* admin and other non-participant pages: `X-Frame-Options: SAMEORIGIN` (participant pages
  may be embedded by other sites, e.g. a survey tool, so they stay frameable);
* oTree's own admin pages (rendered through `strict_page_nonce()`): a Content-Security-Policy
  that allows scripts only from this site or with the response's nonce, never inline code;
  pages rendered from the app's templates get a CSP that only forbids plugins and `<base>`
  hijacking, because their templates carry inline scripts and handlers by design;
* over HTTPS (`scope["scheme"]`, which uvicorn sets from X-Forwarded-Proto behind a trusted
  proxy with --proxy-headers), every Set-Cookie gets the `Secure` attribute.
"""

from __future__ import annotations

import contextvars
import secrets

# Paths that serve participants (and may be framed by other sites); everything else is admin.
PARTICIPANT_PREFIXES = ("/p/", "/InitializeParticipant/", "/join/", "/room/", "/OutOfRangeNotification/",
                        "/static/", "/live", "/wait_page", "/subsession_wait_page", "/group_by_arrival_time",
                        "/auto_advance")

STRICT_CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
              "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
              "form-action 'self'; frame-ancestors 'self'")
APP_CSP = "object-src 'none'; base-uri 'self'"


class _PageState:
    __slots__ = ("nonce", "strict")

    def __init__(self) -> None:
        self.nonce = ""  # made when a page asks for it: most responses never do
        self.strict = False


_page_state: contextvars.ContextVar[_PageState | None] = contextvars.ContextVar("otree_page_state", default=None)


def strict_page_nonce() -> str:
    """The nonce for inline scripts of a built-in page; the response then gets the strict CSP.

    The state object is shared with the middleware (worker threads get a copy of the context,
    which still holds the same object), so marking it here changes the response's headers.
    """
    state = _page_state.get()
    if state is None:  # rendering outside a request (tests, bots' HTML checks)
        return ""
    state.strict = True
    if not state.nonce:
        state.nonce = secrets.token_urlsafe(16)
    return state.nonce


def is_participant_path(path: str) -> bool:
    return path.startswith(PARTICIPANT_PREFIXES)


def _add_secure(cookie: bytes) -> bytes:
    attributes = [part.strip().lower() for part in cookie.split(b";")[1:]]
    return cookie if b"secure" in attributes else cookie + b"; Secure"


class SecurityHeaders:
    """ASGI middleware adding the headers described in the module docstring."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        state = _PageState()
        token = _page_state.set(state)
        https = scope.get("scheme") == "https"
        participant = is_participant_path(scope.get("path", ""))

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {key.lower() for key, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
                if not participant:
                    extra.append((b"x-frame-options", b"SAMEORIGIN"))
                csp = STRICT_CSP.format(nonce=state.nonce) if state.strict else APP_CSP
                extra.append((b"content-security-policy", csp.encode()))
                headers += [(key, value) for key, value in extra if key not in present]
                if https:
                    headers = [(k, _add_secure(v) if k.lower() == b"set-cookie" else v) for k, v in headers]
                message = dict(message, headers=headers)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            _page_state.reset(token)
