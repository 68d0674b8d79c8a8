"""The bot API of tests.py: expect, Submission / SubmissionMustFail, the yield forms, cases, live
objects, wait pages, multi-round and multi-app sessions, HTML checks and call_live_method.

The bots of tests/projects/bots_api use every form of the API (each app's tests.py says what
it checks); here they are run, and what they left in the database is checked.
"""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select

from otree.bots import Bot, BotError, ExpectError, Submission, SubmissionMustFail, expect
from otree.bots.api import normalize
from otree.bots.html import check_html

# -- expect ---------------------------------------------------------------------------------------

PASSING = [
    (3, "==", 3), (3, "!=", 4), (4, ">", 3), (3, "<", 4), (3, ">=", 3), (4, ">=", 3), (3, "<=", 3), (2, "<=", 3),
    ("a", "in", "cat"), (1, "in", [1, 2]), ("z", "not in", "cat"), (3, "not in", [1, 2]),
]
FAILING = [
    (3, "==", 4), (3, "!=", 3), (3, ">", 3), (3, "<", 3), (2, ">=", 3), (4, "<=", 3),
    ("z", "in", "cat"), (3, "in", [1, 2]), ("a", "not in", "cat"), (1, "not in", [1, 2]),
]


@pytest.mark.parametrize("actual, op, expected", PASSING)
def test_expect_operator_passes(actual, op, expected):
    assert expect(actual, op, expected) is None


@pytest.mark.parametrize("actual, op, expected", FAILING)
def test_expect_operator_fails_with_both_values(actual, op, expected):
    with pytest.raises(ExpectError) as info:
        expect(actual, op, expected)
    message = str(info.value)
    assert repr(actual) in message and repr(expected) in message
    if op != "==":
        assert f" {op} " in message


def test_expect_two_arguments_means_equal():
    expect(3, 3)
    expect([1, "a"], [1, "a"])
    with pytest.raises(ExpectError, match=r"^Expected 4, but the actual value is 3$"):
        expect(3, 4)
    with pytest.raises(ExpectError, match=r"Expected 'b', but the actual value is 'a'"):
        expect("a", "b")


def test_expect_error_is_an_assertion_error():
    assert issubclass(ExpectError, AssertionError)
    assert issubclass(BotError, AssertionError)


@pytest.mark.parametrize("args", [(), (1,), (1, "==", 1, 1)])
def test_expect_wrong_number_of_arguments(args):
    with pytest.raises(TypeError, match="2 or 3 arguments"):
        expect(*args)


def test_expect_unknown_operator():
    with pytest.raises(ValueError, match="unknown operator '=>'"):
        expect(1, "=>", 1)


def test_api_exports():
    import otree.api

    for name in ("Bot", "Submission", "SubmissionMustFail", "expect"):
        assert name in otree.api.__all__
    assert otree.api.Bot is Bot and otree.api.expect is expect


# -- Submission and the yield forms ----------------------------------------------------------------


class SomePage:
    pass


def test_yield_forms_normalize_to_submissions():
    data = dict(a=1)
    for item in (SomePage, (SomePage,)):
        sub = normalize(item)
        assert (sub.page_class, sub.post_data, sub.check_html, sub.timeout_happened) == (SomePage, {}, True, False)
        assert not sub.must_fail
    sub = normalize((SomePage, data))
    assert sub.page_class is SomePage and sub.post_data == data
    sub.post_data["b"] = 2
    assert data == dict(a=1)  # the bot's dict is not changed
    explicit = Submission(SomePage, data, check_html=False, timeout_happened=True)
    assert normalize(explicit) is explicit
    assert explicit.check_html is False and explicit.timeout_happened is True


def test_submission_must_fail():
    sub = SubmissionMustFail(SomePage, dict(a=1))
    assert sub.must_fail and sub.error_fields is None and sub.check_html is True
    sub = SubmissionMustFail(SomePage, dict(a=1), error_fields=("a",), check_html=False)
    assert sub.error_fields == ["a"] and sub.check_html is False
    assert repr(sub) == "SubmissionMustFail(SomePage, {'a': 1})"


@pytest.mark.parametrize("item", ["SomePage", 3, (SomePage, {}, 1)])
def test_bad_yields(item):
    with pytest.raises(BotError, match="yielded"):
        normalize(item)


# -- the HTML check ---------------------------------------------------------------------------------

NEXT = '<button class="otree-btn-next btn btn-primary">Next</button>'


