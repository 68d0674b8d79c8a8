"""Participant URLs exactly as oTree's: start links, session-wide links, page URLs and their indexes,
the end page, redirects of stale / future / forged page URLs, unknown codes, trailing slashes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from otree.db import unit_of_work
from otree.db.core import Participant
from otree.session import create_session
from otree.web.app import create_app

from . import Web, location, page_url, play_flow, player_values


@pytest.fixture
def web(load):
    return Web(create_app(load("flow")))


def new_session(config: str, num: int) -> tuple[str, list[str]]:
    """(anonymous code, participant codes) of a new session."""
    with unit_of_work():
        session = create_session(config, num)
        return session._anonymous_code, [p.code for p in session.get_participants()]


def participant_state(code: str) -> dict:
    with unit_of_work(readonly=True) as db:
        p = db.scalars(select(Participant).filter_by(code=code)).one()
        return dict(label=p.label, visited=p.visited, index=p._index_in_pages, started=p.time_started_utc,
                    vars=dict(p.vars), page=p._current_page_name)


# -- start links -------------------------------------------------------------------------------------


def test_start_link_redirects_to_first_page(web):
    _, (code, _) = new_session("flow", 2)
    assert participant_state(code)["visited"] is False
    response = web.get(f"/InitializeParticipant/{code}")
    assert response.status_code == 302
    assert location(response) == f"/p/{code}/hooks/Welcome/1"
    state = participant_state(code)
    assert state["visited"] is True and state["index"] == 1 and state["started"]
    assert state["label"] is None
    page = web.get(location(response))
    assert page.status_code == 200 and "Hello player 1" in page.text


def test_start_link_stores_participant_label(web):
    _, (code, _) = new_session("flow", 2)
    assert web.start(code, participant_label="alice") == f"/p/{code}/hooks/Welcome/1"
    assert participant_state(code)["label"] == "alice"
    # Opening the start link again goes to the current page; the label is kept.
    web.submit(f"/p/{code}/hooks/Welcome/1")
    again = web.get(f"/InitializeParticipant/{code}", params={"participant_label": "mallory"})
    assert again.status_code == 302
    assert location(again) == f"/p/{code}/hooks/Answer/3"
    state = participant_state(code)
    assert state["label"] == "alice" and state["index"] == 3


def test_unknown_participant_code_is_404(web):
    new_session("flow", 2)
    for method, url in [
        ("GET", "/InitializeParticipant/nosuchcode"),
        ("GET", "/p/nosuchcode/hooks/Welcome/1"),
        ("POST", "/p/nosuchcode/hooks/Welcome/1"),
        ("GET", "/OutOfRangeNotification/nosuchcode"),
    ]:
        response = web.request(method, url)
        assert response.status_code == 404, (method, url)
        assert "text/html" in response.headers["content-type"]


def test_page_url_before_start_goes_to_start_link(web):
    _, (code, _) = new_session("flow", 2)
    response = web.get(f"/p/{code}/hooks/Welcome/1")
    assert response.status_code == 302
    assert location(response) == f"/InitializeParticipant/{code}"
    assert participant_state(code)["index"] == 0  # not started by the page URL


def test_end_page_before_the_end_redirects_to_current_page(web):
    _, (code, _) = new_session("flow", 2)
    before = web.get(f"/OutOfRangeNotification/{code}")
    assert before.status_code == 302 and location(before) == f"/InitializeParticipant/{code}"
    web.start(code)
    during = web.get(f"/OutOfRangeNotification/{code}")
    assert during.status_code == 302 and location(during) == f"/p/{code}/hooks/Welcome/1"


# -- session-wide link -------------------------------------------------------------------------------


def test_session_wide_link_hands_out_distinct_participants_then_full(web):
    anonymous, codes = new_session("flow", 2)
    handed_out = []
    for _ in range(2):
        response = web.get(f"/join/{anonymous}")
        assert response.status_code == 302
        target = location(response)
        assert target.startswith("/InitializeParticipant/")
        handed_out.append(target.rsplit("/", 1)[1])
    assert sorted(handed_out) == sorted(codes)
    full = web.get(f"/join/{anonymous}")
    assert full.status_code == 404
    assert "This session is full" in full.text
    # Following the link starts the participant on the first page.
    assert web.start(handed_out[0]) == f"/p/{handed_out[0]}/hooks/Welcome/1"


def test_session_wide_link_skips_participants_who_started_with_their_own_link(web):
    anonymous, codes = new_session("flow", 2)
    web.start(codes[0])
    response = web.get(f"/join/{anonymous}")
    assert location(response) == f"/InitializeParticipant/{codes[1]}"
    assert web.get(f"/join/{anonymous}").status_code == 404


def test_session_wide_link_concurrent_visitors_get_different_participants(web):
    anonymous, codes = new_session("flow", 2)
    responses = web.concurrently(*[("GET", f"/join/{anonymous}", {}) for _ in range(3)])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302, 302, 404]
    handed_out = [location(r).rsplit("/", 1)[1] for r in responses if r.status_code == 302]
    assert sorted(handed_out) == sorted(codes)


def test_session_wide_link_with_label(web):
    anonymous, codes = new_session("flow", 2)
    response = web.get(f"/join/{anonymous}", params={"participant_label": "bob"})
    assert response.status_code == 302
    target = location(response)
    assert target.endswith("?participant_label=bob")
    code = target.split("?")[0].rsplit("/", 1)[1]
    web.get(target)
    assert participant_state(code)["label"] == "bob"


def test_unknown_session_wide_link_is_404(web):
    new_session("flow", 2)
    assert web.get("/join/nosuchcode").status_code == 404


# -- page indexes over apps x rounds x pages ------------------------------------------------------------


def test_page_index_counts_every_page_of_every_app_and_round(web):
    """hooks (7 pages x 2 rounds) + middle (1) + last (2, name_in_url 'the_end'): indexes 1..17."""
    _, (p1, p2) = new_session("flow", 2)
    seen = play_flow(web, p1, p2)

    assert seen[p1] == [
        page_url(p1, "hooks", "Welcome", 1),
        page_url(p1, "hooks", "Answer", 3),
        page_url(p1, "hooks", "Decide", 5),
        page_url(p1, "hooks", "ResultsWait", 6),  # player 1 arrives last: its URL sends them on at once
        page_url(p1, "hooks", "Results", 7),
        page_url(p1, "hooks", "Answer", 10),  # Welcome (8) and Never (9) are not displayed
        page_url(p1, "hooks", "Decide", 12),
        page_url(p1, "hooks", "ResultsWait", 13),
        page_url(p1, "hooks", "Results", 14),
        page_url(p1, "middle", "Middle", 15),
        page_url(p1, "the_end", "Dynamic", 16),
        page_url(p1, "the_end", "End", 17),
        f"/OutOfRangeNotification/{p1}",
    ]
    assert seen[p2] == [
        page_url(p2, "hooks", "Welcome", 1),
        page_url(p2, "hooks", "Answer", 3),
        page_url(p2, "hooks", "Sync", 4),
        page_url(p2, "hooks", "ResultsWait", 6),  # Decide (5) is player 1's page
        page_url(p2, "hooks", "Results", 7),
        page_url(p2, "hooks", "Answer", 10),
        page_url(p2, "hooks", "Sync", 11),  # already complete; player 2 completes ResultsWait (13) at once
        page_url(p2, "hooks", "Results", 14),
        page_url(p2, "the_end", "Dynamic", 16),  # app_after_this_page skipped the middle app
        page_url(p2, "the_end", "End", 17),
        f"/OutOfRangeNotification/{p2}",
    ]
    for code in (p1, p2):
        end = web.get(f"/OutOfRangeNotification/{code}")
        assert end.status_code == 200
        assert "No more pages left" in end.text
        # Every page URL now leads to the end page.
        stale = web.get(f"/p/{code}/the_end/End/17")
        assert stale.status_code == 302 and location(stale) == f"/OutOfRangeNotification/{code}"
        assert participant_state(code)["index"] == 18


# -- stale, future and forged URLs ------------------------------------------------------------------


def test_any_other_page_url_redirects_to_the_current_page(web):
    _, (code, _) = new_session("flow", 2)
    web.start(code)
    web.submit(f"/p/{code}/hooks/Welcome/1")
    current = f"/p/{code}/hooks/Answer/3"
    valid = dict(number=12, animal="cat", word="ok", low=1, high=2)
    wrong = [
        f"/p/{code}/hooks/Welcome/1",  # an older page (back button)
        f"/p/{code}/hooks/Results/7",  # a future page
        f"/p/{code}/the_end/End/17",  # the last page
        f"/p/{code}/hooks/Decide/3",  # the right index with another page's name
        f"/p/{code}/hooks/Answer/4",  # the right name with a forged index
        f"/p/{code}/hooks/Answer/99",  # an index past the end
        f"/p/{code}/hooks/Answer/0",
        f"/p/{code}/hooks/Never/2",  # a page that is not displayed
        f"/p/{code}/middle/Answer/3",  # another app's name_in_url
    ]
    for url in wrong:
        response = web.get(url)
        assert response.status_code == 302, url
        assert location(response) == current, url
        response = web.post(url, valid)
        assert response.status_code == 302, url
        assert location(response) == current, url
    # None of those POSTs was applied.
    state = participant_state(code)
    assert state["index"] == 3
    assert state["vars"].get("welcome_calls") == 1
    assert "answer_calls" not in state["vars"]
    assert player_values(code, "hooks", 1, "number") == {"number": None}
    assert web.get(current).status_code == 200


def test_trailing_slash_redirects_to_url_without_it(web):
    _, (code, _) = new_session("flow", 2)
    web.start(code)
    # 307 as Starlette answers in oTree: the browser repeats a POST with its data.
    response = web.get(f"/p/{code}/hooks/Welcome/1/")
    assert response.status_code == 307
    assert location(response) == f"/p/{code}/hooks/Welcome/1"
    assert web.get(location(response)).status_code == 200
    posted = web.post(f"/p/{code}/hooks/Welcome/1/")
    assert posted.status_code == 307 and location(posted) == f"/p/{code}/hooks/Welcome/1"
    assert participant_state(code)["index"] == 1  # the slash URL itself applies nothing
    for url in (f"/InitializeParticipant/{code}/", f"/OutOfRangeNotification/{code}/"):
        response = web.get(url)
        assert response.status_code == 307, url
        assert location(response) == url.rstrip("/")
