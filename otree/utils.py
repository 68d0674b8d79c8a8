"""Small helpers of the public API: read_csv, safe_json, url_of_static_file."""

from __future__ import annotations

import csv
import json

from markupsafe import Markup

from otree.currency import json_default
from otree.db import fields as field_types
from otree.db.mapping import declared_fields


def safe_json(obj) -> Markup:
    """JSON that can be placed inside a <script> tag."""
    text = json.dumps(obj, default=json_default)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def url_of_static_file(path: str) -> str:
    return "/static/" + path.lstrip("/")


def read_csv(path: str, model) -> list[dict]:
    """Rows of a CSV file (',' or ';' separated) as dicts, typed by the model's fields."""
    fields = declared_fields(model)
    with open(path, encoding="utf-8-sig", newline="") as f:
        sample = f.read(4096)
        f.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        rows = []
        for raw in csv.DictReader(f, delimiter=delimiter):
            row = {}
            for key, text in raw.items():
                key = key.strip()
                field = fields.get(key)
                if field is None:
                    raise ValueError(f"{path}: column {key!r} is not a field of {model.__name__}")
                row[key] = _parse(field, text)
            rows.append(row)
    return rows


def _parse(field, text: str | None):
    if text is None or text == "":
        return None
    if isinstance(field, field_types.BooleanField):
        return text.strip().lower() in ("1", "true", "yes")
    if isinstance(field, field_types.IntegerField):
        return int(text)
    if isinstance(field, (field_types.FloatField,)):
        return float(text)
    if isinstance(field, (field_types.CurrencyField, field_types.DecimalField)):
        return field.coerce(float(text)) if not isinstance(field, field_types.DecimalField) else field.coerce(text)
    return text