def test_html_check_raw_button_counts_as_field_and_submit():
    check_html('<form><button name="choice" value="x">X</button></form>', ["choice"], page="Choice")


@pytest.mark.parametrize("html", [
    '<input name="age" type="number">',
    '<select name="age"><option>1</option></select>',
    '<textarea name="age"></textarea>',
    '<input type="radio" name="age" value="1"><input type="radio" name="age" value="2">',
])
def test_html_check_field_tags(html):
    check_html(html + NEXT, ["age"], page="P")


@pytest.mark.parametrize("button", ['<input type="submit" value="Go">', '<button type="submit">Go</button>',
                                    "<button>Go</button>"])
def test_html_check_submit_buttons(button):
    check_html(button, [], page="P")


def test_html_check_missing_field():
    with pytest.raises(BotError) as info:
        check_html('<input name="age">' + NEXT, ["age", "income"], page="Survey")
    message = str(info.value)
    assert "'income'" in message and "Survey" in message and "'age'" not in message
    assert "check_html=False" in message


@pytest.mark.parametrize("html", ['<button type="button">Not a submit</button>', '<input type="button">',
                                  '<p name="x">no form</p>', ""])
def test_html_check_missing_submit_button(html):
    with pytest.raises(BotError, match="Page Survey has no submit button"):
        check_html(html, [], page="Survey")


def test_html_check_ignores_names_outside_form_tags():
    with pytest.raises(BotError, match="'age'"):
        check_html('<div name="age"></div>' + NEXT, ["age"], page="P")


# -- bots_api, played in-process ------------------------------------------------------------------


def _app(name):
    from otree.project import get_project

    return get_project().apps[name]


def _sessions():
    from otree.db import unit_of_work
    from otree.db.core import Session

    with unit_of_work(readonly=True) as db:
        return [(s.id, s.code, s.config["name"]) for s in db.scalars(select(Session).order_by(Session.id))]


def test_every_yield_form_and_submission_kind(play):
    run = play("bots_api", "forms")
    assert run.ok, run.output
    assert "Running bots: forms, 1 participant ..." in run.output
    assert "Bots passed: 1 session(s)" in run.output

    from otree.db import unit_of_work
    from otree.db.core import Participant
    from otree.db.records import PageTime

    Player = _app("bot_forms").Player
    with unit_of_work(readonly=True) as db:
        player = db.scalars(select(Player)).one()
        assert (player.number, player.word, player.flag, player.choice) == (3, "hello", True, "y")
        assert player.hidden_value == 7  # check_html=False let the bot submit a field not in the HTML
        assert player.colors == ["red", "blue"]
        # Submission(Timed, dict(t_number=5), timeout_happened=True): submitted value kept, defaults for the rest
        assert (player.t_number, player.t_word, player.t_flag, player.timed_out) == (5, "", False, True)
        participant = db.scalars(select(Participant)).one()
        assert participant.vars["timed_out"] is True and participant.vars["not_timed_out"] is True
        # the code after the bot's last yield ran, and what it wrote was saved
        assert participant.vars["bot_forms_finished"] is True
        assert participant._index_in_pages > len(_app("bot_forms").page_sequence)  # finished
        times = {t.page_name: t.timeout_happened for t in db.scalars(select(PageTime))}
    # every page was submitted once (the 5 SubmissionMustFail on Numbers saved nothing)
    assert times == dict(Intro=False, Numbers=False, Flag=False, Choice=False, Hidden=False, Colors=False,
                         Timed=True, NotTimed=False, Results=False)


def test_submission_log_lines(play):
    run = play("bots_api", "forms", verbose=True)
    assert run.ok, run.output
    submits = [line for line in run.output.splitlines() if line.startswith("Submit ")]
    assert re.fullmatch(r"Submit /p/\w+/bot_forms/Intro/1", submits[0])
    assert re.fullmatch(r"Submit /p/\w+/bot_forms/Numbers/2, \{'number': 11, 'word': 'hi'\}, SubmissionMustFail",
                        submits[1])
    assert sum(line.endswith(", SubmissionMustFail") for line in submits) == 5
    assert [line for line in submits if "timeout_happened" in line] == [
        next(line for line in submits if "/Timed/" in line)
    ]
    assert len(submits) == 5 + 9


