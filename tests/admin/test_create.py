"""Creating sessions from the admin: the form (POST and WebSocket), its validation, demo sessions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from otree.db import unit_of_work
from otree.db.core import Session
from tests.support.admin import all_sessions, post, receive_until_done

PROGRESS_REPORT = ["Created participants", "Creating models for reported", "Running your creating_session functions"]


def sessions() -> list:
    return all_sessions()


def session_count() -> int:
    with unit_of_work(readonly=True) as db:
        return db.scalar(select(func.count()).select_from(Session))


def treatments(code: str) -> list[str]:
    from otree.project import get_project

    Subsession = get_project().apps["reported"].Subsession
    with unit_of_work(readonly=True) as db:
        session = db.scalars(select(Session).filter_by(code=code)).one()
        return list(db.scalars(select(Subsession.treatment).filter_by(session_id=session.id)
                               .order_by(Subsession.round_number)))


def test_form_lists_configs_rooms_and_editable_fields(make_client):
    page = make_client().get("/create_session").text
    assert '<option value="report" data-multiple="2" selected>Report game</option>' in page  # the first, preselected
    assert '<option value="lcm" data-multiple="6">lcm</option>' in page
    assert '<option value="lab">The lab</option>' in page
    names = set(re.findall(r'name="(report\.[a-z_]+)"', page))
    # custom str/int/float/bool keys and the money fields; not the list or the fixed keys
    assert names == {"report.participation_fee", "report.real_world_currency_per_point", "report.treatment",
                     "report.bonus_rounds", "report.ratio", "report.show_hint"}
    assert 'name="report.show_hint" checked' in page
    assert 'id="id_report.ratio" name="report.ratio" value="0.5"' in page


def test_create_with_the_form(make_client, db_url):
    client = make_client()
    response = post(client, "/create_session", {
        "session_config": "report", "num_participants": "4", "label": "Monday lab",
        "report.treatment": "green", "report.bonus_rounds": "5", "report.ratio": "0.25",
        # report.show_hint unchecked: absent from the form
        "report.participation_fee": "3.5", "report.real_world_currency_per_point": "0.5",
    })
    assert response.status_code == 302
    (session,) = sessions()
    assert response.headers["location"] == f"/SessionStartLinks/{session.code}"
    assert session.num_participants == 4 and session.label == "Monday lab" and not session.is_demo
    config = session.config
    assert config["treatment"] == "green" and config["bonus_rounds"] == 5 and config["ratio"] == 0.25
    assert config["show_hint"] is False and config["participation_fee"] == 3.5
    assert config["weights"] == [1, 2] and config["name"] == "report"
    # creating_session saw the edited config
    assert treatments(session.code) == ["green", "green"]
    links = client.get(response.headers["location"])
    assert links.status_code == 200
    assert links.text.count('href="http://testserver/InitializeParticipant/') == 4


@pytest.mark.parametrize("num, message", [
    ("3", "must be a multiple of 2"),
    ("0", "must be at least 1"),
    ("-2", "must be at least 1"),
    ("two", "Enter a whole number."),
    ("", "Enter the number of participants."),
])
def test_number_of_participants_is_validated(make_client, num, message):
    client = make_client()
    response = post(client, "/create_session", {"session_config": "report", "num_participants": num})
    assert response.status_code == 200
    error = re.search(r'data-error-for="num_participants">([^<]*)<', response.text).group(1)
    assert message in error
    assert session_count() == 0


def test_number_must_be_a_multiple_of_the_lcm_of_group_sizes(make_client):
    client = make_client()
    response = post(client, "/create_session", {"session_config": "lcm", "num_participants": "4"})
    assert "must be a multiple of 6" in response.text
    assert session_count() == 0
    assert post(client, "/create_session", {"session_config": "lcm", "num_participants": "12"}).status_code == 302
    assert sessions()[0].num_participants == 12


def test_bad_config_field_values_are_refused_and_shown_again(make_client):
    client = make_client()
    response = post(client, "/create_session", {
        "session_config": "report", "num_participants": "2", "report.bonus_rounds": "lots",
        "report.ratio": "half", "report.participation_fee": "-1", "report.treatment": "kept <b>",
    })
    assert response.status_code == 200
    errors = dict(re.findall(r'data-error-for="([^"]+)">([^<]+)<', response.text))
    assert errors == {"report.bonus_rounds": "Enter a whole number.", "report.ratio": "Enter a number.",
                      "report.participation_fee": "This must not be negative."}
    assert 'value="kept &lt;b&gt;"' in response.text  # what was typed is shown again, escaped
    assert session_count() == 0


def test_unknown_config_and_room(make_client):
    client = make_client()
    response = post(client, "/create_session", {"session_config": "nope", "num_participants": "2"})
    assert "There is no session config named &#39;nope&#39;" in response.text
    response = post(client, "/create_session", {"session_config": "report", "num_participants": "2",
                                                "room_name": "attic"})
    assert "There is no room named &#39;attic&#39;" in response.text
    assert session_count() == 0


def test_create_in_a_room_goes_to_the_room(make_client, monkeypatch):
    notified = []
    import otree.rooms

    monkeypatch.setattr(otree.rooms, "notify_session_created", notified.append)
    client = make_client()
    response = post(client, "/create_session", {"session_config": "report", "num_participants": "2",
                                                "room_name": "lab"})
    assert response.status_code == 302
    assert response.headers["location"] == "/room_with_session/lab"
    assert sessions()[0]._room_name == "lab"
    assert notified == ["lab"]
    # its links page points at the room
    links = client.get(f"/SessionStartLinks/{sessions()[0].code}").text
    assert "http://testserver/room/lab" in links and "/room_with_session/lab" in links


def test_create_over_websocket_with_progress(make_client, db_url):
    client = make_client()
    with client.websocket_connect("/create_session") as ws:
        ws.send_json({"session_config": "report", "num_participants": "6", "label": "ws",
                      "report.show_hint": False, "report.treatment": "yellow", "report.bonus_rounds": 7})
        progress, final = receive_until_done(ws)
    assert progress == PROGRESS_REPORT
    (session,) = sessions()
    assert final == {"session_url": f"/SessionStartLinks/{session.code}"}
    assert session.num_participants == 6 and session.label == "ws"
    assert session.config["show_hint"] is False and session.config["treatment"] == "yellow"
    assert session.config["bonus_rounds"] == 7
    # keys the client did not send keep the config's value
    assert session.config["ratio"] == 0.5 and session.config["participation_fee"] == 2.0


def test_websocket_validation_errors(make_client):
    client = make_client()
    with client.websocket_connect("/create_session") as ws:
        ws.send_json({"session_config": "lcm", "num_participants": 9, "lcm.participation_fee": "x"})
        reply = ws.receive_json()
        assert set(reply["validation_errors"]) == {"num_participants", "lcm.participation_fee"}
        assert "multiple of 6" in reply["validation_errors"]["num_participants"]
        # the socket stays usable: a corrected form creates the session
        ws.send_json({"session_config": "lcm", "num_participants": 6})
        progress, final = receive_until_done(ws)
    assert progress == ["Created participants", "Creating models for reported", "Creating models for trio",
                        "Running your creating_session functions"]
    assert "session_url" in final


def test_error_in_creating_session_is_reported_and_nothing_is_kept(make_client, db_url):
    client = make_client()
    with client.websocket_connect("/create_session") as ws:
        ws.send_json({"session_config": "broken", "num_participants": 1})
        progress, final = receive_until_done(ws)
    assert progress[-1] == "Running your creating_session functions"
    assert final["error"] == "ValueError: the treatment list is empty"
    assert "creating_session" in final["traceback"] and "broken/__init__.py" in final["traceback"]
    assert session_count() == 0
    response = post(client, "/create_session", {"session_config": "broken", "num_participants": "1"})
    assert response.status_code == 500
    assert "the treatment list is empty" in response.text
    assert session_count() == 0


# -- demo ---------------------------------------------------------------------------------------


def test_demo_index(make_client):
    client = make_client()
    page = client.get("/demo")
    assert page.status_code == 200
    assert "<title>Admin test demos</title>" in page.text
    assert '<p class="intro-marker">Try these.</p>' in page.text
    for config, name in [("report", "Report game"), ("lcm", "lcm"), ("trio", "trio")]:
        assert f'href="/demo/{config}"' in page.text and name in page.text
    assert client.get("/").headers["location"] == "/demo"


def test_demo_session_over_websocket(make_client, db_url):
    client = make_client()
    page = client.get("/demo/report")
    assert page.status_code == 200 and 'data-config="report"' in page.text
    with client.websocket_connect("/create_demo_session") as ws:
        ws.send_json({"session_config": "report"})
        progress, final = receive_until_done(ws)
    assert progress == PROGRESS_REPORT
    (session,) = sessions()
    assert final == {"session_url": f"/SessionStartLinks/{session.code}"}
    assert session.is_demo and session.num_participants == 2
    # demo sessions are not in the sessions list
    assert session.code not in client.get("/sessions").text


def test_demo_errors(make_client):
    client = make_client()
    with client.websocket_connect("/create_demo_session") as ws:
        ws.send_json({"session_config": "nope"})
        assert "nope" in ws.receive_json()["validation_errors"]["session_config"]
        ws.send_json({"session_config": "broken"})
        _, final = receive_until_done(ws)
        assert final["error"] == "ValueError: the treatment list is empty" and final["traceback"]
    assert client.get("/demo/nope").status_code == 404
    assert session_count() == 0


def test_demo_without_javascript(make_client):
    client = make_client()
    response = post(client, "/demo/trio")
    assert response.status_code == 302
    (session,) = sessions()
    assert response.headers["location"] == f"/SessionStartLinks/{session.code}"
    assert session.is_demo and session.num_participants == 3
    failed = post(client, "/demo/broken")
    assert failed.status_code == 500 and "the treatment list is empty" in failed.text


def test_create_in_a_room_with_the_rooms_module(make_client):
    client = make_client()
    first = post(client, "/create_session", {"session_config": "report", "num_participants": "2", "room_name": "lab"})
    second = post(client, "/create_session", {"session_config": "trio", "num_participants": "3", "room_name": "lab"})
    assert first.headers["location"] == second.headers["location"] == "/room_with_session/lab"
    # the newest session is the room's; the older one left the room
    assert [s._room_name for s in sessions()] == [None, "lab"]
    assert client.get("/room_with_session/lab").status_code == 200
