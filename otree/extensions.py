"""The project's own routes: ROOT_URLCONF and EXTENSION_APPS, assembled with the framework's.

For each app in `EXTENSION_APPS`, the package `<app>/otree_extensions/` may hold
`urls.py` (`urlpatterns`), `routing.py` (`websocket_routes`) and `admin.py`
(`data_export_views`: views listed on the admin's Data page, behind admin login). They are
added after the framework's routes; then the project's `urls.py` (ROOT_URLCONF) runs, and
its `urlpatterns` is what the server routes. Any problem is a ConfigError naming the file.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute

from otree import urls
from otree.conf import settings
from otree.errors import ConfigError, find_line


@dataclass
class DataView:
    """An extra admin data view of an extension, for the Data page."""

    display_name: str
    url: str | None
    app_name: str


# The data views of the loaded extensions (read by the admin Data page).
data_views: list[DataView] = []


def _import(project, module_name: str, path: str):
    from otree.project import _import_user_module

    project.module_names.add(module_name.split(".")[0])
    # Imported afresh each time the app is built: urls.py appends to otree.urls.urlpatterns,
    # which is refilled for every build.
    for name in [n for n in sys.modules if n == module_name or n.startswith(module_name + ".")]:
        del sys.modules[name]
    return _import_user_module(module_name, path)


def _check_routes(value: Any, name: str, path: str) -> list[BaseRoute]:
    if not isinstance(value, (list, tuple)):
        raise ConfigError(
            f"{name} must be a list of routes, not {type(value).__name__}.", path=path, line=find_line(path, name),
            fix=f"write {name} = [path('...', view), ...] (with path/re_path from otree.urls).",
        )
    for item in value:
        if not isinstance(item, BaseRoute):
            raise ConfigError(
                f"{name} contains {item!r}, which is not a route.", path=path, line=find_line(path, name),
                fix="build each entry with path(...) or re_path(...) from otree.urls.",
            )
    return list(value)


def _extension_folder(project, app_name: str) -> str:
    folder = os.path.join(project.root, *app_name.split("."))
    if not os.path.isdir(folder):
        raise ConfigError(
            f"EXTENSION_APPS names {app_name!r}, but there is no folder {app_name}/ in the project.",
            path=project.settings_path, line=find_line(project.settings_path, "EXTENSION_APPS"),
            fix="correct the name in EXTENSION_APPS, or create the app folder with otree_extensions/ inside.",
        )
    return os.path.join(folder, "otree_extensions")


def _admin_only(app):
    """Wrap an ASGI app so that, under an auth level, only a logged-in admin gets in."""
    from otree.web import auth

    async def guarded(scope, receive, send):
        connection = HTTPConnection(scope)
        if scope["type"] == "http" and not auth.may_access(connection, auth.ALWAYS_LOGIN):
            response = RedirectResponse(f"/login?next={connection.url.path}", status_code=302)
            await response(scope, receive, send)
            return
        await app(scope, receive, send)

    return guarded


def _plain_url(pattern: str) -> str | None:
    """The URL of a data view's pattern when it has no parameters ('^my_data/$' -> '/my_data/')."""
    text = pattern.strip()
    text = text[1:] if text.startswith("^") else text
    text = text[:-1] if text.endswith("$") else text
    if "<" in text or re.search(r"[()\[\]{}*+?|\\]", text):
        return None
    return "/" + text.lstrip("/")


def _data_view_routes(app_name: str, module, path: str) -> list[BaseRoute]:
    routes = []
    for view in getattr(module, "data_export_views", []) or []:
        pattern = getattr(view, "url_pattern", None)
        if not isinstance(pattern, str):
            raise ConfigError(
                f"The data export view {getattr(view, '__name__', view)!r} has no url_pattern.",
                path=path, line=find_line(path, getattr(view, "__name__", "data_export_views")),
                fix="give it url_pattern (e.g. r'^my_data/$'), url_name and display_name attributes.",
            )
        name = getattr(view, "url_name", None) or getattr(view, "__name__", None)
        make = urls.re_path if pattern.startswith("^") or pattern.endswith("$") else urls.path
        try:
            route = make(pattern, view, name=name)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"Data export view {name!r}: {exc}", path=path,
                              line=find_line(path, getattr(view, "__name__", pattern))) from None
        route.app = _admin_only(route.app)  # type: ignore[attr-defined]  # a Route (path and re_path make one)
        routes.append(route)
        display_name = getattr(view, "display_name", None) or name or pattern
        data_views.append(DataView(display_name, _plain_url(pattern), app_name))
    return routes


def extension_routes(project) -> tuple[list[BaseRoute], list[BaseRoute]]:
    """(HTTP routes, WebSocket routes) of the EXTENSION_APPS."""
    data_views.clear()
    http: list[BaseRoute] = []
    websocket: list[BaseRoute] = []
    apps = settings.get("EXTENSION_APPS") or []
    if not isinstance(apps, (list, tuple)) or not all(isinstance(a, str) for a in apps):
        raise ConfigError("EXTENSION_APPS must be a list of app names.", path=project.settings_path,
                          line=find_line(project.settings_path, "EXTENSION_APPS"), fix="EXTENSION_APPS = ['my_app']")
    for app_name in apps:
        folder = _extension_folder(project, app_name)
        package = f"{app_name}.otree_extensions"
        sources = (("urls.py", "urlpatterns", http), ("routing.py", "websocket_routes", websocket))
        for filename, attribute, target in sources:
            path = os.path.join(folder, filename)
            if os.path.isfile(path):
                module = _import(project, f"{package}.{filename[:-3]}", path)
                target += _check_routes(getattr(module, attribute, []), attribute, path)
        path = os.path.join(folder, "admin.py")
        if os.path.isfile(path):
            http += _data_view_routes(app_name, _import(project, f"{package}.admin", path), path)
    return http, websocket


def root_urlconf_routes(project) -> list[BaseRoute]:
    """The routes the server serves: the project's urlpatterns, or the framework's list."""
    name = settings.get("ROOT_URLCONF")
    if not name:
        return urls.urlpatterns
    if not isinstance(name, str):
        raise ConfigError("ROOT_URLCONF must be a module name such as 'urls'.", path=project.settings_path,
                          line=find_line(project.settings_path, "ROOT_URLCONF"))
    path = os.path.join(project.root, *name.split(".")) + ".py"
    if not os.path.isfile(path):
        raise ConfigError(
            f"ROOT_URLCONF is {name!r}, but there is no {os.path.relpath(path, project.root)} in the project.",
            path=project.settings_path, line=find_line(project.settings_path, "ROOT_URLCONF"),
            fix=f"create {os.path.relpath(path, project.root)} with `from otree.urls import urlpatterns, path`.",
        )
    module = _import(project, name, path)
    if not hasattr(module, "urlpatterns"):
        raise ConfigError(f"{name} has no urlpatterns.", path=path,
                          fix="start it with `from otree.urls import urlpatterns` and append your routes.")
    return _check_routes(module.urlpatterns, "urlpatterns", path)


def build_routes(project, framework_routes: list[BaseRoute]) -> list[BaseRoute]:
    """All routes in serving order: the framework's, the extensions', then what urls.py added."""
    extra_http, extra_websocket = extension_routes(project)
    urls.urlpatterns[:] = list(framework_routes) + extra_http + extra_websocket
    routes = root_urlconf_routes(project)
    urls.served_routes = routes
    return list(routes)
