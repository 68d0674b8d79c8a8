"""Fuzzing the admin's forms and its create-session socket, logged in: never a 5xx, never a broken session."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.security import logged_in_client

pytestmark = pytest.mark.postgres

fuzz_settings = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=30) | st.sampled_from(
    ["9" * 5000, "1e999", "nan", "inf", "-1", "0", "2", "400", "402", "fuzz", "lab", "true", ""])
FORM_KEYS = ["session_config", "num_participants", "label", "room_name", "is_mturk", "fuzz.flag", "fuzz.rounds",
             "fuzz.rate", "fuzz.word", "fuzz.participation_fee", "participation_fee", "real_world_currency_per_point",
             "comment", "session", "code", "archived", "participant_code"]


@pytest.fixture(scope="module")
def admin(server):
    client = logged_in_client(server)
    client.session_code = server.create_session(2)
    yield client
    client.close()


def _admin_pages_work(server, admin) -> None:
    """Every session can still be shown: no override left one in a state its pages cannot show."""
    for (code,) in server.query("SELECT code FROM otree_session"):
        for page in ("SessionDescription", "SessionStartLinks", "SessionPayments", "SessionMonitor"):
            response = admin.get(f"/{page}/{code}")
            assert response.status_code == 200, (page, code, response.text[:300])


@fuzz_settings
@given(st.sampled_from(["/create_session", "/SessionEditProperties/{code}", "/DeleteSessions/x",
                        "/ToggleArchivedSessions", "/AdvanceSession/{code}", "/CloseRoom/lab"]),
       st.dictionaries(st.sampled_from(FORM_KEYS), texts, max_size=6))
def test_admin_forms(server, admin, endpoint, data):
    url = endpoint.format(code=admin.session_code).replace("/DeleteSessions/x", "/DeleteSessions")
    if "session_config" in data or endpoint == "/create_session":
        data.setdefault("session_config", "fuzz")
    response = admin.post(url, data=dict(data, csrftoken=admin.csrftoken))
    assert response.status_code < 500, response.text[:500]
    if response.status_code == 302 and endpoint == "/create_session":
        (count,) = server.query("SELECT num_participants FROM otree_session ORDER BY id DESC LIMIT 1")[0]
        assert 1 <= count <= 400 and count % 2 == 0


def test_admin_pages_after_the_fuzzing(server, admin):
    _admin_pages_work(server, admin)
    server.assert_no_tracebacks()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3), max_leaves=6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(json_values, st.fixed_dictionaries(
    {"session_config": st.just("fuzz")}, optional={key: json_values for key in FORM_KEYS if key != "session_config"})))
def test_create_session_socket(server, admin, message):
    cookie = "; ".join(f"{k}={v}" for k, v in admin.cookies.items())

    async def run():
        async with websockets.connect(f"{server.ws_url}/create_session",
                                      additional_headers={"Cookie": cookie}) as ws:
            await ws.send(json.dumps(message))
            answers = []
            while True:
                answer = json.loads(await asyncio.wait_for(ws.recv(), 30))
                answers.append(answer)
                if "validation_errors" in answer or "session_url" in answer or "error" in answer:
                    return answers

    answers = asyncio.run(run())
    # Refused with validation errors, or created: never a creation that failed on the way.
    assert "error" not in answers[-1], answers


def test_create_form_checks_number_and_types(server, admin):
    before = server.count("otree_session")
    for data, message in [
        (dict(num_participants="402"), "at most 400"),
        (dict(num_participants="3"), "multiple of 2"),
        (dict(num_participants="9" * 5000), "Enter a whole number."),
        (dict(num_participants="2", **{"fuzz.rounds": "2.5"}), "Enter a whole number."),
        (dict(num_participants="2", **{"fuzz.rate": "nan"}), "Enter a number."),
        (dict(num_participants="2", **{"fuzz.flag": "maybe"}), "Enter true or false."),
    ]:
        response = admin.post("/create_session", data=dict(data, session_config="fuzz", csrftoken=admin.csrftoken))
        assert response.status_code == 200 and message in response.text, (data, response.status_code)
    assert server.count("otree_session") == before
