"""One production-mode server (OTREE_PRODUCTION=1, OTREE_AUTH_LEVEL=STUDY) on PostgreSQL for this package.

PostgreSQL because it is the stricter database (it refuses NUL in text, 32-bit integers
overflow); one server so that Hypothesis examples cost a request, not a start-up.
"""

from __future__ import annotations

import pytest

from tests.support.postgres import create_postgres_database, drop_postgres_database
from tests.support.live_server import LiveServer
from tests.support.projects import copy_project
from tests.support.security import PASSWORD, REST_KEY, Server


@pytest.fixture(scope="package")
def server(tmp_path_factory):
    # A database of its own: the suite's shared one is emptied by every later PostgreSQL test,
    # and this server's task loop would run (and fail) their tasks.
    postgres_database = create_postgres_database("security")
    path = copy_project("security", tmp_path_factory.mktemp("security"))
    env = dict(OTREE_PRODUCTION="1", OTREE_AUTH_LEVEL="STUDY", OTREE_ADMIN_PASSWORD=PASSWORD,
               OTREE_REST_KEY=REST_KEY)
    live = LiveServer(path, postgres_database, env)
    server = Server(live, postgres_database)
    yield server
    server.http.close()
    server.db.dispose()
    live.stop()
    drop_postgres_database(postgres_database)
