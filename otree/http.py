"""Requests and responses for custom views, with Django's names and arguments.

A view ported from oTree 3 changes `from django.http import ...` to `from otree.http import ...`
and keeps working: `HttpResponse(content, content_type=..., status=...)`, `JsonResponse(data)`,
`HttpResponseRedirect(url)`, `raise Http404(message)`, `request.GET` / `POST` / `COOKIES`.
Every response here is also a Starlette Response, and every request a Starlette Request.
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Any, Callable, Iterable

from starlette.datastructures import FormData, QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from otree.jsonable import json_default

# -- requests ---------------------------------------------------------------------------


class _Body(bytes):
    """The request body as bytes (Django's `request.body`) that Starlette's `await request.body()` still reads."""

    def __call__(self):
        async def read() -> bytes:
            return bytes(self)

        return read()


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class HttpRequest(Request):
    """A Starlette Request with Django's everyday attributes; the body is read before the view runs."""

    _post: FormData

    async def load(self) -> "HttpRequest":
        """Read body and form, so that sync views (in a worker thread) can use them as attributes."""
        await Request.body(self)
        self._post = await self.form() if self.content_type.startswith(FORM_TYPES) else FormData()
        return self

    @property
    def body(self) -> _Body:
        return _Body(self._body)

    @property
    def GET(self) -> QueryParams:
        return self.query_params

    @property
    def POST(self) -> FormData:
        return FormData([(k, v) for k, v in self._post.multi_items() if isinstance(v, str)])

    @property
    def FILES(self) -> FormData:
        return FormData([(k, v) for k, v in self._post.multi_items() if not isinstance(v, str)])

    @property
    def COOKIES(self) -> dict[str, str]:
        return self.cookies

    @property
    def path(self) -> str:
        return self.url.path

    @property
    def path_info(self) -> str:
        return self.scope.get("route_path") or self.url.path

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def META(self) -> dict[str, Any]:
        meta = {"HTTP_" + key.upper().replace("-", "_"): value for key, value in self.headers.items()}
        meta.update(
            REQUEST_METHOD=self.method, PATH_INFO=self.url.path, QUERY_STRING=self.url.query,
            CONTENT_TYPE=self.headers.get("content-type", ""), CONTENT_LENGTH=self.headers.get("content-length", ""),
            REMOTE_ADDR=self.client.host if self.client else "", SERVER_NAME=self.url.hostname or "",
            SERVER_PORT=str(self.url.port or ""),
        )
        return meta

    def get_full_path(self) -> str:
        return self.url.path + (f"?{self.url.query}" if self.url.query else "")

    def build_absolute_uri(self, location: str | None = None) -> str:
        base = str(self.url)
        if location is None:
            return base
        from urllib.parse import urljoin

        return urljoin(base, location)

    def is_secure(self) -> bool:
        return self.url.scheme in ("https", "wss")

    def is_ajax(self) -> bool:
        return self.headers.get("x-requested-with") == "XMLHttpRequest"


# -- responses --------------------------------------------------------------------------


class HttpResponse(Response):
    """Django's HttpResponse: `HttpResponse(content=b'', content_type=None, status=200, reason=None, charset=None)`."""

    status_code = 200

    def __init__(self, content: Any = b"", content_type: str | None = None, status: int | None = None,
                 reason: str | None = None, charset: str | None = None, headers: dict | None = None):
        self.charset = charset or "utf-8"
        self.reason_phrase = reason
        all_headers = dict(headers or {})
        all_headers.setdefault("Content-Type", content_type or f"text/html; charset={self.charset}")
        super().__init__(self._as_bytes(content), status_code=status or type(self).status_code, headers=all_headers)

    def _as_bytes(self, content: Any) -> bytes:
        if isinstance(content, bytes):
            return content
        if isinstance(content, str):
            return content.encode(self.charset)
        if isinstance(content, Iterable):
            return b"".join(self._as_bytes(chunk) for chunk in content)
        return str(content).encode(self.charset)

    @property
    def content(self) -> bytes:
        return bytes(self.body)

    @content.setter
    def content(self, value: Any) -> None:
        self.body = self._as_bytes(value)
        self.headers["content-length"] = str(len(self.body))

    def write(self, content: Any) -> None:
        self.content = bytes(self.body) + self._as_bytes(content)

    def __setitem__(self, header: str, value: str) -> None:
        self.headers[header] = value

    def __getitem__(self, header: str) -> str:
        return self.headers[header]

    def __delitem__(self, header: str) -> None:
        del self.headers[header]

    def __contains__(self, header: str) -> bool:
        return header in self.headers

    def has_header(self, header: str) -> bool:
        return header in self.headers


class HttpResponseBadRequest(HttpResponse):
    status_code = 400


class HttpResponseForbidden(HttpResponse):
    status_code = 403


class HttpResponseNotFound(HttpResponse):
    status_code = 404


class HttpResponseServerError(HttpResponse):
    status_code = 500


class HttpResponseNotAllowed(HttpResponse):
    status_code = 405

    def __init__(self, permitted_methods: Iterable[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self["Allow"] = ", ".join(permitted_methods)


class HttpResponseRedirect(HttpResponse):
    """A 302 redirect: `HttpResponseRedirect(redirect_to)`."""

    status_code = 302

    def __init__(self, redirect_to: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self["Location"] = str(redirect_to)

    @property
    def url(self) -> str:
        return self["Location"]


class HttpResponsePermanentRedirect(HttpResponseRedirect):
    status_code = 301


class JsonResponse(HttpResponse):
    """`JsonResponse(data, encoder=None, safe=True, json_dumps_params=None, **kwargs)` as in Django."""

    def __init__(self, data: Any, encoder: type[json.JSONEncoder] | None = None, safe: bool = True,
                 json_dumps_params: dict | None = None, **kwargs):
        if safe and not isinstance(data, dict):
            raise TypeError("JsonResponse sends a dict unless you pass safe=False "
                            f"(got {type(data).__name__}).")
        params = dict(json_dumps_params or {})
        if encoder is not None:
            params["cls"] = encoder
        else:
            params.setdefault("default", json_default)
        kwargs.setdefault("content_type", "application/json")
        super().__init__(content=json.dumps(data, **params), **kwargs)


class Http404(HTTPException):
    """Raise in a view for a 404 answer: `raise Http404("No such market")`."""

    def __init__(self, message: str = "Not Found"):
        super().__init__(status_code=404, detail=str(message) or "Not Found")


class PermissionDenied(HTTPException):
    """Raise in a view for a 403 answer."""

    def __init__(self, message: str = "Forbidden"):
        super().__init__(status_code=403, detail=str(message) or "Forbidden")


# -- shortcuts ----------------------------------------------------------------------------


def render(request: Request | None, template_name: str, context: dict | None = None,
           content_type: str | None = None, status: int | None = None) -> HttpResponse:
    """Render a project template (oTree's template syntax) to a response, like django.shortcuts.render.

    Templates are found where app templates are: the project folder, `_templates/`, and the
    apps' `templates/` folders (so `'my_app/Dashboard.html'` is `my_app/templates/my_app/Dashboard.html`).
    """
    from otree.web.rendering import get_engine

    full_context = {"request": request, **(context or {})}
    html = get_engine().render(template_name, full_context)
    return HttpResponse(html, content_type=content_type, status=status)


def redirect(to: str, permanent: bool = False) -> HttpResponseRedirect:
    return (HttpResponsePermanentRedirect if permanent else HttpResponseRedirect)(to)


def admin_required(view: Callable) -> Callable:
    """Let only a logged-in admin in (when OTREE_AUTH_LEVEL is set); others are sent to the login page.

    Works on sync and async views alike: `@admin_required def market_overview(request): ...`.
    """
    from otree.web import auth

    def refused(request: Request) -> Response | None:
        if auth.may_access(request, auth.ALWAYS_LOGIN):
            return None
        return RedirectResponse(f"/login?next={request.url.path}", status_code=302)

    if asyncio.iscoroutinefunction(view):
        @functools.wraps(view)
        async def async_wrapper(request, *args, **kwargs):
            return refused(request) or await view(request, *args, **kwargs)

        async_wrapper.otree_admin_required = True  # type: ignore[attr-defined]
        return async_wrapper

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return refused(request) or view(request, *args, **kwargs)

    wrapper.otree_admin_required = True  # type: ignore[attr-defined]
    return wrapper


# oTree 3 projects wrote Django's decorator.
login_required = admin_required

__all__ = [
    "HttpRequest", "HttpResponse", "JsonResponse", "HttpResponseRedirect", "HttpResponsePermanentRedirect",
    "HttpResponseBadRequest", "HttpResponseForbidden", "HttpResponseNotFound", "HttpResponseNotAllowed",
    "HttpResponseServerError", "Http404", "PermissionDenied", "render", "redirect", "admin_required",
    "login_required",
]
