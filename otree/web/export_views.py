"""Data downloads: the admin "Data" page, its download URLs, and the REST /api/export_* endpoints.

CSV is streamed row by row (a large session never sits in memory); Excel .xlsx is written to a
temporary file in write-only mode and then sent. The Data page downloads with fetch() and
shows how many rows have arrived, so a long export visibly progresses.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from typing import Callable, Iterator

from starlette.background import BackgroundTask
from starlette.concurrency import iterate_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from otree.export import (PAGE_TIMES_STEM, WIDE_STEM, ExportError, csv_chunks, custom_export_names,
                          custom_stem, rows_app, rows_custom, rows_page_times, rows_wide, write_xlsx)
from otree.export.chat import rows_chat
from otree.project import get_project

from .auth import admin_view, is_logged_in
from .endpoints import endpoint
from .rendering import render

FORMATS = {"csv": ("csv", "text/csv"), "csv_bom": ("csv", "text/csv"),
           "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


def _rows_for(kind: str, params) -> tuple[str, Callable[[], Iterator[list]]]:
    """The file stem and a row generator factory for an export request; ExportError if invalid."""
    codes = params.get("session_code") or None
    if kind == "wide":
        return WIDE_STEM, lambda: rows_wide(codes)
    if kind == "page_times":
        return PAGE_TIMES_STEM, lambda: rows_page_times(codes)
    if kind == "chat":
        return "ChatMessages", lambda: rows_chat(codes)
    app = params.get("app") or params.get("app_name")
    if not app:
        raise ExportError("The parameter app=<app name> is missing")
    if kind == "app":
        return app, lambda: rows_app(app, codes)
    function_name = params.get("function_name") or "custom_export"
    return custom_stem(app, function_name), lambda: rows_custom(app, function_name, codes)


def _download(kind: str, params) -> Response:
    """The file for an export request (on a worker thread; the row functions open their own units of work)."""
    fmt = params.get("format") or "csv"
    if fmt not in FORMATS:
        return PlainTextResponse(f"Unknown format {fmt!r}: use csv, csv_bom or xlsx", status_code=400)
    extension, media_type = FORMATS[fmt]
    try:
        stem, make_rows = _rows_for(kind, params)
        # Building the generator validates app, function and sessions before any byte is sent.
        rows = make_rows()
    except ExportError as exc:
        return PlainTextResponse(str(exc), status_code=404)
    filename = f"{stem}-{datetime.date.today():%Y-%m-%d}.{extension}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "xlsx":
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        write_xlsx(rows, path, stem)
        return FileResponse(path, media_type=media_type, headers=headers,
                            background=BackgroundTask(os.remove, path))
    chunks = iterate_in_threadpool(csv_chunks(rows, bom=fmt == "csv_bom"))
    return StreamingResponse(chunks, media_type=f"{media_type}; charset=utf-8", headers=headers)


def _admin_download(kind: str):
    @admin_view("admin")
    @endpoint(db=None, form=False)
    def view(request: Request, form: None) -> Response:
        return _download(kind, request.query_params)

    view.__name__ = f"export_{kind}"
    return view


@admin_view("admin")
@endpoint(db="read")
def export_index(request: Request, form: FormData | None) -> Response:
    from sqlalchemy import select

    from otree.db.core import Session
    from otree.db.uow import current_session
    from otree.extensions import data_views

    query = select(Session).filter_by(is_demo=False).order_by(Session.id.desc())
    sessions = [(s.code, s.config_name, s.label or "") for s in current_session().scalars(query)]
    apps = [dict(name=app.name, custom=custom_export_names(app)) for app in get_project().apps.values()]
    return render("otree/admin/ExportIndex.html", dict(
        apps=apps, sessions=sessions, admin_logged_in=is_logged_in(request), data_views=data_views))


def routes() -> list:
    return [
        Route("/ExportIndex", export_index),
        Route("/ExportWide", _admin_download("wide")),
        Route("/ExportApp", _admin_download("app")),
        Route("/ExportAppCustom", _admin_download("custom")),
        Route("/ExportPageTimes", _admin_download("page_times")),
        Route("/ExportChat", _admin_download("chat")),
    ]


def websocket_routes() -> list:
    return []


def rest_routes(api) -> list:
    """The REST export endpoints, wrapped by rest.api (REST key, JSON errors, a worker thread)."""

    def make(kind: str):
        def handler(request: Request, payload: dict) -> Response:
            params = dict(request.query_params)
            params.update({k: v for k, v in payload.items() if isinstance(v, str)})
            return _download(kind, params)

        handler.__name__ = f"api_export_{kind}"
        return api(handler, db=None)  # the row functions open their own units of work

    return [
        Route("/api/export_wide", make("wide")),
        Route("/api/export_app", make("app")),
        Route("/api/export_app_custom", make("custom")),
        Route("/api/export_page_times", make("page_times")),
        Route("/api/export_chat", make("chat")),
    ]
