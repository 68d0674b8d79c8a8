"""The sessions list: archiving, and deleting sessions with every row that belongs to them."""

from __future__ import annotations

from sqlalchemy import text

from otree.db import unit_of_work
from tests.support.admin import all_sessions, new_session, post

# Every table that holds rows of a `report` session, and how to find that session's rows.
TABLES = {
    "otree_session": "id = :sid",
    "otree_participant": "session_id = :sid",
    "reported_subsession": "session_id = :sid",
    "reported_group": "session_id = :sid",
    "reported_player": "session_id = :sid",
    "reported_note": "player_id IN (SELECT id FROM reported_player WHERE session_id = :sid)",
}


def row_counts(session_id: int) -> dict[str, int]:
    with unit_of_work(readonly=True) as db:
        counts = {}
        for table, where in TABLES.items():
            counts[table] = db.execute(text(f"SELECT COUNT(*) FROM {table} WHERE {where}"),
                                       {"sid": session_id}).scalar()
        return counts


def total_notes() -> int:
    with unit_of_work(readonly=True) as db:
        return db.execute(text("SELECT COUNT(*) FROM reported_note")).scalar()


def ids() -> dict[str, int]:
    return {s.code: s.id for s in all_sessions()}


def test_list_shows_non_demo_sessions(make_client):
    client = make_client()
    code = new_session(label="Tuesday")
    demo = new_session(is_demo=True)
    page = client.get("/sessions").text
    assert f'href="/SessionStartLinks/{code}"' in page and "Tuesday" in page and "Report game" in page
    assert demo not in page


def test_archive_and_unarchive(make_client, db_url):
    client = make_client()
    first, second = new_session(), new_session()
    response = post(client, "/ToggleArchivedSessions", {"session": [first]})
    assert response.status_code == 302 and response.headers["location"] == "/sessions"
    assert {s.code: s.archived for s in all_sessions()} == {first: True, second: False}
    current = client.get("/sessions").text
    assert second in current and first not in current
    archived = client.get("/sessions?archived=1").text
    assert first in archived and second not in archived
    response = post(client, "/ToggleArchivedSessions", {"session": [first], "archived": "1"})
    assert response.headers["location"] == "/sessions?archived=1"
    assert not any(s.archived for s in all_sessions())


def test_delete_over_websocket_removes_every_row(make_client, db_url):
    client = make_client()
    doomed, kept = new_session(num=4), new_session(num=2)
    by_code = ids()
    before = row_counts(by_code[doomed])
    assert before == {"otree_session": 1, "otree_participant": 4, "reported_subsession": 2, "reported_group": 4,
                      "reported_player": 8, "reported_note": 4}
    kept_before = row_counts(by_code[kept])
    with client.websocket_connect("/delete_sessions") as ws:
        ws.send_json([doomed, "no-such-code"])
        assert ws.receive_json() == "ok"
    assert set(row_counts(by_code[doomed]).values()) == {0}
    assert row_counts(by_code[kept]) == kept_before
    assert total_notes() == 2
    assert client.get(f"/SessionStartLinks/{doomed}").status_code == 404


def test_delete_with_the_form(make_client, db_url):
    client = make_client()
    first, second, third = new_session(), new_session(), new_session()
    by_code = ids()
    response = post(client, "/DeleteSessions", {"session": [first, third]})
    assert response.status_code == 302 and response.headers["location"] == "/sessions"
    assert [s.code for s in all_sessions()] == [second]
    assert set(row_counts(by_code[first]).values()) == {0}
    assert set(row_counts(by_code[third]).values()) == {0}


def test_delete_socket_refuses_garbage(make_client):
    client = make_client()
    code = new_session()
    with client.websocket_connect("/delete_sessions") as ws:
        ws.send_json({"codes": [code]})
        assert "error" in ws.receive_json()
    assert [s.code for s in all_sessions()] == [code]
