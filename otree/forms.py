"""Page forms: oTree's validation of submitted values and its Bootstrap 5 form markup.

A `Form` is built for one Player or Group and the page's `form_fields`. Without data it
only renders (pre-filled from the instance); with data (a dict or Starlette FormData) it
validates like oTree does (Django-era messages, `<field>_min/_max/_choices/_error_message`
hooks) and `save()` writes the typed values onto the instance.

Everything the user or the participant wrote (labels, choice labels, help texts, values,
error messages) is HTML-escaped; pass a `markupsafe.Markup` to put HTML in a label.
"""

from __future__ import annotations

from otree.i18n import N_, gettext

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable

from markupsafe import Markup, escape

from otree.conf import settings
from otree.currency import CURRENCY_SYMBOLS, Currency, RealWorldCurrency
from otree.db.fields import (
    BooleanField,
    CurrencyField,
    DecimalField,
    Field,
    FloatField,
    IntegerField,
    LongStringField,
    MultiStringField,
    StringField,
    value_key,
)
from otree.widgets import widget_kind

__all__ = ["Form", "NON_FIELD_ERRORS"]

NON_FIELD_ERRORS = "__all__"

# The messages of Django's form fields, which oTree apps and bots have always seen.
MSG_REQUIRED = N_("This field is required.")
MSG_INTEGER = N_("Enter a whole number.")
MSG_NUMBER = N_("Enter a number.")
MSG_MIN = N_("Ensure this value is greater than or equal to {limit}.")
MSG_MAX = N_("Ensure this value is less than or equal to {limit}.")
MSG_MAX_LENGTH = N_("Ensure this value has at most {max} characters (it has {length}).")
MSG_INVALID_CHOICE = N_("Select a valid choice. {value} is not one of the available choices.")
MSG_NULL_CHARACTERS = N_("Null characters are not allowed.")

EMPTY_CHOICE_LABEL = "--------"

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

_FALSE_TEXTS = {"", "0", "false", "off", "no"}
_TRUE_TEXTS = {"1", "true", "on", "yes"}

# Field kinds whose inputs are options to select, rather than text to type.
_OPTION_KINDS = {"select", "radio", "radio_horizontal", "checkbox", "checkboxes"}

Choices = list[tuple[Any, Any]]  # (typed value, label as str or Markup)


class _Invalid(Exception):
    """A submitted value that fails validation; the message becomes the field's error."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# -- values as text ---------------------------------------------------------------------


def form_value(value: Any) -> str:
    """A Python value as it appears in HTML form data (and therefore in value="...")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, Decimal):
        # Currency's own str() is "5 points"; form data needs the bare number.
        return format(Decimal(value), "f")
    return str(value)


def _submitted_values(data: Any, name: str) -> list[str]:
    """All values posted under `name`, as text (FormData, or a dict of values or lists)."""
    if data is None:
        return []
    getlist = getattr(data, "getlist", None)
    if callable(getlist):
        raw = list(getlist(name))
    else:
        value = data.get(name)
        raw = [] if value is None else list(value) if isinstance(value, (list, tuple)) else [value]
    # Uploaded files have no place in oTree forms; skip them rather than stringify them.
    return [form_value(v) for v in raw if not hasattr(v, "read")]


def _attrs(attrs: dict[str, Any]) -> Markup:
    """HTML attributes: True renders the bare name, None/False leave the attribute out."""
    parts = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        if value is True:
            parts.append(key)
        else:
            parts.append(f'{key}="{escape(form_value(value))}"')
    return Markup(" ".join(parts))


def _step(places: int) -> str:
    return format(Decimal(1).scaleb(-int(places)), "f")


def _default_label(name: str) -> str:
    # Django's default: the name with spaces, first letter upper-cased (rest unchanged).
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


# -- field types ---------------------------------------------------------------------


