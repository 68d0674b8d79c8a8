"""Fuzzing the REST payloads and the URL space: a 4xx with a message, never a 5xx, never changed data."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.postgres

fuzz_settings = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
CREATE_KEYS = ["session_config_name", "num_participants", "room_name", "modified_session_config_fields", "label",
               "is_mturk"]
create_payloads = st.fixed_dictionaries(
    {}, optional={key: json_values for key in CREATE_KEYS}
) | st.fixed_dictionaries({
    "session_config_name": st.just("fuzz"),
    "num_participants": st.integers(-3, 500) | json_values,
    "modified_session_config_fields": st.dictionaries(
        st.sampled_from(["flag", "rounds", "rate", "word", "participation_fee", "unknown", "name"]), json_values,
        max_size=3),
})


def _session_count(server) -> int:
    return server.count("otree_session")


@fuzz_settings
@given(create_payloads)
def test_create_session_payloads(server, payload):
    before = _session_count(server)
    response = server.rest("POST", "/api/sessions", json=payload)
    assert response.status_code < 500, response.text
    if response.status_code == 200:
        # Only a well-typed request creates a session, and its config keeps the config's own types.
        assert isinstance(payload["num_participants"], int) and payload["num_participants"] % 2 == 0
        code = response.json()["code"]
        (config,) = server.query("SELECT config FROM otree_session WHERE code = :code", code=code)
        response = server.rest("GET", f"/api/sessions/{code}")
        assert response.status_code == 200
        config = response.json()["config"]
        assert type(config["flag"]) is bool and type(config["rounds"]) is int and type(config["word"]) is str
        assert isinstance(config["rate"], (int, float)) and "unknown" not in config
        assert _session_count(server) == before + 1
    else:
        assert response.text, "a refusal says why"
        assert _session_count(server) == before


@pytest.fixture(scope="module")
def session_code(server):
    return server.create_session(2)


ENDPOINTS = ["/api/get_session/{code}", "/api/session_vars/{code}", "/api/participant_vars/{code}",
             "/api/participant_vars", "/api/sessions"]


@fuzz_settings
@given(st.sampled_from(ENDPOINTS), st.dictionaries(
    st.sampled_from(["vars", "participant_vars", "session_vars", "participant_labels", "room_name",
                     "participant_label", "label"]), json_values, max_size=4))
def test_other_payloads(server, session_code, endpoint, payload):
    response = server.rest("POST", endpoint.format(code=session_code), json=payload)
    assert response.status_code < 500, response.text


@fuzz_settings
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_raw_bodies(server, body):
    response = server.rest("POST", "/api/sessions", content=body)
    assert response.status_code in (400, 403), response.text


def test_examples_from_the_field(server):
    base = dict(session_config_name="fuzz", num_participants=2)
    for extra, message in [
        (dict(label={"a": 1}), "label must be a string"),
        (dict(room_name=["lab"]), "room_name must be a string"),
        (dict(num_participants="2"), "num_participants must be a positive whole number"),
        (dict(num_participants=3), "multiple of group size (2)"),
        (dict(num_participants=402), "maximum of 400"),
        (dict(modified_session_config_fields={"rounds": "3"}), "'rounds' must be a number"),
        (dict(modified_session_config_fields={"flag": 1}), "'flag' must be true or false"),
        (dict(modified_session_config_fields={"nonsense": 1}), "has no field 'nonsense'"),
        (dict(label="a\x00b"), "NUL"),
    ]:
        response = server.rest("POST", "/api/sessions", json=base | extra)
        assert 400 <= response.status_code < 500 and message in response.text, (extra, response.text)
    nested = b"[" * 50000 + b"]" * 50000
    response = server.rest("POST", "/api/sessions", content=nested)
    assert response.status_code == 400 and "nested too deeply" in response.text
    huge_number = b'{"session_config_name": "fuzz", "num_participants": ' + b"9" * 5000 + b"}"
    assert server.rest("POST", "/api/sessions", content=huge_number).status_code == 400


path_segments = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
PREFIXES = ["/static/", "/static/otree/", "/p/", "/InitializeParticipant/", "/join/", "/room/", "/SessionMonitor/",
            "/api/sessions/", "/demo/", "/login", "/export/", "/OutOfRangeNotification/", "/"]


@fuzz_settings
@given(st.sampled_from(PREFIXES), st.lists(path_segments, max_size=4), st.text(max_size=30))
def test_url_space(server, prefix, segments, query):
    from urllib.parse import quote

    path = prefix + "/".join(quote(s, safe="") for s in segments)
    before = _session_count(server)
    # An absolute URL, so that a path like "//x" stays a path (httpx refuses it as a relative URL).
    response = server.http.get(server.url + path, params={"participant_label": query, "next": query},
                               follow_redirects=False)
    assert response.status_code < 500, (path, response.text[:300])
    assert _session_count(server) == before


def test_invalid_bytes_in_static_paths(server):
    for path in ["/static/otree/js/common.js%00", "/static/%00", "/static/%ff%fe%fd", "/static/" + "a" * 4000,
                 "/static/..%2f..%2f..%2fetc%2fpasswd", "/static/%c0%ae%c0%ae/x", "/p/%00/kinds/Everything/1",
                 "/InitializeParticipant/%00?participant_label=%00"]:
        response = server.http.get(path)
        assert response.status_code in (400, 404), (path, response.status_code)
    assert server.http.get("/static/otree/js/common.js").status_code == 200
    server.assert_no_tracebacks()


def test_no_tracebacks_after_the_fuzzing(server):
    # The server logs every 5xx with a traceback; the fuzz tests above must have caused none.
    server.assert_no_tracebacks()
    assert json.loads(server.rest("GET", "/api/otree_version").text)["version"]


def test_huge_numbers_in_urls_and_socket_queries(server):
    import asyncio

    import websockets

    big = "9" * 5000
    for path in [f"/p/abc/kinds/Everything/{big}", f"/p/abc/kinds/Everything/{big}/",
                 "/p/abc/kinds/Everything/99999999999999", f"/SessionData/x?round_number={big}"]:
        assert server.http.get(path, follow_redirects=False).status_code in (302, 404), path

    async def socket_answers(query: str):
        async with websockets.connect(f"{server.ws_url}/wait_page?{query}") as ws:
            return json.loads(await asyncio.wait_for(ws.recv(), 10))

    for value in ("99999999999999999999", "-99999999999", "1e5"):
        query = f"session_pk={value}&page_index={value}&participant_id={value}&group_id={value}"
        assert asyncio.run(socket_answers(query)) == {"error": "Invalid wait page parameters"}
    query = f"session_pk=1&page_index=1&participant_id={big}&group_id=1"
    assert asyncio.run(socket_answers(query)) == {"error": "Invalid wait page parameters"}
    server.assert_no_tracebacks()
