"""How values behave while a template renders: attribute lookup, undefined names, output."""

from __future__ import annotations

import functools
import inspect
import types
from decimal import Decimal
from typing import Any

import jinja2

from .expressions import METHOD_PREFIX


class OtreeUndefined(jinja2.StrictUndefined):
    """An undefined name: printing, iterating or comparing it is an error naming it.

    Unlike StrictUndefined it is falsy (`{% if player.maybe %}` works as in Django)
    and attribute access on it stays undefined, so `|default(...)` and
    `is defined` work on whole dotted paths.
    """

    __slots__ = ()

    def __bool__(self) -> bool:  # type: ignore[override]  # StrictUndefined raises here; this one is falsy
        return False

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __getitem__(self, key: Any) -> Any:
        return self


class OtreeEnvironment(jinja2.Environment):
    """Jinja environment whose `obj.attr` calls zero-argument methods, as oTree and Django do."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        return auto_call(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str) and argument.startswith(METHOD_PREFIX):
            # `obj.method(...)`: the translator asks for the method itself, uncalled.
            return super().getattr(obj, argument[len(METHOD_PREFIX) :])
        return super().getitem(obj, argument)


def auto_call(value: Any) -> Any:
    """Call `value` if it is a bound method that needs no arguments; classes are never called."""
    if _is_zero_argument_method(value):
        return value()
    return value


def _is_zero_argument_method(value: Any) -> bool:
    if inspect.ismethod(value):
        key: Any = value.__func__
    elif isinstance(value, types.BuiltinMethodType) and not isinstance(
        getattr(value, "__self__", None), (types.ModuleType, type(None))
    ):
        # Methods of built-in types (dict.items, str.upper): only known read-only ones,
        # since e.g. list.clear also takes no arguments.
        return value.__name__ in _READ_ONLY_BUILTIN_METHODS
    else:
        return False
    # Django's opt-outs for methods that must not run just because a template mentions them.
    if getattr(value, "alters_data", False) or getattr(value, "do_not_call_in_templates", False):
        return False
    cached = _SIGNATURES.get(key)
    if cached is None:
        cached = _signature_needs_no_arguments(value)
        if len(_SIGNATURES) < 4096:  # bounded: keys are functions, never instances
            _SIGNATURES[key] = cached
    return cached


_READ_ONLY_BUILTIN_METHODS = {
    "keys", "values", "items", "copy", "upper", "lower", "title", "capitalize", "casefold",
    "swapcase", "strip", "lstrip", "rstrip", "split", "splitlines", "isdigit", "isalpha",
    "isalnum", "isnumeric", "isdecimal", "isspace", "islower", "isupper", "is_integer",
    "isoformat", "date", "time", "timestamp", "weekday", "isoweekday",
}  # fmt: skip

# Whether a method's underlying function can be called with no arguments, by function.
_SIGNATURES: dict[Any, bool] = {}


def _signature_needs_no_arguments(value: Any) -> bool:
    try:
        parameters = inspect.signature(value).parameters.values()
    except (TypeError, ValueError):
        return False
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return all(p.default is not inspect.Parameter.empty or p.kind in variadic for p in parameters)


def finalize(value: Any) -> Any:
    """Turn the value of `{{ expr }}` into what is printed (before escaping)."""
    if _is_zero_argument_method(value):
        value = value()
    # Exactly these types: bool is not a number here, and Currency prints itself.
    if type(value) in (int, float, Decimal) and _numbers_are_localized():
        from otree.currency import format_number

        return format_number(value)
    return value


def _numbers_are_localized() -> bool:
    """Whether the project's locale writes numbers differently from Python's str()."""
    from otree.conf import settings

    # Asked for every number a page prints: the answer is kept per setting values.
    return _localized(settings.get("LANGUAGE_CODE"), settings.get("THOUSAND_SEPARATOR"))


@functools.lru_cache(maxsize=32)
def _localized(_language_code: Any, thousand_separator: Any) -> bool:
    from otree.currency import format_number

    # format_number knows which languages use a decimal comma; ask it rather than keep a copy.
    return bool(thousand_separator) or format_number(0.5) != "0.5"


class ForLoop:
    """Django's `forloop` names over Jinja's `loop`; `parentloop` is the enclosing loop."""

    def __init__(self, loop: Any, *parents: Any) -> None:
        self._loop = loop
        self._parents = parents

    @property
    def counter(self) -> int:
        return self._loop.index

    @property
    def counter0(self) -> int:
        return self._loop.index0

    @property
    def revcounter(self) -> int:
        return self._loop.revindex

    @property
    def revcounter0(self) -> int:
        return self._loop.revindex0

    @property
    def first(self) -> bool:
        return self._loop.first

    @property
    def last(self) -> bool:
        return self._loop.last

    @property
    def length(self) -> int:
        return self._loop.length

    @property
    def parentloop(self) -> Any:
        if not self._parents:
            return OtreeUndefined(name="forloop.parentloop")
        return ForLoop(*self._parents)

    def __getattr__(self, name: str) -> Any:
        # Jinja's own names (index, cycle, ...) keep working.
        return getattr(self._loop, name)


def make_forloop(loop: Any, *parents: Any) -> ForLoop:
    """`forloop` inside a for loop (the translator passes the enclosing loops)."""
    return ForLoop(loop, *parents)