def _typed(field: Field, value: Any) -> Any:
    """A choice value converted to the field's type (ints of a CurrencyField become Currency)."""
    if isinstance(field, (StringField, MultiStringField)):
        return value if isinstance(value, str) else form_value(value)
    if isinstance(field, BooleanField):
        return value
    try:
        return field.coerce(value)
    except (TypeError, ValueError, ArithmeticError):
        return value  # left as given; a wrong type surfaces when the value is saved


def _choice_pairs(field: Field, raw: Iterable) -> Choices:
    """Flat `[1, 2]` or paired `[[1, 'One'], ...]` choices as (typed value, label)."""
    pairs: Choices = []
    for entry in raw:
        if isinstance(entry, (list, tuple)):
            if len(entry) != 2:
                raise ValueError(f"Each choice must be a value or a [value, label] pair, not {entry!r}")
            value, label = entry
            pairs.append((_typed(field, value), label if isinstance(label, Markup) else str(label)))
        else:
            value = _typed(field, entry)
            # A flat currency choice is labelled as currency is displayed ("5 points").
            pairs.append((value, str(value)))
    return pairs


def _parse_number(field: Field, text: str) -> Any:
    """The typed value of a numeric field from its text; _Invalid if it is not a number."""
    if isinstance(field, IntegerField):
        if not _INTEGER_RE.match(text):
            raise _Invalid(gettext(MSG_INTEGER))
        digits = text.split(".")[0].lstrip("+-").lstrip("0")
        if len(digits) > len(str(INTEGER_RANGE[1])):
            # Far outside the column's range (and maybe beyond what int() converts): say which end.
            if text.startswith("-"):
                raise _Invalid(gettext(MSG_MIN).format(limit=INTEGER_RANGE[0]))
            raise _Invalid(gettext(MSG_MAX).format(limit=INTEGER_RANGE[1]))
        return int(text.split(".")[0])
    if len(text) > _MAX_NUMBER_TEXT or not _NUMBER_RE.match(text):
        raise _Invalid(gettext(MSG_NUMBER))
    if isinstance(field, FloatField):
        number = float(text)
        if number in (float("inf"), float("-inf")):
            raise _Invalid(gettext(MSG_NUMBER))
        return number
    # CurrencyField, RealWorldCurrencyField, DecimalField: exact decimal, rounded by the type.
    try:
        number = Decimal(text)
        if abs(number.adjusted()) > _MAX_DECIMAL_EXPONENT:
            raise _Invalid(gettext(MSG_NUMBER))
        return field.coerce(number)
    except (InvalidOperation, ValueError, ArithmeticError):
        raise _Invalid(gettext(MSG_NUMBER)) from None


def _parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE_TEXTS:
        return True
    if lowered in _FALSE_TEXTS:
        return False
    raise _Invalid(gettext(MSG_INVALID_CHOICE).format(value=text))


def _currency_input(field: CurrencyField) -> tuple[str, str]:
    """(step, unit label) of a currency input, from the settings at render time."""
    if field.real_world or not settings.USE_POINTS:
        cls = RealWorldCurrency if field.real_world else Currency
        code = str(settings.REAL_WORLD_CURRENCY_CODE or "")
        return _step(cls._places()), CURRENCY_SYMBOLS.get(code.upper(), code)
    return _step(Currency._places()), str(settings.POINTS_CUSTOM_NAME or "points")


def _decimal_input(field: DecimalField) -> tuple[str, str]:
    """(step, unit label) of a DecimalField input."""
    unit = field.unit
    if unit is not None:
        return _step(unit.get_input_places()), str(unit.input_unit_label or "")
    if field.decimal_places is not None:
        return _step(field.decimal_places), ""
    return "any", ""


# -- the form ---------------------------------------------------------------------------


