"""Self-format (oTree 3) apps played through HTTP: tests/projects/selfformat (public_goods + survey, Django
templates, `Constants`, after_all_players_arrive = 'set_payoffs') and the `legacy` app of tests/projects/flow
(every page hook as a method on self, a wait page's own after_all_players_arrive method)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from otree.currency import Currency
from otree.db import unit_of_work
from otree.db.core import Participant, Session
from otree.db.records import PageTime
from otree.session import create_session
from otree.web.app import create_app

from . import Web, field_error, form_error, js_vars, location, player_values

REDISPLAY = "oTree-Redisplay-With-Errors"


def new_session(config: str, num: int) -> list[str]:
    with unit_of_work():
        return [p.code for p in create_session(config, num).get_participants()]


def participant(code: str) -> SimpleNamespace:
    """A snapshot of the participant's stored id, vars and payoff."""
    with unit_of_work(readonly=True) as db:
        p = db.scalars(select(Participant).filter_by(code=code)).one()
        return SimpleNamespace(id=p.id, vars=dict(p.vars), payoff=p.payoff)


def group_values(code: str, app_name: str, round_number: int, *fields: str) -> dict:
    from otree.project import get_project

    Player = get_project().apps[app_name].Player
    with unit_of_work(readonly=True) as db:
        p = db.scalars(select(Participant).filter_by(code=code)).one()
        player = db.scalars(select(Player).filter_by(participant_id=p.id, round_number=round_number)).one()
        return {name: player.group.field_maybe_none(name) for name in fields}


