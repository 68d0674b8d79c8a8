"""Named events: a lower layer announces what happened, a higher one listens.

In the style of SQLAlchemy's `event.listen`: the page flow announces that a participant
moved (`emit("participant_moved", participant)`), and the session monitor, which sits
above it, has registered what to do about it (`listen("participant_moved", fn)`). So the
modules that move participants never import the monitor.

Listeners run synchronously, in the order they were registered, in the thread (and unit
of work) of the code that emits. Only the names in EVENTS exist, so a misspelt name fails
at once instead of never firing. This module imports nothing from otree.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

PARTICIPANT_MOVED = "participant_moved"  # (participant): their page position changed, or a flag the monitor shows

EVENTS = frozenset({PARTICIPANT_MOVED})

_listeners: dict[str, list[Callable[..., Any]]] = {name: [] for name in EVENTS}
_lock = threading.Lock()


def _check(name: str) -> None:
    if name not in EVENTS:
        raise ValueError(f"No event named {name!r} (known: {', '.join(sorted(EVENTS))})")


def listen(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Call fn(*args) on every emit(name, *args); registering the same fn twice adds it once. Returns fn."""
    _check(name)
    with _lock:
        if fn not in _listeners[name]:
            _listeners[name] = [*_listeners[name], fn]
    return fn


def remove(name: str, fn: Callable[..., Any]) -> None:
    """Stop calling fn for this event (nothing happens if it was not listening)."""
    _check(name)
    with _lock:
        _listeners[name] = [f for f in _listeners[name] if f is not fn]


def contains(name: str, fn: Callable[..., Any]) -> bool:
    _check(name)
    return fn in _listeners[name]


def emit(name: str, *args: Any) -> None:
    """Call every listener of the event with args (an exception in one propagates to the emitter)."""
    _check(name)
    for fn in _listeners[name]:  # a copy-on-write list: listening meanwhile never disturbs this loop
        fn(*args)


__all__ = ["PARTICIPANT_MOVED", "EVENTS", "listen", "remove", "contains", "emit"]
