"""Form widgets named as in oTree (`widgets.RadioSelect`, ...). Rendering lives in otree.forms."""

from __future__ import annotations


class Widget:
    """A widget may be given as the class or as an instance: `widget=widgets.RadioSelect`."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None, **kwargs):
        self.attrs = dict(attrs or {})
        self.options = kwargs

    @classmethod
    def kind(cls) -> str:
        return cls.__name__


class TextInput(Widget):
    pass


class Textarea(Widget):
    pass


class NumberInput(Widget):
    input_type = "number"


class Select(Widget):
    pass


class RadioSelect(Widget):
    pass


class RadioSelectHorizontal(RadioSelect):
    pass


class Checkbox(Widget):
    input_type = "checkbox"


class CheckboxInput(Checkbox):
    """Django-era name of Checkbox."""


class HiddenInput(Widget):
    input_type = "hidden"


class Slider(Widget):
    """oTree 3's range slider."""

    input_type = "range"


class CheckboxSelectMultiple(Widget):
    """Several checkboxes, for MultiStringField."""


def widget_kind(widget) -> str | None:
    """The widget's class name, whether a class or an instance was given."""
    if widget is None:
        return None
    cls = widget if isinstance(widget, type) else type(widget)
    return cls.__name__


__all__ = [
    "Widget", "TextInput", "Textarea", "NumberInput", "Select", "RadioSelect", "RadioSelectHorizontal",
    "Checkbox", "CheckboxInput", "HiddenInput", "Slider", "CheckboxSelectMultiple", "widget_kind",
]
