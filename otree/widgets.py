"""Form widgets named as in oTree (`widgets.RadioSelect`, ...); each one renders its own input.

A model field may name a widget (`widget=widgets.RadioSelect`, the class or an instance);
`choose` turns that into the widget that really shows the field (a Select for a field with
choices but no widget, an error for a RadioSelect without choices, ...), asking the field
for its defaults. `render(form, name, label)` is called by otree.forms with the Form, which
supplies the field's current value(s), choices, limits and input attributes.

This module is a leaf (markupsafe only), so otree.db.fields can name widgets.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from otree.db.fields import Field
    from otree.forms import Form

EMPTY_CHOICE_LABEL = "--------"
_FALSE_TEXTS = {"", "0", "false", "off", "no"}


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


def html_attrs(attrs: dict[str, Any]) -> Markup:
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


class Widget:
    """A widget may be given as the class or as an instance: `widget=widgets.RadioSelect`."""

    input_type = "text"
    form_kind = "text"  # the name otree.forms and templates know it by (BoundField.kind)
    has_options = False  # one input per choice (loopable as `{% for choice in field %}`)
    picks_value = False  # shows a canonical cleaned value when redisplayed, not the typed text
    hidden = False
    labels_itself = False  # the label is part of the input (a checkbox), not above it

    def __init__(self, attrs: dict | None = None, **kwargs):
        self.attrs = dict(attrs or {})
        self.options = kwargs

    @classmethod
    def kind(cls) -> str:
        return cls.__name__

    @classmethod
    def choose(cls, field: Field, has_choices: bool, where: str) -> type[Widget]:
        """The widget that shows `field` when the app named this one (`where`: Model.field, for errors)."""
        return field.choice_widget() if has_choices else field.input_widget()

    def render(self, form: Form, name: str, label_html: Markup) -> Markup:
        attrs = form.input_attrs(name, type="text", **{"class": "form-control"},
                                 value=form.current_value(name) or None,
                                 maxlength=getattr(form.fields[name], "max_length", None))
        return Markup("<input {}>").format(html_attrs(attrs))

    def clean(self, form: Form, name: str) -> Any:
        """The typed value submitted for the field (otree.db.fields.InvalidInput if it is not valid)."""
        return form.clean_text(name)


class TextInput(Widget):
    @classmethod
    def choose(cls, field, has_choices, where):
        return field.input_widget()  # text to type, even where there are choices


class Textarea(Widget):
    form_kind = "textarea"

    @classmethod
    def choose(cls, field, has_choices, where):
        return field.choice_widget() if has_choices else Textarea

    def render(self, form, name, label_html):
        attrs = form.input_attrs(name, **{"class": "form-control"}, rows=3,
                                 maxlength=getattr(form.fields[name], "max_length", None))
        # Browsers drop one newline right after <textarea>; adding one keeps a value's own.
        return Markup("<textarea {}>\n{}</textarea>").format(html_attrs(attrs), form.current_value(name))


class NumberInput(Widget):
    input_type = "number"
    form_kind = "number"
    css = "form-control"

    def render(self, form, name, label_html):
        low, high = form.limits(name)
        step, unit, inputmode = form.fields[name].number_input(low)
        attrs = form.input_attrs(name, type=self.input_type, **{"class": self.css},
                                 value=form.current_value(name) or None, step=step, min=low, max=high,
                                 inputmode=inputmode)
        control = Markup("<input {}>").format(html_attrs(attrs))
        if not unit:
            return control
        return Markup(
            '<div class="input-group input-group-narrow">{}<span class="input-group-text">{}</span></div>'
        ).format(control, unit)


class Slider(NumberInput):
    """oTree 3's range slider."""

    input_type = "range"
    form_kind = "slider"
    css = "form-range"

    @classmethod
    def choose(cls, field, has_choices, where):
        if has_choices:
            return field.choice_widget()
        return Slider if field.numeric else TextInput


class _ChoiceWidget(Widget):
    has_options = picks_value = True

    @classmethod
    def choose(cls, field, has_choices, where):
        if not has_choices:
            raise ValueError(f"{where} uses widgets.{cls.__name__} but has no choices: "
                             f"add choices=[...] or define {where.split('.')[-1]}_choices().")
        return cls


class Select(_ChoiceWidget):
    form_kind = "select"

    def render(self, form, name, label_html):
        current = form.current_value(name)
        attrs = form.input_attrs(name, **{"class": "form-select"})
        options = [Markup('<option value="">{}</option>').format(EMPTY_CHOICE_LABEL)]
        for value, label in form.choices(name) or []:
            text = form_value(value)
            options.append(Markup("<option {}>{}</option>").format(
                html_attrs({"value": text, "selected": text == current}), label))
        return Markup("<select {}>\n{}\n</select>").format(html_attrs(attrs), Markup("\n").join(options))

    def render_option(self, form, name, index, text, label, checked) -> Markup:
        return Markup("<option {}>{}</option>").format(html_attrs({"value": text, "selected": checked}), label)


