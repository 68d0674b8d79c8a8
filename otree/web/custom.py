"""Serving custom views: Django-style functions and classes turned into ASGI applications.

A sync view runs in a worker thread inside its own unit of work (what it changes on models
is saved at the end, no `.save()`); an async view is awaited on the event loop (it opens a
unit of work itself if it needs the database, e.g. with `database_sync_to_async`). Both get
an `otree.http.HttpRequest`, whose body and form are read before the view runs.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from otree.http import HttpRequest


def _name(view: Any) -> str:
    return getattr(view, "__qualname__", None) or getattr(view, "__name__", None) or repr(view)


def as_response(result: Any, view: Any) -> Response:
    if isinstance(result, Response):
        return result
    raise TypeError(
        f"The view {_name(view)} returned {type(result).__name__} instead of a response: "
        f"return an HttpResponse, JsonResponse, HttpResponseRedirect (from otree.http) or render(...)."
    )


async def call_view(view: Callable, request: HttpRequest, args: tuple, kwargs: dict) -> Response:
    from otree.channels.sync import run_in_unit_of_work

    if asyncio.iscoroutinefunction(view) or asyncio.iscoroutinefunction(getattr(view, "func", None)):
        result = await view(request, *args, **kwargs)
    else:
        result = await run_in_unit_of_work(view, request, *args, **kwargs)
    return as_response(result, view)


def view_app(view: Callable) -> Callable:
    """The ASGI app of a function view `view(request, *args, **kwargs)`."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request = await HttpRequest(scope, receive).load()
        route = scope.get("url_route", {})
        response = await call_view(view, request, tuple(route.get("args", ())), dict(route.get("kwargs", {})))
        await response(scope, receive, send)

    functools.update_wrapper(app, view, updated=())
    return app


def class_view_app(cls: type) -> Callable:
    """A class with get/post/... methods (Django's class-based views): one instance per request."""
    from otree.http import HttpResponseNotAllowed

    methods = [m for m in ("get", "post", "put", "patch", "delete", "head", "options") if hasattr(cls, m)]

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request = await HttpRequest(scope, receive).load()
        method = request.method.lower()
        if method == "head" and "head" not in methods and "get" in methods:
            method = "get"
        if method not in methods:
            response: Response = HttpResponseNotAllowed([m.upper() for m in methods])
        else:
            instance = cls()
            instance.request = request
            route = scope.get("url_route", {})
            instance.args, instance.kwargs = tuple(route.get("args", ())), dict(route.get("kwargs", {}))
            response = await call_view(getattr(instance, method), request, instance.args, instance.kwargs)
        await response(scope, receive, send)

    app.__name__ = cls.__name__
    return app
