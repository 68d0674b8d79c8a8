"""Fields of a page's form as templates see them: `{% for field in form %}`, `form.age`, choices.

`{{ field }}` renders the field's input, `{{ field.label }}` its `<label>`, `{{ field.errors }}` its
messages; `field.name`, `field.id`, `field.help_text` and `field.value` are plain values.
A field with options (radio buttons, checkboxes, dropdown) iterates over them:
`{% for choice in form.offer %}{{ choice }}{% endfor %}` renders one input per choice, with
`choice.label` (its `<label>`), and the Django spellings `choice.tag` and `choice.choice_label`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from otree.forms import Form

class FieldLabel:
    """Prints as `<label for=...>text</label>`; `str()` and `.text` are the text alone."""

    def __init__(self, text: Any, for_id: str, css: str = "col-form-label"):
        self.text = text if isinstance(text, Markup) else escape(str(text))
        self.for_id = for_id
        self.css = css

    def __html__(self) -> str:
        return Markup('<label class="{}" for="{}">{}</label>').format(self.css, self.for_id, self.text)

    def __str__(self) -> str:
        return str(self.text)

    def __bool__(self) -> bool:
        return bool(str(self.text))


class ErrorList(list):
    """A field's error messages: a list, that prints as oTree's error block (nothing when empty)."""

    def __html__(self) -> str:
        return Markup("").join(Markup('<div class="form-control-errors">{}</div>').format(m) for m in self)


class BoundField:
    """One field of a Form, for templates."""

    def __init__(self, form: "Form", name: str):
        self.form = form
        self.name = self.html_name = name
        self.id = self.auto_id = self.id_for_label = f"id_{name}"
        self.widget = form.widgets[name]
        self.kind = self.widget.form_kind
        self.field = form.fields[name]

    @property
    def label(self) -> FieldLabel:
        return FieldLabel(self.form._label(self.name, self.field, None), self.id)

    def label_tag(self) -> Markup:
        return Markup(self.label.__html__())

    @property
    def errors(self) -> ErrorList:
        message = self.form.errors.get(self.name)
        return ErrorList([message] if message else [])

    @property
    def help_text(self) -> str:
        return self.field.help_text

    @property
    def value(self) -> str:
        return self.form.current_value(self.name)

    data = value

    def __html__(self) -> str:
        return self.form.render_control(self.name)

    def __str__(self) -> str:
        return str(self.__html__())

    def __iter__(self) -> Iterator["ChoiceOption"]:
        if not self.widget.has_options:
            raise TypeError(
                f"The field {self.name!r} has no choices to loop over; only fields shown as radio buttons, "
                "checkboxes or a dropdown do (give it choices=[...] and, for radio buttons, "
                "widget=widgets.RadioSelect)."
            )
        for index, (value, label) in enumerate(self.form.choices(self.name) or []):
            yield ChoiceOption(self, index, value, label)

    def __getitem__(self, index: int) -> "ChoiceOption":
        options = list(self)
        return options[index]

    def __repr__(self) -> str:
        return f"<BoundField {self.name}>"


class ChoiceOption:
    """One choice of a field with options: prints as its input (or `<option>` in a dropdown)."""

    def __init__(self, bound: BoundField, index: int, value: Any, label: Any):
        self.bound = bound
        self.index = index
        self.name = bound.name
        self.id = self.id_for_label = f"{bound.id}-{index}"
        self.data = self.value = self.choice_value = bound.form.option_value(value)
        self.choice_label = label if isinstance(label, Markup) else escape(str(label))
        self.checked = bound.form.option_checked(bound.name, self.data)

    @property
    def label(self) -> FieldLabel:
        return FieldLabel(self.choice_label, self.id, css="form-check-label")

    def tag(self) -> Markup:
        return self.bound.form.render_option_input(self.name, self.index, self.data, self.choice_label)

    def __html__(self) -> str:
        return self.tag()

    def __str__(self) -> str:
        return str(self.tag())

    def __repr__(self) -> str:
        return f"<ChoiceOption {self.name}={self.data}>"
