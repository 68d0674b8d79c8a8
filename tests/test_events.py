"""otree.events: named events, and the session monitor hearing of moves without pages importing it."""

from __future__ import annotations

import pytest

from otree import events


def test_listeners_are_called_in_order_with_the_emitted_arguments():
    heard = []

    def first(*args):
        heard.append(("first", args))

    def second(*args):
        heard.append(("second", args))

    events.listen(events.PARTICIPANT_MOVED, first)
    events.listen(events.PARTICIPANT_MOVED, second)
    try:
        events.emit(events.PARTICIPANT_MOVED, "p1")
    finally:
        events.remove(events.PARTICIPANT_MOVED, first)
        events.remove(events.PARTICIPANT_MOVED, second)
    assert [h for h in heard if h[1] == ("p1",)] == [("first", ("p1",)), ("second", ("p1",))]
    assert not events.contains(events.PARTICIPANT_MOVED, first)


def test_a_listener_registered_twice_runs_once_and_removed_it_no_longer_runs():
    calls = []
    listener = calls.append
    events.listen(events.PARTICIPANT_MOVED, listener)
    events.listen(events.PARTICIPANT_MOVED, listener)
    try:
        events.emit(events.PARTICIPANT_MOVED, 1)
    finally:
        events.remove(events.PARTICIPANT_MOVED, listener)
    events.emit(events.PARTICIPANT_MOVED, 2)
    assert calls == [1]


def test_unknown_event_names_are_refused_at_once():
    with pytest.raises(ValueError, match="participant_moved"):
        events.listen("participant_moves", print)
    with pytest.raises(ValueError):
        events.emit("no_such_event")


def test_a_failing_listener_fails_the_emitter():
    def broken(participant):
        raise RuntimeError("listener failed")

    events.listen(events.PARTICIPANT_MOVED, broken)
    try:
        with pytest.raises(RuntimeError, match="listener failed"):
            events.emit(events.PARTICIPANT_MOVED, object())
    finally:
        events.remove(events.PARTICIPANT_MOVED, broken)


def test_the_monitor_listens_once_the_page_flow_is_imported():
    import otree.flow  # noqa: F401  (what every server and task process imports)
    from otree import monitor

    assert events.contains(events.PARTICIPANT_MOVED, monitor.participant_moved)
