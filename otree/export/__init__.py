"""Data export: all apps wide, per app, custom exports and page times (reference §8.5).

Column names and order are oTree's. Rows are produced by generators (`rows_wide`,
`rows_app`, `rows_custom`, `rows_page_times`: header first, then data read from the
database in chunks), so exporting 10,000 participants takes no more memory than exporting
ten; `write_csv` / `csv_chunks` / `write_xlsx` consume them as they come.

    from otree.export import rows_app, csv_chunks
    StreamingResponse(csv_chunks(rows_app("survey", session_codes=[code])), media_type="text/csv")

Each rows_* function checks its arguments at once (ExportError for an unknown session code,
app or custom export function) before returning its iterator.
"""

from .columns import PAGE_TIMES_COLUMNS, PARTICIPANT_COLUMNS, SESSION_COLUMNS
from .custom import Players, custom_export_names, rows_custom
from .files import (
    PAGE_TIMES_STEM, WIDE_STEM, custom_stem, export_app, export_custom, export_page_times, export_sessions,
    export_wide, write_rows,
)
from .source import ExportError
from .tables import rows_app, rows_page_times, rows_wide
from .values import cell
from .writers import BOM, FORMATS, check_format, csv_chunks, write_csv, write_xlsx

__all__ = [
    "rows_wide", "rows_app", "rows_custom", "rows_page_times", "custom_export_names", "Players",
    "export_wide", "export_app", "export_custom", "export_page_times", "export_sessions", "write_rows",
    "write_csv", "csv_chunks", "write_xlsx", "check_format", "cell", "ExportError", "FORMATS", "BOM",
    "WIDE_STEM", "PAGE_TIMES_STEM", "custom_stem", "PARTICIPANT_COLUMNS", "SESSION_COLUMNS",
    "PAGE_TIMES_COLUMNS",
]
