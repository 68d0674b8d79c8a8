"""otree.state: an app runs with the AppState it was built with; `using` installs a state, then restores the last."""

from __future__ import annotations

import threading

from starlette.testclient import TestClient

from otree import state
from otree.state import AppState, using


def test_using_installs_a_state_for_the_block_and_its_threads_then_restores_the_previous_one():
    before = state.current()
    mine = AppState()
    seen_in_thread = []
    with using(mine):
        assert state.current() is mine
        thread = threading.Thread(target=lambda: seen_in_thread.append(state.current()))
        thread.start()
        thread.join()
    assert seen_in_thread == [mine]
    assert state.current() is before


def test_an_app_serves_its_own_state_whatever_is_current_around_it(load_sqlite):
    from otree.web.app import create_app

    project = load_sqlite("basic")
    app_state = state.current()
    assert app_state.project is project and app_state.engine is not None
    app = create_app(app_state)
    with using(AppState()):  # another (empty) state is current here and in the process
        with TestClient(app) as client:
            index = client.get("/demo")
            assert index.status_code == 200
            assert "game" in index.text and "matching" in index.text
            # Creating a demo session writes through the app's engine and renders its templates.
            started = client.get("/demo/game")
            assert started.status_code == 200
        assert state.current().project is None and state.current().engine is None
    assert app.state.otree is app_state
