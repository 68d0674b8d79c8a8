"""Currency and decimal-unit number types (reference §8.7).

`Currency` (alias `cu`, `c`) is a `Decimal` that is always rounded to the project's
currency precision and that displays itself as "100 points" or "$1.00".
`RealWorldCurrency` is the same but always in the real-world currency (payments).
`DecimalUnit` is oTree 6's base class for user-defined decimal units.

Settings are read at call time, never at import time: projects are loaded after
this module is imported, and tests change settings with `settings.override(...)`.
"""

from __future__ import annotations

import decimal
import inspect
import numbers
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

from otree.conf import settings

__all__ = [
    "Currency",
    "cu",
    "c",
    "RealWorldCurrency",
    "DecimalUnit",
    "currency_range",
    "format_number",
    "json_default",
    "CurrencyConversionError",
]

# Quantizing must not fail for large amounts just because the default context
# only has 28 significant digits, so rounding uses its own generous context.
_ROUNDING_CONTEXT = decimal.Context(prec=100, rounding=ROUND_HALF_UP)

# Languages whose decimal separator is "." (reference §3.2); all others use ",".
_DOT_DECIMAL_LANGUAGES = {"ar", "en", "he", "ja", "ko", "ms", "th", "zh"}

# Languages that write the currency symbol before the amount ("$1.00", "¥100").
# Elsewhere the symbol follows the amount after a space ("1,00 €"), except for
# the languages in _SPACED_PREFIX_LANGUAGES ("€ 1,00").
_PREFIX_SYMBOL_LANGUAGES = {"en", "ja", "zh", "ko", "th", "ms", "tr"}
_SPACED_PREFIX_LANGUAGES = {"nl"}

# Display symbols of common currencies; codes not listed are shown as "XYZ 1.00".
CURRENCY_SYMBOLS: dict[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "¥",
    "KRW": "₩",
    "INR": "₹",
    "CHF": "CHF",
    "AUD": "A$",
    "CAD": "C$",
    "NZD": "NZ$",
    "HKD": "HK$",
    "SGD": "S$",
    "TWD": "NT$",
    "MXN": "MX$",
    "BRL": "R$",
    "SEK": "kr",
    "NOK": "kr",
    "DKK": "kr",
    "ISK": "kr",
    "PLN": "zł",
    "CZK": "Kč",
    "HUF": "Ft",
    "RUB": "₽",
    "UAH": "₴",
    "TRY": "₺",
    "ILS": "₪",
    "THB": "฿",
    "VND": "₫",
    "PHP": "₱",
    "NGN": "₦",
    "ZAR": "R",
    "IDR": "Rp",
    "MYR": "RM",
}


class CurrencyConversionError(ValueError, decimal.InvalidOperation):
    """A value could not be converted to a number.

    It is both a ValueError (what Python's own int('abc') raises) and a
    decimal.InvalidOperation (what Decimal('abc') raises), so callers written
    against either convention catch it.
    """


# ---------------------------------------------------------------- helpers


def _to_decimal(value: Any) -> Decimal | None:
    """Convert a plain number to Decimal; None if the type is not a number we accept.

    Floats go through repr() so that 0.1 + 0.2 becomes Decimal('0.30000000000000004')
    rather than the binary expansion, which then rounds the way people expect.
    """
    if isinstance(value, Decimal):
        return Decimal(value)  # drops any subclass, so Decimal arithmetic is used
    if isinstance(value, int):  # includes bool
        return Decimal(int(value))
    if isinstance(value, float):
        # float.__repr__, not repr(): numpy's float64 is a float whose repr is "np.float64(2.6)".
        return Decimal(float.__repr__(value))
    if isinstance(value, numbers.Rational):  # e.g. fractions.Fraction
        # int(): numpy integers are Rationals too, and Decimal does not accept them directly.
        return Decimal(int(value.numerator)) / Decimal(int(value.denominator))
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, (str, bytes)):
        # numpy scalars: .item() gives the equivalent Python int/float.
        inner = item()
        if inner is not value and isinstance(inner, (int, float, Decimal)):
            return _to_decimal(inner)
    return None


def _quantizer(places: int) -> Decimal:
    return Decimal(1).scaleb(-int(places))


def _round_half_up(value: Decimal, places: int) -> Decimal:
    rounded = value.quantize(_quantizer(places), context=_ROUNDING_CONTEXT)
    # "-0.00" would display as a negative amount; zero has no sign.
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _language() -> str:
    code = str(settings.LANGUAGE_CODE or "en").lower().replace("_", "-")
    return code.split("-")[0]


