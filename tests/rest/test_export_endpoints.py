"""Data downloads over HTTP: the admin Data page's URLs and the REST /api/export_* endpoints."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from starlette.testclient import TestClient

from otree.conf import settings
from otree.db import unit_of_work
from otree.session import create_session
from otree.web.app import create_app

TODAY = f"{datetime.date.today():%Y-%m-%d}"


@pytest.fixture
def played(load):
    """The basic project with one session in which players have answered."""
    project = load("basic")
    with unit_of_work():
        session = create_session("game", 3)
        for i, player in enumerate(session.get_subsessions()[0].get_players()):
            player.contribution = 10 * (i + 1)
            player.likes = i == 0
        code = session.code
    with TestClient(create_app(project)) as client:
        yield client, code


def table(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("path", ["/ExportWide", "/api/export_wide"])
def test_wide_csv(played, path):
    client, code = played
    response = client.get(path, params={"session_code": code})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == f'attachment; filename="all_apps_wide-{TODAY}.csv"'
    rows = table(response)
    header = rows[0]
    assert header[:3] == ["participant.id_in_session", "participant.code", "participant.label"]
    contribution = header.index("game.1.player.contribution")
    likes = header.index("game.1.player.likes")
    assert [r[contribution] for r in rows[1:]] == ["10", "20", "30"]
    assert [r[likes] for r in rows[1:]] == ["1", "0", "0"]
    assert all(r[header.index("game.2.player.contribution")] == "" for r in rows[1:])  # None -> empty


def test_app_custom_page_times_and_chat(played):
    client, code = played
    app = table(client.get("/api/export_app", params={"app": "game", "session_code": code}))
    assert "player.contribution" in app[0] and len(app) == 1 + 6  # 3 players x 2 rounds
    page_times = table(client.get("/ExportPageTimes"))
    assert page_times[0][:3] == ["session_code", "participant_id_in_session", "participant_code"]
    chat = table(client.get("/api/export_chat"))
    assert chat == [["session_code", "id_in_session", "participant_code", "channel", "nickname", "body",
                     "timestamp"]]


def test_formats(played):
    client, code = played
    bom = client.get("/ExportApp", params={"app": "survey", "format": "csv_bom"})
    assert bom.content.startswith(b"\xef\xbb\xbf")
    xlsx = client.get("/api/export_app", params={"app": "game", "format": "xlsx", "session_code": code})
    assert xlsx.status_code == 200 and xlsx.headers["content-disposition"].endswith(f'game-{TODAY}.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    csv_rows = table(client.get("/api/export_app", params={"app": "game", "session_code": code}))
    assert list(rows[0]) == csv_rows[0]
    assert len(rows) == len(csv_rows)
    assert client.get("/ExportWide", params={"format": "pdf"}).status_code == 400


def test_bad_export_requests_are_4xx(played):
    client, _ = played
    assert client.get("/api/export_app").status_code == 404  # no app given
    assert client.get("/api/export_app", params={"app": "nope"}).status_code == 404
    assert client.get("/api/export_app_custom", params={"app": "game", "function_name": "nope"}).status_code == 404
    assert client.get("/api/export_wide", params={"session_code": "zzzz"}).status_code == 404


def test_exports_need_login_or_rest_key_under_study(played):
    client, _ = played
    with settings.override(AUTH_LEVEL="STUDY", REST_KEY="k", ADMIN_PASSWORD="pw"):
        login_redirect = client.get("/ExportWide", follow_redirects=False)
        assert login_redirect.status_code == 302 and login_redirect.headers["location"].startswith("/login")
        assert client.get("/ExportIndex", follow_redirects=False).status_code == 302
        assert client.get("/api/export_wide").status_code == 403
        assert client.get("/api/export_wide", headers={"otree-rest-key": "k"}).status_code == 200


def test_data_page_lists_every_download(played):
    client, code = played
    page = client.get("/ExportIndex")
    assert page.status_code == 200
    for href in ("/ExportWide", "/ExportApp?app=game", "/ExportApp?app=survey", "/ExportPageTimes", "/ExportChat"):
        assert f'href="{href}"' in page.text
    assert code in page.text
