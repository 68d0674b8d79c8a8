"""Bots that fail say clearly why (tests/projects/bots_fail: one config per way of failing).

f_app's bot does what its session config's `mode` says (see bots_fail/f_app/tests.py).
"""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select

BOT_FILE = os.path.join("f_app", "tests.py")


def bot_line(path: str, code: str) -> int:
    """The line number of `code` in the copied project's f_app/tests.py."""
    with open(os.path.join(path, BOT_FILE)) as f:
        lines = f.read().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() == code)


def failure(run, config: str) -> str:
    """The report after 'Bots failed (<config>):'; the run must have failed."""
    assert not run.ok, run.output
    assert "Bots passed" not in run.output
    head = f"\nBots failed ({config}):\n"
    assert head in run.output, run.output
    return run.output.split(head, 1)[1]


def test_control_mode_passes(play):
    run = play("bots_fail", "ok")
    assert run.ok, run.output


def test_wrong_page_is_a_discrepancy(play):
    report = failure(play("bots_fail", "wrong_page"), "wrong_page")
    assert report.startswith("Discrepancy between bot code and app code")
    # names the page the bot submits and the page the participant is on
    assert "submits page End" in report
    assert "is on page Form" in report
    assert "participant 1" in report and "'f_app'" in report and "round 1" in report


def test_failing_expect_shows_values_and_bot_line(play, tmp_path):
    run = play("bots_fail", "expect")
    report = failure(run, "expect")
    assert "expect() failed: Expected 4, but the actual value is 3" in report
    path = str(tmp_path / "bots_fail")
    line = bot_line(path, "expect(self.player.n, 4)")
    assert f'File "{os.path.join(path, BOT_FILE)}", line {line}, in play_round' in report
    assert "    expect(self.player.n, 4)" in report
    assert "Traceback" not in report


def test_failing_expect_with_operator(play, tmp_path):
    report = failure(play("bots_fail", "expect_op"), "expect_op")
    assert "Expected 3 > 5, which is false" in report
    line = bot_line(str(tmp_path / "bots_fail"), "expect(self.player.n, '>', 5)")
    assert f"tests.py\", line {line}, in play_round" in report


def test_error_in_bot_code_shows_bot_line(play, tmp_path):
    report = failure(play("bots_fail", "bot_bug"), "bot_bug")
    assert "KeyError: 'no_such_key'" in report
    line = bot_line(str(tmp_path / "bots_fail"), "self.participant.vars['no_such_key']")
    assert f"tests.py\", line {line}, in play_round" in report


def test_must_fail_that_passes_is_reported_and_saves_nothing(play):
    run = play("bots_fail", "must_fail_passes")
    report = failure(run, "must_fail_passes")
    assert "SubmissionMustFail(Form, {'n': 5, 'word': 'valid'}) passed validation" in report
    assert "expected to fail" in report

    from otree.db import unit_of_work
    from otree.db.core import Participant
    from otree.project import get_project

    Player = get_project().apps["f_app"].Player
    with unit_of_work(readonly=True) as db:
        player = db.scalars(select(Player)).one()
        assert player.field_maybe_none("n") is None and player.field_maybe_none("word") is None
        assert db.scalars(select(Participant)).one()._index_in_pages == 1  # still on Form
    assert run.count("otree_pagetime") == 0


def test_must_fail_on_other_fields_than_error_fields(play):
    report = failure(play("bots_fail", "wrong_fields"), "wrong_fields")
    assert "SubmissionMustFail(Form, {'n': 50, 'word': ''})" in report
    assert "failed on the fields ['n', 'word'], but error_fields=['n'] was expected" in report


def test_leftover_submissions(play):
    report = failure(play("bots_fail", "leftover"), "leftover")
    assert "still wants to submit Submission(End, {})" in report
    assert "participant 1" in report and "'f_app', round 1" in report


def test_bot_without_more_submissions_finishes_where_it_is(play):
    # As in oTree: with no bot left that has something to submit, the participant's bot is done.
    run = play("bots_fail", "stops_early", verbose=True)
    assert run.ok, run.output
    assert "Bot of participant 1 finished on page NoButton" in run.output
    assert run.rows("SELECT _index_in_pages FROM otree_participant") == [(3,)]


def test_yielding_a_wait_page(play):
    report = failure(play("bots_fail", "wait_page"), "wait_page")
    assert "yielded the wait page Wait" in report and "automatically" in report


def test_yielding_something_else(play):
    report = failure(play("bots_fail", "bad_yield"), "bad_yield")
    assert "A bot yielded 'Form'" in report