def _decimal_separator() -> str:
    return "." if _language() in _DOT_DECIMAL_LANGUAGES else ","


def _format_decimal(value: Decimal) -> str:
    """Render a finite Decimal with the locale's decimal separator and thousand separator."""
    if value.is_zero():
        value = value.copy_abs()
    sign = "-" if value.is_signed() else ""
    digits = format(value.copy_abs(), "f")  # plain digits, never scientific notation
    integer, _, fraction = digits.partition(".")
    thousand_separator = settings.THOUSAND_SEPARATOR or ""
    if thousand_separator and len(integer) > 3:
        head = len(integer) % 3 or 3
        groups = [integer[:head]] + [integer[i : i + 3] for i in range(head, len(integer), 3)]
        integer = thousand_separator.join(groups)
    if fraction:
        return f"{sign}{integer}{_decimal_separator()}{fraction}"
    return f"{sign}{integer}"


def format_number(value: Any, places: int | None = None) -> str:
    """Format a number with the locale's decimal separator and THOUSAND_SEPARATOR.

    `places` rounds (half up) to that many decimals; by default the number's own
    digits are kept (ints get none, floats their shortest repr).
    """
    number = _to_decimal(value)
    if number is None:
        raise TypeError(f"format_number() needs a number, not {type(value).__name__}")
    if not number.is_finite():
        return str(value)
    if places is not None:
        number = _round_half_up(number, places)
    return _format_decimal(number)


def _format_real_world(amount: Decimal, places: int) -> str:
    """Display an amount of the real-world currency, e.g. "$1.00", "1,00 €", "XYZ 1.00"."""
    code = str(settings.REAL_WORLD_CURRENCY_CODE or "").upper()
    amount = _round_half_up(amount, places)
    sign = "-" if amount < 0 else ""
    number = _format_decimal(amount.copy_abs())
    symbol = CURRENCY_SYMBOLS.get(code)
    if symbol is None:
        return f"{sign}{code} {number}"
    language = _language()
    if language in _PREFIX_SYMBOL_LANGUAGES:
        # A letter symbol would run into the digits ("CHF1.00"), so it gets a space.
        gap = " " if symbol[-1].isalpha() else ""
        return f"{sign}{symbol}{gap}{number}"
    if language in _SPACED_PREFIX_LANGUAGES:
        return f"{sign}{symbol} {number}"
    return f"{sign}{number} {symbol}"


# ---------------------------------------------------------------- base class


def _arithmetic(op: Callable[[Decimal, Decimal], Decimal], reflected: bool = False) -> Callable:
    """Build a binary operator that computes with plain Decimals and re-wraps the result."""

    def method(self: _QuantizedDecimal, other: Any) -> Any:
        operand = _to_decimal(other)
        if operand is None:
            return NotImplemented
        mine = Decimal(self)
        result = op(operand, mine) if reflected else op(mine, operand)
        return type(self)(result)

    return method


def _comparison(op: Callable[[Decimal, Decimal], bool]) -> Callable:
    """Build a comparison that first rounds the other operand to this value's places."""

    def method(self: _QuantizedDecimal, other: Any) -> Any:
        operand = _to_decimal(other)
        if operand is None:
            return NotImplemented
        if operand.is_finite():
            operand = _round_half_up(operand, self._own_places())
        return op(Decimal(self), operand)

    return method


