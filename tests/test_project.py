"""Loading projects: both app formats load and create sessions; every start-up check gives a clear error.

The broken projects are written into tmp_path by the tests themselves. Each error test checks
that the ConfigError names the right file, the right line where one makes sense, and a fix.
"""

from __future__ import annotations

import os
import re
import sys

import pytest
from sqlalchemy import func, select

import otree.api
from otree.errors import ConfigError
from otree.project import load_project

# -- building small projects in tmp_path ----------------------------------------------

SETTINGS = '''\
SESSION_CONFIGS = [
{configs}
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
LANGUAGE_CODE = 'en'
SECRET_KEY = '1234567890123'
'''

NOSELF_APP = '''\
from otree.api import *

doc = """App {name} of a test project."""


class C(BaseConstants):
    NAME_IN_URL = '{name_in_url}'
    PLAYERS_PER_GROUP = {ppg}
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    answer = models.IntegerField()


class MyPage(Page):
    form_model = 'player'
    form_fields = ['answer']


class MyWaitPage(WaitPage):
    pass


page_sequence = [MyPage, MyWaitPage]
'''

SELF_MODELS = '''\
from otree.api import (
    models, widgets, BaseConstants, BaseSubsession, BaseGroup, BasePlayer, Currency as c, currency_range,
)


class Constants(BaseConstants):
    name_in_url = '{name_in_url}'
    players_per_group = {ppg}
    num_rounds = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    answer = models.IntegerField()
'''

SELF_PAGES = '''\
from ._builtin import Page, WaitPage
from .models import Constants


class MyPage(Page):
    form_model = 'player'
    form_fields = ['answer']

    def is_displayed(self):
        return True


page_sequence = [MyPage]
'''


def noself_app(name: str, *, ppg: str = "None", name_in_url: str | None = None) -> str:
    return NOSELF_APP.format(name=name, name_in_url=name_in_url or name, ppg=ppg)


def self_models(name: str, *, ppg: str = "None", name_in_url: str | None = None) -> str:
    return SELF_MODELS.format(name_in_url=name_in_url or name, ppg=ppg)


def config(name: str, apps: list[str], n: int = 2) -> str:
    return f"    dict(name='{name}', app_sequence={apps!r}, num_demo_participants={n}),"


