"""Body, form and WebSocket limits; login redirects and rate limiting; security headers and cookies."""

from __future__ import annotations

import asyncio
import json
import re
import socket

import httpx
import pytest
import websockets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.security import PASSWORD, REST_KEY, logged_in_client

pytestmark = pytest.mark.postgres

MB = 1024 * 1024


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def _post_streaming(server, path: str, size: int, content_length: bool) -> int:
    """POST `size` bytes in 64 KB chunks, with or without a Content-Length; the answer's status."""
    chunk = b"a=" + b"x" * (64 * 1024 - 2)

    def body():
        for _ in range(size // len(chunk)):
            yield chunk

    headers = {"content-type": "application/x-www-form-urlencoded", "otree-rest-key": REST_KEY}
    if content_length:
        headers["content-length"] = str(size // len(chunk) * len(chunk))
    try:
        return httpx.post(server.url + path, content=body(), headers=headers, timeout=30).status_code
    except httpx.TransportError:
        return -1  # the server closed the connection mid-upload: only acceptable after its 413


@pytest.mark.parametrize("content_length", [True, False], ids=["declared", "chunked"])
def test_50_mb_posts_are_refused_before_they_are_buffered(server, content_length):
    code = server.participant_codes(server.create_session(2))[0]
    httpx.get(f"{server.url}/InitializeParticipant/{code}")
    before = _rss_kb(server.live.process.pid)
    for path in (f"/p/{code}/kinds/Everything/1", "/login", "/api/sessions"):
        assert _post_streaming(server, path, 50 * MB, content_length) in (413, -1)
    # 150 MB went in; the server holds on to none of it.
    assert _rss_kb(server.live.process.pid) - before < 30 * 1024
    response = httpx.post(f"{server.url}/p/{code}/kinds/Everything/1", data={"essay": "x" * 100000})
    assert response.status_code == 302  # a normal-sized form still goes through


def test_declared_too_large_gets_413_with_a_message(server):
    response = httpx.post(server.url + "/login", content=b"x" * (MB + 1))
    assert response.status_code == 413 and "MAX_REQUEST_BODY_SIZE" in response.text


def test_form_field_count_limit(server):
    many = "&".join(f"f{i}=1" for i in range(1001))
    response = httpx.post(server.url + "/login", content=many,
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400 and "MAX_FORM_FIELDS" in response.text
    files = {f"f{i}": (None, "1") for i in range(1100)}
    assert httpx.post(server.url + "/login", files=files).status_code == 400


def test_malformed_multipart_is_a_400(server):
    for body, ctype in [(b"--xx\r\nContent-Disposition: form-data\r\n\r\nv\r\n--xx--",
                         "multipart/form-data; boundary=xx"),
                        (b"garbage", "multipart/form-data"),
                        (b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n", "multipart/form-data; boundary=b"),
                        (b"\x0c\xd5\xa1\xf76c\x91", "multipart/form-data; boundary=bnd"),
                        (b'--bnd\r\nContent-Disposition: form-data; name="\r\n"\r\n\r\nv\r\n--bnd--',
                         "multipart/form-data; boundary=bnd"),
                        (b"\xff\xfe=\xff", "application/x-www-form-urlencoded")]:
        code = server.participant_codes(server.create_session(2))[0]
        for path in ("/login", f"/p/{code}/kinds/Everything/1"):
            response = httpx.post(server.url + path, content=body, headers={"content-type": ctype})
            # A 400, or (a truncated body the parser accepts) an ordinary answer: never a 5xx.
            assert response.status_code < 500, (path, body, response.status_code)
            if body.startswith(b"\x0c"):
                assert response.status_code == 400 and "malformed" in response.text
    server.assert_no_tracebacks()


# -- login ------------------------------------------------------------------------------------------


def _login_form(client: httpx.Client, next_url: str):
    page = client.get("/login", params={"next": next_url})
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data=dict(username="admin", password=PASSWORD, csrftoken=token, next=next_url))


hostile_next = st.sampled_from([
    "//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example", "javascript:alert(1)",
    "/%2F%2Fevil.example", "/%5Cevil.example", "%2F%2Fevil.example", "/%252F%252Fevil.example", "/\t/evil.example",
    "/\n/evil.example", " //evil.example", "http:/evil.example", "data:text/html,x", "///evil.example",
]) | st.text(max_size=30).filter(lambda t: not t.startswith("/") or t.startswith("//"))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile_next)
def test_login_redirects_only_to_this_site(server, next_url):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        response = _login_form(client, next_url)
    assert response.status_code == 302
    assert response.headers["location"] == "/demo"


def test_login_keeps_a_path_on_this_site(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        response = _login_form(client, "/SessionMonitor/abc?tab=1")
    assert response.headers["location"] == "/SessionMonitor/abc?tab=1"


def test_failed_logins_are_rate_limited_per_client(server):
    # X-Forwarded-For from 127.0.0.1 (a trusted proxy) names the client: this one is locked out alone.
    headers = {"x-forwarded-for": "203.0.113.7"}
    with httpx.Client(base_url=server.url, timeout=30, headers=headers) as client:
        token = re.search(r'name="csrftoken" value="([^"]+)"', client.get("/login").text).group(1)
        statuses = [
            client.post("/login", data=dict(username="admin", password=f"wrong{i}", csrftoken=token)).status_code
            for i in range(5)]
        assert statuses == [200] * 5
        refused = client.post("/login", data=dict(username="admin", password=PASSWORD, csrftoken=token))
        assert refused.status_code == 429 and "Too many failed login attempts" in refused.text
    # The count is in the database: another client is not affected.
    other = logged_in_client(server)
    assert other.get("/sessions").status_code == 200
    other.close()


# -- headers and cookies -----------------------------------------------------------------------------


def test_security_headers(server):
    admin = logged_in_client(server)
    page = admin.get("/sessions")
    assert page.status_code == 200
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    csp = page.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    # Every inline script of the page carries the nonce.
    scripts = re.findall(r"<script([^>]*)>", page.text)
    assert all("src=" in attrs or f'nonce="{nonce}"' in attrs for attrs in scripts), scripts
    code = server.participant_codes(server.create_session(2))[0]
    participant = httpx.get(f"{server.url}/InitializeParticipant/{code}", follow_redirects=True)
    assert participant.headers["x-content-type-options"] == "nosniff"
    assert "x-frame-options" not in participant.headers  # participant pages may be embedded
    assert "script-src" not in participant.headers["content-security-policy"]
    admin.close()


def test_exports_are_attachments_with_nosniff(server):
    response = server.rest("GET", "/api/export_wide")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_cookies_are_secure_over_https_behind_a_proxy(server):
    plain = httpx.get(server.url + "/login")
    assert "secure" not in plain.headers["set-cookie"].lower()
    proxied = httpx.get(server.url + "/login", headers={"x-forwarded-proto": "https"})
    assert "; secure" in proxied.headers["set-cookie"].lower()


# -- WebSockets ---------------------------------------------------------------------------------------


frames = st.one_of(st.text(max_size=200), st.binary(max_size=200), st.just("["*100000),
                   st.just('{"tab_hidden": ' + "9" * 5000 + "}"), st.just(b"\xff\xfe"))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(frames, min_size=1, max_size=5))
def test_websocket_survives_garbage(server, messages):
    code = _ws_participant(server)

    async def run():
        url = f"{server.ws_url}/auto_advance?participant_code={code}&page_index=1"
        async with websockets.connect(url, max_size=None) as ws:
            for message in messages:
                await ws.send(message)
            await ws.send(json.dumps({"ping": 1}))
            # Still open: a ping gets its pong.
            await asyncio.wait_for(ws.ping(), 5)

    asyncio.run(run())


def test_websocket_message_too_big_closes_with_1009(server):
    code = _ws_participant(server)

    async def run():
        url = f"{server.ws_url}/auto_advance?participant_code={code}&page_index=1"
        async with websockets.connect(url, max_size=None) as ws:
            await ws.send("x" * (2 * 1024 * 1024))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
            return closed.value.rcvd.code if closed.value.rcvd else None

    assert asyncio.run(run()) == 1009
    server.assert_no_tracebacks()


_ws_codes: list[str] = []


def _ws_participant(server) -> str:
    if not _ws_codes:
        _ws_codes.append(server.participant_codes(server.create_session(2))[0])
    return _ws_codes[0]


def test_server_still_serves_on_the_same_connection_after_an_error(server):
    with socket.create_connection(("127.0.0.1", server.live.port), timeout=10) as sock:
        sock.sendall(b"GET /static/%00 HTTP/1.1\r\nHost: x\r\n\r\nGET /api/otree_version HTTP/1.1\r\nHost: x\r\n"
                     b"otree-rest-key: rest-key-for-tests\r\n\r\n")
        data = b""
        while data.count(b"HTTP/1.1") < 2:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/1.1 400")
    assert b"HTTP/1.1 200" in data
