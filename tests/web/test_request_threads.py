"""How many views run at once: few threads, so the event loop keeps its share of the GIL."""

from __future__ import annotations

import anyio.to_thread
import pytest
from starlette.testclient import TestClient

from otree.web.app import DEFAULT_REQUEST_THREADS, REQUEST_THREADS_ENV, create_app


def _threads_of(app) -> int:
    with TestClient(app) as client:
        # The limiter belongs to the server's event loop: read it there.
        return client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)


def test_views_run_in_a_few_threads_by_default(load, monkeypatch):
    monkeypatch.delenv(REQUEST_THREADS_ENV, raising=False)
    assert _threads_of(create_app(load("basic"))) == DEFAULT_REQUEST_THREADS == 8


def test_the_number_of_threads_can_be_set(load, monkeypatch):
    monkeypatch.setenv(REQUEST_THREADS_ENV, "3")
    assert _threads_of(create_app(load("basic"))) == 3


@pytest.mark.parametrize("value", ["0", "many", "-2"])
def test_a_bad_number_of_threads_stops_the_start_with_the_fix(load, monkeypatch, value):
    monkeypatch.setenv(REQUEST_THREADS_ENV, value)
    with pytest.raises(RuntimeError, match=f"{REQUEST_THREADS_ENV}='{value}' is not a positive whole number. Fix:"):
        _threads_of(create_app(load("basic")))
