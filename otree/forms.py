"""Page forms: oTree's validation of submitted values and its Bootstrap 5 form markup.

A `Form` is built for one Player or Group and the page's `form_fields`. Without data it
only renders (pre-filled from the instance); with data (a dict or Starlette FormData) it
validates like oTree does (Django-era messages, `<field>_min/_max/_choices/_error_message`
hooks) and `save()` writes the typed values onto the instance.

Everything the user or the participant wrote (labels, choice labels, help texts, values,
error messages) is HTML-escaped; pass a `markupsafe.Markup` to put HTML in a label.

What differs by kind lives on the kinds: each field type (otree.db.fields) reads its own
submitted text, and each widget (otree.widgets) renders its own input; this module holds
what every field shares (required, null characters, choices, min / max, the app's hooks).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from markupsafe import Markup, escape

from otree.db.fields import FALSE_TEXTS, MSG_INVALID_CHOICE, MSG_MAX, MSG_MIN, Field, InvalidInput, value_key
from otree.i18n import N_, gettext
from otree.widgets import Widget, form_value, widget_for

__all__ = ["Form", "NON_FIELD_ERRORS"]

NON_FIELD_ERRORS = "__all__"

# The messages of Django's form fields that are not about one kind of field (those are in
# otree.db.fields, next to the parsing of each kind).
MSG_REQUIRED = N_("This field is required.")
MSG_NULL_CHARACTERS = N_("Null characters are not allowed.")


Choices = list[tuple[Any, Any]]  # (typed value, label as str or Markup)


# -- values as text ---------------------------------------------------------------------


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


def _default_label(name: str) -> str:
    # Django's default: the name with spaces, first letter upper-cased (rest unchanged).
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def _choice_pairs(field: Field, raw: Iterable) -> Choices:
    """Flat `[1, 2]` or paired `[[1, 'One'], ...]` choices as (typed value, label)."""
    pairs: Choices = []
    for entry in raw:
        if isinstance(entry, (list, tuple)):
            if len(entry) != 2:
                raise ValueError(f"Each choice must be a value or a [value, label] pair, not {entry!r}")
            value, label = entry
            pairs.append((field.choice_value(value), label if isinstance(label, Markup) else str(label)))
        else:
            value = field.choice_value(entry)
            # A flat currency choice is labelled as currency is displayed ("5 points").
            pairs.append((value, str(value)))
    return pairs


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
        self.widgets: dict[str, Widget] = {
            name: widget_for(self.fields[name], self.choices(name) is not None, f"{self._model_name}.{name}")
            for name in self.field_names
        }

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

    def choices(self, name: str) -> Choices | None:
        """The field's choices: from `<field>_choices(obj)` if defined, else declared ones."""
        if name not in self._choices_cache:
            field = self.fields[name]
            hook = self._hook(name, "choices")
            raw = hook(self.instance) if hook is not None else field.raw_choices
            if raw is not None:
                choices = _choice_pairs(field, raw)
            elif field.choices is not None:
                choices = [(value, gettext(label)) for value, label in field.choices]  # a BooleanField's Yes/No
            else:
                choices = None
            self._choices_cache[name] = choices
        return self._choices_cache[name]

    def limits(self, name: str) -> tuple[Any, Any]:
        """(min, max): `<field>_min(obj)` / `<field>_max(obj)` take precedence over the field's."""
        field = self.fields[name]
        limits = []
        for suffix, declared in (("min", field.min), ("max", field.max)):
            hook = self._hook(name, suffix)
            limits.append(hook(self.instance) if hook is not None else declared)
        return limits[0], limits[1]

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
            except InvalidInput as exc:
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
        return self.widgets[name].clean(self, name)

    def clean_text(self, name: str) -> Any:
        """The typed value of a field with one text or one choice submitted (most widgets)."""
        field = self.fields[name]
        text = self._submitted_text(name)
        if "\x00" in text:
            raise InvalidInput(gettext(MSG_NULL_CHARACTERS))
        if text == "":
            if not field.blank:
                raise InvalidInput(gettext(MSG_REQUIRED))
            return field.blank_value
        choices = self.choices(name)
        if choices is not None:
            return self._clean_choice(field, text, choices)
        value = field.parse_text(text)
        if field.numeric:
            self._check_limits(name, field, value)
        return value

    def _clean_choice(self, field: Field, text: str, choices: Choices) -> Any:
        for value, _ in choices:
            if form_value(value) == text:
                return value
        # Not the exact text of an option, but maybe the same value written differently
        # ("1" for True, "10.0" for 10), as bots and scripts post them.
        try:
            parsed = field.parse_alternative(text)
        except InvalidInput:
            pass
        else:
            for value, _ in choices:
                # type() check: True == 1 must not select the choice 1 (or vice versa).
                if isinstance(value, bool) == isinstance(parsed, bool) and value == parsed:
                    return value
        raise InvalidInput(gettext(MSG_INVALID_CHOICE).format(value=text))

    def _check_limits(self, name: str, field: Field, value: Any) -> None:
        low, high = self.limits(name)
        if low is not None and value < low:
            raise InvalidInput(gettext(MSG_MIN).format(limit=low))
        if high is not None and value > high:
            raise InvalidInput(gettext(MSG_MAX).format(limit=high))
        field.check_range(value)

    def clean_checkbox(self, name: str) -> bool:
        """A single checkbox: an unchecked one is simply not posted, which means False."""
        checked = self._submitted_text(name).lower() not in FALSE_TEXTS
        if not checked and not self.fields[name].blank:
            raise InvalidInput(gettext(MSG_REQUIRED))  # a required checkbox must be ticked (e.g. consent)
        return checked

    def clean_several(self, name: str) -> list[str]:
        """Several checkboxes (a MultiStringField): the chosen values, each once, in the order posted."""
        submitted = [v.strip() for v in _submitted_values(self.data, name)]
        submitted = [v for v in submitted if v]
        if any("\x00" in v for v in submitted):
            raise InvalidInput(gettext(MSG_NULL_CHARACTERS))
        if not submitted:
            if not self.fields[name].blank:
                raise InvalidInput(gettext(MSG_REQUIRED))
            return []
        allowed = {form_value(value): value for value, _ in self.choices(name) or []}
        result: list[str] = []
        for text in submitted:
            if text not in allowed:
                raise InvalidInput(gettext(MSG_INVALID_CHOICE).format(value=text))
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
        return self.widgets[name].render(self, name, self._label(name, field, None))

    @staticmethod
    def option_value(value: Any) -> str:
        return form_value(value)

    def option_checked(self, name: str, text: str) -> bool:
        if self.widgets[name].form_kind == "checkboxes":
            return text in set(self.current_values(name))
        return text == self.current_value(name)

    def render_option_input(self, name: str, index: int, text: str, label: Any) -> Markup:
        """One choice's input alone (`{{ choice }}` in a loop over a field), or its <option> in a dropdown."""
        widget = self.widgets[name]
        return widget.render_option(self, name, index, text, label, self.option_checked(name, text))

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
        widget = self.widgets[name]
        label_html = self._label(name, field, label)
        if widget.hidden:
            return Markup("").join([widget.render(self, name, label_html), self.render_errors(name)])
        parts = [Markup('<div class="mb-3 _formfield">')]
        if not widget.labels_itself and label_html:
            parts.append(Markup('<label class="col-form-label" for="id_{}">{}</label>').format(name, label_html))
        parts.append(Markup('<div class="controls">'))
        parts.append(widget.render(self, name, label_html))
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

    def current_values(self, name: str) -> list[str]:
        """What the input shows: the submitted text when redisplayed, else the saved value."""
        if self.data is not None:
            if name in self.cleaned_data and self.widgets[name].picks_value:
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

    def current_value(self, name: str) -> str:
        values = self.current_values(name)
        return values[-1] if values else ""

    def input_attrs(self, name: str, **attrs: Any) -> dict[str, Any]:
        """type/class, name/id, the given attributes, the declared widget's own attrs, and required."""
        field = self.fields[name]
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