def test_field_not_in_html(play):
    report = failure(play("bots_fail", "missing_field"), "missing_field")
    assert "The bot submits 'secret' on page Form, but the page's HTML has no input" in report
    assert "check_html=False" in report


def test_missing_submit_button(play):
    report = failure(play("bots_fail", "no_button"), "no_button")
    assert "Page NoButton has no submit button" in report
    assert "check_html=False" in report


@pytest.mark.parametrize("config", ["missing_field", "no_button", "ok"])
def test_bots_check_html_setting_turns_the_check_off(play, config):
    run = play("bots_fail", config, settings="BOTS_CHECK_HTML = False")
    assert run.ok, run.output


def test_error_in_app_code_has_a_traceback(play, tmp_path):
    report = failure(play("bots_fail", "crash"), "crash")
    assert "ZeroDivisionError: division by zero" in report
    assert "Traceback (most recent call last):" in report
    app_file = os.path.join(str(tmp_path / "bots_fail"), "f_app", "__init__.py")
    assert re.search(rf'File "{re.escape(app_file)}", line \d+, in vars_for_template', report), report
    assert "return dict(ratio=1 / (player.n - player.n))" in report


def test_stuck_bots_name_who_waits_where(play):
    run = play("bots_fail", "stuck")
    report = failure(run, "stuck")
    first, second = (code for (code,) in run.rows("SELECT code FROM otree_participant ORDER BY id_in_session"))
    (session_code,) = run.rows("SELECT code FROM otree_session")[0]
    assert report.startswith(f"Bots got stuck in session {session_code} (stuck)")
    assert f"participant 1 ({first}): finished" in report
    assert f"participant 2 ({second}): waiting on wait page /p/{second}/f_stuck/Lobby/2" in report


def test_missing_tests_py(play, tmp_path):
    run = play("bots_fail", "notests")
    assert not run.ok
    path = os.path.join(str(tmp_path / "bots_fail"), "f_notests", "tests.py")
    assert "Bots failed for session config 'notests':" in run.output
    assert f"App 'f_notests' has no tests.py with a class PlayerBot (expected {path})" in run.output
    assert "Running bots" not in run.output  # nothing was played


def test_tests_py_without_player_bot(play, project_dir):
    path = project_dir("bots_fail")
    with open(os.path.join(path, "f_notests", "tests.py"), "w") as f:
        f.write("from otree.api import *\n\n\nclass Bot2(Bot):\n    pass\n")
    run = play("bots_fail", "notests")
    assert not run.ok
    assert "has no class PlayerBot(Bot)" in run.output


def test_unknown_config(play):
    run = play("bots_fail", "no_such_config")
    assert not run.ok
    assert "There is no session config named 'no_such_config'" in run.output


def test_first_failure_stops_the_run(play):
    run = play("bots_fail")
    assert not run.ok
    started = [line for line in run.output.splitlines() if line.startswith("Running bots")]
    assert started == ["Running bots: ok, 1 participant ...", "Running bots: wrong_page, 1 participant ..."]
    assert "\nBots failed (wrong_page):\n" in run.output


def test_error_in_app_code_called_by_the_bot(play, tmp_path):
    report = failure(play("bots_fail", "app_bug"), "app_bug")
    assert "ZeroDivisionError: division by zero" in report
    path = str(tmp_path / "bots_fail")
    line = bot_line(path, "score(self.player)")
    assert f"tests.py\", line {line}, in play_round" in report
    # the traceback goes on into the app's function
    app_file = os.path.join(path, "f_app", "__init__.py")
    assert re.search(rf'File "{re.escape(app_file)}", line \d+, in score', report), report


def test_tests_py_that_cannot_be_imported(play, project_dir):
    path = project_dir("bots_fail")
    with open(os.path.join(path, BOT_FILE), "a") as f:
        f.write("\nfrom . import NoSuchThing\n")
    run = play("bots_fail", "ok")
    report = failure(run, "ok")
    assert "ImportError: cannot import name 'NoSuchThing'" in report
    assert f"tests.py\", line {bot_line(path, 'from . import NoSuchThing')}, in <module>" in report
    assert "Running bots" not in run.output


def test_leftover_submission_is_reported_when_the_round_ends(play, project_dir):
    """A round's bot runs to its end before the next round's bot starts (as in oTree)."""
    path = project_dir("bots_api")
    with open(os.path.join(path, "bot_rounds", "tests.py"), "a") as f:
        f.write("\n        if self.round_number == 1:\n            yield Results\n")
    run = play("bots_api", "rounds")
    report = failure(run, "rounds, case 1 of 2")
    assert "in app 'bot_rounds', round 1, still wants to submit Submission(Results, {})" in report
    assert "participant already left that round" in report
