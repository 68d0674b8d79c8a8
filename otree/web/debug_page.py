"""The development error page: the exception, its traceback with the user's lines, and their locals.

Shown only with DEBUG (OTREE_PRODUCTION unset); production answers with a plain page.
"""

from __future__ import annotations

import os
import traceback

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from otree.debugging import chain_of, frames_of, grouped

from .rendering import PACKAGE_DIR

_environment = Environment(
    loader=FileSystemLoader(os.path.join(PACKAGE_DIR, "templates", "otree", "errors")),
    autoescape=select_autoescape(default=True),
)


def debug_response(request: Request, exc: BaseException) -> HTMLResponse:
    try:
        chain = [dict(type=type(e).__name__, module=type(e).__module__, message=str(e), groups=grouped(frames_of(e)))
                 for e in chain_of(exc)]
        html = _environment.get_template("DebugError.html").render(
            method=request.method, path=request.url.path, chain=chain,
            text="".join(traceback.format_exception(exc)),
        )
    except Exception:  # noqa: BLE001 - the page about an error must not become a second one
        html = ("<!doctype html><title>Server error</title><h1>Server error</h1><pre>"
                + _escape("".join(traceback.format_exception(exc))) + "</pre>")
    return HTMLResponse(html, status_code=500)


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
