"""Template filters: oTree's (c, cu, to0..to4, json, default, ...) and the Django-era ones.

Django's `value|name:arg` is translated to `value|name(arg)` before Jinja sees it,
so every filter here is an ordinary Jinja filter.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Callable

import jinja2
from jinja2.filters import do_slice, do_truncate
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape


def _defined(value: Any) -> Any:
    """Raise the 'x is undefined' error for an undefined input, else return it."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    return value


def _decimal(value: Any) -> Decimal:
    """A number (or numeric string) as a Decimal; floats via repr so 0.1 stays 0.1."""
    value = _defined(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return Decimal(value)
    return Decimal(str(value).strip()) if isinstance(value, str) else Decimal(value)


def currency(value: Any) -> Any:
    """|c, |cu: the value as Currency ("100 points")."""
    from otree.currency import Currency

    return Currency(_defined(value))


def _rounder(places: int) -> Callable[[Any], Any]:
    def round_to(value: Any) -> Any:
        rounded = _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        # A Decimal keeps its places when printed ("3.10"); to0 gives a plain int.
        return int(rounded) if places == 0 else rounded

    round_to.__name__ = f"to{places}"
    round_to.__doc__ = f"|to{places}: round half up to {places} decimal places."
    return round_to


def default(value: Any, fallback: Any = "", boolean: bool = True) -> Any:
    """|default(x) / |default:x: x when the value is undefined or falsy (oTree's and Django's rule)."""
    if isinstance(value, jinja2.Undefined) or (boolean and not value):
        return fallback
    return value


def to_json(value: Any) -> Markup:
    """|json: JSON safe to put inside <script> (`<`, `>`, `&`, `'` are \\u-escaped)."""
    from otree.currency import json_default

    return htmlsafe_json_dumps(_defined(value), dumps=json.dumps, default=json_default)


def linebreaks(value: Any) -> Markup:
    """|linebreaks: paragraphs for blank-line-separated text, <br> for single line breaks."""
    text = str(escape(_defined(value))).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = re.split(r"\n{2,}", text)
    return Markup("\n\n".join(f"<p>{p.strip().replace(chr(10), '<br>')}</p>" for p in paragraphs if p.strip()))


def linebreaksbr(value: Any) -> Markup:
    """|linebreaksbr: every line break becomes <br>."""
    text = str(escape(_defined(value))).replace("\r\n", "\n").replace("\r", "\n")
    return Markup(text.replace("\n", "<br>"))


def floatformat(value: Any, places: Any = -1) -> str:
    """Django's |floatformat: 1 place only if needed by default; n places; -n: n places only if needed."""
    from otree.currency import format_number

    try:
        number = _decimal(value)
        digits = int(str(places).rstrip("gu") or -1)  # Django's 'g' (grouping) / 'u' suffixes
    except (InvalidOperation, ValueError, TypeError):
        return ""  # Django prints nothing for values that are not numbers
    if not number.is_finite():
        return str(number)
    exact = abs(digits)
    rounded = number.quantize(Decimal(1).scaleb(-exact), rounding=ROUND_HALF_UP)
    if digits < 0 and rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))
    return format_number(rounded)


def truncatechars(value: Any, length: Any) -> str:
    """|truncatechars:n: at most n characters, ending with an ellipsis when cut."""
    text, length = str(_defined(value)), int(length)
    return text if len(text) <= length else text[: max(length - 1, 0)] + "…"


def truncatewords(value: Any, count: Any) -> str:
    """|truncatewords:n: the first n words, then an ellipsis."""
    words = str(_defined(value)).split()
    return " ".join(words) if len(words) <= int(count) else " ".join(words[: int(count)]) + " …"


def add(value: Any, arg: Any) -> Any:
    """Django's |add: numeric addition when both look like integers, else `+`, else ''."""
    value, arg = _defined(value), _defined(arg)
    try:
        return int(value) + int(arg)
    except (ValueError, TypeError):
        try:
            return value + arg
        except Exception:
            return ""


def yesno(value: Any, mapping: str = "yes,no,maybe") -> str:
    """|yesno:"yes,no,maybe"."""
    choices = str(mapping).split(",")
    if len(choices) < 2:
        return str(_defined(value))
    yes, no, maybe = choices[0], choices[1], choices[2] if len(choices) > 2 else choices[1]
    if value is None:
        return maybe
    return yes if _defined(value) else no


def pluralize(value: Any, suffixes: str = "s") -> str:
    """Django's |pluralize / |pluralize:"y,ies"."""
    suffixes = str(suffixes)
    singular, _, plural = suffixes.rpartition(",")
    value = _defined(value)
    try:
        count = len(value) if not isinstance(value, (int, float, Decimal, str)) else float(value)
    except (TypeError, ValueError):
        return ""
    return singular if count == 1 else plural


def capfirst(value: Any) -> str:
    """|capfirst: upper-case the first character only."""
    text = str(_defined(value))
    return text[:1].upper() + text[1:]


def cut(value: Any, arg: Any) -> str:
    """|cut:" ": remove every occurrence of arg."""
    return str(_defined(value)).replace(str(arg), "")


def divisibleby(value: Any, arg: Any) -> bool:
    """|divisibleby:n"""
    return int(_defined(value)) % int(arg) == 0


def stringformat(value: Any, spec: Any) -> str:
    """|stringformat:"03d" (old-style % formatting)."""
    try:
        return ("%" + str(spec)) % _defined(value)
    except (ValueError, TypeError):
        return ""


def default_if_none(value: Any, fallback: Any) -> Any:
    """|default_if_none:x"""
    return fallback if value is None else value


def slice_(value: Any, arg: Any, fill_with: Any = None) -> Any:
    """Django's |slice:":2" (a Python slice) or Jinja's |slice(n) (n columns)."""
    if isinstance(arg, str):
        bits = [int(b) if b.strip() else None for b in arg.split(":")]
        return _defined(value)[slice(*bits)] if len(bits) > 1 else _defined(value)[bits[0]]
    return do_slice(value, arg, fill_with)


def truncate_(value: Any, length: Any = 255) -> str:
    """oTree's |truncate_(n): shorten to n characters, ending with an ellipsis."""
    return truncatechars(value, length)


def gettext(value: Any) -> str:
    """|gettext: no message catalogs yet, so the text itself."""
    return str(_defined(value))


def spaceless(value: Any) -> Markup:
    """Body of {% spaceless %}: drop whitespace between tags."""
    return Markup(re.sub(r">\s+<", "><", str(value).strip()))


def install(env: jinja2.Environment) -> None:
    """Register the filters (Jinja's own escape, length, safe, upper, lower, title, join... stay)."""
    env.filters.update(
        c=currency,
        cu=currency,
        to0=_rounder(0),
        to1=_rounder(1),
        to2=_rounder(2),
        to3=_rounder(3),
        to4=_rounder(4),
        default=default,
        d=default,
        json=to_json,
        linebreaks=linebreaks,
        linebreaksbr=linebreaksbr,
        floatformat=floatformat,
        truncatechars=truncatechars,
        truncatewords=truncatewords,
        truncate_=truncate_,
        add=add,
        yesno=yesno,
        pluralize=pluralize,
        capfirst=capfirst,
        cut=cut,
        divisibleby=divisibleby,
        stringformat=stringformat,
        default_if_none=default_if_none,
        slice=slice_,
        gettext=gettext,
        _otree_spaceless=spaceless,
    )
    # Django's name for what Jinja calls |escape; also |truncate keeps Jinja's signature.
    env.filters.setdefault("force_escape", env.filters["escape"])
    env.filters.setdefault("truncate", do_truncate)