class _QuantizedDecimal(Decimal):
    """A Decimal that is rounded half-up to a fixed number of places on creation.

    Arithmetic keeps the subclass; comparisons round the other operand first, so
    cu(1) == 1.004 when currency has no decimal places.
    """

    __slots__ = ()  # Decimal instances carry no __dict__; keep it that way

    @classmethod
    def _places(cls) -> int:
        raise NotImplementedError

    def __new__(cls, value: Any = 0) -> Any:
        number: Decimal | None
        if isinstance(value, str):
            try:
                number = Decimal(value.strip())
            except decimal.InvalidOperation:
                raise CurrencyConversionError(f"Cannot convert {value!r} to {cls.__name__}") from None
        else:
            number = _to_decimal(value)
            if number is None:
                raise TypeError(f"Cannot convert {type(value).__name__} to {cls.__name__}")
        if not number.is_finite():
            raise CurrencyConversionError(f"{cls.__name__} must be a finite number, not {value!r}")
        return super().__new__(cls, _round_half_up(number, cls._places()))

    def _own_places(self) -> int:
        # The precision this value was created with (settings may have changed since).
        exponent = self.as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0

    # Arithmetic. The reflected versions matter because int/float/Decimal on the
    # left would otherwise return NotImplemented or a plain Decimal.
    __add__ = _arithmetic(lambda a, b: a + b)
    __radd__ = _arithmetic(lambda a, b: a + b, reflected=True)
    __sub__ = _arithmetic(lambda a, b: a - b)
    __rsub__ = _arithmetic(lambda a, b: a - b, reflected=True)
    __mul__ = _arithmetic(lambda a, b: a * b)
    __rmul__ = _arithmetic(lambda a, b: a * b, reflected=True)
    __truediv__ = _arithmetic(lambda a, b: a / b)
    __rtruediv__ = _arithmetic(lambda a, b: a / b, reflected=True)
    __floordiv__ = _arithmetic(lambda a, b: a // b)
    __rfloordiv__ = _arithmetic(lambda a, b: a // b, reflected=True)
    __mod__ = _arithmetic(lambda a, b: a % b)
    __rmod__ = _arithmetic(lambda a, b: a % b, reflected=True)
    __rpow__ = _arithmetic(lambda a, b: a**b, reflected=True)

    def __pow__(self, other: Any, modulo: Any = None) -> Any:
        exponent = _to_decimal(other)
        if exponent is None:
            return NotImplemented
        if modulo is None:
            return type(self)(Decimal(self) ** exponent)
        return type(self)(pow(Decimal(self), exponent, _to_decimal(modulo)))

    def __divmod__(self, other: Any) -> Any:
        operand = _to_decimal(other)
        if operand is None:
            return NotImplemented
        quotient, remainder = divmod(Decimal(self), operand)
        return type(self)(quotient), type(self)(remainder)

    def __rdivmod__(self, other: Any) -> Any:
        operand = _to_decimal(other)
        if operand is None:
            return NotImplemented
        quotient, remainder = divmod(operand, Decimal(self))
        return type(self)(quotient), type(self)(remainder)

    def __neg__(self) -> Any:
        return type(self)(-Decimal(self))

    def __pos__(self) -> Any:
        return type(self)(Decimal(self))

    def __abs__(self) -> Any:
        return type(self)(abs(Decimal(self)))

    def __round__(self, ndigits: int | None = None) -> Any:
        # Half-up like construction, rather than Decimal's banker's rounding.
        if ndigits is None:
            return int(_round_half_up(Decimal(self), 0))
        return type(self)(_round_half_up(Decimal(self), ndigits))

    # All six comparisons are needed: Decimal's own __ne__/__lt__... would
    # otherwise be used and compare without rounding.
    __eq__ = _comparison(lambda a, b: a == b)
    __ne__ = _comparison(lambda a, b: a != b)
    __lt__ = _comparison(lambda a, b: a < b)
    __le__ = _comparison(lambda a, b: a <= b)
    __gt__ = _comparison(lambda a, b: a > b)
    __ge__ = _comparison(lambda a, b: a >= b)

    def __hash__(self) -> int:
        # Same hash as the equal int/Decimal/float, so cu(5) and 5 share a dict slot.
        return Decimal.__hash__(self)

    def __reduce__(self) -> tuple:
        # Decimal's own __reduce__ would pickle str(self), i.e. "100 points".
        return (type(self), (Decimal.__str__(self),))

    def __format__(self, spec: str) -> str:  # type: ignore[override]  # no Decimal context argument
        if not spec:
            return str(self)
        return Decimal.__format__(Decimal(self), spec)

    def to_number(self) -> int | float:
        """The value as a JSON-friendly number: int when it has no decimal places, else float."""
        return int(self) if self._own_places() == 0 else float(self)


# ---------------------------------------------------------------- currency


class Currency(_QuantizedDecimal):
    """An amount in points (USE_POINTS) or in the real-world currency."""

    __slots__ = ()

    @classmethod
    def _places(cls) -> int:
        if settings.USE_POINTS:
            return int(settings.POINTS_DECIMAL_PLACES)
        return int(settings.REAL_WORLD_CURRENCY_DECIMAL_PLACES)

    @classmethod
    def _is_real_world(cls) -> bool:
        return not settings.USE_POINTS

    def __str__(self) -> str:
        if self._is_real_world():
            return _format_real_world(Decimal(self), self._places())
        number = format_number(Decimal(self), self._places())
        custom_name = settings.POINTS_CUSTOM_NAME
        if custom_name:
            return f"{number} {custom_name}"
        from otree.i18n import ngettext

        whole = self == int(self)  # 1.5 points: the plural form, whatever the language's rule for 1
        unit = ngettext("point", "points", int(self) if whole else 2)
        return f"{number} {unit}"

    def __repr__(self) -> str:
        return f"{Decimal.__str__(self)}cu"

    def to_real_world_currency(self, session: Any) -> RealWorldCurrency:
        """Convert points to money with the session's real_world_currency_per_point."""
        if not settings.USE_POINTS:
            return RealWorldCurrency(self)
        rate = _to_decimal(session.config["real_world_currency_per_point"])
        if rate is None:
            raise TypeError("real_world_currency_per_point must be a number")
        return RealWorldCurrency(Decimal(self) * rate)


class RealWorldCurrency(Currency):
    """An amount of real money: always REAL_WORLD_CURRENCY_DECIMAL_PLACES, always shown as money."""

    __slots__ = ()

    @classmethod
    def _places(cls) -> int:
        return int(settings.REAL_WORLD_CURRENCY_DECIMAL_PLACES)

    @classmethod
    def _is_real_world(cls) -> bool:
        return True

    def to_real_world_currency(self, session: Any) -> RealWorldCurrency:
        return self


cu = Currency
c = Currency


def currency_range(first: Any, last: Any, increment: Any) -> list[Currency]:
    """Currency values from `first` to `last` inclusive, `increment` apart."""
    start, stop, step = Currency(first), Currency(last), Currency(increment)
    if step <= 0:
        # Checked after rounding: an increment that rounds to 0 would loop forever.
        raise ValueError(f"currency_range() increment must be positive, got {increment!r}")
    values = []
    value = start
    while value <= stop:
        values.append(value)
        value = value + step
    return values


# ---------------------------------------------------------------- decimal units


class DecimalUnit(_QuantizedDecimal):
    """Base class for oTree 6 decimal units (the CURRENCY_UNIT setting, DecimalField(unit=...)).

    Subclasses set the class attributes below and may define
    `output(formatted, raw)` (with or without `self`, or as a static/classmethod)
    to decorate the formatted number, e.g. return f"£{formatted}".
    """

    __slots__ = ()

    storage_places: int = 2
    input_places: int | None = None  # None: same as storage_places
    input_unit_label: str = ""
    output_min_places: int = 0
    output_max_places: int | None = None  # None: same as storage_places

    @classmethod
    def _places(cls) -> int:
        return int(cls.storage_places)

    @classmethod
    def get_input_places(cls) -> int:
        """Decimal places accepted in form input."""
        return cls.storage_places if cls.input_places is None else int(cls.input_places)

    def formatted_number(self) -> str:
        """The number alone, with between output_min_places and output_max_places decimals."""
        max_places = self.storage_places if self.output_max_places is None else int(self.output_max_places)
        min_places = min(int(self.output_min_places), max_places)
        number = _round_half_up(Decimal(self), max_places)
        digits = format(number, "f")
        if "." in digits:
            # Drop trailing zeros, but keep at least min_places decimals.
            integer, fraction = digits.split(".")
            fraction = fraction.rstrip("0").ljust(min_places, "0")
            number = Decimal(f"{integer}.{fraction}" if fraction else integer)
        return _format_decimal(number)

    def __str__(self) -> str:
        formatted = self.formatted_number()
        output = self._output_function()
        if output is None:
            return formatted
        return str(output(formatted, Decimal(self)))

    def _output_function(self) -> Callable[[str, Decimal], Any] | None:
        raw = inspect.getattr_static(type(self), "output", None)
        if raw is None:
            return None
        if isinstance(raw, (staticmethod, classmethod)):
            return getattr(type(self), "output")  # noqa: B009 - only subclasses define `output`
        # A plain function may be written oTree-6 style without `self`.
        try:
            takes_self = len(inspect.signature(raw).parameters) >= 3
        except (TypeError, ValueError):
            takes_self = True
        return getattr(self, "output") if takes_self else raw  # noqa: B009 - as above

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{Decimal.__str__(self)}')"


# ---------------------------------------------------------------- JSON


def json_default(obj: Any) -> Any:
    """`default=` hook for json.dumps: Currency/units as numbers, Decimal as float, sets as lists."""
    if isinstance(obj, _QuantizedDecimal):
        return obj.to_number()
    if isinstance(obj, Decimal):
        return float(obj)
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")
