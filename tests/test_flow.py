"""otree.flow without HTTP: what start links, page views, submissions, timeouts and advancing answer and do.

Real projects (tests/projects/flow) on real SQLite and PostgreSQL databases; the flow's
`present` callback is an identity function here, so the tests see the outcomes themselves.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from otree import events, flow, pages, waitpages
from otree.db import unit_of_work
from otree.db.core import Participant
from otree.db.records import PageTime
from otree.session import create_session


def same(outcome):
    """A `present` that hands back the outcome (checking what needs the unit of work while it is open)."""
    if isinstance(outcome, flow.ShowPage):
        # The page's objects are still usable: present runs inside the unit of work that loaded them.
        assert outcome.page.player.id is not None
    return outcome


@pytest.fixture
def project(load):
    return load("flow")


def new_session(config: str, num: int) -> list[str]:
    with unit_of_work():
        return [p.code for p in create_session(config, num).get_participants()]


def position(code: str) -> tuple[int, str | None]:
    with unit_of_work(readonly=True):
        participant = flow.find_participant(code)
        return participant._index_in_pages, participant._current_page_name


def url_parts(url: str) -> tuple[str, str, str, int]:
    """(code, name_in_url, page_name, index) of a /p/... page URL."""
    _, _, code, name_in_url, page_name, index = url.split("/")
    return code, name_in_url, page_name, int(index)


def started(code: str) -> str:
    outcome = flow.start(code, None, {}, same)
    assert isinstance(outcome, flow.GoTo)
    return outcome.url


def test_a_start_link_starts_the_participant_and_sends_them_to_their_first_page(project):
    code = new_session("timed", 1)[0]
    url = started(code)
    assert url == f"/p/{code}/timed/Timed/1"
    assert position(code) == (1, "Timed")
    assert started(code) == url  # opened again: the same page, nothing restarted


def test_unknown_participants_and_session_links_are_missing(project):
    assert flow.start("nobody", None, {}, same) == flow.Missing("This participant link is not valid.")
    assert flow.join("nosuchlink", None, {}, same) == flow.Missing("This session link is not valid.")
    assert isinstance(flow.open_page("nobody", "timed", "Timed", 1, same), flow.Missing)


def test_a_bad_prolific_link_is_refused_before_anything_changes(project):
    code = new_session("timed", 1)[0]
    outcome = flow.start(code, None, {"PROLIFIC_PID": "abc"}, same)
    assert isinstance(outcome, flow.Refused) and outcome.message
    assert position(code) == (0, None)


def test_opening_a_page_shows_it_with_the_form_of_its_model_and_fields(project):
    code = new_session("timed", 1)[0]
    outcome = flow.open_page(*url_parts(started(code)), same)
    assert isinstance(outcome, flow.ShowPage)
    assert type(outcome.page).__name__ == "Timed"
    assert outcome.form.field_names == ["t_int", "t_float", "t_bool", "t_text", "t_cur"]


def test_a_stale_page_url_goes_to_the_current_page(project):
    code = new_session("timed", 1)[0]
    url = started(code)
    _, name_in_url, _, _ = url_parts(url)
    assert flow.open_page(code, name_in_url, "After", 2, same) == flow.GoTo(url)
    assert flow.submit_page(code, name_in_url, "After", 2, {"x": "1"}, same) == flow.GoTo(url)
    assert position(code) == (1, "Timed")


def test_an_invalid_submission_shows_the_page_again_with_its_errors_and_applies_nothing(project):
    code = new_session("timed", 1)[0]
    where = url_parts(started(code))
    outcome = flow.submit_page(*where, {"t_int": "1"}, same)  # below min=5, and the rest missing
    assert isinstance(outcome, flow.ShowPage)
    assert outcome.headers == {"oTree-Redisplay-With-Errors": "1"}
    assert "t_int" in outcome.form.errors and "t_text" in outcome.form.errors
    assert position(code) == (1, "Timed")


def test_a_valid_submission_moves_on_once_and_a_replay_is_not_applied_again(project):
    code = new_session("timed", 1)[0]
    where = url_parts(started(code))
    data = {"t_int": "7", "t_float": "1.5", "t_bool": "True", "t_text": "hi", "t_cur": "3"}
    assert flow.submit_page(*where, data, same) == flow.GoTo(f"/p/{code}/timed/After/2")
    assert flow.submit_page(*where, data, same) == flow.GoTo(f"/p/{code}/timed/After/2")
    with unit_of_work(readonly=True) as db:
        participant = flow.find_participant(code)
        assert participant.vars["timed_calls"] == 1 and participant.vars["timed_timeout"] is False
        assert db.scalars(select(PageTime.page_name).filter_by(participant_id=participant.id)).all() == ["Timed"]


def test_advancing_submits_the_page_as_timed_out_with_type_defaults(project):
    code = new_session("timed", 1)[0]
    started(code)
    assert flow.advance(code, from_index=2) is False  # stale: they are on page 1
    assert position(code) == (1, "Timed")
    assert flow.advance(code, from_index=1) is True
    assert position(code) == (2, "After")
    with unit_of_work(readonly=True):
        participant = flow.find_participant(code)
        player = pages.build_page(participant, pages.slot_of(participant, 1)).player
        assert (player.t_int, player.t_float, player.t_bool, player.t_text, Decimal(player.t_cur)) == \
            (0, 0.0, False, "", Decimal(0))
        assert participant.vars["timed_timeout"] is True


def test_advancing_past_the_last_page_finishes_and_then_there_is_nothing_to_do(project):
    code = new_session("timed", 1)[0]
    started(code)
    assert flow.advance(code) and flow.advance(code)
    assert flow.advance(code) is False
    assert position(code) == (3, None)
    finished = flow.out_of_range(code, lambda outcome: (type(outcome), outcome.participant.code))
    assert finished == (flow.Finished, code)
    assert started(code) == f"/OutOfRangeNotification/{code}"


def test_a_wait_page_completes_once_when_the_last_member_arrives_and_moves_both_on(project):
    codes = new_session("flow", 2)
    for code in codes:
        started(code)
    # Advance both (as timeouts) until both are past the results wait page.
    for _ in range(12):
        for code in codes:
            if position(code)[1] not in ("Results", None):
                flow.advance(code)
        if all(position(code)[1] == "Results" for code in codes):
            break
    assert [position(code)[1] for code in codes] == ["Results", "Results"]
    with unit_of_work(readonly=True):
        participant = flow.find_participant(codes[0])
        group = pages.build_page(participant, pages.slot_of(participant)).group
        assert group.aapa_runs == 1  # after_all_players_arrive ran exactly once


def test_a_wait_page_probe_says_waiting_only_until_the_last_member_arrives(project):
    codes = new_session("flow", 2)
    for code in codes:
        started(code)

    def advance_until(code: str, page_name: str) -> None:
        for _ in range(12):
            if position(code)[1] == page_name:
                return
            flow.advance(code)
        raise AssertionError(f"{code} never reached {page_name}: {position(code)}")

    advance_until(codes[0], "ResultsWait")
    with unit_of_work(readonly=True):
        participant = flow.find_participant(codes[0])
        probe = waitpages.probe_of(pages.build_page(participant, pages.slot_of(participant)))
    assert probe is not None and probe.kind is waitpages.GROUP
    with unit_of_work(readonly=True):
        assert waitpages.still_waiting(probe)  # the partner has not arrived
    advance_until(codes[1], "Results")  # arriving last, the partner completes the page
    with unit_of_work(readonly=True):
        assert not waitpages.still_waiting(probe)


def test_moving_announces_participant_moved(project):
    code = new_session("timed", 1)[0]
    heard = []

    def listener(participant):
        heard.append(participant.code)

    events.listen(events.PARTICIPANT_MOVED, listener)
    try:
        started(code)
        flow.advance(code)
    finally:
        events.remove(events.PARTICIPANT_MOVED, listener)
    assert heard == [code, code]


def test_timeout_is_trusted_from_the_admin_secret_or_near_the_deadline_only(project):
    code = new_session("timed", 1)[0]
    started(code)
    with unit_of_work(readonly=True) as db:
        participant = db.scalars(select(Participant).filter_by(code=code)).one()
        page = pages.build_page(participant, pages.slot_of(participant))
        secret = participant.session._admin_secret_code
        assert flow.accept_timeout(page, {"timeout_happened": "1"}) is False  # 600 s left
        assert flow.accept_timeout(page, {"timeout_happened": "1", "admin_secret_code": secret}) is True
        assert flow.accept_timeout(page, {"timeout_happened": "1", "admin_secret_code": "guess"}) is False
        participant._timeout_expiration_time = 0  # the deadline has passed
        assert flow.accept_timeout(page, {"timeout_happened": "1"}) is True
        assert flow.accept_timeout(page, {}) is False
