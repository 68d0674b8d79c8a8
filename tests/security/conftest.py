"""One production-mode server (OTREE_PRODUCTION=1, OTREE_AUTH_LEVEL=STUDY) on PostgreSQL for the whole suite.

PostgreSQL because it is the stricter database (it refuses NUL in text, 32-bit integers
overflow); one server so that Hypothesis examples cost a request, not a start-up.
"""

from __future__ import annotations

import pytest

from tests.support.live_server import LiveServer
from tests.support.projects import copy_project
from tests.support.security import PASSWORD, REST_KEY, Server


@pytest.fixture(scope="session")
def server(tmp_path_factory, postgres_database):
    path = copy_project("security", tmp_path_factory.mktemp("security"))
    from otree.db.engine import build_engine
    from otree.db.schema import drop_everything

    engine = build_engine(postgres_database)
    drop_everything(engine)
    engine.dispose()
    env = dict(OTREE_PRODUCTION="1", OTREE_AUTH_LEVEL="STUDY", OTREE_ADMIN_PASSWORD=PASSWORD,
               OTREE_REST_KEY=REST_KEY)
    live = LiveServer(path, postgres_database, env)
    server = Server(live, postgres_database)
    yield server
    server.http.close()
    server.db.dispose()
    live.stop()
