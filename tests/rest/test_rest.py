"""The REST API (reference §8.3): every endpoint, keys, and bad payloads (4xx with a message, never 500)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

import otree
from otree.conf import settings
from otree.db import unit_of_work
from otree.db.core import Participant, Session
from otree.web.app import create_app


@pytest.fixture
def client(load):
    project = load("basic")
    with TestClient(create_app(project), base_url="http://testserver") as client:
        yield client


@pytest.fixture
def keyed(client):
    """The API under STUDY auth with OTREE_REST_KEY set."""
    with settings.override(AUTH_LEVEL="STUDY", REST_KEY="secret-key"):
        yield client


def create(client, **payload) -> dict:
    body = dict(session_config_name="game", num_participants=3) | payload
    response = client.post("/api/sessions", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_version_configs_apps(client):
    assert client.get("/api/otree_version").json() == {"version": otree.__version__}
    configs = client.get("/api/session_configs").json()
    assert [c["name"] for c in configs] == ["game", "matching"]
    game = configs[0]
    assert game["app_sequence"] == ["game", "survey"]
    assert game["participation_fee"] == 2.0 and game["real_world_currency_per_point"] == 0.5
    apps = client.get("/api/apps").json()
    assert apps["game"] == "A 3-player contribution game used by the tests."
    assert set(apps) == {"game", "survey", "matching"}


def test_create_and_list_sessions(client):
    info = create(client, label="Monday lab", modified_session_config_fields=dict(participation_fee=3.5))
    assert set(info) == {"code", "session_wide_url", "admin_url"}
    assert info["session_wide_url"].startswith("http://testserver/join/")
    assert info["admin_url"] == f"http://testserver/SessionStartLinks/{info['code']}"
    with unit_of_work() as db:
        session = db.scalars(select(Session).filter_by(code=info["code"])).one()
        assert session.label == "Monday lab" and session.config["participation_fee"] == 3.5
        assert session.num_participants == 3 and not session.is_demo
    listing = client.get("/api/sessions").json()
    assert [s["code"] for s in listing] == [info["code"]]
    assert listing[0]["num_participants"] == 3 and listing[0]["config_name"] == "game"
    assert isinstance(listing[0]["created_at"], float)


def test_demo_sessions_are_not_listed(client):
    client.get("/demo/game")  # creates a demo session
    assert client.get("/api/sessions").json() == []


@pytest.mark.parametrize("payload, status, message", [
    (dict(session_config_name="game", num_participants=4), 400,
     "Number of participants (4) is not a multiple of group size (3)"),
    (dict(session_config_name="nope", num_participants=3), 400, "No session config named 'nope'"),
    (dict(session_config_name="game", num_participants=3, bogus=1), 403,
     "create_session() got an unexpected keyword argument 'bogus'"),
    (dict(session_config_name="game"), 400, "num_participants are required"),
    (dict(session_config_name="game", num_participants="three"), 400, "positive whole number"),
    (dict(session_config_name="game", num_participants=3, modified_session_config_fields=[1]), 400, "JSON object"),
    (dict(session_config_name="game", num_participants=3, room_name="nowhere"), 400, "nowhere"),
])
def test_bad_create_payloads(client, payload, status, message):
    response = client.post("/api/sessions", json=payload)
    assert response.status_code == status
    assert message in response.text


def test_invalid_json_and_non_object(client):
    assert client.post("/api/sessions", content=b"{not json").status_code == 400
    response = client.post("/api/sessions", content=b"[1, 2]")
    assert response.status_code == 400 and "JSON object" in response.text


def test_get_session_with_vars(client):
    code = create(client)["code"]
    assert client.post(f"/api/session_vars/{code}", json={"vars": {"price": 12}}).json() == {}
    with unit_of_work() as db:
        participants = db.scalars(select(Session).filter_by(code=code)).one().get_participants()
        first = participants[0].code
        participants[0].label = "alice"
    assert client.post(f"/api/participant_vars/{first}", json={"vars": {"age": 30}}).json() == {}
    body = {"participant_vars": ["age"], "session_vars": ["price"]}
    info = client.post(f"/api/get_session/{code}", json=body).json()
    assert info["code"] == code and info["config_name"] == "game" and info["price"] == 12
    assert info["REAL_WORLD_CURRENCY_CODE"] == "USD"
    assert info["config"]["app_sequence"] == ["game", "survey"]
    assert [p["id_in_session"] for p in info["participants"]] == [1, 2, 3]
    alice = info["participants"][0]
    assert alice["label"] == "alice" and alice["age"] == 30 and alice["code"] == first
    assert alice["payoff_in_real_world_currency"] == 0 and alice["finished"] is False
    # The legacy GET with a JSON body answers the same.
    legacy = client.request("GET", f"/api/sessions/{code}", json=body).json()
    assert legacy["participants"] == info["participants"]
    # Filtering by participant labels.
    only = client.post(f"/api/get_session/{code}", json={"participant_labels": ["alice"]}).json()
    assert [p["label"] for p in only["participants"]] == ["alice"]


def test_vars_endpoints_reject_bad_input(client):
    code = create(client)["code"]
    assert client.post(f"/api/session_vars/{code}", json={"x": 1}).status_code == 400
    assert client.post("/api/session_vars/nosuchcode", json={"vars": {}}).status_code == 404
    assert client.post("/api/participant_vars/nosuchcode", json={"vars": {"a": 1}}).status_code == 404
    with unit_of_work() as db:
        assert all("a" not in p.vars for p in db.scalars(select(Participant)))
    assert client.post("/api/get_session/nosuchcode", json={}).status_code == 404


def test_no_auth_level_needs_no_key(client):
    assert client.get("/api/otree_version").status_code == 200


def test_rest_key_required_under_auth_levels(keyed):
    assert keyed.get("/api/otree_version").status_code == 403
    assert "missing" in keyed.get("/api/otree_version").text
    wrong = keyed.get("/api/otree_version", headers={"otree-rest-key": "nope"})
    assert wrong.status_code == 403 and "incorrect" in wrong.text
    right = keyed.get("/api/otree_version", headers={"otree-rest-key": "secret-key"})
    assert right.status_code == 200
    created = keyed.post("/api/sessions", json=dict(session_config_name="game", num_participants=3),
                         headers={"otree-rest-key": "secret-key"})
    assert created.status_code == 200


def test_auth_level_without_rest_key_env_is_refused(client):
    with settings.override(AUTH_LEVEL="DEMO", REST_KEY=None):
        response = client.get("/api/sessions", headers={"otree-rest-key": "anything"})
    assert response.status_code == 403 and "OTREE_REST_KEY" in response.text