class RadioSelect(_ChoiceWidget):
    form_kind = "radio"
    input_type = "radio"
    inline = False

    def checked_texts(self, form, name) -> set[str]:
        if form.data is not None:
            return {form.current_value(name)}  # the last posted value is the one validated
        return set(form.current_values(name))

    def _option_attrs(self, form, name, index, text, checked) -> Markup:
        # `required` on every checkbox would demand all of them; it only fits radio buttons.
        return html_attrs({
            "class": "form-check-input", "type": self.input_type, "name": name, "id": f"id_{name}-{index}",
            "value": text, "checked": checked, "required": self.input_type == "radio" and not form.fields[name].blank,
        })

    def render(self, form, name, label_html):
        """One form-check per choice."""
        current = self.checked_texts(form, name)
        wrapper = "form-check form-check-inline" if self.inline else "form-check"
        items = []
        for index, (value, label) in enumerate(form.choices(name) or []):
            text = form_value(value)
            items.append(
                Markup('<div class="{}"><input {}> <label class="form-check-label" for="{}">{}</label></div>')
                .format(wrapper, self._option_attrs(form, name, index, text, text in current),
                        f"id_{name}-{index}", label)
            )
        return Markup('<div id="id_{}">\n{}\n</div>').format(name, Markup("\n").join(items))

    def render_option(self, form, name, index, text, label, checked) -> Markup:
        return Markup("<input {}>").format(self._option_attrs(form, name, index, text, checked))


class RadioSelectHorizontal(RadioSelect):
    form_kind = "radio_horizontal"
    inline = True


class Checkbox(Widget):
    input_type = "checkbox"
    form_kind = "checkbox"
    picks_value = labels_itself = True

    @classmethod
    def choose(cls, field, has_choices, where):
        if not field.accepts_checkbox:
            raise ValueError(f"{where} uses widgets.Checkbox, which is only for BooleanField "
                             f"(it is a {type(field).__name__}).")
        return Checkbox

    def render(self, form, name, label_html):
        checked = form.current_value(name).lower() not in _FALSE_TEXTS
        attrs = form.input_attrs(name, **{"class": "form-check-input"}, type="checkbox", value="1", checked=checked)
        return Markup(
            '<div class="form-check"><input {}> <label class="form-check-label" for="id_{}">{}</label></div>'
        ).format(html_attrs(attrs), name, label_html)

    def clean(self, form, name):
        return form.clean_checkbox(name)


class CheckboxInput(Checkbox):
    """Django-era name of Checkbox."""


class HiddenInput(Widget):
    input_type = "hidden"
    form_kind = "hidden"
    hidden = True

    @classmethod
    def choose(cls, field, has_choices, where):
        return HiddenInput

    def render(self, form, name, label_html):
        attrs = {"type": "hidden", "name": name, "id": f"id_{name}", "value": form.current_value(name)}
        return Markup("<input {}>").format(html_attrs(attrs))


class CheckboxSelectMultiple(RadioSelect):
    """Several checkboxes, for MultiStringField (the only widget that posts a list)."""

    form_kind = "checkboxes"
    input_type = "checkbox"

    @classmethod
    def choose(cls, field, has_choices, where):
        # Named on another field, it means nothing special (as in oTree).
        return field.choice_widget() if has_choices else field.input_widget()

    def checked_texts(self, form, name):
        return set(form.current_values(name))

    def clean(self, form, name):
        return form.clean_several(name)


def widget_kind(widget) -> str | None:
    """The widget's class name, whether a class or an instance was given."""
    if widget is None:
        return None
    cls = widget if isinstance(widget, type) else type(widget)
    return cls.__name__


def widget_for(field: Field, has_choices: bool, where: str) -> Widget:
    """The widget instance that shows `field` (the declared instance itself when it is the one chosen)."""
    fixed = field.fixed_widget()
    if fixed is not None:
        return fixed()
    declared = field.widget
    if declared is None:
        chosen = field.default_widget(has_choices)
    else:
        declared_cls = declared if isinstance(declared, type) else type(declared)
        chosen = declared_cls.choose(field, has_choices, where) if issubclass(declared_cls, Widget) else (
            field.choice_widget() if has_choices else field.input_widget())
    if not isinstance(declared, type) and type(declared) is chosen:
        return declared
    return chosen()


__all__ = [
    "Widget", "TextInput", "Textarea", "NumberInput", "Select", "RadioSelect", "RadioSelectHorizontal",
    "Checkbox", "CheckboxInput", "HiddenInput", "Slider", "CheckboxSelectMultiple", "widget_kind",
]
