"""Writing rows as CSV (optionally with the UTF-8 BOM Excel wants) or as an XLSX workbook.

Both consume the rows as they come, so memory stays flat: the CSV writer writes (or yields)
text in small batches, and the XLSX writer uses openpyxl's write-only mode, which streams
rows into a temporary file.
"""

from __future__ import annotations

import csv
import io
import re
from typing import IO, Any, Iterable, Iterator

BOM = "\ufeff"
FORMATS = ("csv", "csv_bom", "xlsx")

# Rows written to the stream at once.
_BATCH = 200


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def csv_chunks(rows: Iterable[list], bom: bool = False, batch: int = _BATCH) -> Iterator[str]:
    """The CSV text of `rows`, a few rows per chunk (for streaming HTTP responses)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write(BOM)
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending >= batch:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    text = buffer.getvalue()
    if text:
        yield text


def _is_binary(stream) -> bool:
    if isinstance(stream, (io.RawIOBase, io.BufferedIOBase)):
        return True
    if isinstance(stream, io.TextIOBase):
        return False
    return "b" in getattr(stream, "mode", "")


def write_csv(rows: Iterable[list], stream: IO, bom: bool = False) -> None:
    """Write rows as CSV to a text stream (open it with newline='') or a binary stream (UTF-8)."""
    if _is_binary(stream):
        for chunk in csv_chunks(rows, bom=bom):
            stream.write(chunk.encode("utf-8"))
        return
    for chunk in csv_chunks(rows, bom=bom):
        stream.write(chunk)


# Control characters that XML 1.0 (and so XLSX) cannot hold.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_INVALID_TITLE = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str) -> str:
    return (_INVALID_TITLE.sub("_", name) or "Sheet")[:31]


def write_xlsx(rows: Iterable[list], path_or_stream: Any, title: str = "Sheet") -> None:
    """Write rows as a one-sheet XLSX workbook to a path or a binary stream.

    Numbers stay numbers. Text is always text: a value starting with '=' is written as a
    string, never as a formula (so exported answers cannot run in the researcher's Excel).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    for row in rows:
        values = []
        for value in row:
            if isinstance(value, str):
                if _ILLEGAL_XML.search(value):
                    value = _ILLEGAL_XML.sub("", value)
                if value.startswith("="):
                    text_cell = WriteOnlyCell(sheet, value=value)
                    text_cell.data_type = "s"
                    value = text_cell
            values.append(value)
        sheet.append(values)
    workbook.save(path_or_stream)
