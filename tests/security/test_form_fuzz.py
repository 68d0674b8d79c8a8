"""Property-based fuzzing of a page with a field of every kind: never a 5xx, and only valid data is stored."""

from __future__ import annotations

import math
from decimal import Decimal

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.postgres

FIELDS = ["number", "real", "money", "euros", "exact", "text", "essay", "color", "size", "agree", "consent",
          "tags", "secret"]

# Text a browser, a script or an attacker might post (no lone surrogates: they cannot be UTF-8 encoded).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
numberish = st.one_of(
    st.integers().map(str),
    st.text("0123456789", min_size=20, max_size=6000),  # up to beyond int()'s digit limit
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1e999999999", "-1E-999999999", "1_000", "٣", "0x10", " 7 ", "+3", "-0", "3.000", "1e2",
                     "nan", "Infinity", "-", ".", "1" * 5000, "9" * 400 + ".5", "True", "r", "a"]),
)
value = st.one_of(any_text, numberish)
submission = st.tuples(st.sampled_from(FIELDS), st.lists(value, min_size=1, max_size=3),
                       st.booleans())  # (field, posted values, as multipart)


class Participants:
    """Fresh participants on the form page; a participant whose submission was accepted is used up."""

    def __init__(self, server):
        self.server = server
        self.codes: list[str] = []
        self.client = httpx.Client(base_url=server.url, timeout=30)

    def take(self) -> str:
        if not self.codes:
            self.codes = self.server.participant_codes(self.server.create_session(2))
        code = self.codes[-1]
        response = self.client.get(f"/InitializeParticipant/{code}")
        assert response.status_code == 302
        return code

    def done(self) -> None:
        self.codes.pop()


def stored(server, code: str) -> dict:
    columns = ", ".join(f"pl.{name}" for name in FIELDS)
    (row,) = server.query(
        f"SELECT {columns} FROM kinds_player pl JOIN otree_participant pa ON pa.id = pl.participant_id "
        f"WHERE pa.code = :code", code=code)
    return dict(zip(FIELDS, row))


def assert_valid(row: dict) -> None:
    """What the page may store: each field's type and bounds (None or "" when left blank)."""
    assert row["number"] is None or -5 <= row["number"] <= 1000000
    assert row["real"] is None or (math.isfinite(row["real"]) and -1e6 <= row["real"] <= 1e6)
    if row["money"] is not None:
        assert 0 <= Decimal(row["money"]) <= 100 and Decimal(row["money"]) == Decimal(row["money"]).to_integral()
    assert row["euros"] is None or (Decimal(row["euros"]) >= 0 and -Decimal(row["euros"]).as_tuple().exponent <= 2)
    assert row["exact"] is None or -Decimal(row["exact"]).as_tuple().exponent <= 2
    assert row["text"] in (None, "") or (len(row["text"]) <= 20 and "\x00" not in row["text"])
    assert row["color"] in (None, "", "r", "g")
    assert row["size"] in (None, 1, 2, 3)
    assert row["agree"] in (None, True, False) and row["consent"] in (None, True, False)
    assert row["tags"] is None or set(__import__("json").loads(row["tags"])) <= {"a", "b", "c"}


@pytest.fixture(scope="module")
def participants(server):
    pool = Participants(server)
    yield pool
    pool.client.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(submission)
def test_no_5xx_and_only_valid_data_stored(server, participants, case):
    field, values, multipart = case
    code = participants.take()
    url = f"/p/{code}/kinds/Everything/1"
    data = [(field, v) for v in values]
    if multipart:
        # httpx sends multipart when files are given; an empty file list is not enough, so add one.
        response = participants.client.post(url, data=dict(data), files={"ignored": ("x.txt", b"x")})
    else:
        response = participants.client.post(url, content=httpx.QueryParams(data).__str__().encode(),
                                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code < 500, response.text[:500]
    row = stored(server, code)
    if response.status_code == 302 and "/Done/" in response.headers["location"]:
        participants.done()
        assert_valid(row)
    else:
        # Refused (re-shown with errors, or a 4xx): nothing of it is stored.
        assert response.status_code in (200, 400, 413), response.status_code
        assert all(v is None for v in row.values()), row
        if response.status_code == 200:
            assert response.headers.get("oTree-Redisplay-With-Errors") == "1"


def test_thousands_of_digits_is_a_form_error(server, participants):
    code = participants.take()
    response = participants.client.post(f"/p/{code}/kinds/Everything/1", data={"number": "9" * 5000})
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 2147483647." in response.text
    assert stored(server, code)["number"] is None


def test_nul_in_a_text_answer_is_refused_and_the_server_keeps_serving(server, participants):
    code = participants.take()
    with httpx.Client(base_url=server.url, timeout=30) as client:  # one connection for both requests
        response = client.post(f"/p/{code}/kinds/Everything/1", data={"text": "a\x00b"})
        assert response.status_code == 400 and "NUL" in response.text
        again = client.post(f"/p/{code}/kinds/Everything/1", data={"text": "fine"})
    assert again.status_code == 302
    participants.done()
    assert stored(server, code)["text"] == "fine"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300), st.sampled_from([
    "multipart/form-data; boundary=bnd", "multipart/form-data", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=", "text/plain", "application/json"]))
def test_raw_bodies_to_a_page(server, participants, body, content_type):
    code = participants.take()
    if content_type.endswith("bnd") and body[:1] != b"-":
        body = b"--bnd\r\n" + body  # get past the first boundary, into the part headers and values
    response = participants.client.post(f"/p/{code}/kinds/Everything/1", content=body,
                                        headers={"content-type": content_type})
    assert response.status_code < 500, response.text[:300]
    if response.status_code == 302 and "/Done/" in response.headers["location"]:
        participants.done()
        assert_valid(stored(server, code))
