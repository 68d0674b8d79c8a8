"""The `default=` hook of json.dumps for what HTTP responses and WebSocket messages send.

Beyond plain JSON: dates and times as ISO strings, UUIDs and Decimals as strings, and
oTree's currency values as numbers (otree.currency.json_default).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from otree.currency import json_default as currency_default


def json_default(value: Any) -> Any:
    """What JsonResponse serializes beyond plain JSON: currency, dates, decimals, UUIDs."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID,)):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    return currency_default(value)
