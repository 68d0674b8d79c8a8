"""The page lifecycle through HTTP (tests/projects/flow): every Page / WaitPage hook of the no-self format,
page times, timeouts, and forms (validation messages, re-display, raw buttons, replayed submissions)."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from sqlalchemy import select

from otree.currency import Currency
from otree.db import unit_of_work
from otree.db.core import Participant, Session
from otree.db.records import PageTime
from otree.project import get_project
from otree.session import create_session
from otree.web.app import create_app

from . import ANSWERS, Web, field_error, form_error, js_vars, location, play_flow, player_values

REDISPLAY = "oTree-Redisplay-With-Errors"


@pytest.fixture
def web(load):
    return Web(create_app(load("flow")))


def new_session(config: str, num: int) -> list[str]:
    with unit_of_work():
        return [p.code for p in create_session(config, num).get_participants()]


def participant_vars(code: str) -> dict:
    with unit_of_work(readonly=True) as db:
        return dict(db.scalars(select(Participant).filter_by(code=code)).one().vars)


def index_of(code: str) -> int:
    with unit_of_work(readonly=True) as db:
        return db.scalars(select(Participant).filter_by(code=code)).one()._index_in_pages


def extra_rows(app_name: str, model: str) -> list[dict]:
    """All rows of an ExtraModel, with the participant code of their player."""
    cls = getattr(get_project().apps[app_name].module, model)
    with unit_of_work(readonly=True):
        rows = []
        for obj in cls.filter():
            row = {name: getattr(obj, name) for name in cls._otree_fields}
            row["code"] = obj.player.participant.code
            rows.append(row)
        return rows


def page_times(code: str) -> list[tuple]:
    with unit_of_work(readonly=True) as db:
        participant = db.scalars(select(Participant).filter_by(code=code)).one()
        rows = db.scalars(select(PageTime).filter_by(participant_id=participant.id).order_by(PageTime.id))
        return [(r.page_index, r.app_name, r.page_name, r.round_number, r.is_wait_page, r.timeout_happened)
                for r in rows]


def group_values(code: str, app_name: str, round_number: int, *fields: str) -> dict:
    Player = get_project().apps[app_name].Player
    with unit_of_work(readonly=True) as db:
        participant = db.scalars(select(Participant).filter_by(code=code)).one()
        player = db.scalars(select(Player).filter_by(participant_id=participant.id, round_number=round_number)).one()
        return {name: player.group.field_maybe_none(name) for name in fields}


def to_answer(web: Web, *codes: str) -> None:
    """Start participants and submit Welcome: they are on hooks/Answer/3."""
    for code in codes:
        web.start(code)
        web.submit(f"/p/{code}/hooks/Welcome/1")


# -- rendering hooks -----------------------------------------------------------------------------------


def test_vars_for_template_and_js_vars_in_the_page(web):
    p1, p2 = new_session("flow", 2)
    for code, id_in_group in ((p1, 1), (p2, 2)):
        response = web.get(web.start(code))
        assert response.status_code == 200
        html = response.text
        assert f'<p id="greeting">Hello player {id_in_group}</p>' in html
        assert '<p id="magic">Magic number: 4242</p>' in html
        assert '<p id="round">Round 1 of 2</p>' in html  # player and C are in the context too
        assert "var js_vars = {" in html
        assert js_vars(html) == {"id_in_group": id_in_group, "items": [1, 2, "three"], "nested": {"ok": True},
                                 "html": "</script><b>"}
        assert "</script><b>" not in html  # cannot end the script element early
    # A page without js_vars still defines the variable.
    web.submit(f"/p/{p1}/hooks/Welcome/1")
    assert js_vars(web.get(f"/p/{p1}/hooks/Answer/3").text) == {}


def test_page_title_and_next_button(web):
    (code, _) = new_session("flow", 2)
    html = web.get(web.start(code)).text
    assert re.search(r"<title>(\[\w+/P\d+\] )?Welcome</title>", html)  # DEBUG prefixes [session/P1]
    assert '<h2 class="otree-title page-header">Welcome</h2>' in html
    assert '<form id="form" method="post"' in html
    assert '<button class="otree-btn-next btn btn-primary">Next</button>' in html


def test_before_next_page_runs_once_with_timeout_happened_false(web):
    (code, _) = new_session("flow", 2)
    web.start(code)
    # Rendering (twice) does not call before_next_page.
    web.get(f"/p/{code}/hooks/Welcome/1")
    web.get(f"/p/{code}/hooks/Welcome/1")
    assert "welcome_calls" not in participant_vars(code)
    response = web.submit(f"/p/{code}/hooks/Welcome/1")
    assert location(response) == f"/p/{code}/hooks/Answer/3"
    assert participant_vars(code)["welcome_calls"] == 1
    assert participant_vars(code)["welcome_timeout"] is False
    rows = extra_rows("hooks", "Log")
    assert [(r["page"], r["round"], r["timeout_happened"], r["code"]) for r in rows] == [("Welcome", 1, False, code)]


def test_is_displayed_false_pages_never_render(web):
    (code, _) = new_session("flow", 2)
    web.start(code)
    # Never (index 2) would raise in vars_for_template and before_next_page, and has no template.
    response = web.submit(f"/p/{code}/hooks/Welcome/1")
    assert location(response) == f"/p/{code}/hooks/Answer/3"
    never = web.get(f"/p/{code}/hooks/Never/2")
    assert never.status_code == 302 and location(never) == f"/p/{code}/hooks/Answer/3"
    assert [t[2] for t in page_times(code)] == ["Welcome"]


# -- error_message and field hooks ---------------------------------------------------------------------


def test_error_message_string_is_shown_and_nothing_is_saved(web):
    (code, _) = new_session("flow", 2)
    to_answer(web, code)
    url = f"/p/{code}/hooks/Answer/3"
    response = web.post(url, dict(number=12, animal="cat", word="abc", low=9, high=2))
    assert response.status_code == 200
    assert response.headers[REDISPLAY] == "1"
    assert form_error(response.text) == "Low must not exceed high"
    # error_message got every field's value; the values are shown again.
    assert participant_vars(code)["error_message_values"] == ["animal", "high", "low", "number", "word"]
    assert 'name="number" id="id_number" value="12"' in response.text
    assert 'name="low" id="id_low" value="9"' in response.text
    assert player_values(code, "hooks", 1, "number", "animal", "word", "low", "high") == dict(
        number=None, animal=None, word=None, low=None, high=None)
    assert "answer_calls" not in participant_vars(code)
    assert index_of(code) == 3
    assert page_times(code)[-1][2] == "Welcome"


def test_error_message_dict_puts_errors_on_fields(web):
    (code, _) = new_session("flow", 2)
    to_answer(web, code)
    response = web.post(f"/p/{code}/hooks/Answer/3", dict(number=12, animal="cat", word="abc", low=4, high=4))
    assert response.status_code == 200 and response.headers[REDISPLAY] == "1"
    assert form_error(response.text) == "Please fix the errors."
    assert field_error(response.text, "high") == "Must differ from low"
    assert field_error(response.text, "low") == "Must differ from high"
    assert field_error(response.text, "number") is None
    assert player_values(code, "hooks", 1, "low", "high") == dict(low=None, high=None)
    # Corrected, the page is accepted.
    web.submit(f"/p/{code}/hooks/Answer/3", dict(number=12, animal="cat", word="abc", low=4, high=5))
    assert player_values(code, "hooks", 1, "low", "high", "word") == dict(low=4, high=5, word="abc")
    assert participant_vars(code)["answer_calls"] == 1


def test_error_message_is_not_called_when_fields_are_invalid(web):
    (code, _) = new_session("flow", 2)
    to_answer(web, code)
    response = web.post(f"/p/{code}/hooks/Answer/3", dict(number="", animal="cat", word="abc", low=9, high=2))
    assert response.status_code == 200
    assert field_error(response.text, "number") == "This field is required."
    assert form_error(response.text) == "Please fix the errors."
    assert "error_message_values" not in participant_vars(code)


def test_field_error_message_hook(web):
    (code, _) = new_session("flow", 2)
    to_answer(web, code)
    response = web.post(f"/p/{code}/hooks/Answer/3", dict(number=12, animal="cat", word="ABC", low=1, high=2))
    assert response.status_code == 200 and response.headers[REDISPLAY] == "1"
    assert field_error(response.text, "word") == "Use lowercase letters only"
    assert 'value="ABC"' in response.text
    assert player_values(code, "hooks", 1, "word") == dict(word=None)


def test_min_max_hooks_depend_on_the_player(web):
    p1, p2 = new_session("flow", 2)
    to_answer(web, p1, p2)
    for code, low, high in ((p1, 10, 15), (p2, 20, 25)):
        url = f"/p/{code}/hooks/Answer/3"
        html = web.get(url).text
        assert f'name="number" id="id_number" step="1" min="{low}" max="{high}"' in html
        valid = dict(animal="cat", word="abc", low=1, high=2)
        too_low = web.post(url, dict(valid, number=low - 1))
        assert field_error(too_low.text, "number") == f"Ensure this value is greater than or equal to {low}."
        too_high = web.post(url, dict(valid, number=high + 1))
        assert field_error(too_high.text, "number") == f"Ensure this value is less than or equal to {high}."
        assert player_values(code, "hooks", 1, "number") == dict(number=None)
        web.submit(url, dict(valid, number=high))
        assert player_values(code, "hooks", 1, "number") == dict(number=high)


def test_choices_hook_per_round(web):
    p1, p2 = new_session("flow", 2)
    to_answer(web, p1)
    url = f"/p/{p1}/hooks/Answer/3"
    html = web.get(url).text
    assert '<option value="cat">cat</option>' in html and '<option value="dog">dog</option>' in html
    assert "emu" not in html
    response = web.post(url, dict(number=12, animal="emu", word="abc", low=1, high=2))
    assert field_error(response.text, "animal") == "Select a valid choice. emu is not one of the available choices."
    # Round 2 offers other choices, with labels.
    to_answer(web, p2)
    web.submit(url, ANSWERS[1][0])
    web.submit(f"/p/{p2}/hooks/Answer/3", ANSWERS[1][1])
    web.submit(f"/p/{p1}/hooks/Decide/5", dict(plan="share"))
    web.submit(f"/p/{p1}/hooks/Results/7")
    html = web.get(f"/p/{p1}/hooks/Answer/10").text
    assert '<option value="emu">Emu</option>' in html and '<option value="yak">Yak</option>' in html
    response = web.post(f"/p/{p1}/hooks/Answer/10", dict(ANSWERS[2][0], animal="cat"))
    assert field_error(response.text, "animal") == "Select a valid choice. cat is not one of the available choices."
    web.submit(f"/p/{p1}/hooks/Answer/10", ANSWERS[2][0])
    assert player_values(p1, "hooks", 2, "animal") == dict(animal="emu")
    assert player_values(p1, "hooks", 1, "animal") == dict(animal="dog")


def test_group_form_model_and_get_form_fields(web):
    p1, p2 = new_session("flow", 2)
    play_flow(web, p1, p2)
    # Decide (form_model 'group') was shown to player 1 only and saved on the group.
    assert group_values(p1, "hooks", 1, "plan") == dict(plan="share")
    assert group_values(p2, "hooks", 2, "plan") == dict(plan="keep")
    assert "Decide" not in [t[2] for t in page_times(p2)]
    # get_form_fields: each participant had their own field.
    assert player_values(p1, "last", 1, "opinion", "reason") == dict(opinion="fine", reason=None)
    assert player_values(p2, "last", 1, "opinion", "reason") == dict(opinion=None, reason="in a hurry")


def test_get_form_fields_decides_what_is_shown_and_saved(web):
    p1, p2 = new_session("flow", 2)
    play_flow_to_dynamic(web, p1, p2)
    html = web.get(f"/p/{p2}/the_end/Dynamic/16").text
    assert 'name="reason"' in html and 'name="opinion"' not in html
    # A field not in get_form_fields is ignored even if posted.
    empty = web.post(f"/p/{p2}/the_end/Dynamic/16", dict(opinion="sneaky"))
    assert field_error(empty.text, "reason") == "This field is required."
    web.submit(f"/p/{p2}/the_end/Dynamic/16", dict(opinion="sneaky", reason="ok"))
    assert player_values(p2, "last", 1, "opinion", "reason") == dict(opinion=None, reason="ok")


def play_flow_to_dynamic(web: Web, p1: str, p2: str) -> None:
    """Both players through the hooks app; p2 ('jumper') ends on the_end/Dynamic/16, p1 on middle/Middle/15."""
    web.start(p1)
    web.start(p2, participant_label="jumper")
    for code in (p1, p2):
        web.submit(f"/p/{code}/hooks/Welcome/1")
    for rnd, base in ((1, 3), (2, 10)):
        web.submit(f"/p/{p1}/hooks/Answer/{base}", ANSWERS[rnd][0])
        web.submit(f"/p/{p2}/hooks/Answer/{base}", ANSWERS[rnd][1])
        web.submit(f"/p/{p1}/hooks/Decide/{base + 2}", dict(plan="share"))
        web.get(f"/p/{p2}/hooks/ResultsWait/{base + 3}")
        for code in (p1, p2):
            web.submit(f"/p/{code}/hooks/Results/{base + 4}")
    assert index_of(p1) == 15 and index_of(p2) == 16


# -- wait pages, rounds, app_after_this_page, template_name ---------------------------------------------


def test_wait_page_shown_until_the_group_arrives(web):
    p1, p2 = new_session("flow", 2)
    to_answer(web, p1, p2)
    web.submit(f"/p/{p2}/hooks/Answer/3", ANSWERS[1][1])
    waiting = web.get(f"/p/{p2}/hooks/Sync/4")
    assert waiting.status_code == 200
    assert waiting.headers["oTree-Wait-Page"] == "1"
    assert "Waiting for the other participant(s)." in waiting.text
    assert "/wait_page?session_pk=" in waiting.text
    # Posting to a wait page does nothing but redirect.
    posted = web.post(f"/p/{p2}/hooks/Sync/4")
    assert posted.status_code == 302 and location(posted) == f"/p/{p2}/hooks/Sync/4"
    assert web.get(f"/p/{p2}/hooks/Sync/4").status_code == 200
    # Player 1 skips Sync (is_displayed False): that completes it for player 2.
    assert location(web.submit(f"/p/{p1}/hooks/Answer/3", ANSWERS[1][0])) == f"/p/{p1}/hooks/Decide/5"
    moved = web.get(f"/p/{p2}/hooks/Sync/4")
    assert moved.status_code == 302 and location(moved) == f"/p/{p2}/hooks/ResultsWait/6"
    results_wait = web.get(f"/p/{p2}/hooks/ResultsWait/6")
    assert results_wait.headers["oTree-Wait-Page"] == "1"
    assert "Waiting for your partner to finish." in results_wait.text  # body_text
    assert group_values(p2, "hooks", 1, "aapa_runs", "total") == dict(aapa_runs=0, total=None)
    # The last arriver runs after_all_players_arrive; as in oTree, their browser passes through
    # the wait page's URL, which sends them straight on.
    assert location(web.submit(f"/p/{p1}/hooks/Decide/5", dict(plan="share"))) == f"/p/{p1}/hooks/ResultsWait/6"
    assert location(web.get(f"/p/{p1}/hooks/ResultsWait/6")) == f"/p/{p1}/hooks/Results/7"
    assert group_values(p1, "hooks", 1, "aapa_runs", "total") == dict(aapa_runs=1, total=11 + 21)
    assert location(web.get(f"/p/{p2}/hooks/ResultsWait/6")) == f"/p/{p2}/hooks/Results/7"
    assert group_values(p1, "hooks", 1, "aapa_runs") == dict(aapa_runs=1)


def test_skipped_wait_page_does_not_block_when_skipped_first(web):
    """Player 1 passes the Sync index (skipping it) before player 2 gets there."""
    p1, p2 = new_session("flow", 2)
    to_answer(web, p1, p2)
    web.submit(f"/p/{p1}/hooks/Answer/3", ANSWERS[1][0])
    response = web.submit(f"/p/{p2}/hooks/Answer/3", ANSWERS[1][1])
    # The submission leads to Sync; it is already complete (player 1 passed it), and Decide is
    # not for player 2, so the Sync URL sends them to ResultsWait, which waits for player 1.
    assert location(response) == f"/p/{p2}/hooks/Sync/4"
    assert location(web.get(f"/p/{p2}/hooks/Sync/4")) == f"/p/{p2}/hooks/ResultsWait/6"


def test_several_rounds_results_and_payoffs(web):
    p1, p2 = new_session("flow", 2)
    play_flow(web, p1, p2)
    for rnd in (1, 2):
        total = ANSWERS[rnd][0]["number"] + ANSWERS[rnd][1]["number"]
        assert group_values(p1, "hooks", rnd, "total", "aapa_runs") == dict(total=total, aapa_runs=1)
        for i, code in enumerate((p1, p2)):
            values = player_values(code, "hooks", rnd, "number", "animal", "payoff")
            assert values == dict(number=ANSWERS[rnd][i]["number"], animal=ANSWERS[rnd][i]["animal"],
                                  payoff=Currency(total))
    assert participant_vars(p1)["answer_calls"] == 2
    assert participant_vars(p1)["welcome_calls"] == 1  # Welcome is shown in round 1 only
    with unit_of_work(readonly=True) as db:
        payoffs = {p.code: p.payoff for p in db.scalars(select(Participant))}
    assert payoffs[p1] == payoffs[p2] == Currency(32 + 34)


def test_template_name_and_results_page(web):
    p1, p2 = new_session("flow", 2)
    to_answer(web, p1, p2)
    web.submit(f"/p/{p2}/hooks/Answer/3", ANSWERS[1][1])
    web.submit(f"/p/{p1}/hooks/Answer/3", ANSWERS[1][0])
    web.get(f"/p/{p2}/hooks/Sync/4")  # the reload a wait page's socket triggers
    assert location(web.submit(f"/p/{p1}/hooks/Decide/5", dict(plan="share"))) == f"/p/{p1}/hooks/ResultsWait/6"
    assert location(web.get(f"/p/{p1}/hooks/ResultsWait/6")) == f"/p/{p1}/hooks/Results/7"
    html = web.get(f"/p/{p1}/hooks/Results/7").text
    assert re.search(r"<title>(\[\w+/P\d+\] )?Outcome of round 1</title>", html)  # hooks/Outcome.html, not Results.html
    assert '<p id="total">Group total: 32</p>' in html
    assert '<p id="partner">Partner picked 21</p>' in html
    assert '<p id="payoff">Your payoff: 32 points</p>' in html


def test_app_after_this_page_jumps_to_a_later_app(web):
    p1, p2 = new_session("flow", 2)
    seen = play_flow(web, p1, p2)
    assert participant_vars(p1)["upcoming_apps"] == ["middle", "last"]
    assert participant_vars(p1)["saw_middle"] is True
    assert "saw_middle" not in participant_vars(p2)
    assert not any("/middle/" in url for url in seen[p2])
    assert ("Middle" in [t[2] for t in page_times(p1)]) and ("Middle" not in [t[2] for t in page_times(p2)])


def test_page_times_one_row_per_completed_page(web):
    p1, p2 = new_session("flow", 2)
    play_flow(web, p1, p2)
    assert page_times(p1) == [
        (1, "hooks", "Welcome", 1, False, False),
        (3, "hooks", "Answer", 1, False, False),
        (5, "hooks", "Decide", 1, False, False),
        (6, "hooks", "ResultsWait", 1, True, False),
        (7, "hooks", "Results", 1, False, False),
        (10, "hooks", "Answer", 2, False, False),
        (12, "hooks", "Decide", 2, False, False),
        (13, "hooks", "ResultsWait", 2, True, False),
        (14, "hooks", "Results", 2, False, False),
        (15, "middle", "Middle", 1, False, False),
        (16, "last", "Dynamic", 1, False, False),
        (17, "last", "End", 1, False, False),
    ]
    assert page_times(p2) == [
        (1, "hooks", "Welcome", 1, False, False),
        (3, "hooks", "Answer", 1, False, False),
        (4, "hooks", "Sync", 1, True, False),
        (6, "hooks", "ResultsWait", 1, True, False),
        (7, "hooks", "Results", 1, False, False),
        (10, "hooks", "Answer", 2, False, False),
        (11, "hooks", "Sync", 2, True, False),
        (13, "hooks", "ResultsWait", 2, True, False),
        (14, "hooks", "Results", 2, False, False),
        (16, "last", "Dynamic", 1, False, False),
        (17, "last", "End", 1, False, False),
    ]
    with unit_of_work(readonly=True) as db:
        times = list(db.scalars(select(PageTime.epoch_time_completed).order_by(PageTime.id)))
        session_ids = set(db.scalars(select(PageTime.session_id)))
        assert session_ids == set(db.scalars(select(Session.id)))
    assert all(abs(t - time.time()) < 120 for t in times)


# -- timeouts --------------------------------------------------------------------------------------------


@pytest.fixture
def timed(load):
    web = Web(create_app(load("flow")))
    (code,) = new_session("timed", 1)
    web.start(code)
    return web, code, f"/p/{code}/timed/Timed/1"


def admin_secret_code() -> str:
    with unit_of_work(readonly=True) as db:
        return db.scalars(select(Session)).one()._admin_secret_code


def test_timeout_page_shows_timer(timed):
    web, code, url = timed
    html = web.get(url).text
    assert "otree-timer" in html
    with unit_of_work(readonly=True) as db:
        deadline = db.scalars(select(Participant).filter_by(code=code)).one()._timeout_expiration_time
    assert 590 < deadline - time.time() <= 600
    web.get(url)  # a reload keeps the deadline
    with unit_of_work(readonly=True) as db:
        assert db.scalars(select(Participant).filter_by(code=code)).one()._timeout_expiration_time == deadline


def test_forged_timeout_is_ignored_and_validation_applies(timed):
    web, code, url = timed
    web.get(url)
    response = web.post(url, dict(timeout_happened="1"))
    assert response.status_code == 200 and response.headers[REDISPLAY] == "1"
    assert field_error(response.text, "t_int") == "This field is required."
    assert player_values(code, "timed", 1, "t_int", "t_text") == dict(t_int=None, t_text=None)
    assert "timed_calls" not in participant_vars(code)
    # A wrong admin code is no better.
    response = web.post(url, dict(timeout_happened="1", admin_secret_code="wrong"))
    assert response.status_code == 200 and response.headers[REDISPLAY] == "1"
    # With valid data the page is accepted, as a normal submission.
    web.submit(url, dict(timeout_happened="1", t_int=6, t_float=1.5, t_bool="True", t_text="x", t_cur=3))
    assert participant_vars(code)["timed_timeout"] is False
    assert page_times(code) == [(1, "timed", "Timed", 1, False, False)]


def test_timeout_with_admin_secret_code_fills_defaults(timed):
    web, code, url = timed
    web.get(url)
    response = web.post(url, dict(timeout_happened="1", admin_secret_code=admin_secret_code(),
                                  t_int="7", t_float="not a number"))
    assert response.status_code == 302 and location(response) == f"/p/{code}/timed/After/2"
    assert player_values(code, "timed", 1, "t_int", "t_float", "t_bool", "t_text", "t_cur") == dict(
        t_int=7, t_float=0.0, t_bool=False, t_text="", t_cur=Currency(0))
    assert participant_vars(code)["timed_calls"] == 1
    assert participant_vars(code)["timed_timeout"] is True
    assert page_times(code) == [(1, "timed", "Timed", 1, False, True)]


def test_timeout_near_the_deadline_is_accepted(timed):
    web, code, url = timed
    web.get(url)
    with unit_of_work() as db:
        db.scalars(select(Participant).filter_by(code=code)).one()._timeout_expiration_time = time.time() + 1
    response = web.post(url, dict(timeout_happened="1", t_text="late"))
    assert response.status_code == 302
    assert player_values(code, "timed", 1, "t_int", "t_text") == dict(t_int=0, t_text="late")
    assert participant_vars(code)["timed_timeout"] is True


# -- forms: every field kind --------------------------------------------------------------------------------


@pytest.fixture
def kinds(load):
    web = Web(create_app(load("flow")))
    (code,) = new_session("kinds", 1)
    web.start(code)
    return web, code, f"/p/{code}/kinds/AllKinds/1"


KIND_FIELDS = ["int_field", "float_field", "cur_field", "dec_field", "bool_radio", "bool_check", "text",
               "select_choice", "radio_choice", "essay", "optional", "multi"]
VALID = dict(int_field="7", float_field="2.5", cur_field="30", dec_field="3.25", bool_radio="False",
             bool_check="1", text="abc", select_choice="g", radio_choice="2", essay="Line one\nLine two",
             optional="", multi=["x", "z"])


def test_required_fields(kinds):
    web, code, url = kinds
    response = web.post(url, {})
    assert response.status_code == 200 and response.headers[REDISPLAY] == "1"
    assert form_error(response.text) == "Please fix the errors."
    optional = {"bool_check", "optional"}
    for name in KIND_FIELDS:
        expected = None if name in optional else "This field is required."
        assert field_error(response.text, name) == expected, name
    assert index_of(code) == 1


@pytest.mark.parametrize("name, value, message", [
    ("int_field", "abc", "Enter a whole number."),
    ("int_field", "2.5", "Enter a whole number."),
    ("int_field", "0", "Ensure this value is greater than or equal to 1."),
    ("int_field", "11", "Ensure this value is less than or equal to 10."),
    ("float_field", "x", "Enter a number."),
    ("float_field", "-1", "Ensure this value is greater than or equal to 0."),
    ("cur_field", "60", "Ensure this value is less than or equal to 50 points."),
    ("cur_field", "ten", "Enter a number."),
    ("dec_field", "1,5", "Enter a number."),
    ("bool_radio", "maybe", "Select a valid choice. maybe is not one of the available choices."),
    ("text", "toolong", "Ensure this value has at most 5 characters (it has 7)."),
    ("select_choice", "b", "Select a valid choice. b is not one of the available choices."),
    ("radio_choice", "4", "Select a valid choice. 4 is not one of the available choices."),
    ("essay", "   ", "This field is required."),
    ("multi", ["x", "w"], "Select a valid choice. w is not one of the available choices."),
])
def test_invalid_value_message_and_redisplay(kinds, name, value, message):
    web, code, url = kinds
    response = web.post(url, dict(VALID, **{name: value}))
    assert response.status_code == 200 and response.headers[REDISPLAY] == "1"
    assert field_error(response.text, name) == message
    assert [n for n in KIND_FIELDS if n != name and field_error(response.text, n)] == []
    html = response.text
    # The other (valid) values are kept in the re-displayed form.
    if name != "int_field":
        assert 'name="int_field" id="id_int_field" value="7"' in html
    if name != "cur_field":
        assert 'name="cur_field" id="id_cur_field" value="30"' in html
    if name != "text":
        assert 'name="text" id="id_text" value="abc"' in html
    if name != "select_choice":
        assert '<option value="g" selected>Green</option>' in html
    if name != "radio_choice":
        assert 'name="radio_choice" id="id_radio_choice-1" value="2" checked' in html
    if name != "bool_radio":
        assert 'name="bool_radio" id="id_bool_radio-1" value="False" checked' in html
    assert 'name="bool_check" id="id_bool_check" value="1" checked' in html
    if name != "essay":
        assert ">\nLine one\nLine two</textarea>" in html
    if name != "multi":
        assert 'id="id_multi-0" value="x" checked' in html and 'id="id_multi-2" value="z" checked' in html
        assert 'id="id_multi-1" value="y" checked' not in html
    # Nothing was saved.
    assert player_values(code, "kinds", 1, *KIND_FIELDS) == {n: None for n in KIND_FIELDS}


def test_invalid_value_is_shown_again_as_typed(kinds):
    web, code, url = kinds
    html = web.post(url, dict(VALID, int_field="abc", text="toolong")).text
    assert 'name="int_field" id="id_int_field" value="abc"' in html
    assert 'name="text" id="id_text" value="toolong"' in html


def test_valid_submission_saves_typed_values(kinds):
    web, code, url = kinds
    response = web.submit(url, VALID)
    assert location(response) == f"/p/{code}/kinds/Done/2"
    values = player_values(code, "kinds", 1, *KIND_FIELDS)
    assert values == dict(int_field=7, float_field=2.5, cur_field=Currency(30), dec_field=Decimal("3.25"),
                          bool_radio=False, bool_check=True, text="abc", select_choice="g", radio_choice=2,
                          essay="Line one\nLine two", optional="", multi=["x", "z"])
    assert isinstance(values["cur_field"], Currency)
    assert type(values["int_field"]) is int and type(values["radio_choice"]) is int


def test_error_message_on_a_page_without_fields(kinds):
    web, code, url = kinds
    web.submit(url, VALID)
    done = f"/p/{code}/kinds/Done/2"
    response = web.post(done)
    assert response.status_code == 200 and response.headers[REDISPLAY] == "1"
    assert form_error(response.text) == "Please read this page first"
    assert participant_vars(code)["done_values"] == {}
    assert index_of(code) == 2
    assert location(web.submit(done)) == f"/OutOfRangeNotification/{code}"
    assert participant_vars(code)["done_attempts"] == 2


def test_unchecked_checkbox_is_false(kinds):
    web, code, url = kinds
    data = dict(VALID)
    del data["bool_check"]
    web.submit(url, data)
    assert player_values(code, "kinds", 1, "bool_check", "bool_radio") == dict(bool_check=False, bool_radio=False)


def test_html_in_values_is_escaped_on_redisplay(kinds):
    web, code, url = kinds
    html = web.post(url, dict(VALID, text='"><b>x', int_field="")).text
    assert "<b>x" not in html
    assert 'name="text" id="id_text" value="&#34;&gt;&lt;b&gt;x"' in html


# -- raw buttons and replayed submissions ------------------------------------------------------------------


@pytest.fixture
def buttons(load):
    web = Web(create_app(load("flow")))
    codes = new_session("buttons", 2)
    for code in codes:
        web.start(code)
    return web, codes


def test_raw_button_submits_its_value(buttons):
    web, (code, _) = buttons
    url = f"/p/{code}/buttons/Buttons/1"
    html = web.get(url).text
    assert '<button name="choice" value="A" class="btn btn-primary">Option A</button>' in html
    # What a browser posts when the participant clicks "Option B".
    response = web.submit(url, {"choice": "B"})
    assert location(response) == f"/p/{code}/buttons/After/2"
    assert player_values(code, "buttons", 1, "choice") == dict(choice="B")
    assert '<p id="choice">You chose B</p>' in web.get(location(response)).text


def test_raw_button_with_invalid_value_is_rejected(buttons):
    web, (code, _) = buttons
    url = f"/p/{code}/buttons/Buttons/1"
    response = web.post(url, {"choice": "C"})
    assert response.status_code == 200 and response.headers[REDISPLAY] == "1"
    assert form_error(response.text) == "Please fix the errors."
    assert "Select a valid choice. C is not one of the available choices." in response.text
    assert player_values(code, "buttons", 1, "choice") == dict(choice=None)


def test_replayed_submission_is_applied_once(buttons):
    web, (code, _) = buttons
    url = f"/p/{code}/buttons/Buttons/1"
    first = web.submit(url, {"choice": "A"})
    assert location(first) == f"/p/{code}/buttons/After/2"
    replay = web.post(url, {"choice": "B"})
    assert replay.status_code == 302 and location(replay) == f"/p/{code}/buttons/After/2"
    assert player_values(code, "buttons", 1, "choice") == dict(choice="A")
    assert participant_vars(code)["presses"] == 1
    assert [(r["choice"], r["code"]) for r in extra_rows("buttons", "Press")] == [("A", code)]
    assert [t[2] for t in page_times(code)] == ["Buttons"]


def test_simultaneous_double_submit_is_applied_once(buttons):
    web, (_, code) = buttons
    url = f"/p/{code}/buttons/Buttons/1"
    responses = web.concurrently(("POST", url, {"data": {"choice": "A"}}), ("POST", url, {"data": {"choice": "B"}}),
                                 ("POST", url, {"data": {"choice": "A"}}))
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert {location(r) for r in responses} == {f"/p/{code}/buttons/After/2"}
    assert participant_vars(code)["presses"] == 1
    rows = extra_rows("buttons", "Press")
    assert len(rows) == 1
    assert player_values(code, "buttons", 1, "choice") == dict(choice=rows[0]["choice"])
    assert [t[2] for t in page_times(code)] == ["Buttons"]
