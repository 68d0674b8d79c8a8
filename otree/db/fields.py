"""Model fields (`models.IntegerField(...)` etc.): column, Python type rules and form metadata.

A field object is a descriptor on the model class. The database column is mapped under a
private attribute (`_v_<name>`), and the descriptor adds oTree's runtime rules on top:
reading a None value raises TypeError (use field_maybe_none), and assigning a value of
the wrong type raises TypeError.
"""

from __future__ import annotations

from otree.i18n import N_

import contextlib
import os
import sys
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Boolean, Column, Float, Integer, Text
from sqlalchemy.types import TypeEngine

from .types import CurrencyType, DecimalType, StringListType

UNSET: Any = type("Unset", (), {"__repr__": lambda self: "UNSET", "__bool__": lambda self: False})()
_THIS_DIR = os.path.dirname(os.path.abspath(__file__))

# Django-era keyword arguments that old apps still pass; they have no effect here.
_IGNORED_KWARGS = {"null", "db_index", "unique", "editable"}


# Set while code runs that oTree lets read empty fields (custom_export): None instead of TypeError.
_lenient_reads: ContextVar[bool] = ContextVar("otree_lenient_null_reads", default=False)


@contextlib.contextmanager
def lenient_null_reads():
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
    frame = sys._getframe(1)
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


def normalize_choices(choices) -> list[tuple[Any, str]] | None:
    """Flat choices `[1, 2]` or pairs `[[1, 'One'], ...]` as a list of (value, label)."""
    if choices is None:
        return None
    result = []
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
        choices=None,
        min: Any = UNSET,
        max: Any = None,
        blank: bool = False,
        widget=None,
        max_length: int | None = None,
        help_text: str = "",
        **kwargs,
    ):
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

    def __get__(self, obj, objtype=None):
        if obj is None:
            # Class access gives the SQLAlchemy attribute (so queries can use Player.age)
            # once the class is mapped, and the field itself before that.
            return getattr(objtype, value_key(self.name), self)
        value = getattr(obj, value_key(self.name))
        if value is None and getattr(type(obj), "_otree_strict_none", False) and not _lenient_reads.get():
            raise TypeError(
                f"{type(obj).__name__.lower()}.{self.name} is None. Reading a field that has no value "
                f"is an error in oTree; use {type(obj).__name__.lower()}.field_maybe_none('{self.name}') "
                f"if None is expected, or give the field an initial value."
            )
        return value

    def __set__(self, obj, value) -> None:
        setattr(obj, value_key(self.name), self.coerce(value))


class IntegerField(Field):
    sa_type = Integer
    numeric = True
    type_description = "an int"

    def _coerce(self, value, name):
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._type_error(value, name)
        return int(value)


class PositiveIntegerField(IntegerField):
    """Django-era alias of IntegerField (with min=0)."""


class FloatField(Field):
    sa_type = Float
    numeric = True
    type_description = "a number"

    def _coerce(self, value, name):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise self._type_error(value, name)
        return float(value)


class CurrencyField(Field):
    numeric = True
    type_description = "a currency amount (a number)"
    real_world = False

    def make_sa_type(self):
        return CurrencyType(real_world=self.real_world)

    def _coerce(self, value, name):
        from otree.currency import Currency, RealWorldCurrency

        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise self._type_error(value, name)
        return (RealWorldCurrency if self.real_world else Currency)(value)


class RealWorldCurrencyField(CurrencyField):
    real_world = True


class DecimalField(Field):
    numeric = True
    type_description = "a decimal number"

    def __init__(self, *, unit=None, max_digits=None, decimal_places=None, **kwargs):
        super().__init__(**kwargs)
        self.unit = unit
        self.decimal_places = decimal_places

    def make_sa_type(self):
        return DecimalType(unit=self.unit)

    def _coerce(self, value, name):
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


class StringField(Field):
    sa_type = Text
    type_description = "a str"

    def __init__(self, *, max_length: int | None = 10000, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def _coerce(self, value, name):
        if not isinstance(value, str):
            raise self._type_error(value, name)
        return value


class CharField(StringField):
    """Django-era alias of StringField."""


class LongStringField(StringField):
    def __init__(self, **kwargs):
        if kwargs.get("choices") is not None:
            raise TypeError("LongStringField does not take choices; use StringField instead")
        kwargs.setdefault("max_length", None)
        super().__init__(**kwargs)


class TextField(LongStringField):
    """Django-era alias of LongStringField."""


class BooleanField(Field):
    sa_type = Boolean
    type_description = "True or False"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.choices is None:
            self.choices = [(True, N_("Yes")), (False, N_("No"))]  # translated when shown (otree.forms)
            self.default_choices = True
        else:
            self.default_choices = False

    def _coerce(self, value, name):
        if not isinstance(value, bool):
            raise self._type_error(value, name)
        return value


class MultiStringField(Field):
    """A list of strings picked from `choices` (oTree 6)."""

    type_description = "a list of str"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.choices is None:
            raise TypeError("MultiStringField needs choices=[...]")

    def make_sa_type(self):
        return StringListType()

    def _coerce(self, value, name):
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise self._type_error(value, name)
        return list(value)


class Link:
    """`models.Link(OtherModel)` on an ExtraModel: a foreign key plus the related object."""

    def __init__(self, to: type):
        self.to = to
        self.name: str | None = None
        self.defined_at = _caller_location()

    def __set_name__(self, owner, name):
        self.name = name


__all__ = [
    "Field", "IntegerField", "PositiveIntegerField", "FloatField", "CurrencyField", "RealWorldCurrencyField",
    "DecimalField", "StringField", "CharField", "LongStringField", "TextField", "BooleanField",
    "MultiStringField", "Link",
]