def write_project(root, files: dict[str, str], *, settings: str | None = None, configs: list[str] | None = None):
    """Write `files` (path -> text) under root, plus a settings.py naming every app once."""
    root = str(root)
    if settings is None:
        if configs is None:
            apps = sorted({path.split("/")[0] for path in files if "/" in path})
            configs = [config("cfg", apps)]
        settings = SETTINGS.format(configs="\n".join(configs))
    files = {"settings.py": settings, **files}
    for path, text in files.items():
        if text is None:
            continue
        full = os.path.join(root, *path.split("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
    return root


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the only line of `text` that contains needle."""
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, f"{needle!r} found on lines {lines}"
    return lines[0]


def replace_line(text: str, needle: str, new: str) -> str:
    assert text.count(needle) == 1, needle
    return text.replace(needle, new)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Returns a function that writes a project into tmp_path/proj and makes it the current folder."""
    monkeypatch.setattr(sys, "path", list(sys.path))

    def make(files: dict[str, str], **kwargs) -> str:
        root = write_project(tmp_path / "proj", files, **kwargs)
        monkeypatch.chdir(root)
        return root

    yield make
    from otree.db.engine import set_engine

    set_engine(None)


WHERE_RE = re.compile(r"^(?P<path>.+?)(?:, line (?P<line>\d+))?: (?P<message>.*)", re.S)


def load_error(root: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_project(root, init_db=False)
    return info.value


def check_error(error: ConfigError, file: str, line: int | None = None, *, message: str = "", fix: str = ""):
    """The rendered message starts with the file (relative or absolute) and line, and ends with a fix."""
    text = str(error)
    first, _, fix_text = text.partition("\nFix: ")
    match = WHERE_RE.match(first)
    assert match, text
    expected_file = os.path.join(*file.split("/"))
    assert match["path"] == expected_file or match["path"].endswith(os.sep + expected_file), text
    assert error.path is not None and os.path.normpath(error.path).endswith(expected_file), error.path
    if line is not None:
        assert match["line"] == str(line), text
        assert error.line == line
    assert fix_text.strip(), f"no fix in: {text}"
    assert error.fix and error.fix in fix_text
    assert message in first, text
    assert fix in fix_text, text
    assert "Traceback" not in text


# -- settings.py ----------------------------------------------------------------------


def test_missing_settings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    error = load_error(str(tmp_path))
    text = str(error)
    assert "no settings.py" in text
    assert str(tmp_path) in text
    assert "startproject" in error.fix
    assert "\nFix: " in text


def test_syntax_error_in_settings(project):
    settings = SETTINGS.format(configs=config("cfg", ["game"])) + "ADMIN_USERNAME = = 'admin'\n"
    root = project({"game/__init__.py": noself_app("game")}, settings=settings)
    error = load_error(root)
    check_error(error, "settings.py", line_of(settings, "ADMIN_USERNAME"), message="Syntax error",
                fix="syntax")


def test_exception_in_settings(project):
    settings = SETTINGS.format(configs=config("cfg", ["game"])) + "ROOMS = [ROOM_DEFAULTS]\n"
    root = project({"game/__init__.py": noself_app("game")}, settings=settings)
    error = load_error(root)
    check_error(error, "settings.py", line_of(settings, "ROOMS"), message="NameError")
    assert "ROOM_DEFAULTS" in error.message


def test_session_configs_must_be_a_list(project):
    settings = "SESSION_CONFIGS = dict(name='x')\nSECRET_KEY = '1'\n"
    root = project({}, settings=settings)
    check_error(load_error(root), "settings.py", 1, message="SESSION_CONFIGS")


def test_empty_session_configs_load(project):
    # What `otree startproject` generates: a project with no app yet must load (devserver, resetdb).
    settings = SETTINGS.format(configs="")
    root = project({}, settings=settings)
    loaded = load_project(root, init_db=False)
    assert loaded.apps == {} and loaded.session_configs == {}


def test_unknown_app_in_app_sequence(project):
    configs = [config("cfg", ["game"]), config("other", ["game", "no_such_app"])]
    root = project({"game/__init__.py": noself_app("game")}, configs=configs)
    error = load_error(root)
    settings_text = open(os.path.join(root, "settings.py")).read()
    check_error(error, "settings.py", line_of(settings_text, "no_such_app"), message="'no_such_app'",
                fix="otree startapp no_such_app")


def test_config_without_num_demo_participants(project):
    configs = ["    dict(name='cfg', app_sequence=['game']),"]
    root = project({"game/__init__.py": noself_app("game")}, configs=configs)
    check_error(load_error(root), "settings.py", 2, message="num_demo_participants")


def test_app_listed_twice_in_app_sequence(project):
    root = project({"game/__init__.py": noself_app("game")}, configs=[config("cfg", ["game", "game"])])
    check_error(load_error(root), "settings.py", 2, message="twice", fix="NUM_ROUNDS")


# -- importing apps ---------------------------------------------------------------------


def test_syntax_error_in_app(project):
    source = replace_line(noself_app("game"), "    NUM_ROUNDS = 1", "    NUM_ROUNDS = 1 +")
    root = project({"game/__init__.py": source})
    check_error(load_error(root), "game/__init__.py", line_of(source, "NUM_ROUNDS"), message="Syntax error")


def test_syntax_error_in_self_format_pages(project):
    pages = replace_line(SELF_PAGES, "        return True", "        return True)")
    root = project({"game/__init__.py": "", "game/models.py": self_models("game"), "game/pages.py": pages})
    check_error(load_error(root), "game/pages.py", line_of(pages, "return True"), message="Syntax error")


def test_name_error_while_importing_app(project):
    source = replace_line(noself_app("game"), "    NUM_ROUNDS = 1", "    NUM_ROUNDS = NUM_ROUNDZ")
    root = project({"game/__init__.py": source})
    error = load_error(root)
    check_error(error, "game/__init__.py", line_of(source, "NUM_ROUNDZ"), message="NameError",
                fix="at that line")
    assert "NUM_ROUNDZ" in error.message


def test_exception_in_self_format_models(project):
    models = replace_line(self_models("game"), "    answer = models.IntegerField()",
                          "    answer = models.IntegerField(choices=[[1, 'One', 'Uno']])")
    root = project({"game/__init__.py": "", "game/models.py": models, "game/pages.py": SELF_PAGES})
    error = load_error(root)
    check_error(error, "game/models.py", line_of(models, "choices="), message="ValueError")
    assert "[value, label] pair" in error.message


def test_missing_package(project):
    source = "import no_such_package_xyz\n" + noself_app("game")
    root = project({"game/__init__.py": source})
    check_error(load_error(root), "game/__init__.py", 1, message="ModuleNotFoundError",
                fix="pip install no_such_package_xyz")


def test_app_named_like_an_installed_module(project):
    root = project({"json/__init__.py": noself_app("json")})
    error = load_error(root)
    check_error(error, "json/__init__.py", message="already taken", fix="rename 'json'")
    import json

    assert hasattr(json, "dumps") and "json" in sys.modules  # the real module was not unloaded


def test_failed_load_leaves_nothing_behind(tmp_path, monkeypatch):
    """After a failed load, another project with the same module names loads its own files."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    broken = replace_line(noself_app("game"), "    NUM_ROUNDS = 1", "    NUM_ROUNDS = NUM_ROUNDZ")
    first = write_project(tmp_path / "first", {"game/__init__.py": broken})
    with pytest.raises(ConfigError):
        load_project(first, init_db=False)
    assert first not in sys.path
    assert "settings" not in sys.modules and "game" not in sys.modules

    good = replace_line(noself_app("game"), "    NUM_ROUNDS = 1", "    NUM_ROUNDS = 4")
    second = write_project(tmp_path / "second", {"game/__init__.py": good},
                           configs=[config("second_cfg", ["game"])])
    loaded = load_project(second, init_db=False)
    assert list(loaded.session_configs) == ["second_cfg"]
    assert loaded.apps["game"].num_rounds == 4
    assert os.path.dirname(loaded.apps["game"].module.__file__) == os.path.join(second, "game")


# -- constants ---------------------------------------------------------------------------


def test_missing_C_noself(project):
    source = noself_app("game").replace("class C(BaseConstants):", "class K(BaseConstants):")
    root = project({"game/__init__.py": source})
    check_error(load_error(root), "game/__init__.py", message="class C(BaseConstants)",
                fix="class C(BaseConstants):")


def test_missing_Constants_self_format(project):
    models = self_models("game").replace("class Constants(BaseConstants):", "class Konstants(BaseConstants):")
    pages = SELF_PAGES.replace("from .models import Constants\n", "")
    root = project({"game/__init__.py": "", "game/models.py": models, "game/pages.py": pages})
    check_error(load_error(root), "game/models.py", message="class Constants(BaseConstants)",
                fix="class Constants(BaseConstants):")


@pytest.mark.parametrize("ppg", ["0", "-2", "'2'"])
def test_players_per_group_invalid(project, ppg):
    source = noself_app("game", ppg=ppg)
    root = project({"game/__init__.py": source})
    error = load_error(root)
    check_error(error, "game/__init__.py", line_of(source, "PLAYERS_PER_GROUP"), message=f"is {ppg}",
                fix="PLAYERS_PER_GROUP = None")


def test_players_per_group_0_self_format(project):
    models = self_models("game", ppg="0")
    root = project({"game/__init__.py": "", "game/models.py": models, "game/pages.py": SELF_PAGES})
    check_error(load_error(root), "game/models.py", line_of(models, "players_per_group"), message="is 0")


def test_duplicate_name_in_url(project):
    second = noself_app("second", name_in_url="shared")
    root = project({
        "first/__init__.py": noself_app("first", name_in_url="shared"),
        "second/__init__.py": second,
    }, configs=[config("a", ["first"]), config("b", ["second"])])
    error = load_error(root)
    check_error(error, "second/__init__.py", line_of(second, "NAME_IN_URL"), message="'shared'",
                fix="different NAME_IN_URL")
    assert "'first'" in error.message and "'second'" in error.message


def test_duplicate_name_in_url_across_formats(project):
    # A self-format app's lowercase name_in_url counts the same.
    models = self_models("second", name_in_url="first")
    root = project({
        "first/__init__.py": noself_app("first"),
        "second/__init__.py": "", "second/models.py": models, "second/pages.py": SELF_PAGES,
    }, configs=[config("a", ["first", "second"])])
    check_error(load_error(root), "second/models.py", line_of(models, "name_in_url"), message="'first'")


# -- pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("entry, described, fix", [
    ("'MyPage'", "the string 'MyPage'", "without quotes"),
    ("Player", "the class Player", "inherit from Page or WaitPage"),
    ("None", "contains None", "inherit from Page or WaitPage"),
])
def test_page_sequence_entry_that_is_not_a_page(project, entry, described, fix):
    source = replace_line(noself_app("game"), "page_sequence = [MyPage, MyWaitPage]",
                          f"page_sequence = [{entry}, MyWaitPage]")
    root = project({"game/__init__.py": source})
    check_error(load_error(root), "game/__init__.py", line_of(source, "page_sequence"), message=described,
                fix=fix)


def test_page_sequence_entry_self_format(project):
    pages = replace_line(SELF_PAGES, "page_sequence = [MyPage]", "page_sequence = [MyPage, 'Results']")
    root = project({"game/__init__.py": "", "game/models.py": self_models("game"), "game/pages.py": pages})
    check_error(load_error(root), "game/pages.py", line_of(pages, "page_sequence"), message="'Results'")


def test_missing_page_sequence(project):
    source = replace_line(noself_app("game"), "page_sequence = [MyPage, MyWaitPage]", "")
    root = project({"game/__init__.py": source})
    check_error(load_error(root), "game/__init__.py", message="page_sequence", fix="page_sequence = [")


# -- field names --------------------------------------------------------------------------


@pytest.mark.parametrize("model, field", [
    ("Player", "id"), ("Group", "order"), ("Subsession", "index"),
    ("Player", "payoff"), ("Player", "role"),
    ("Player", "group"), ("Player", "participant"), ("Player", "session"), ("Player", "id_in_group"),
    ("Group", "subsession"), ("Subsession", "round_number"),
])
def test_reserved_field_names(project, model, field):
    source = noself_app("game")
    anchor = {"Player": "    answer = models.IntegerField()\n",
              "Group": "class Group(BaseGroup):\n    pass\n",
              "Subsession": "class Subsession(BaseSubsession):\n    pass\n"}[model]
    declaration = f"    {field} = models.IntegerField()\n"
    if model == "Player":
        source = source.replace(anchor, anchor + declaration)
    else:
        source = source.replace(anchor, anchor.replace("    pass\n", declaration))
    root = project({"game/__init__.py": source})
    error = load_error(root)
    check_error(error, "game/__init__.py", line_of(source, f"    {field} = models.IntegerField()"),
                message=f"{model}.{field}", fix="rename the field")
    assert "reserved" in error.message


def test_reserved_field_name_self_format(project):
    models = self_models("game").replace("    answer = models.IntegerField()\n",
                                         "    answer = models.IntegerField()\n    payoff = models.CurrencyField()\n")
    root = project({"game/__init__.py": "", "game/models.py": models, "game/pages.py": SELF_PAGES})
    check_error(load_error(root), "game/models.py", line_of(models, "payoff ="), message="Player.payoff")


def test_payoff_and_role_are_allowed_on_group(project):
    # Only Player has the built-in payoff and role.
    source = noself_app("game").replace(
        "class Group(BaseGroup):\n    pass\n",
        "class Group(BaseGroup):\n    payoff = models.CurrencyField()\n    role = models.StringField()\n",
    )
    root = project({"game/__init__.py": source})
    assert "game" in load_project(root, init_db=False).apps


# -- the CLI reports start-up errors without a traceback -------------------------------


@pytest.mark.parametrize("case", ["syntax", "ppg", "no_settings", "reserved"])
def test_cli_reports_config_error(project, tmp_path, monkeypatch, capsys, case):
    import otree.cli

    source = noself_app("game")
    if case == "syntax":
        source = replace_line(source, "    NUM_ROUNDS = 1", "    NUM_ROUNDS = 1 +")
        expected_file, expected_line = "game/__init__.py", line_of(source, "NUM_ROUNDS")
    elif case == "ppg":
        source = noself_app("game", ppg="0")
        expected_file, expected_line = "game/__init__.py", line_of(source, "PLAYERS_PER_GROUP")
    elif case == "reserved":
        source = source.replace("    answer = models.IntegerField()\n", "    role = models.StringField()\n")
        expected_file, expected_line = "game/__init__.py", line_of(source, "role = ")
    root = project({"game/__init__.py": source})
    if case == "no_settings":
        os.remove(os.path.join(root, "settings.py"))
        expected_file, expected_line = "settings.py", None
    capsys.readouterr()
    code = otree.cli.main(["create_session", "x", "3"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err and "Traceback" not in out
    assert expected_file.replace("/", os.sep) in err
    if expected_line is not None:
        assert f", line {expected_line}: " in err
    assert "\nFix: " in err
    assert not os.path.exists(os.path.join(root, "db.sqlite3"))


def test_cli_reports_unknown_session_config(project, capsys):
    import otree.cli

    project({"game/__init__.py": noself_app("game")})
    capsys.readouterr()
    assert otree.cli.main(["create_session", "x", "3"]) == 1
    out, err = capsys.readouterr()
    assert "'x'" in err and "cfg" in err and "Traceback" not in err


# -- projects that load -------------------------------------------------------------------


def test_basic_project_loads(load_sqlite):
    project = load_sqlite("basic")
    assert list(project.apps) == ["game", "survey", "matching"]
    game, survey, matching = project.apps["game"], project.apps["survey"], project.apps["matching"]
    assert all(app.is_noself for app in project.apps.values())
    assert (game.num_rounds, game.players_per_group, game.name_in_url) == (2, 3, "game")
    assert (survey.num_rounds, survey.players_per_group) == (1, None)
    assert (matching.num_rounds, matching.players_per_group) == (4, 2)
    assert game.roles == ["Leader", "Follower", "Third"]
    assert matching.roles == ["Matcher", "Mismatcher"]
    assert survey.roles == []
    assert [p.__name__ for p in game.page_sequence] == ["Contribute", "ResultsWaitPage", "Results"]
    assert game.num_pages == 6
    assert game.doc == "A 3-player contribution game used by the tests."
    assert survey.doc == ""
    assert game.module is game.pages_module
    assert game.models_path.endswith(os.path.join("game", "__init__.py"))
    assert game.constants.LEVELS == [1, 2, 3] and game.constants.ENDOWMENT == 100
    assert game.model_hook(game.Subsession, "creating_session") is game.module.creating_session
    assert game.page_sequence[1].after_all_players_arrive is game.module.set_payoffs

    cfg = project.get_session_config("game")
    assert cfg["app_sequence"] == ["game", "survey"]
    assert cfg["display_name"] == "game"
    assert cfg["participation_fee"] == 2.00 and cfg["real_world_currency_per_point"] == 0.50
    assert project.get_session_config("matching")["custom_flag"] is True
    with pytest.raises(KeyError):
        project.get_session_config("nope")


def test_basic_project_creates_sessions(load):
    from otree.db import unit_of_work
    from otree.db.core import Participant, Session
    from otree.session import create_session

    project = load("basic")
    game = project.apps["game"]
    with unit_of_work():
        session = create_session("game", 6)
        code = session.code
    with unit_of_work() as db:
        session = db.scalars(select(Session).filter_by(code=code)).one()
        assert session.vars["rounds_created"] == [1, 2]
        subsessions = db.scalars(select(game.Subsession).filter_by(session_id=session.id)
                                 .order_by(game.Subsession.round_number)).all()
        assert [s.treatment for s in subsessions] == ["red", "blue"]
        assert [len(s.get_groups()) for s in subsessions] == [2, 2]
        player = subsessions[0].get_players()[0]
        assert (player.id_in_group, player.role) == (1, "Leader")
        assert db.scalar(select(func.count()).select_from(Participant).filter_by(session_id=session.id)) == 6


def test_self_format_project_loads(load_sqlite):
    project = load_sqlite("selfformat", init_db=False)
    assert list(project.session_configs) == ["public_goods", "survey"]
    assert project.get_session_config("public_goods")["display_name"] == "Public Goods"
    assert list(project.apps) == ["public_goods", "survey"]
    pg, survey = project.apps["public_goods"], project.apps["survey"]
    assert not pg.is_noself and not survey.is_noself
    assert pg.models_path.endswith(os.path.join("public_goods", "models.py"))
    assert pg.pages_path.endswith(os.path.join("public_goods", "pages.py"))
    assert pg.module.__name__ == "public_goods.models" and pg.pages_module.__name__ == "public_goods.pages"
    assert (pg.num_rounds, pg.players_per_group, pg.name_in_url) == (2, 3, "public_goods")
    assert (survey.num_rounds, survey.players_per_group, survey.name_in_url) == (1, None, "survey")
    assert pg.roles == [] and survey.roles == []
    assert pg.doc.startswith("A public goods game in the oTree 3")

    Constants = pg.constants
    assert Constants is pg.module.Constants
    assert Constants.players_per_group == Constants.PLAYERS_PER_GROUP == 3
    assert Constants.num_rounds == Constants.NUM_ROUNDS == 2
    assert Constants.endowment == Constants.ENDOWMENT == 100
    assert isinstance(Constants.endowment, otree.api.Currency)
    assert Constants.instructions_template == "public_goods/instructions.html"

    assert [p.__name__ for p in pg.page_sequence] == ["Introduction", "Contribute", "ResultsWaitPage", "Results"]
    assert [p.__name__ for p in survey.page_sequence] == ["Demographics", "CognitiveReflectionTest"]
    wait_page = pg.page_sequence[2]
    assert issubclass(wait_page, otree.api.WaitPage)
    assert wait_page.after_all_players_arrive == "set_payoffs"  # kept as the name of a Group method
    assert callable(getattr(pg.Group, wait_page.after_all_players_arrive))
    # self-format page methods stay instance methods
    assert pg.page_sequence[0].is_displayed.__code__.co_varnames[:1] == ("self",)

    # public_goods has no _builtin folder: the package is provided
    root = project.root
    assert not os.path.exists(os.path.join(root, "public_goods", "_builtin"))
    builtin = sys.modules["public_goods._builtin"]
    assert builtin.Page is otree.api.Page and builtin.WaitPage is otree.api.WaitPage
    # survey has a real one (as oTree 3 generated it), and its pages use its classes
    survey_builtin = sys.modules["survey._builtin"]
    assert survey_builtin.__file__ == os.path.join(root, "survey", "_builtin", "__init__.py")
    assert issubclass(survey.page_sequence[0], survey_builtin.Page)
    assert issubclass(survey_builtin.Page, otree.api.Page)
    # tests.py files are there (they need the bot API, so they are not imported here)
    assert os.path.isfile(os.path.join(root, "public_goods", "tests.py"))
    assert os.path.isfile(os.path.join(root, "survey", "tests.py"))
    assert os.path.isfile(os.path.join(root, "public_goods", "templates", "public_goods", "Contribute.html"))


def test_self_format_project_creates_sessions(load):
    from otree.db import unit_of_work
    from otree.db.core import Session
    from otree.session import create_session

    project = load("selfformat")
    pg = project.apps["public_goods"]
    with unit_of_work():
        code = create_session("public_goods", 6).code

    with unit_of_work() as db:
        session = db.scalars(select(Session).filter_by(code=code)).one()
        # creating_session(self) ran once per round
        assert session.vars["rounds_created"] == [1, 2]
        subsessions = session.get_subsessions()
        assert [type(s).__name__ for s in subsessions] == ["Subsession", "Subsession", "Subsession"]
        round1, round2 = subsessions[0], subsessions[1]
        assert (round1.treatment, round2.treatment) == ("high", "low")
        assert [len(g.get_players()) for g in round1.get_groups()] == [3, 3]

        # hooks written as model methods are found and called like no-self functions
        contribution_max = pg.model_hook(pg.Player, "contribution_max")
        assert callable(contribution_max)
        player1, player2 = round1.get_players()[0], round2.get_players()[0]
        assert contribution_max(player1) == 100
        assert contribution_max(player2) == 50
        error_message = pg.model_hook(pg.Player, "contribution_error_message")
        assert error_message(player1, 13) == "Unlucky number, please choose another amount"
        assert error_message(player1, 12) is None
        assert pg.model_hook(pg.Player, "no_such_hook") is None
        assert pg.subsession_hook("creating_session") is pg.Subsession.creating_session

        # after_all_players_arrive = 'set_payoffs' names a Group method
        group = round1.get_groups()[0]
        for player, amount in zip(group.get_players(), (0, 30, 60)):
            player.contribution = amount
        method = pg.page_sequence[2].after_all_players_arrive
        getattr(group, method)()
        assert group.total_contribution == 90
        assert group.individual_share == 60
        assert [p.payoff for p in group.get_players()] == [160, 130, 100]
        assert group.get_players()[0].participant.payoff == 160

    with unit_of_work():
        code = create_session("survey", 2).code
    with unit_of_work() as db:
        session = db.scalars(select(Session).filter_by(code=code)).one()
        (subsession,) = session.get_subsessions()
        (group,) = subsession.get_groups()
        assert len(group.get_players()) == 2
        survey = project.apps["survey"]
        player = group.get_players()[0]
        assert survey.model_hook(survey.Player, "crt_bat_choices")(player) == [1, 2, 11, 22]
