"""URL routing the Django way: `urlpatterns`, `path()`, `re_path()`, `include()`.

`urlpatterns` is the list of the framework's own routes, filled when the app is built. A
project's `urls.py` (named by `ROOT_URLCONF = 'urls'` in settings.py) appends to it:

    from otree.urls import urlpatterns, path
    urlpatterns.append(path('my_view/', my_view))

and the project's `urlpatterns` is then what the server routes, in that order. `path()`
takes Django's syntax (`'market/<int:pk>/'`, converters int, str, slug, uuid, path);
`re_path()` a regex with named groups. The same functions build `websocket_routes` for
consumers (a consumer class, or `Consumer.as_asgi()`).
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import re
import types
from typing import Any, Callable, Iterable

from starlette.convertors import CONVERTOR_TYPES, Convertor, StringConvertor
from starlette.routing import BaseRoute, Match, Mount, NoMatchFound, compile_path, get_route_path, replace_params
from starlette.types import Receive, Scope, Send

# The framework's routes (HTTP, WebSocket and static files); see the module docstring.
urlpatterns: list[BaseRoute] = []
# What the server routes (the project's urlpatterns when ROOT_URLCONF is set); for reverse().
served_routes: list[BaseRoute] = urlpatterns


class SlugConvertor(Convertor):
    regex = "[-a-zA-Z0-9_]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return str(value)


DJANGO_CONVERTORS = {"int": "int", "str": "str", "slug": "slug", "uuid": "uuid", "path": "path"}
CONVERTOR_TYPES.setdefault("slug", SlugConvertor())

_DJANGO_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def django_to_starlette(route: str) -> str:
    """'market/<int:pk>/' -> '/market/{pk:int}/' (Django paths have no leading slash)."""

    def replace(match: re.Match) -> str:
        converter, name = match.group("converter") or "str", match.group("name")
        if converter not in DJANGO_CONVERTORS:
            raise ValueError(f"Unknown path converter {converter!r} in {route!r} "
                             f"(use one of: {', '.join(DJANGO_CONVERTORS)})")
        if not name.isidentifier():
            raise ValueError(f"{name!r} in {route!r} is not a valid parameter name")
        return "{%s:%s}" % (name, DJANGO_CONVERTORS[converter])

    return "/" + _DJANGO_PARAM.sub(replace, route.lstrip("/"))


# -- what a route serves ----------------------------------------------------------------

HTTP, WEBSOCKET, BOTH = "http", "websocket", "both"


def _is_asgi_function(fn: Any) -> bool:
    if not asyncio.iscoroutinefunction(fn):
        return False
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return False
    return params[:3] == ["scope", "receive", "send"]


def endpoint_app(endpoint: Any) -> tuple[Callable, str]:
    """The ASGI app for a route's endpoint, and which connections it serves.

    Function views (sync or async, Django-style `view(request, **kwargs)`) serve HTTP; consumer
    classes and `.as_asgi()` apps serve WebSockets; Starlette endpoint classes serve their kind;
    any other ASGI app (a function `(scope, receive, send)` or an object) serves both.
    """
    from starlette.endpoints import HTTPEndpoint, WebSocketEndpoint

    from otree.channels.generic import is_consumer

    if is_consumer(endpoint):
        app = endpoint if hasattr(endpoint, "consumer_class") else endpoint.as_asgi()
        return app, WEBSOCKET
    if isinstance(endpoint, type):
        if issubclass(endpoint, WebSocketEndpoint):
            return endpoint, WEBSOCKET
        if issubclass(endpoint, HTTPEndpoint):
            return endpoint, HTTP
        if any(callable(getattr(endpoint, m, None)) for m in ("get", "post", "put", "patch", "delete")):
            from otree.web.custom import class_view_app

            return class_view_app(endpoint), HTTP
        raise TypeError(f"{endpoint.__name__} is neither a view, a consumer nor an endpoint class")
    if _is_asgi_function(endpoint):
        return endpoint, BOTH
    if inspect.isfunction(endpoint) or inspect.ismethod(endpoint) or isinstance(endpoint, functools.partial):
        from otree.web.custom import view_app

        return view_app(endpoint), HTTP
    if callable(endpoint):
        return endpoint, BOTH
    raise TypeError(f"{endpoint!r} is not a view, a consumer or an ASGI application")


class URLPattern(BaseRoute):
    """A route made by path() or re_path(): matches the path and the kind of connection."""

    def __init__(self, regex: re.Pattern, endpoint: Any, *, path_format: str | None = None,
                 convertors: dict[str, Convertor] | None = None, kwargs: dict | None = None,
                 name: str | None = None, route: str = "") -> None:
        self.regex = regex
        self.endpoint = endpoint
        self.app, self.serves = endpoint_app(endpoint)
        self.path_format = path_format
        self.convertors = convertors or {}
        self.default_kwargs = dict(kwargs or {})
        self.name = name
        self.route = route
        # Starlette's Router and url_path_for look for these.
        self.path = path_format or route

    def __repr__(self) -> str:
        return f"<URLPattern {self.route!r} -> {getattr(self.endpoint, '__name__', self.endpoint)!r}>"

    def _match(self, path: str) -> re.Match | None:
        if self.path_format is not None:
            return self.regex.match(path)
        # re_path(): the regex is matched against the path without its leading slash, as in Django.
        return self.regex.search(path[1:] if path.startswith("/") else path)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        kind = scope["type"]
        if kind not in ("http", "websocket") or (self.serves != BOTH and self.serves != kind):
            return Match.NONE, {}
        match = self._match(get_route_path(scope))
        if match is None:
            return Match.NONE, {}
        groups = match.groupdict()
        params = {key: self.convertors.get(key, StringConvertor()).convert(value)
                  for key, value in groups.items() if value is not None}
        # Django passes unnamed groups positionally, only when there are no named ones.
        args = () if groups else tuple(g for g in match.groups() if g is not None)
        path_params = dict(scope.get("path_params", {}))
        path_params.update(params)
        kwargs = {**path_params, **self.default_kwargs}
        child_scope = {"endpoint": self.endpoint, "path_params": path_params,
                       "url_route": {"args": args, "kwargs": kwargs}, "otree_view_args": args}
        return Match.FULL, child_scope

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any):
        from starlette.datastructures import URLPath

        if name != self.name or self.path_format is None:
            raise NoMatchFound(name, path_params)
        expected = set(self.convertors)
        if set(path_params) != expected:
            raise NoMatchFound(name, path_params)
        path, remaining = replace_params(self.path_format, self.convertors, dict(path_params))
        return URLPath(path=path, protocol="websocket" if self.serves == WEBSOCKET else "http")


class _Included:
    def __init__(self, patterns: list[BaseRoute] | None = None, app: Any = None):
        self.patterns = patterns
        self.app = app


def include(arg: Any, namespace: str | None = None) -> _Included:
    """Patterns to serve under a prefix: `path('market/', include(market_patterns))`.

    `arg` is a list of patterns, a module (or its dotted name) with `urlpatterns`, or an
    ASGI application (a Starlette app, say), which then gets every path under the prefix.
    """
    if isinstance(arg, tuple):  # Django's include((patterns, app_name), namespace)
        arg = arg[0]
    if isinstance(arg, str):
        arg = importlib.import_module(arg)
    if isinstance(arg, types.ModuleType):
        patterns = getattr(arg, "urlpatterns", None)
        if patterns is None:
            raise ValueError(f"include(): module {arg.__name__} has no urlpatterns")
        return _Included(patterns=list(patterns))
    if isinstance(arg, (list, tuple)):
        return _Included(patterns=list(arg))
    if callable(arg):
        return _Included(app=arg)
    raise TypeError(f"include() takes a list of patterns, a module or an ASGI app, not {arg!r}")


def path(route: str, view: Any, kwargs: dict | None = None, name: str | None = None) -> BaseRoute:
    """A route in Django's syntax: `path('market/<int:pk>/', market_view, name='market')`."""
    starlette_path = django_to_starlette(route)
    if isinstance(view, _Included):
        prefix = starlette_path.rstrip("/")
        if view.app is not None:
            return Mount(prefix, app=view.app, name=name)
        return Mount(prefix, routes=view.patterns, name=name)
    regex, path_format, convertors = compile_path(starlette_path)
    return URLPattern(regex, view, path_format=path_format, convertors=convertors, kwargs=kwargs, name=name,
                      route=route)


def re_path(route: str, view: Any, kwargs: dict | None = None, name: str | None = None) -> BaseRoute:
    """A route given by a regex with named groups: `re_path(r'^year/(?P<year>[0-9]{4})/$', view)`."""
    if isinstance(view, _Included):
        raise TypeError("re_path() cannot include(); write the prefix with path() instead")
    try:
        regex = re.compile(route)
    except re.error as exc:
        raise ValueError(f"re_path(): {route!r} is not a valid regular expression: {exc}") from None
    return URLPattern(regex, view, kwargs=kwargs, name=name, route=route)


# Django 1.x spelled re_path url(); old projects' urls.py and routing.py use it.
url = re_path


def reverse(name: str, kwargs: dict | None = None, args: Iterable | None = None) -> str:
    """The path of a named route: `reverse('market', kwargs={'pk': 3})`."""
    if args:
        raise TypeError("reverse(): pass the parameters as kwargs")
    for route in served_routes:
        try:
            return str(route.url_path_for(name, **(kwargs or {})))
        except NoMatchFound:
            continue
    raise NoMatchFound(name, kwargs or {})


__all__ = ["urlpatterns", "path", "re_path", "url", "include", "reverse", "URLPattern"]
