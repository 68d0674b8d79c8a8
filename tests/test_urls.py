"""otree.urls: Django's path syntax and converters, re_path groups, include(), reverse(), and
what each kind of endpoint serves (HTTP views vs WebSocket consumers)."""

from __future__ import annotations

import uuid

import pytest
from starlette.applications import Starlette
from starlette.routing import Match, NoMatchFound
from starlette.testclient import TestClient

from otree.channels import AsyncWebsocketConsumer
from otree.http import HttpResponse, JsonResponse
from otree.urls import django_to_starlette, include, path, re_path, reverse


def scope(url: str, kind: str = "http") -> dict:
    return {"type": kind, "path": url, "method": "GET", "root_path": "", "headers": [], "query_string": b""}


def view(request, **kwargs):
    return JsonResponse({k: str(v) for k, v in kwargs.items()})


class Consumer(AsyncWebsocketConsumer):
    pass


def test_django_syntax_becomes_starlette_paths():
    assert django_to_starlette("market/<int:pk>/") == "/market/{pk:int}/"
    assert django_to_starlette("a/<name>/<slug:s>/<uuid:u>/<path:p>") == "/a/{name:str}/{s:slug}/{u:uuid}/{p:path}"
    with pytest.raises(ValueError, match="Unknown path converter 'float2'"):
        path("x/<float2:n>/", view)


def test_converters_convert_and_reject():
    route = path("m/<int:pk>/<slug:s>/<uuid:u>/", view)
    u = uuid.uuid4()
    match, child = route.matches(scope(f"/m/12/a-b_c/{u}/"))
    assert match is Match.FULL
    assert child["path_params"] == {"pk": 12, "s": "a-b_c", "u": u}
    assert child["url_route"]["kwargs"] == {"pk": 12, "s": "a-b_c", "u": u}
    for bad in ("/m/x/a/%s/" % u, "/m/1/a.b/%s/" % u, "/m/1/a/not-a-uuid/", "/m/1/a/%s" % u):
        assert route.matches(scope(bad))[0] is Match.NONE, bad


def test_path_converter_spans_slashes_and_extra_kwargs_are_passed():
    route = path("files/<path:rest>", view, kwargs={"kind": "file"})
    _, child = route.matches(scope("/files/a/b/c.txt"))
    assert child["url_route"]["kwargs"] == {"rest": "a/b/c.txt", "kind": "file"}


def test_re_path_named_and_unnamed_groups():
    named = re_path(r"^archive/(?P<year>[0-9]{4})/$", view)
    assert named.matches(scope("/archive/2024/"))[1]["url_route"]["kwargs"] == {"year": "2024"}
    assert named.matches(scope("/archive/24/"))[0] is Match.NONE
    unnamed = re_path(r"^page/([0-9]+)/$", view)
    assert unnamed.matches(scope("/page/7/"))[1]["url_route"]["args"] == ("7",)
    with pytest.raises(ValueError, match="not a valid regular expression"):
        re_path(r"^bad(", view)


def test_views_serve_http_and_consumers_websockets():
    http_route, ws_route = path("x/", view), path("x/", Consumer)
    assert http_route.matches(scope("/x/", "websocket"))[0] is Match.NONE
    assert ws_route.matches(scope("/x/"))[0] is Match.NONE
    assert ws_route.matches(scope("/x/", "websocket"))[0] is Match.FULL
    assert path("y/", Consumer.as_asgi()).matches(scope("/y/", "websocket"))[0] is Match.FULL


def test_include_serves_patterns_under_a_prefix_and_trailing_slash_redirects():
    async def hello(request, room, name):  # async: this app has no database for a unit of work
        return HttpResponse(f"hello {name} in {room}")

    inner = [path("hello/<str:name>/", hello, name="hello")]
    app = Starlette(routes=[path("room/<slug:room>/", include(inner)), path("exact/", view, name="exact")])
    with TestClient(app) as client:
        assert client.get("/room/lab-1/hello/ann/").text == "hello ann in lab-1"
        redirect = client.get("/exact", follow_redirects=False)
        assert redirect.status_code == 307 and redirect.headers["location"].endswith("/exact/")
        assert client.get("/nothing/").status_code == 404


def test_reverse_names_of_the_served_routes(monkeypatch):
    from otree import urls

    monkeypatch.setattr(urls, "served_routes", [path("market/<int:pk>/", view, name="market")])
    assert reverse("market", kwargs={"pk": 3}) == "/market/3/"
    with pytest.raises(NoMatchFound):
        reverse("nope")
