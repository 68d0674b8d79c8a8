"""Custom views of a project's urls.py (ROOT_URLCONF) and of an extension app, on a real uvicorn:
sync and async views, Django path converters, 404s, a view that changes a Player without .save(),
templates, admin login, Starlette endpoints and raw ASGI apps, and route order."""

from __future__ import annotations

import re
import uuid

import httpx
from sqlalchemy import select

from otree.db import unit_of_work
from tests.support.participants import create, start
from tests.support.projects import copy_project

PASSWORD = "market maker"


def player_ids(project_path: str, db_url: str) -> list[int]:
    from otree.project import load_project

    load_project(project_path, database_url=db_url)
    from market import Player

    with unit_of_work(readonly=True) as db:
        return list(db.scalars(select(Player.id).order_by(Player.id)))


def test_views_routes_and_autosave(tmp_path, db_url, live_server):
    path = copy_project("custom_code", tmp_path)
    create(path, db_url, "market", 2)
    pk = player_ids(path, db_url)[0]
    server = live_server(path, db_url)
    with httpx.Client(base_url=server.url) as client:
        # The classic oTree 3 custom view, with only its imports changed.
        response = client.get("/my_view/")
        assert response.status_code == 200 and response.text == "This is a custom view"
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        # Django's trailing slash: the slash-less URL redirects to it.
        assert client.get("/my_view").status_code == 307
        assert client.get("/my_view", follow_redirects=True).text == "This is a custom view"

        client.cookies.set("flavour", "mint")
        data = client.get("/async_view/?q=hello").json()
        assert data == {"view": "async", "q": "hello", "method": "GET", "path": "/async_view/", "cookie": "mint"}

        u = uuid.uuid4()
        data = client.get(f"/convert/42/my-slug_1/{u}/a/b/c.txt").json()
        assert data == {"n": 42, "n_type": "int", "s": "my-slug_1", "u": str(u), "u_type": "UUID", "rest": "a/b/c.txt"}
        assert client.get(f"/convert/x/my-slug/{u}/a").status_code == 404  # int converter refuses "x"
        assert client.get("/convert/1/not.a.slug/{u}/a").status_code == 404
        assert client.get("/hello/Ann/").text == "Hello Ann"
        assert client.get("/archive/2024/").json() == {"year": "2024"}
        assert client.get("/archive/99/").status_code == 404

        missing = client.get("/missing/")
        assert missing.status_code == 404 and "Nothing here" in missing.text
        assert client.get("/player/999999/note/").status_code == 404

        # A sync view changes a Player; nobody calls .save(), and the change is there afterwards.
        posted = client.post(f"/player/{pk}/note/", data={"note": "bought 3"})
        assert posted.status_code == 302 and posted.headers["location"] == f"/player/{pk}/note/"
        assert client.get(f"/player/{pk}/note/").json() == {"id": pk, "note": "bought 3"}

        assert client.get("/status/").text == "status: ok"  # Starlette endpoint class
        assert client.get("/raw/").text == "raw asgi"  # any ASGI app
        assert client.get("/api/ping/").json() == {"pong": True}  # include()
        # urls.py appended its own "/demo": the framework's comes first and is not shadowed.
        assert "This is a custom view" not in client.get("/demo").text

        # The extension app's urls.py, reading the models.
        assert client.get("/market_ext/summary/").json() == {"bids": 0, "total": 0}

    from market import Player

    with unit_of_work(readonly=True) as db:
        assert db.get(Player, pk).note == "bought 3"


def test_templates_admin_login_and_extension_data_views(tmp_path, live_server):
    path = copy_project("custom_code", tmp_path)
    db_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    codes = create(path, db_url, "market", 2)
    server = live_server(path, db_url, env={"OTREE_AUTH_LEVEL": "STUDY", "OTREE_ADMIN_PASSWORD": PASSWORD})
    with httpx.Client(base_url=server.url) as participant:
        page = start(participant, codes[0])
        participant.post(str(page.url), data={"bid": "17"})
    with httpx.Client(base_url=server.url) as client:
        # Not logged in: the admin-only view and the data view send to the login page.
        for url in ("/dashboard/", "/market_ext/bids/"):
            response = client.get(url)
            assert response.status_code == 302 and response.headers["location"] == f"/login?next={url}"
        # The public views stay public.
        assert client.get("/my_view/").status_code == 200

        login_page = client.get("/login")
        token = re.search(r'name="csrftoken" value="([^"]+)"', login_page.text).group(1)
        logged_in = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrftoken": token,
                                                "next": "/dashboard/"})
        assert logged_in.status_code == 302, logged_in.text

        dashboard = client.get("/dashboard/")
        assert dashboard.status_code == 200
        assert "<h1>Market dashboard</h1>" in dashboard.text  # rendered from the extension's templates/
        assert f'<li class="bid">{codes[0]}: 17</li>' in dashboard.text
        assert '<p class="total">1 bid, total 17 points</p>' in dashboard.text  # oTree 3 template syntax

        bids = client.get("/market_ext/bids/")
        assert bids.status_code == 200 and '<td class="bid">17</td>' in bids.text
        # The data view is listed on the admin's Data page.
        data_page = client.get("/ExportIndex").text
        assert "Market bids" in data_page and 'href="/market_ext/bids/"' in data_page