def test_each_case_is_a_new_session(play):
    run = play("bots_api", "rounds")
    assert run.ok, run.output
    assert "Running bots: rounds, case 1 of 2, 4 participants ..." in run.output
    assert "Running bots: rounds, case 2 of 2, 4 participants ..." in run.output
    assert "Bots passed: 2 session(s)" in run.output
    sessions = _sessions()
    assert [name for _, _, name in sessions] == ["rounds", "rounds"]

    from otree.db import unit_of_work

    app = _app("bot_rounds")
    with unit_of_work(readonly=True) as db:
        for (session_id, _, _), base in zip(sessions, [1, 9]):  # cases: dict(amount=1), dict(amount=9)
            players = db.scalars(select(app.Player).filter_by(session_id=session_id)).all()
            assert len(players) == 4 * 3
            for p in players:
                amount = base + p.round_number
                assert p.amount == amount
                # set by the wait pages' after_all_players_arrive (bot_rounds/tests.py expects them too)
                assert p.group.total == amount * 2
                assert p.payoff == amount * 2 * p.round_number
                assert p.subsession.grand_total == amount * 2 * 2  # two groups


def test_num_participants_argument(play):
    run = play("bots_api", "rounds", 6)
    assert run.ok, run.output
    assert "Running bots: rounds, case 1 of 2, 6 participants ..." in run.output
    from otree.db import unit_of_work

    app = _app("bot_rounds")
    with unit_of_work(readonly=True) as db:
        for session_id, _, _ in _sessions():
            groups = db.scalars(select(app.Group).filter_by(session_id=session_id, round_number=1)).all()
            assert len(groups) == 3
            assert all(len(g.get_players()) == 2 for g in groups)


def test_several_apps_and_string_cases(play):
    run = play("bots_api", "multi")
    assert run.ok, run.output
    # bot_end has 3 cases, bot_rounds 2: the config is played 3 times, bot_rounds cycling through its cases
    assert [line for line in run.output.splitlines() if line.startswith("Running")] == [
        f"Running bots: multi, case {i} of 3, 2 participants ..." for i in (1, 2, 3)
    ]
    sessions = _sessions()
    assert len(sessions) == 3

    from otree.db import unit_of_work

    with unit_of_work(readonly=True) as db:
        for (session_id, _, _), case, base in zip(sessions, ["alpha", "beta", "gamma"], [1, 9, 1]):
            notes = db.scalars(select(_app("bot_end").Player.note).filter_by(session_id=session_id)).all()
            assert notes == [case, case]
            amounts = db.scalars(select(_app("bot_rounds").Player.amount).filter_by(session_id=session_id,
                                                                                    round_number=1)).all()
            assert amounts == [base + 1, base + 1]
            words = db.scalars(select(_app("bot_forms").Player.word).filter_by(session_id=session_id)).all()
            assert words == ["hello", "hello"]


def test_all_configs_when_none_is_named(play):
    run = play("bots_api")
    assert run.ok, run.output
    configs = [line.split(",")[0].split(": ")[1] for line in run.output.splitlines() if line.startswith("Running")]
    assert configs == ["forms"] + ["rounds"] * 2 + ["multi"] * 3 + ["live"] * 2
    assert "Bots passed: 8 session(s)" in run.output
    assert len(_sessions()) == 8


# -- call_live_method ---------------------------------------------------------------------------------


def test_call_live_method_runs_the_live_method(play):
    run = play("bots_api", "live")
    assert run.ok, run.output
    sessions = _sessions()
    assert len(sessions) == 2  # cases 'greet' and 'shout'

    from otree.db import unit_of_work

    app = _app("bot_live")
    Message = next(m for m in app.extra_models if m.__name__ == "Message")
    with unit_of_work(readonly=True) as db:
        for (session_id, _, _), case in zip(sessions, ["greet", "shout"]):
            rows = []
            for round_number in (1, 2):
                group = db.scalars(select(app.Group).filter_by(session_id=session_id,
                                                               round_number=round_number)).one()
                rows += [(round_number, m.page, m.sender, m.text)
                         for m in db.scalars(select(Message).filter_by(group_id=group.id).order_by(Message.id))]
            # the live method really ran: one row per message call_live_method sent, once per group and page
            # (Solo: only player 1 sees it; call_live_method does not wait for player 2, who skipped it)
            messages = [("Chat", 1, "%s r%s"), ("Chat", 2, "%s r%s!"), ("Stream", 2, "stream %s r%s"),
                        ("Solo", 1, "solo %s r%s")]
            assert rows == [(r, page, sender, text % (case, r)) for r in (1, 2) for page, sender, text in messages]


LIVE_TESTS = "bot_live/tests.py"


