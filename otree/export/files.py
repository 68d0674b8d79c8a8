"""Exports written to a stream or a file, and `export_sessions` (used by `otree test --export`)."""

from __future__ import annotations

import os
from typing import IO, Any, Iterable

from .custom import custom_export_names, rows_custom
from .source import apps_of, load_sessions
from .tables import rows_app, rows_page_times, rows_wide
from .writers import check_format, write_csv, write_xlsx

WIDE_STEM = "all_apps_wide"
PAGE_TIMES_STEM = "PageTimes"


def custom_stem(app_name: str, function_name: str) -> str:
    return f"{app_name}_{function_name}"


def write_rows(rows: Iterable[list], out: Any, fmt: str = "csv", title: str = "Sheet") -> None:
    """csv / csv_bom: `out` is a text stream (newline='') or a binary stream; xlsx: a path or binary stream."""
    check_format(fmt)
    if fmt == "xlsx":
        write_xlsx(rows, out, title=title)
    else:
        write_csv(rows, out, bom=fmt == "csv_bom")


def export_wide(out: IO, session_codes=None, fmt: str = "csv") -> None:
    check_format(fmt)
    write_rows(rows_wide(session_codes), out, fmt, WIDE_STEM)


def export_app(out: IO, app_name: str, session_codes=None, fmt: str = "csv") -> None:
    check_format(fmt)
    write_rows(rows_app(app_name, session_codes), out, fmt, app_name)


def export_custom(out: IO, app_name: str, function_name: str = "custom_export", session_codes=None,
                  fmt: str = "csv") -> None:
    check_format(fmt)
    write_rows(rows_custom(app_name, function_name, session_codes), out, fmt, custom_stem(app_name, function_name))


def export_page_times(out: IO, session_codes=None, fmt: str = "csv") -> None:
    check_format(fmt)
    write_rows(rows_page_times(session_codes), out, fmt, PAGE_TIMES_STEM)


def export_sessions(session_codes, path: str) -> list[str]:
    """Write every export of these sessions as CSV files into folder `path` (created if needed):
    all_apps_wide.csv, <app>.csv per app, <app>_<function>.csv per custom export, PageTimes.csv.
    Returns the file names, in that order."""
    os.makedirs(path, exist_ok=True)
    apps = apps_of(load_sessions(session_codes))
    jobs: list[tuple[str, Any]] = [(f"{WIDE_STEM}.csv", lambda: rows_wide(session_codes))]
    for app in apps:
        jobs.append((f"{app.name}.csv", lambda app=app: rows_app(app.name, session_codes)))
        for function_name in custom_export_names(app):
            jobs.append((
                f"{custom_stem(app.name, function_name)}.csv",
                lambda app=app, fn=function_name: rows_custom(app.name, fn, session_codes),
            ))
    jobs.append((f"{PAGE_TIMES_STEM}.csv", lambda: rows_page_times(session_codes)))
    names = []
    for name, make_rows in jobs:
        with open(os.path.join(path, name), "w", encoding="utf-8", newline="") as f:
            write_csv(make_rows(), f)
        names.append(name)
    return names
