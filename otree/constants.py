"""BaseConstants: the read-only `C` (or self-format `Constants`) class of an app."""

from __future__ import annotations

from typing import Any


def _refuse_change(self, *args: Any, **kwargs: Any) -> None:
    raise TypeError(
        "A list constant cannot be changed (it is shared by every participant). "
        "Change a copy instead: items = C.ITEMS.copy()"
    )


class ConstantsList(list):
    """A list constant: a real list (`[...] + C.TASKS`, json, isinstance) that refuses in-place changes.

    Copies (`.copy()`, slices, `+`, `sorted`) are ordinary lists the app may change.
    """

    # Each one replaces a list method of a different signature with the same refusal.
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse_change  # type: ignore[assignment]
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse_change


class _ConstantsMeta(type):
    def __new__(mcs, name, bases, namespace):
        # Only lists: dicts and other values stay exactly what the user wrote.
        for key, value in list(namespace.items()):
            if not key.startswith("_") and type(value) is list:
                namespace[key] = ConstantsList(value)
        return super().__new__(mcs, name, bases, namespace)

    def __setattr__(cls, name: str, value: Any) -> None:
        raise AttributeError(f"Constants are read-only: cannot set {cls.__name__}.{name}")

    def __getattr__(cls, name: str) -> Any:
        # Self-format apps say Constants.players_per_group, new ones C.PLAYERS_PER_GROUP:
        # both spellings work on either class.
        for candidate in (name.upper(), name.lower()):
            if candidate != name and candidate in cls.__dict__:
                return cls.__dict__[candidate]
        raise AttributeError(f"{cls.__name__} has no constant {name!r}")


class BaseConstants(metaclass=_ConstantsMeta):
    pass


def get_constant(constants: type, name: str, default: Any = None) -> Any:
    """A constant under its upper- or lower-case name, else `default`."""
    for candidate in (name.upper(), name.lower()):
        for klass in constants.__mro__:
            if candidate in vars(klass):
                return vars(klass)[candidate]
    return default


def role_names(constants: type) -> list[str]:
    """The values of *_ROLE / ROLE_* constants in declaration order (role of id_in_group 1, 2, ...)."""
    roles = []
    for key, value in vars(constants).items():
        upper = key.upper()
        if key.startswith("_") or not isinstance(value, str):
            continue
        if upper.endswith("_ROLE") or upper.startswith("ROLE_"):
            roles.append(value)
    return roles