def _edit(path: str, old: str, new: str) -> None:
    with open(path) as f:
        text = f.read()
    assert old in text, old
    with open(path, "w") as f:
        f.write(text.replace(old, new))


def test_call_live_method_returns_the_reply(play, project_dir):
    """method(id_in_group, data) returns what the live method returned: a wrong expectation fails."""
    path = project_dir("bots_api")
    _edit(os.path.join(path, LIVE_TESTS), "expect(reply, {1: dict(echo=text, count=1)})",
          "expect(reply, {1: dict(echo=text, count=99)})")
    run = play("bots_api", "live")
    assert not run.ok
    assert "count': 99" in run.output and "count': 1}" in run.output
    assert f'{LIVE_TESTS}", line ' in run.output


def test_live_page_without_call_live_method(play, project_dir):
    """Without call_live_method, live pages are just submitted and the live method never runs."""
    path = project_dir("bots_api")
    with open(os.path.join(path, LIVE_TESTS), "w") as f:
        f.write(
            "from otree.api import *\nfrom . import *\n\n\nclass PlayerBot(Bot):\n"
            "    def play_round(self):\n        yield Chat\n        yield Stream\n"
            "        if self.player.id_in_group == 1:\n            yield Solo\n        yield Done\n"
        )
    run = play("bots_api", "live")
    assert run.ok, run.output
    assert run.count("bot_live_message") == 0


# -- a self-format (oTree 3) tests.py -------------------------------------------------------------------


def test_selfformat_bots(play):
    """public_goods/tests.py: `from . import pages`, `from ._builtin import Bot`, cases, SubmissionMustFail."""
    run = play("selfformat", "public_goods")
    assert run.ok, run.output
    sessions = _sessions()
    assert len(sessions) == 3  # cases 'basic', 'min', 'max'

    from otree.db import unit_of_work

    Player = _app("public_goods").Player
    expected = {"basic": [50, 50], "min": [0, 0], "max": [100, 50]}  # max: contribution_max() per round
    with unit_of_work(readonly=True) as db:
        for (session_id, _, _), case in zip(sessions, ["basic", "min", "max"]):
            for round_number in (1, 2):
                players = db.scalars(select(Player).filter_by(session_id=session_id, round_number=round_number))
                contributions = {p.contribution for p in players}
                assert contributions == {expected[case][round_number - 1]}


# -- PostgreSQL ----------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # SQLite: every test above
@pytest.mark.parametrize("project", ["bots_api", "selfformat"])
def test_every_config_passes_its_bots_on_postgres(project_dir, db_url, project):
    import io

    from otree.bots.run import run_bots
    from otree.db.engine import set_engine

    project_dir(project)
    out = io.StringIO()
    try:
        ok = run_bots(database_url=db_url, out=out)
    finally:
        set_engine(None)
    assert ok, out.getvalue()
    assert re.search(r"^Bots passed: \d+ session\(s\)", out.getvalue(), re.M), out.getvalue()


def test_turns_find_the_page_from_the_url_without_reading_the_database(play, monkeypatch):
    """The runner's read-only units of work were one per turn (to find the page); the URL names it."""
    from otree.bots import runner

    read_only = []
    real = runner.unit_of_work

    def counting(*args, **kwargs):
        if kwargs.get("readonly"):
            read_only.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "unit_of_work", counting)
    run = play("bots_api", "multi")
    assert run.ok, run.output
    assert read_only == []


def test_page_from_a_url_the_sequence_does_not_name_is_read_from_the_database(play, monkeypatch):
    """A URL whose page name is not the sequence's at that index: the database says where the participant is."""
    from otree.bots import runner

    real_slot, real_unit_of_work = runner.ParticipantBot.slot, runner.unit_of_work
    reads = []
    found = []

    def counting(*args, **kwargs):
        reads.append(kwargs.get("readonly"))
        return real_unit_of_work(*args, **kwargs)

    def slot_of_a_renamed_url(self):
        right_url = self.url
        *head, page_name, index = right_url.split("/")
        self.url = "/".join([*head, "NotThisPage", index])
        reads.clear()
        try:
            found.append((real_slot(self).name, page_name, list(reads)))
        finally:
            self.url = right_url
        return real_slot(self)

    monkeypatch.setattr(runner, "unit_of_work", counting)
    monkeypatch.setattr(runner.ParticipantBot, "slot", slot_of_a_renamed_url)
    run = play("bots_api", "multi")
    assert run.ok, run.output
    assert found
    assert all(from_database == named and read == [True] for from_database, named, read in found)