class Form:
    """The form of one page for one Player or Group (see the module docstring)."""

    def __init__(self, instance: Any, field_names: list[str], app: Any = None, data: Any = None, page: Any = None):
        self.instance = instance
        # Self-format apps (oTree <= 3) may define `<field>_error_message(self, value)` etc. on
        # the Page instance; such a method is used before the model's hook.
        self.page = page
        self.field_names: list[str] = list(field_names)
        self.app = app if app is not None else getattr(type(instance), "_otree_app", None)
        self.data = data
        self.errors: dict[str, str] = {}
        self.cleaned_data: dict[str, Any] = {}
        self._validated = False
        self._choices_cache: dict[str, Choices | None] = {}
        self.fields: dict[str, Field] = self._look_up_fields()
        # Resolving every widget now reports a misconfigured field when the page is built,
        # not halfway through rendering the template.
        self._kinds: dict[str, str] = {name: self._resolve_kind(name) for name in self.field_names}

    # -- setup --------------------------------------------------------------------------

    @property
    def _model_name(self) -> str:
        return type(self.instance).__name__

    def _look_up_fields(self) -> dict[str, Field]:
        model_fields: dict[str, Field] = getattr(type(self.instance), "_otree_fields", {})
        fields = {}
        for name in self.field_names:
            field = model_fields.get(name)
            if field is None:
                raise ValueError(
                    f"form_fields contains {name!r}, but {self._model_name} has no field {name!r}. "
                    f"Declare it on class {self._model_name} or remove it from form_fields."
                )
            fields[name] = field
        return fields

    def _hook(self, name: str, suffix: str) -> Callable | None:
        """`<field>_<suffix>`, called as hook(instance, *args) whatever format the app uses."""
        hook_name = f"{name}_{suffix}"
        page_method = getattr(self.page, hook_name, None) if self.page is not None else None
        if callable(page_method) and not isinstance(page_method, type):
            return lambda instance, *args: page_method(*args)
        if self.app is None:
            return None
        return self.app.model_hook(type(self.instance), hook_name)

    def _choices(self, name: str) -> Choices | None:
        """The field's choices: from `<field>_choices(obj)` if defined, else declared ones."""
        if name not in self._choices_cache:
            field = self.fields[name]
            hook = self._hook(name, "choices")
            raw = hook(self.instance) if hook is not None else field.raw_choices
            if raw is not None:
                choices = _choice_pairs(field, raw)
            elif isinstance(field, BooleanField):
                choices = [(value, gettext(label)) for value, label in field.choices]  # the default Yes/No
            else:
                choices = None
            self._choices_cache[name] = choices
        return self._choices_cache[name]

    def _limits(self, name: str) -> tuple[Any, Any]:
        """(min, max): `<field>_min(obj)` / `<field>_max(obj)` take precedence over the field's."""
        field = self.fields[name]
        limits = []
        for suffix, declared in (("min", field.min), ("max", field.max)):
            hook = self._hook(name, suffix)
            limits.append(hook(self.instance) if hook is not None else declared)
        return limits[0], limits[1]

    def _resolve_kind(self, name: str) -> str:
        """How the field is shown and read: text, textarea, number, select, radio, checkbox, ..."""
        field = self.fields[name]
        widget = widget_kind(field.widget)
        has_choices = self._choices(name) is not None
        if isinstance(field, MultiStringField):
            return "checkboxes"  # a list of values; no other widget can post one
        if widget == "HiddenInput":
            return "hidden"
        if widget in ("Checkbox", "CheckboxInput"):
            if not isinstance(field, BooleanField):
                raise ValueError(
                    f"{self._model_name}.{name} uses widgets.Checkbox, which is only for BooleanField "
                    f"(it is a {type(field).__name__})."
                )
            return "checkbox"
        if widget in ("RadioSelect", "RadioSelectHorizontal", "Select"):
            if not has_choices:
                raise ValueError(
                    f"{self._model_name}.{name} uses widgets.{widget} but has no choices: "
                    f"add choices=[...] or define {name}_choices()."
                )
            return {"RadioSelect": "radio", "RadioSelectHorizontal": "radio_horizontal", "Select": "select"}[widget]
        if has_choices and widget != "TextInput":
            # oTree's defaults: Yes/No radio buttons for booleans, a dropdown otherwise.
            return "radio" if isinstance(field, BooleanField) else "select"
        if widget == "Textarea" or (widget is None and isinstance(field, LongStringField)):
            return "textarea"
        if field.numeric:
            return "slider" if widget == "Slider" else "number"
        return "text"

    # -- validation ---------------------------------------------------------------------

    def validate(self) -> bool:
        """Check the submitted data; fills `errors` and `cleaned_data`. True if there are no errors."""
        if self.data is None:
            raise RuntimeError("This form has no submitted data to validate (pass data=...).")
        self.errors = {}
        self.cleaned_data = {}
        for name in self.field_names:
            try:
                value = self._clean(name)
            except _Invalid as exc:
                self.errors[name] = exc.message
                continue
            # As in oTree, the user's check only sees values that passed the built-in ones.
            message = self._user_error_message(name, value)
            if message:
                self.errors[name] = message
                continue
            self.cleaned_data[name] = value
        self._validated = True
        return not self.errors

    def _user_error_message(self, name: str, value: Any) -> str | None:
        hook = self._hook(name, "error_message")
        if hook is None:
            return None
        message = hook(self.instance, value)
        if not message:
            return None
        return message if isinstance(message, Markup) else str(message)

    def _submitted_text(self, name: str) -> str:
        # The last value wins when a name is posted twice (as in Django).
        values = _submitted_values(self.data, name)
        return values[-1].strip() if values else ""

    def _clean(self, name: str) -> Any:
        field, kind = self.fields[name], self._kinds[name]
        if kind == "checkboxes":
            return self._clean_several(name, field)
        if kind == "checkbox":
            return self._clean_checkbox(name, field)
        text = self._submitted_text(name)
        if "\x00" in text:
            raise _Invalid(gettext(MSG_NULL_CHARACTERS))
        if text == "":
            if not field.blank:
                raise _Invalid(gettext(MSG_REQUIRED))
            # Blank text is stored as "" (as oTree does); other types have no value.
            return "" if isinstance(field, StringField) else None
        choices = self._choices(name)
        if choices is not None:
            return self._clean_choice(field, text, choices)
        if field.numeric:
            value = _parse_number(field, text)
            self._check_limits(name, field, value)
            return value
        if isinstance(field, StringField) and field.max_length is not None and len(text) > field.max_length:
            raise _Invalid(gettext(MSG_MAX_LENGTH).format(max=field.max_length, length=len(text)))
        return text

    def _clean_choice(self, field: Field, text: str, choices: Choices) -> Any:
        for value, _ in choices:
            if form_value(value) == text:
                return value
        # Not the exact text of an option, but maybe the same value written differently
        # ("1" for True, "10.0" for 10), as bots and scripts post them.
        try:
            if isinstance(field, BooleanField):
                parsed = _parse_bool(text)
            elif field.numeric:
                parsed = _parse_number(field, text)
            else:
                parsed = _Invalid
        except _Invalid:
            parsed = _Invalid
        if parsed is not _Invalid:
            for value, _ in choices:
                # type() check: True == 1 must not select the choice 1 (or vice versa).
                if isinstance(value, bool) == isinstance(parsed, bool) and value == parsed:
                    return value
        raise _Invalid(gettext(MSG_INVALID_CHOICE).format(value=text))

    def _check_limits(self, name: str, field: Field, value: Any) -> None:
        low, high = self._limits(name)
        if low is not None and value < low:
            raise _Invalid(gettext(MSG_MIN).format(limit=low))
        if high is not None and value > high:
            raise _Invalid(gettext(MSG_MAX).format(limit=high))
        if isinstance(field, IntegerField):
            if value < INTEGER_RANGE[0]:
                raise _Invalid(gettext(MSG_MIN).format(limit=INTEGER_RANGE[0]))
            if value > INTEGER_RANGE[1]:
                raise _Invalid(gettext(MSG_MAX).format(limit=INTEGER_RANGE[1]))

    def _clean_checkbox(self, name: str, field: Field) -> bool:
        # An unchecked checkbox is simply not posted: that means False.
        checked = self._submitted_text(name).lower() not in _FALSE_TEXTS
        if not checked and not field.blank:
            raise _Invalid(gettext(MSG_REQUIRED))  # a required checkbox must be ticked (e.g. consent)
        return checked

    def _clean_several(self, name: str, field: Field) -> list[str]:
        submitted = [v.strip() for v in _submitted_values(self.data, name)]
        submitted = [v for v in submitted if v]
        if any("\x00" in v for v in submitted):
            raise _Invalid(gettext(MSG_NULL_CHARACTERS))
        if not submitted:
            if not field.blank:
                raise _Invalid(gettext(MSG_REQUIRED))
            return []
        allowed = {form_value(value): value for value, _ in self._choices(name) or []}
        result: list[str] = []
        for text in submitted:
            if text not in allowed:
                raise _Invalid(gettext(MSG_INVALID_CHOICE).format(value=text))
            if allowed[text] not in result:
                result.append(allowed[text])
        return result

    # -- errors and saving --------------------------------------------------------------

    def add_error(self, name: str | None, message: str) -> None:
        """Record an error for a field, or for the whole form with name None or '__all__'."""
        key = NON_FIELD_ERRORS if name in (None, NON_FIELD_ERRORS) else name
        if key != NON_FIELD_ERRORS and key not in self.fields:
            raise ValueError(
                f"Cannot add an error to {key!r}: it is not in form_fields ({', '.join(self.field_names)})."
            )
        self.errors.setdefault(key, message if isinstance(message, Markup) else str(message))
        self.cleaned_data.pop(key, None)

    @property
    def non_field_error(self) -> str | None:
        return self.errors.get(NON_FIELD_ERRORS)

    def has_errors(self) -> bool:
        return bool(self.errors)

    def save(self) -> None:
        """Write the validated values onto the instance (only after a successful validate())."""
        if not self._validated:
            raise RuntimeError("Call validate() before save().")
        if self.errors:
            raise RuntimeError("A form with errors cannot be saved.")
        for name in self.field_names:
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])

    # -- templates: iterating the form and its fields -----------------------------------

    def __iter__(self):
        """`{% for field in form %}`: the fields in form_fields order."""
        from otree.bound_fields import BoundField

        return (BoundField(self, name) for name in self.field_names)

    def __getitem__(self, name: str):
        from otree.bound_fields import BoundField

        if name not in self.fields:
            raise KeyError(f"This page's form_fields has no field {name!r} (it has: {', '.join(self.field_names)})")
        return BoundField(self, name)

    def __getattr__(self, name: str):
        # `form.age` in templates; only reached for names that are not attributes of the form.
        fields = self.__dict__.get("fields")
        if fields is not None and name in fields:
            return self[name]
        raise AttributeError(name)

    def render_control(self, name: str) -> Markup:
        """A field's input alone, without its label block (`{{ field }}` in a template)."""
        field = self._field_for_rendering(name)
        kind = self._kinds[name]
        if kind == "hidden":
            return self._render_hidden(name)
        return self._render_control(name, field, kind, self._label(name, field, None))

    @staticmethod
    def option_value(value: Any) -> str:
        return form_value(value)

    def option_checked(self, name: str, text: str) -> bool:
        if self._kinds[name] == "checkboxes":
            return text in set(self._current_values(name))
        return text == self._current_value(name)

    def render_option_input(self, name: str, index: int, text: str, label: Any) -> Markup:
        """One choice's input alone (`{{ choice }}` in a loop over a field), or its <option> in a dropdown."""
        field = self.fields[name]
        kind = self._kinds[name]
        checked = self.option_checked(name, text)
        if kind == "select":
            return Markup("<option {}>{}</option>").format(_attrs({"value": text, "selected": checked}), label)
        input_type = "checkbox" if kind == "checkboxes" else "radio"
        return Markup("<input {}>").format(_attrs({
            "class": "form-check-input", "type": input_type, "name": name, "id": f"id_{name}-{index}",
            "value": text, "checked": checked, "required": input_type == "radio" and not field.blank,
        }))

    # -- rendering ----------------------------------------------------------------------

    def render_all(self) -> Markup:
        """Every field in form_fields order (the {{ formfields }} tag)."""
        return Markup("\n").join(self.render_field(name) for name in self.field_names)

    def render_errors(self, name: str) -> Markup:
        message = self.errors.get(name)
        if not message:
            return Markup("")
        return Markup('<div class="form-control-errors">{}</div>').format(message)

    def render_field(self, name: str, label: Any = None) -> Markup:
        """One field's block: label, input, help text and error (the {{ formfield }} tag)."""
        field = self._field_for_rendering(name)
        kind = self._kinds[name]
        if kind == "hidden":
            return Markup("").join([self._render_hidden(name), self.render_errors(name)])
        label_html = self._label(name, field, label)
        parts = [Markup('<div class="mb-3 _formfield">')]
        if kind != "checkbox" and label_html:
            parts.append(Markup('<label class="col-form-label" for="id_{}">{}</label>').format(name, label_html))
        parts.append(Markup('<div class="controls">'))
        parts.append(self._render_control(name, field, kind, label_html))
        if field.help_text:
            parts.append(Markup('<p class="form-text text-muted">{}</p>').format(field.help_text))
        parts.append(self.render_errors(name))
        parts.append(Markup("</div></div>"))
        return Markup("\n").join(p for p in parts if p)

    def _field_for_rendering(self, name: str) -> Field:
        field = self.fields.get(name)
        if field is None:
            raise ValueError(
                f"The template shows the field {name!r}, but it is not in this page's form_fields "
                f"({', '.join(self.field_names) or 'empty'})."
            )
        return field

    @staticmethod
    def _label(name: str, field: Field, label: Any) -> Markup:
        if label is None:
            label = field.label if field.label is not None else _default_label(name)
        return escape(label if isinstance(label, Markup) else str(label))

    def _current_values(self, name: str) -> list[str]:
        """What the input shows: the submitted text when redisplayed, else the saved value."""
        if self.data is not None:
            if name in self.cleaned_data and self._kinds[name] in _OPTION_KINDS:
                # A valid choice is matched in canonical form, so "1" posted for True still
                # checks "Yes"; typed inputs show exactly what was typed, as Django does.
                value = self.cleaned_data[name]
            else:
                return _submitted_values(self.data, name)
        else:
            value = getattr(self.instance, value_key(name), None)
        if value is None:
            return []
        if isinstance(value, (list, tuple)):
            return [form_value(v) for v in value]
        return [form_value(value)]

    def _current_value(self, name: str) -> str:
        values = self._current_values(name)
        return values[-1] if values else ""

    def _base_attrs(self, name: str, field: Field, **attrs: Any) -> dict[str, Any]:
        """type/class, name/id, the given attributes, the widget's own attrs, and required."""
        result: dict[str, Any] = {
            "type": attrs.pop("type", None), "class": attrs.pop("class", None), "name": name, "id": f"id_{name}",
            **attrs,
        }
        widget_attrs = getattr(field.widget, "attrs", None) if not isinstance(field.widget, type) else None
        for key, value in (widget_attrs or {}).items():
            if key == "class" and result.get("class"):
                result["class"] = f"{result['class']} {value}"
            else:
                result[key] = value
        result["required"] = not field.blank
        return result

    def _render_control(self, name: str, field: Field, kind: str, label_html: Markup) -> Markup:
        if kind == "text":
            return self._render_text(name, field)
        if kind == "textarea":
            return self._render_textarea(name, field)
        if kind in ("number", "slider"):
            return self._render_number(name, field, kind)
        if kind == "select":
            return self._render_select(name, field)
        if kind in ("radio", "radio_horizontal"):
            return self._render_options(name, field, "radio", inline=kind == "radio_horizontal")
        if kind == "checkboxes":
            return self._render_options(name, field, "checkbox", inline=False)
        if kind == "checkbox":
            return self._render_checkbox(name, field, label_html)
        raise AssertionError(f"unknown field kind {kind!r}")

    def _render_text(self, name: str, field: Field) -> Markup:
        attrs = self._base_attrs(
            name, field, type="text", **{"class": "form-control"},
            value=self._current_value(name) or None, maxlength=getattr(field, "max_length", None),
        )
        return Markup("<input {}>").format(_attrs(attrs))

    def _render_textarea(self, name: str, field: Field) -> Markup:
        attrs = self._base_attrs(
            name, field, **{"class": "form-control"}, rows=3, maxlength=getattr(field, "max_length", None)
        )
        # Browsers drop one newline right after <textarea>; adding one keeps a value's own.
        return Markup("<textarea {}>\n{}</textarea>").format(_attrs(attrs), self._current_value(name))

    def _render_hidden(self, name: str) -> Markup:
        attrs = {"type": "hidden", "name": name, "id": f"id_{name}", "value": self._current_value(name)}
        return Markup("<input {}>").format(_attrs(attrs))

    def _render_number(self, name: str, field: Field, kind: str) -> Markup:
        low, high = self._limits(name)
        unit = ""
        inputmode = None
        if isinstance(field, CurrencyField):
            step, unit = _currency_input(field)
        elif isinstance(field, DecimalField):
            step, unit = _decimal_input(field)
        elif isinstance(field, IntegerField):
            step = "1"
            # The numeric keypad has no minus sign, so only when negatives are not allowed.
            inputmode = "numeric" if low is not None and low >= 0 else None
        else:
            step = "any"
        input_type, css = ("range", "form-range") if kind == "slider" else ("number", "form-control")
        attrs = self._base_attrs(
            name, field, type=input_type, **{"class": css}, value=self._current_value(name) or None,
            step=step, min=low, max=high, inputmode=inputmode,
        )
        control = Markup("<input {}>").format(_attrs(attrs))
        if not unit:
            return control
        return Markup(
            '<div class="input-group input-group-narrow">{}<span class="input-group-text">{}</span></div>'
        ).format(control, unit)

    def _render_select(self, name: str, field: Field) -> Markup:
        current = self._current_value(name)
        attrs = self._base_attrs(name, field, **{"class": "form-select"})
        options = [Markup('<option value="">{}</option>').format(EMPTY_CHOICE_LABEL)]
        for value, label in self._choices(name) or []:
            text = form_value(value)
            option_attrs = _attrs({"value": text, "selected": text == current})
            options.append(Markup("<option {}>{}</option>").format(option_attrs, label))
        return Markup("<select {}>\n{}\n</select>").format(_attrs(attrs), Markup("\n").join(options))

    def _render_options(self, name: str, field: Field, input_type: str, inline: bool) -> Markup:
        """Radio buttons (one value) or checkboxes (MultiStringField), one form-check each."""
        current = set(self._current_values(name))
        if input_type == "radio" and self.data is not None:
            current = {self._current_value(name)}  # the last posted value is the one validated
        wrapper = "form-check form-check-inline" if inline else "form-check"
        # `required` on every checkbox would demand all of them; it only fits radio buttons.
        required = input_type == "radio" and not field.blank
        items = []
        for index, (value, label) in enumerate(self._choices(name) or []):
            text = form_value(value)
            option_id = f"id_{name}-{index}"
            attrs = _attrs({
                "class": "form-check-input", "type": input_type, "name": name, "id": option_id,
                "value": text, "checked": text in current, "required": required,
            })
            items.append(
                Markup('<div class="{}"><input {}> <label class="form-check-label" for="{}">{}</label></div>')
                .format(wrapper, attrs, option_id, label)
            )
        return Markup('<div id="id_{}">\n{}\n</div>').format(name, Markup("\n").join(items))

    def _render_checkbox(self, name: str, field: Field, label_html: Markup) -> Markup:
        checked = self._current_value(name).lower() not in _FALSE_TEXTS
        attrs = self._base_attrs(name, field, **{"class": "form-check-input"}, type="checkbox", value="1",
                                 checked=checked)
        return Markup(
            '<div class="form-check"><input {}> <label class="form-check-label" for="id_{}">{}</label></div>'
        ).format(_attrs(attrs), name, label_html)
