"""Model fields (`models.IntegerField(...)` etc.): column, Python type rules and form metadata.

A field object is a descriptor on the model class. The database column is mapped under a
private attribute (`_v_<name>`), and the descriptor adds oTree's runtime rules on top:
reading a None value raises TypeError (use field_maybe_none), and assigning a value of
the wrong type raises TypeError.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from contextvars import ContextVar
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from types import FrameType
from typing import Any, cast

from sqlalchemy import Boolean, Column, Float, Integer, Text
from sqlalchemy.types import TypeEngine

from otree import widgets
from otree.conf import settings
from otree.currency import CURRENCY_SYMBOLS, Currency, DecimalUnit, RealWorldCurrency
from otree.i18n import N_, gettext
from otree.widgets import form_value

from .types import CurrencyType, DecimalType, StringListType

UNSET: Any = type("Unset", (), {"__repr__": lambda self: "UNSET", "__bool__": lambda self: False})()
_THIS_DIR = os.path.dirname(os.path.abspath(__file__))

# Django-era keyword arguments that old apps still pass; they have no effect here.
_IGNORED_KWARGS = {"null", "db_index", "unique", "editable"}


# Set while code runs that oTree lets read empty fields (custom_export): None instead of TypeError.
_lenient_reads: ContextVar[bool] = ContextVar("otree_lenient_null_reads", default=False)


@contextlib.contextmanager
def lenient_null_reads() -> Iterator[None]:
    """Within this block, reading a field that is None returns None (as oTree's custom exports do)."""
    token = _lenient_reads.set(True)
    try:
        yield
    finally:
        _lenient_reads.reset(token)


def value_key(name: str) -> str:
    """The mapped attribute that holds a field's raw database value."""
    return "_v_" + name


def _caller_location() -> tuple[str | None, int | None]:
    """The user file and line where a field was declared (for start-up error messages)."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        filename = os.path.abspath(frame.f_code.co_filename)
        if not filename.startswith(_THIS_DIR):
            return filename, frame.f_lineno
        frame = frame.f_back
    return None, None


def _unwrap_numpy(value: Any) -> Any:
    # numpy scalars (np.int64, np.float64, np.bool_) are converted, as oTree does.
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    return value


# -- what a form needs to know about each kind of field ------------------------------------

# The messages of Django's form fields, which oTree apps and bots have always seen.
MSG_INTEGER = N_("Enter a whole number.")
MSG_NUMBER = N_("Enter a number.")
MSG_MIN = N_("Ensure this value is greater than or equal to {limit}.")
MSG_MAX = N_("Ensure this value is less than or equal to {limit}.")
MSG_MAX_LENGTH = N_("Ensure this value has at most {max} characters (it has {length}).")
MSG_INVALID_CHOICE = N_("Select a valid choice. {value} is not one of the available choices.")

# IntegerField columns are 32-bit on PostgreSQL; Django's forms enforce the same range,
# so an out-of-range number is a form error rather than a database error.
INTEGER_RANGE = (-2147483648, 2147483647)

# Plain decimal notation only: float() and Decimal() would also accept "1_000", "nan", "inf".
_INTEGER_RE = re.compile(r"^[+-]?\d+(\.0*)?$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

# Beyond these, a number is refused before it is converted: int() of thousands of digits is an
# error in Python, and a decimal like 1E+999999999 would print as a billion digits.
_MAX_NUMBER_TEXT = 400
_MAX_DECIMAL_EXPONENT = 1000

FALSE_TEXTS = {"", "0", "false", "off", "no"}
TRUE_TEXTS = {"1", "true", "on", "yes"}


class InvalidInput(Exception):
    """Submitted text that is not a value of the field; the message becomes the field's error."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _step(places: int) -> str:
    return format(Decimal(1).scaleb(-int(places)), "f")


def _parse_decimal_text(field: "Field", text: str) -> Any:
    """Exact decimal text for CurrencyField, RealWorldCurrencyField, DecimalField (rounded by the type)."""
    if len(text) > _MAX_NUMBER_TEXT or not _NUMBER_RE.match(text):
        raise InvalidInput(gettext(MSG_NUMBER))
    try:
        number = Decimal(text)
        if abs(number.adjusted()) > _MAX_DECIMAL_EXPONENT:
            raise InvalidInput(gettext(MSG_NUMBER))
        return field.coerce(number)
    except (InvalidOperation, ValueError, ArithmeticError):
        raise InvalidInput(gettext(MSG_NUMBER)) from None


def normalize_choices(choices: Iterable[Any] | None) -> list[tuple[Any, str]] | None:
    """Flat choices `[1, 2]` or pairs `[[1, 'One'], ...]` as a list of (value, label)."""
    if choices is None:
        return None
    result: list[tuple[Any, str]] = []
    for choice in choices:
        if isinstance(choice, (list, tuple)):
            if len(choice) != 2:
                raise ValueError(f"Each choice must be a value or a [value, label] pair, not {choice!r}")
            result.append((choice[0], str(choice[1])))
        else:
            result.append((choice, str(choice)))
    return result


class Field:
    """Base of all model fields."""

    sa_type: type[TypeEngine] | None = None
    numeric = False
    type_description = "value"

    def __init__(
        self,
        *,
        initial: Any = UNSET,
        default: Any = UNSET,
        label: str | None = None,
        verbose_name: str | None = None,
        doc: str = "",
        choices: Iterable[Any] | None = None,
        min: Any = UNSET,
        max: Any = None,
        blank: bool = False,
        widget: Any = None,  # a widget class or instance
        max_length: int | None = None,
        help_text: str = "",
        **kwargs: Any,
    ) -> None:
        self.name: str | None = None
        self.owner: type | None = None
        self.defined_at = _caller_location()
        unknown = sorted(set(kwargs) - _IGNORED_KWARGS)
        if unknown:
            # oTree accepts (and ignores) any keyword here, so apps with e.g. required=True run;
            # a warning still points at what is probably a typo.
            from otree.errors import warn_config

            file, line = self.defined_at
            warn_config(
                f"{type(self).__name__}() does not use the argument{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(unknown)}; {'they have' if len(unknown) > 1 else 'it has'} no effect.",
                path=file or "<unknown>", line=line,
            )
        self.initial = initial if initial is not UNSET else default
        self.label = label if label is not None else verbose_name
        self.doc = doc or ""
        self.raw_choices = choices
        self.choices = normalize_choices(choices)
        if min is UNSET:
            # oTree 5.10+: numeric fields without choices reject negatives unless min is given.
            min = 0 if (self.numeric and choices is None) else None
        self.min = min
        self.max = max
        self.blank = blank
        self.widget = widget
        self.max_length = max_length
        self.help_text = help_text or ""

    # -- declaration ---------------------------------------------------------------

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.owner = owner

    def column(self, name: str) -> Column:
        initial = self.initial
        if initial is not UNSET and initial is not None:
            initial = self.coerce(initial, name)
            if isinstance(initial, list):
                frozen = list(initial)
                default = lambda: list(frozen)  # noqa: E731 - each row gets its own list
            else:
                default = initial
            return Column(name, self.make_sa_type(), nullable=True, default=default)
        return Column(name, self.make_sa_type(), nullable=True)

    def make_sa_type(self) -> TypeEngine:
        assert self.sa_type is not None
        return self.sa_type()

    @property
    def has_initial(self) -> bool:
        return self.initial is not UNSET and self.initial is not None

    # -- runtime rules ---------------------------------------------------------------

    def coerce(self, value: Any, name: str | None = None) -> Any:
        """The value as stored, or TypeError if it is of the wrong type."""
        if value is None:
            return None
        value = _unwrap_numpy(value)
        return self._coerce(value, name or self.name)

    def _coerce(self, value: Any, name: str | None) -> Any:
        return value

    def _type_error(self, value: Any, name: str | None) -> TypeError:
        owner = self.owner.__name__.lower() if self.owner else "model"
        return TypeError(
            f"{owner}.{name} is a {type(self).__name__} and must be set to {self.type_description}, "
            f"not {value!r} ({type(value).__name__})"
        )

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            # Class access gives the SQLAlchemy attribute (so queries can use Player.age)
            # once the class is mapped, and the field itself before that. The name is None only
            # for a field setattr'd onto a class and read before mapping names it; that read
            # fails with a TypeError as before (cast only tells mypy, it checks nothing).
            return getattr(objtype, value_key(cast(str, self.name)), self)
        # Only mapped classes have instances, and mapping named all their fields.
        assert self.name is not None, "a field of a mapped class has been named"
        value = getattr(obj, value_key(self.name))
        if value is None and getattr(type(obj), "_otree_strict_none", False) and not _lenient_reads.get():
            raise TypeError(
                f"{type(obj).__name__.lower()}.{self.name} is None. Reading a field that has no value "
                f"is an error in oTree; use {type(obj).__name__.lower()}.field_maybe_none('{self.name}') "
                f"if None is expected, or give the field an initial value."
            )
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        assert self.name is not None, "a field of a mapped class has been named"
        setattr(obj, value_key(self.name), self.coerce(value))

    # -- forms: submitted text, choices, widgets, timeouts ------------------------------

    blank_value: Any = None  # what an optional field stores when left blank
    accepts_checkbox = False  # may be shown as widgets.Checkbox

    def parse_text(self, text: str) -> Any:
        """The typed value of the (stripped, non-blank) text submitted for the field; InvalidInput if none."""
        return text

    def parse_alternative(self, text: str) -> Any:
        """The value `text` stands for when it is no option's exact text ("1" for True, "10.0" for 10)."""
        raise InvalidInput(gettext(MSG_INVALID_CHOICE).format(value=text))

    def check_range(self, value: Any) -> None:
        """InvalidInput if the database column cannot hold the value (checked after the app's min / max)."""

    def choice_value(self, value: Any) -> Any:
        """A declared choice converted to the field's type (ints of a CurrencyField become Currency)."""
        try:
            return self.coerce(value)
        except (TypeError, ValueError, ArithmeticError):
            return value  # left as given; a wrong type surfaces when the value is saved

    def timeout_default(self) -> Any:
        """What a page's timeout submits for the field when the participant gave nothing (as oTree does)."""
        return None

    def number_input(self, low: Any) -> tuple[str, str, str | None]:
        """(step, unit label, inputmode) of the field's number input; `low` is its minimum, if any."""
        return "any", "", None

    def fixed_widget(self) -> type[widgets.Widget] | None:
        """The widget the field is always shown with, whatever it names (None: it may choose)."""
        return None

    def choice_widget(self) -> type[widgets.Widget]:
        """The widget for the field's choices when it names none (or one that does not fit choices)."""
        return widgets.Select

    def input_widget(self) -> type[widgets.Widget]:
        """The widget to type a value into."""
        return widgets.NumberInput if self.numeric else widgets.TextInput

    def default_widget(self, has_choices: bool) -> type[widgets.Widget]:
        """The widget when the field names none."""
        return self.choice_widget() if has_choices else self.input_widget()


class IntegerField(Field):
    sa_type = Integer
    numeric = True
    type_description = "an int"

    def _coerce(self, value: Any, name: str | None) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._type_error(value, name)
        return int(value)

    def parse_text(self, text: str) -> int:
        if not _INTEGER_RE.match(text):
            raise InvalidInput(gettext(MSG_INTEGER))
        digits = text.split(".")[0].lstrip("+-").lstrip("0")
        if len(digits) > len(str(INTEGER_RANGE[1])):
            # Far outside the column's range (and maybe beyond what int() converts): say which end.
            if text.startswith("-"):
                raise InvalidInput(gettext(MSG_MIN).format(limit=INTEGER_RANGE[0]))
            raise InvalidInput(gettext(MSG_MAX).format(limit=INTEGER_RANGE[1]))
        return int(text.split(".")[0])

    parse_alternative = parse_text

    def check_range(self, value: Any) -> None:
        if value < INTEGER_RANGE[0]:
            raise InvalidInput(gettext(MSG_MIN).format(limit=INTEGER_RANGE[0]))
        if value > INTEGER_RANGE[1]:
            raise InvalidInput(gettext(MSG_MAX).format(limit=INTEGER_RANGE[1]))

    def timeout_default(self) -> int:
        return 0

    def number_input(self, low: Any) -> tuple[str, str, str | None]:
        # The numeric keypad has no minus sign, so only when negatives are not allowed.
        return "1", "", "numeric" if low is not None and low >= 0 else None


class PositiveIntegerField(IntegerField):
    """Django-era alias of IntegerField (with min=0)."""


class FloatField(Field):
    sa_type = Float
    numeric = True
    type_description = "a number"

    def _coerce(self, value: Any, name: str | None) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise self._type_error(value, name)
        return float(value)

    def parse_text(self, text: str) -> float:
        if len(text) > _MAX_NUMBER_TEXT or not _NUMBER_RE.match(text):
            raise InvalidInput(gettext(MSG_NUMBER))
        number = float(text)
        if number in (float("inf"), float("-inf")):
            raise InvalidInput(gettext(MSG_NUMBER))
        return number

    parse_alternative = parse_text

    def timeout_default(self) -> float:
        return 0.0


class CurrencyField(Field):
    numeric = True
    type_description = "a currency amount (a number)"
    real_world = False

    def make_sa_type(self) -> CurrencyType:
        return CurrencyType(real_world=self.real_world)

    def _coerce(self, value: Any, name: str | None) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise self._type_error(value, name)
        return (RealWorldCurrency if self.real_world else Currency)(value)

    parse_text = parse_alternative = _parse_decimal_text

    def timeout_default(self) -> int:
        return 0

    def number_input(self, low: Any) -> tuple[str, str, str | None]:
        """Step and unit from the settings at render time (points, or the real-world currency)."""
        if self.real_world or not settings.USE_POINTS:
            cls = RealWorldCurrency if self.real_world else Currency
            code = str(settings.REAL_WORLD_CURRENCY_CODE or "")
            return _step(cls._places()), CURRENCY_SYMBOLS.get(code.upper(), code), None
        return _step(Currency._places()), str(settings.POINTS_CUSTOM_NAME or "points"), None


class RealWorldCurrencyField(CurrencyField):
    real_world = True


class DecimalField(Field):
    numeric = True
    type_description = "a decimal number"

    def __init__(
        self,
        *,
        unit: type[DecimalUnit] | None = None,
        max_digits: int | None = None,  # accepted for old apps; unused (stored as exact text)
        decimal_places: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.unit = unit
        self.decimal_places = decimal_places

    def make_sa_type(self) -> DecimalType:
        return DecimalType(unit=self.unit)

    def _coerce(self, value: Any, name: str | None) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
            raise self._type_error(value, name)
        if self.unit is not None:
            return self.unit(value)
        try:
            result = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            raise self._type_error(value, name) from None
        if self.decimal_places is not None:
            result = result.quantize(Decimal(1).scaleb(-self.decimal_places))
        return result

    parse_text = parse_alternative = _parse_decimal_text

    def number_input(self, low: Any) -> tuple[str, str, str | None]:
        unit = self.unit
        if unit is not None:
            return _step(unit.get_input_places()), str(unit.input_unit_label or ""), None
        if self.decimal_places is not None:
            return _step(self.decimal_places), "", None
        return "any", "", None


class StringField(Field):
    sa_type = Text
    type_description = "a str"

    def __init__(self, *, max_length: int | None = 10000, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)

    def _coerce(self, value: Any, name: str | None) -> Any:
        if not isinstance(value, str):
            raise self._type_error(value, name)
        return value

    blank_value = ""  # blank text is stored as "" (as oTree does)

    def parse_text(self, text: str) -> str:
        if self.max_length is not None and len(text) > self.max_length:
            raise InvalidInput(gettext(MSG_MAX_LENGTH).format(max=self.max_length, length=len(text)))
        return text

    def choice_value(self, value: Any) -> Any:
        return value if isinstance(value, str) else form_value(value)

    def timeout_default(self) -> str:
        return ""


class CharField(StringField):
    """Django-era alias of StringField."""


class LongStringField(StringField):
    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("choices") is not None:
            raise TypeError("LongStringField does not take choices; use StringField instead")
        kwargs.setdefault("max_length", None)
        super().__init__(**kwargs)

    def default_widget(self, has_choices: bool) -> type[widgets.Widget]:
        return self.choice_widget() if has_choices else widgets.Textarea


class TextField(LongStringField):
    """Django-era alias of LongStringField."""


class BooleanField(Field):
    sa_type = Boolean
    type_description = "True or False"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.choices is None:
            self.choices = [(True, N_("Yes")), (False, N_("No"))]  # translated when shown (otree.forms)
            self.default_choices = True
        else:
            self.default_choices = False

    def _coerce(self, value: Any, name: str | None) -> Any:
        if not isinstance(value, bool):
            raise self._type_error(value, name)
        return value

    accepts_checkbox = True

    def parse_text(self, text: str) -> bool:
        lowered = text.lower()
        if lowered in TRUE_TEXTS:
            return True
        if lowered in FALSE_TEXTS:
            return False
        raise InvalidInput(gettext(MSG_INVALID_CHOICE).format(value=text))

    parse_alternative = parse_text

    def choice_value(self, value: Any) -> Any:
        return value

    def timeout_default(self) -> bool:
        return False

    def choice_widget(self) -> type[widgets.Widget]:
        return widgets.RadioSelect  # Yes/No radio buttons, as in oTree


class MultiStringField(Field):
    """A list of strings picked from `choices` (oTree 6)."""

    type_description = "a list of str"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.choices is None:
            raise TypeError("MultiStringField needs choices=[...]")

    def make_sa_type(self) -> StringListType:
        return StringListType()

    def _coerce(self, value: Any, name: str | None) -> Any:
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise self._type_error(value, name)
        return list(value)

    def choice_value(self, value: Any) -> Any:
        return value if isinstance(value, str) else form_value(value)

    def fixed_widget(self) -> type[widgets.Widget]:
        return widgets.CheckboxSelectMultiple  # a list of values; no other widget can post one


class Link:
    """`models.Link(OtherModel)` on an ExtraModel: a foreign key plus the related object."""

    def __init__(self, to: type):
        self.to = to
        self.name: str | None = None
        self.defined_at = _caller_location()

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name


__all__ = [
    "Field", "IntegerField", "PositiveIntegerField", "FloatField", "CurrencyField", "RealWorldCurrencyField",
    "DecimalField", "StringField", "CharField", "LongStringField", "TextField", "BooleanField",
    "MultiStringField", "Link",
]
