"""How one value is written into an export cell (reference §8.5: bool 1/0, None empty, no newlines)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from otree.currency import _QuantizedDecimal


def cell(value: Any) -> Any:
    """The value as it goes into a CSV / XLSX cell: a str, an int, a float or a Decimal.

    * None -> '' (an empty cell), True/False -> 1/0, as in oTree.
    * Currency, RealWorldCurrency and DecimalUnit values -> a number: an int when the unit has
      no decimal places (points by default), else a float ("100", "1.5"). oTree writes
      float() for all of them ("100.0"); both read back as the same number, ours reads like
      the amount the participant saw.
    * A plain Decimal (DecimalField without a unit) keeps its exact digits ("1.25").
    * Strings: line breaks become spaces (each \\r and \\n, as oTree does), so one row is
      one line; commas and quotes are left to the CSV quoting.
    * Lists, tuples and dicts (MultiStringField values, PARTICIPANT_FIELDS / SESSION_FIELDS
      holding containers) -> JSON text, e.g. ["red", "blue"]: unambiguous even when an item
      contains a comma, and readable by json.loads / jsonlite. oTree writes Python's repr
      (['red', 'blue']) there, which only Python can parse back.
    * Anything else -> str(value), with line breaks removed.
    """
    if value is None:
        return ""
    if value is True:
        return 1
    if value is False:
        return 0
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, _QuantizedDecimal):
        return value.to_number()
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        return _one_line(value)
    if isinstance(value, (list, tuple, dict)):
        try:
            return _one_line(json.dumps(value, ensure_ascii=False, default=_json_default))
        except (TypeError, ValueError):  # e.g. a dict with tuple keys
            return _one_line(str(value))
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        return cell(item())
    return _one_line(str(value))


def _one_line(text: str) -> str:
    if "\n" in text or "\r" in text:
        return text.replace("\n", " ").replace("\r", " ")
    return text


def _json_default(value: Any) -> Any:
    if isinstance(value, _QuantizedDecimal):
        return value.to_number()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return str(value)


def row_cells(values) -> list:
    return [cell(v) for v in values]
