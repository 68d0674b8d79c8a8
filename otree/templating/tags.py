"""The functions behind oTree's output tags (next_button, formfield, chat, static, url, ...).

The translator turns `{{ formfield 'age' }}` into `{{ _otree_formfield("age") }}`;
these are registered as globals by `install()`. `url_for`, `static_url` and
`chat_html` are meant to be replaced by the web layer:
`engine.env.globals["url_for"] = ...`.

Forms are used through a small protocol (the forms module implements it):
`form.field_names` (list of str, in order), `form.render_field(name, label=None)`
and `form.render_errors(name)`, both returning HTML.
"""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from otree import i18n

from .errors import TemplateError
from .runtime import make_forloop

NEXT_BUTTON_HTML = '<button class="otree-btn-next btn btn-primary">{}</button>'
BACK_BUTTON_HTML = '<button type="button" class="otree-btn-back btn btn-secondary">{}</button>'


def next_button() -> Markup:
    """{{ next_button }}"""
    return Markup(NEXT_BUTTON_HTML).format(i18n.gettext(i18n.N_("Next")))


def back_button() -> Markup:
    """{{ back_button }}"""
    return Markup(BACK_BUTTON_HTML).format(i18n.gettext(i18n.N_("Back")))


def _form(context: Context, tag: str) -> Any:
    form = context.resolve_or_missing("form")
    if form is jinja2.runtime.missing or form is None or isinstance(form, jinja2.Undefined):
        raise TemplateError(f"{tag} used on a page without form_fields")
    return form


def _field_name(field: Any) -> str:
    """A field given as its name, or as an object with `.name` (e.g. a bound form field)."""
    if isinstance(field, jinja2.Undefined):
        field._fail_with_undefined_error()
    name = field if isinstance(field, str) else getattr(field, "name", None)
    if not isinstance(name, str):
        raise TemplateError(f"formfield needs a field name, got {field!r}")
    return name


def _check_field(form: Any, name: str, tag: str) -> None:
    names = list(form.field_names)
    if name not in names:
        listed = ", ".join(repr(n) for n in names) or "none"
        raise TemplateError(f"{tag} {name!r}: the page's form_fields has no such field (it has: {listed})")


@pass_context
def formfields(context: Context) -> Markup:
    """{{ formfields }}: every field of the page's form, in order (nothing on a page without a form)."""
    form = context.resolve_or_missing("form")
    if form is jinja2.runtime.missing or form is None or isinstance(form, jinja2.Undefined):
        # oTree renders nothing here: templates copied between pages keep working.
        return Markup("")
    return Markup("\n").join(Markup(form.render_field(name)) for name in form.field_names)


@pass_context
def formfield(context: Context, field: Any, label: Any = None) -> Markup:
    """{{ formfield 'name' label="..." }} (also legacy {% formfield player.name %})."""
    form = _form(context, "formfield")
    name = _field_name(field)
    _check_field(form, name, "formfield")
    if label is None:
        return Markup(form.render_field(name))
    if isinstance(label, jinja2.Undefined):
        label._fail_with_undefined_error()
    return Markup(form.render_field(name, label=label))


@pass_context
def formfield_errors(context: Context, field: Any) -> Markup:
    """{{ formfield_errors 'name' }}: only the error messages of one field."""
    form = _form(context, "formfield_errors")
    name = _field_name(field)
    _check_field(form, name, "formfield_errors")
    return Markup(form.render_errors(name))


def default_chat_html(context: Context, channel: Any = None, nickname: Any = None) -> Markup:
    """Stand-in until the chat feature installs its own `chat_html` global."""
    return Markup("<!-- chat is not available here -->")


@pass_context
def chat(context: Context, channel: Any = None, nickname: Any = None) -> Markup:
    """{{ chat channel=... nickname=... }}: delegates to the pluggable `chat_html` global."""
    render = context.resolve_or_missing("chat_html")
    if render is jinja2.runtime.missing or not callable(render):
        render = default_chat_html
    return Markup(render(context, channel=channel, nickname=nickname))


def static_url(path: Any) -> str:
    """{{ static 'path' }} -> '/static/path'."""
    if isinstance(path, jinja2.Undefined):
        path._fail_with_undefined_error()
    return "/static/" + str(path).lstrip("/")


def default_url_for(name: Any, *args: Any, **kwargs: Any) -> str:
    """Stand-in for the web layer's `url_for`, which knows the routes."""
    raise TemplateError(
        f"{{{{ url {name!r} }}}} needs a url_for function: the web layer sets engine.env.globals['url_for']"
    )


def gettext(message: Any) -> str:
    """{% trans "text" %}: the text in the project's language (oTree's catalogs), else itself."""
    if isinstance(message, jinja2.Undefined):
        message._fail_with_undefined_error()
    return i18n.gettext(str(message))


@pass_context
def is_defined(context: Context, path: str) -> bool:
    """oTree's is_defined('player.x'): whether a dotted path resolves."""
    first, *rest = str(path).split(".")
    value = context.resolve_or_missing(first)
    if value is jinja2.runtime.missing:
        return False
    for part in rest:
        value = context.environment.getattr(value, part)
        if isinstance(value, jinja2.Undefined):
            return False
    return not isinstance(value, jinja2.Undefined)


def widthratio(value: Any, max_value: Any, max_width: Any) -> Any:
    """Django's {% widthratio %}: value / max_value * max_width rounded to a whole number ('' if invalid)."""
    try:
        ratio = float(value) / float(max_value) * float(max_width)
    except ZeroDivisionError:
        return 0
    except (TypeError, ValueError):
        return ""
    if ratio != ratio or ratio in (float("inf"), float("-inf")):
        return ""
    return round(ratio)


def install(env: jinja2.Environment) -> None:
    """Register the tag functions (internal names start with _otree_) and pluggable globals."""
    env.globals.update(
        _otree_next_button=next_button,
        _otree_back_button=back_button,
        _otree_formfields=formfields,
        _otree_formfield=formfield,
        _otree_formfield_errors=formfield_errors,
        _otree_chat=chat,
        _otree_gettext=gettext,
        _otree_forloop=make_forloop,
        _otree_widthratio=widthratio,
        url_for=default_url_for,
        static_url=static_url,
        chat_html=default_chat_html,
        is_defined=is_defined,
        html_lang=i18n.html_lang,
    )