def text_of(html: str) -> str:
    """The page's text with whitespace collapsed (Django-style templates indent a lot)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# -- tests/projects/selfformat ----------------------------------------------------------------------------


@pytest.fixture
def public_goods(load):
    web = Web(create_app(load("selfformat")))
    codes = new_session("public_goods", 3)
    return web, codes


def test_public_goods_plays_through_the_web(public_goods):
    web, codes = public_goods
    contributions = {1: [10, 20, 30], 2: [0, 25, 50]}

    for code in codes:
        first = web.start(code)
        assert first == f"/p/{code}/public_goods/Introduction/1"
        html = web.get(first).text
        assert re.search(r"<title>\s*(\[\w+/P\d+\] )?Introduction\s*</title>", html)
        text = text_of(html)
        assert "This is a public goods game with 3 players per group, an endowment of 100 points, " \
               "and an efficiency factor of 2." in text
        assert location(web.submit(first)) == f"/p/{code}/public_goods/Contribute/2"

    # Round 1: treatment 'high' (creating_session), so contribution_max() is the endowment.
    url = f"/p/{codes[0]}/public_goods/Contribute/2"
    html = web.get(url).text
    assert "You can contribute up to 100 points." in text_of(html)  # vars_for_template(self)
    assert "Contribute (round 1 of 2)" in text_of(html)
    assert 'for="id_contribution">How much will you contribute to the project (from 0 to your maximum)?</label>' \
        in html
    assert 'name="contribution" id="id_contribution" step="1" min="0" max="100"' in html
    # contribution_error_message(self, value) and contribution_max(self) on the Player model
    unlucky = web.post(url, dict(contribution=13))
    assert unlucky.status_code == 200 and unlucky.headers[REDISPLAY] == "1"
    assert field_error(unlucky.text, "contribution") == "Unlucky number, please choose another amount"
    too_much = web.post(url, dict(contribution=101))
    assert field_error(too_much.text, "contribution") == "Ensure this value is less than or equal to 100 points."
    assert player_values(codes[0], "public_goods", 1, "contribution") == dict(contribution=None)

    # Everyone contributes; the first two wait, the last one runs Group.set_payoffs.
    for i, code in enumerate(codes):
        response = web.submit(f"/p/{code}/public_goods/Contribute/2", dict(contribution=contributions[1][i]))
        if i < 2:
            assert location(response) == f"/p/{code}/public_goods/ResultsWaitPage/3"
            waiting = web.get(location(response))
            assert waiting.headers["oTree-Wait-Page"] == "1"
            assert "Waiting for other participants to contribute." in waiting.text  # body_text
            assert group_values(code, "public_goods", 1, "total_contribution") == dict(total_contribution=None)
        else:  # the last to arrive completes the wait page; its URL sends them straight on
            assert location(response) == f"/p/{code}/public_goods/ResultsWaitPage/3"
    for code in codes:
        assert location(web.get(f"/p/{code}/public_goods/ResultsWaitPage/3")) == f"/p/{code}/public_goods/Results/4"

    assert group_values(codes[0], "public_goods", 1, "total_contribution", "individual_share") == dict(
        total_contribution=Currency(60), individual_share=Currency(40))
    assert group_values(codes[0], "public_goods", 1, "set_payoffs_runs") == dict(set_payoffs_runs=1)
    for i, code in enumerate(codes):
        assert player_values(code, "public_goods", 1, "payoff") == dict(payoff=Currency(100 - contributions[1][i] + 40))
    results = text_of(web.get(f"/p/{codes[0]}/public_goods/Results/4").text)
    assert "Your contribution: 10 points" in results
    assert "Total contribution: 60 points" in results
    assert "Total earnings from the project: 120 points" in results  # vars_for_template(self) with self.group
    assert "Your earnings: 130 points" in results

    # Round 2: Introduction is not displayed (is_displayed(self)); treatment 'low' halves the maximum.
    for code in codes:
        assert location(web.submit(f"/p/{code}/public_goods/Results/4")) == f"/p/{code}/public_goods/Contribute/6"
    url = f"/p/{codes[2]}/public_goods/Contribute/6"
    assert "You can contribute up to 50 points." in text_of(web.get(url).text)
    too_much = web.post(url, dict(contribution=51))
    assert field_error(too_much.text, "contribution") == "Ensure this value is less than or equal to 50 points."
    for i, code in enumerate(codes):
        web.submit(f"/p/{code}/public_goods/Contribute/6", dict(contribution=contributions[2][i]))
    for code in codes:
        _, page = web.follow(f"/p/{code}/public_goods/ResultsWaitPage/7")
        assert "Your earnings:" in text_of(page.text)
    assert group_values(codes[0], "public_goods", 2, "total_contribution", "individual_share") == dict(
        total_contribution=Currency(75), individual_share=Currency(50))
    assert group_values(codes[0], "public_goods", 2, "set_payoffs_runs") == dict(set_payoffs_runs=1)
    for i, code in enumerate(codes):
        assert player_values(code, "public_goods", 2, "payoff") == dict(payoff=Currency(100 - contributions[2][i] + 50))

    # The survey app: Django {% formfield player.x label=... %}, <field>_choices(self), before_next_page(self).
    code = codes[0]
    assert location(web.submit(f"/p/{code}/public_goods/Results/8")) == f"/p/{code}/survey/Demographics/9"
    html = web.get(f"/p/{code}/survey/Demographics/9").text
    assert 'for="id_age">Your age</label>' in html
    assert 'type="radio" name="gender"' in html
    too_young = web.post(f"/p/{code}/survey/Demographics/9", dict(age=12, gender="Other"))
    assert field_error(too_young.text, "age") == "Ensure this value is greater than or equal to 13."
    web.submit(f"/p/{code}/survey/Demographics/9", dict(age=30, gender="Other"))
    html = web.get(f"/p/{code}/survey/CognitiveReflectionTest/10").text
    assert [int(v) for v in re.findall(r'<option value="(\d+)"', html)] == [1, 2, 11, 22]
    wrong = web.post(f"/p/{code}/survey/CognitiveReflectionTest/10", dict(crt_bat=3, satisfied="True"))
    assert field_error(wrong.text, "crt_bat") == "Select a valid choice. 3 is not one of the available choices."
    end = web.submit(f"/p/{code}/survey/CognitiveReflectionTest/10", dict(crt_bat=1, satisfied="True"))
    assert location(end) == f"/OutOfRangeNotification/{code}"
    assert participant(code).vars["finished"] is True
    assert player_values(code, "survey", 1, "age", "gender", "crt_bat", "satisfied") == dict(
        age=30, gender="Other", crt_bat=1, satisfied=True)
    assert participant(code).payoff == Currency(130 + 150)  # both rounds
    participant_id = participant(code).id
    with unit_of_work(readonly=True) as db:
        session = db.scalars(select(Session)).one()
        assert session.vars["rounds_created"] == [1, 2]
        times = [(t.page_index, t.page_name, t.is_wait_page) for t in db.scalars(
            select(PageTime).filter_by(participant_id=participant_id).order_by(PageTime.id))]
    assert times == [(1, "Introduction", False), (2, "Contribute", False), (3, "ResultsWaitPage", True),
                     (4, "Results", False), (6, "Contribute", False), (7, "ResultsWaitPage", True),
                     (8, "Results", False), (9, "Demographics", False), (10, "CognitiveReflectionTest", False)]


def test_public_goods_wait_page_runs_set_payoffs_once(public_goods):
    web, codes = public_goods
    for code in codes:
        web.submit(web.start(code))
    # All three contribute at the same moment.
    responses = web.concurrently(*[
        ("POST", f"/p/{code}/public_goods/Contribute/2", {"data": {"contribution": 10}}) for code in codes])
    assert all(r.status_code == 302 for r in responses)
    for code in codes:
        final, page = web.follow(f"/p/{code}/public_goods/ResultsWaitPage/3")
        assert final == f"/p/{code}/public_goods/Results/4", final
    assert group_values(codes[0], "public_goods", 1, "total_contribution") == dict(total_contribution=Currency(30))
    # set_payoffs gives the same sums when run twice: only its own count shows it ran exactly once.
    assert group_values(codes[0], "public_goods", 1, "set_payoffs_runs") == dict(set_payoffs_runs=1)
    for code in codes:
        assert player_values(code, "public_goods", 1, "payoff") == dict(payoff=Currency(110))
    ids = sorted(participant(c).id for c in codes)
    with unit_of_work(readonly=True) as db:
        waits = sorted(db.scalars(select(PageTime.participant_id).filter_by(page_name="ResultsWaitPage")))
    assert waits == ids  # one completion row each


# -- the legacy app of tests/projects/flow --------------------------------------------------------------


@pytest.fixture
def legacy(load):
    web = Web(create_app(load("flow")))
    codes = new_session("legacy", 2)
    for code in codes:
        assert web.start(code) == f"/p/{code}/legacy/Guess/1"
    return web, codes


def test_legacy_page_hooks_with_self(legacy):
    web, (p1, p2) = legacy
    assert participant(p1).vars["legacy_created"] is True  # Subsession.creating_session(self)
    url1 = f"/p/{p1}/legacy/Guess/1"
    html = web.get(url1).text
    assert '<p id="limit">At most 10; twice that is 20.</p>' in html  # vars_for_template(self)
    assert js_vars(html) == {"code": p1, "round": 1}  # js_vars(self)
    assert "otree-timer" in html  # get_timeout_seconds(self)
    # get_form_fields(self): player 1 has a confirmation box, player 2 does not.
    assert 'name="confirm"' in html
    html2 = web.get(f"/p/{p2}/legacy/Guess/1").text
    assert 'name="guess"' in html2 and 'name="confirm"' not in html2
    assert '<p id="limit">At most 20; twice that is 40.</p>' in html2

    # Player.guess_max(self), guess_error_message(self, value), and Guess.guess_min(self) on the page
    assert 'name="guess" id="id_guess" step="1" min="2" max="10"' in html
    assert field_error(web.post(url1, dict(guess=1, confirm="True")).text, "guess") == \
        "Ensure this value is greater than or equal to 2."
    assert field_error(web.post(url1, dict(guess=11, confirm="True")).text, "guess") == \
        "Ensure this value is less than or equal to 10."
    assert field_error(web.post(url1, dict(guess=7, confirm="True")).text, "guess") == "Not seven"
    # error_message(self, values)
    refused = web.post(url1, dict(guess=5, confirm="False"))
    assert refused.status_code == 200 and refused.headers[REDISPLAY] == "1"
    assert form_error(refused.text) == "Please confirm"
    assert player_values(p1, "legacy", 1, "guess", "confirm") == dict(guess=None, confirm=None)

    # before_next_page(self) with self.timeout_happened; Skip (is_displayed False) is never shown.
    assert location(web.submit(url1, dict(guess=5, confirm="True"))) == f"/p/{p1}/legacy/SumWait/3"
    waiting = web.get(f"/p/{p1}/legacy/SumWait/3")
    assert waiting.headers["oTree-Wait-Page"] == "1"
    assert "One moment" in waiting.text  # title_text
    assert participant(p1).vars["legacy_bnp"] == 1 and participant(p1).vars["legacy_timeout"] is False

    # The wait page's own after_all_players_arrive(self) runs for the last arriver's group.
    assert location(web.submit(f"/p/{p2}/legacy/Guess/1", dict(guess=15))) == f"/p/{p2}/legacy/SumWait/3"
    assert location(web.get(f"/p/{p2}/legacy/SumWait/3")) == f"/p/{p2}/legacy/Result/4"
    assert location(web.get(f"/p/{p1}/legacy/SumWait/3")) == f"/p/{p1}/legacy/Result/4"
    assert group_values(p1, "legacy", 1, "sum_guess", "arrive_runs") == dict(sum_guess=20, arrive_runs=1)
    result = web.get(f"/p/{p1}/legacy/Result/4").text
    assert '<p id="sum">Sum of guesses: 20</p>' in result
    assert '<p id="payoff">Your payoff: 25 points</p>' in result

    # app_after_this_page(self, upcoming_apps) skips the middle app.
    for code in (p1, p2):
        assert location(web.submit(f"/p/{code}/legacy/Result/4")) == f"/p/{code}/the_end/Dynamic/6"
        assert participant(code).vars["legacy_upcoming"] == ["middle", "last"]
        assert player_values(code, "legacy", 1, "payoff") == dict(payoff=Currency(25))


def test_legacy_timeout_with_admin_secret_code(legacy):
    web, (p1, _) = legacy
    url = f"/p/{p1}/legacy/Guess/1"
    web.get(url)
    with unit_of_work(readonly=True) as db:
        secret = db.scalars(select(Session)).one()._admin_secret_code
    response = web.post(url, dict(timeout_happened="1", admin_secret_code=secret))
    assert response.status_code == 302
    assert participant(p1).vars["legacy_timeout"] is True  # self.timeout_happened
    assert player_values(p1, "legacy", 1, "guess", "confirm") == dict(guess=0, confirm=False)
