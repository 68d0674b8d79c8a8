"""Data exports (otree.export): all apps wide, per app, custom exports, page times; CSV, CSV+BOM, XLSX.

Runs on SQLite and PostgreSQL with tests/projects/basic ('game' = game [3 per group, 2 rounds]
+ survey; 'matching' = matching [2 per group, 4 rounds]; PARTICIPANT_FIELDS finished,
score_list; SESSION_FIELDS market_price) and tests/projects/export ('trade' = trade [no-self,
custom_export and custom_export_bids] + legacy [self format, custom_export on Player];
'bulk' = one single-round app, for sessions of thousands of participants).
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import time
import tracemalloc
from decimal import Decimal

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from otree.currency import Currency, RealWorldCurrency
from otree.db import unit_of_work
from otree.db.core import Session
from otree.db.records import PageTime
from otree.export import (
    BOM,
    ExportError,
    Players,
    custom_export_names,
    export_app,
    export_custom,
    export_page_times,
    export_sessions,
    export_wide,
    rows_app,
    rows_custom,
    rows_wide,
)
from otree.project import get_project
from otree.session import create_session

PARTICIPANT = [
    "participant.id_in_session", "participant.code", "participant.label", "participant._is_bot",
    "participant._index_in_pages", "participant._max_page_index", "participant._current_app_name",
    "participant._current_page_name", "participant.time_started_utc", "participant.visited",
    "participant.mturk_worker_id", "participant.mturk_assignment_id", "participant.payoff",
    "participant.is_dropout", "participant.left_wait_page",
]
SESSION = ["session.code", "session.label", "session.mturk_HITId", "session.mturk_HITGroupId",
           "session.comment", "session.is_demo"]
GAME_PLAYER = ["player.id_in_group", "player.role", "player.payoff", "player.contribution", "player.age",
               "player.ratio", "player.likes", "player.name", "player.essay", "player.colors", "player.fruit",
               "player.weight", "player.bonus"]
GAME_GROUP = ["group.id_in_subsession", "group.total_contribution", "group.individual_share"]
GAME_SUBSESSION = ["subsession.round_number", "subsession.treatment"]
SURVEY = ["player.id_in_group", "player.role", "player.payoff", "player.feedback", "group.id_in_subsession",
          "subsession.round_number"]
MATCHING = ["player.id_in_group", "player.role", "player.payoff", "player.penny_side", "group.id_in_subsession",
            "subsession.round_number"]
PAGE_TIMES = ["session_code", "participant_id_in_session", "participant_code", "page_index", "app_name",
              "page_name", "epoch_time_completed", "round_number", "timeout_happened", "is_wait_page"]


def game_round(n: int) -> list[str]:
    return [f"game.{n}.{c}" for c in GAME_PLAYER + GAME_GROUP + GAME_SUBSESSION]


WIDE_START = (
    PARTICIPANT + ["participant.finished", "participant.score_list"] + SESSION
    + ["session.config.name", "session.config.participation_fee", "session.config.real_world_currency_per_point"]
)
GAME_WIDE = (
    WIDE_START + ["session.market_price"] + game_round(1) + game_round(2) + [f"survey.1.{c}" for c in SURVEY]
)


# -- helpers ----------------------------------------------------------------------------------


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def as_csv(export, *args, **kwargs) -> list[list[str]]:
    """Run export_*(out, ...) into a text stream and parse the CSV."""
    out = io.StringIO(newline="")
    export(out, *args, **kwargs)
    return parse(out.getvalue())


def dicts(table: list[list[str]]) -> list[dict[str, str]]:
    header, *rows = table
    assert all(len(row) == len(header) for row in rows)
    return [dict(zip(header, row)) for row in rows]


def new_session(config: str, num: int, **kwargs) -> str:
    with unit_of_work():
        return create_session(config, num, **kwargs).code


def setup_game(**kwargs) -> str:
    """A 'game' session with values of every kind in round 1; returns its code."""
    with unit_of_work():
        session = create_session("game", 3, label="pilot", **kwargs)
        session.comment = 'first, "quoted"\nline'
        session.market_price = Currency(12)
        p1, p2, p3 = session.get_participants()
        p1.label = "Alice"
        p1.visited = True
        p1.finished = True
        p1.score_list = [3, 1]
        p2.finished = False
        one, two, three = [p.get_player("game", 1) for p in (p1, p2, p3)]
        one.contribution = Currency(40)
        one.payoff = Currency(75)
        one.age = None
        one.ratio = 0.25
        one.likes = True
        one.name = "Smith, Jane"
        one.essay = "first line\nsecond line\r\nthird"
        one.colors = ["red", "blue"]
        one.fruit = "b"
        one.weight = Decimal("2.50")
        one.bonus = RealWorldCurrency(1.5)
        two.likes = False
        two.contribution = Currency(0)
        three.name = "=SUM(A1:A2)"
        one.group.total_contribution = Currency(40)
        return session.code


def session_codes_in(table: list[list[str]]) -> list[str]:
    return [row["session.code"] for row in dicts(table)]


@pytest.fixture
def basic(load):
    return load("basic")


@pytest.fixture
def export_project(load):
    return load("export")


# -- per app ----------------------------------------------------------------------------------


def test_app_export_has_otrees_columns_in_order(basic):
    setup_game()
    table = as_csv(export_app, "game")
    assert table[0] == PARTICIPANT + GAME_PLAYER + GAME_GROUP + GAME_SUBSESSION + SESSION
    assert as_csv(export_app, "survey")[0] == PARTICIPANT + SURVEY + SESSION


def test_app_export_values(basic):
    code = setup_game()
    rows = dicts(as_csv(export_app, "game"))
    # One row per player, round by round (oTree's order: by player id).
    assert [(r["subsession.round_number"], r["participant.id_in_session"]) for r in rows] == [
        ("1", "1"), ("1", "2"), ("1", "3"), ("2", "1"), ("2", "2"), ("2", "3"),
    ]
    one, two, three, later = rows[0], rows[1], rows[2], rows[3]
    assert one["participant.label"] == "Alice" and two["participant.label"] == ""
    assert one["participant._is_bot"] == "0" and one["participant.visited"] == "1"
    assert one["participant.payoff"] == "75"  # player.payoff was tabulated into participant.payoff
    assert one["participant._max_page_index"] == "7"
    assert [one["player.id_in_group"], one["player.role"], two["player.role"], three["player.role"]] == [
        "1", "Leader", "Follower", "Third",
    ]
    assert one["player.payoff"] == "75" and one["player.contribution"] == "40"  # Currency, 0 places: int
    assert two["player.contribution"] == "0" and three["player.contribution"] == ""  # None: empty
    assert one["player.age"] == "" and two["player.age"] == "18"
    assert one["player.ratio"] == "0.25" and two["player.ratio"] == ""
    assert [one["player.likes"], two["player.likes"], three["player.likes"]] == ["1", "0", ""]
    assert one["player.name"] == "Smith, Jane"  # commas survive CSV quoting
    assert one["player.essay"] == "first line second line  third"  # no line breaks in a row
    assert one["player.colors"] == '["red", "blue"]'  # MultiStringField: JSON
    assert one["player.fruit"] == "b"
    assert one["player.weight"] == "2.50"  # a Decimal keeps its digits
    assert one["player.bonus"] == "1.5"  # real-world currency (2 places): float
    assert one["group.id_in_subsession"] == "1" and one["group.total_contribution"] == "40"
    assert one["group.individual_share"] == ""
    assert one["subsession.treatment"] == "red" and later["subsession.treatment"] == "blue"
    assert later["player.payoff"] == "0" and later["participant.payoff"] == "75"
    assert one["session.code"] == code and one["session.label"] == "pilot"
    assert one["session.comment"] == 'first, "quoted" line'
    assert one["session.is_demo"] == "0" and one["session.mturk_HITId"] == ""


def test_app_export_session_filter(basic):
    first = setup_game()
    matching = new_session("matching", 4)
    second = new_session("game", 3)
    # By player id: sessions in creation order, each round by round.
    assert session_codes_in(as_csv(export_app, "game")) == [first] * 6 + [second] * 6
    assert session_codes_in(as_csv(export_app, "game", [second])) == [second] * 6
    assert session_codes_in(as_csv(export_app, "game", second)) == [second] * 6  # one code as a str
    assert session_codes_in(as_csv(export_app, "matching", [matching])) == [matching] * 16
    # An app the chosen sessions did not play: the header only.
    assert as_csv(export_app, "matching", [first]) == [PARTICIPANT + MATCHING + SESSION]


# -- all apps wide ----------------------------------------------------------------------------


def test_wide_export_header_and_values(basic):
    code = setup_game()
    table = as_csv(export_wide)
    assert table[0] == GAME_WIDE
    rows = dicts(table)
    assert [r["participant.id_in_session"] for r in rows] == ["1", "2", "3"]
    one, two, three = rows
    assert [one["participant.finished"], two["participant.finished"], three["participant.finished"]] == [
        "1", "0", "",  # PARTICIPANT_FIELDS: True, False, never set
    ]
    assert one["participant.score_list"] == "[3, 1]"
    assert one["participant.payoff"] == "75" and one["participant.label"] == "Alice"
    assert one["session.code"] == code and one["session.comment"] == 'first, "quoted" line'
    assert one["session.config.name"] == "game"
    assert float(one["session.config.participation_fee"]) == 2.0
    assert float(one["session.config.real_world_currency_per_point"]) == 0.5
    assert one["session.market_price"] == "12"
    assert one["game.1.player.likes"] == "1" and two["game.1.player.likes"] == "0"
    assert three["game.1.player.likes"] == ""
    assert one["game.1.player.essay"] == "first line second line  third"
    assert one["game.1.player.role"] == "Leader" and three["game.2.player.role"] == "Third"
    assert one["game.1.player.payoff"] == "75" and one["game.2.player.payoff"] == "0"
    assert one["game.1.group.total_contribution"] == "40" and one["game.2.group.total_contribution"] == ""
    assert one["game.1.subsession.treatment"] == "red" and one["game.2.subsession.treatment"] == "blue"
    assert one["game.2.subsession.round_number"] == "2"
    assert [r["survey.1.player.id_in_group"] for r in rows] == ["1", "2", "3"]
    assert one["survey.1.player.role"] == "" and one["survey.1.player.feedback"] == ""


def test_wide_export_of_sessions_with_different_apps(basic):
    game = setup_game()
    matching = new_session("matching", 4)
    later = new_session("game", 3)
    table = as_csv(export_wide)
    header = table[0]
    matching_columns = [f"matching.{n}.{c}" for n in range(1, 5) for c in MATCHING]
    # The union of the apps, in order of first appearance; custom config keys of any session.
    assert header == (
        WIDE_START + ["session.config.custom_flag", "session.market_price"]
        + game_round(1) + game_round(2) + [f"survey.1.{c}" for c in SURVEY] + matching_columns
    )
    rows = dicts(table)
    assert [r["session.code"] for r in rows] == [game] * 3 + [matching] * 4 + [later] * 3
    game_row, matching_row, later_row = rows[0], rows[3], rows[7]
    assert game_row["session.config.custom_flag"] == "" and matching_row["session.config.custom_flag"] == "1"
    assert all(matching_row[c] == "" for c in game_round(1) + game_round(2))
    assert all(game_row[c] == "" for c in matching_columns)
    assert all(later_row[c] == "" for c in matching_columns)
    assert matching_row["matching.4.player.role"] in ("Matcher", "Mismatcher")
    assert matching_row["matching.1.subsession.round_number"] == "1"
    assert later_row["game.1.player.id_in_group"] == "1" and later_row["game.1.player.likes"] == ""

    only_matching = as_csv(export_wide, [matching])
    assert only_matching[0] == (
        WIDE_START + ["session.config.custom_flag", "session.market_price"] + matching_columns
    )
    assert session_codes_in(only_matching) == [matching] * 4
    games = as_csv(export_wide, [later, game])
    assert games[0] == GAME_WIDE
    assert session_codes_in(games) == [game] * 3 + [later] * 3


def test_wide_export_without_sessions_is_a_header(basic):
    assert as_csv(export_wide) == [WIDE_START + ["session.market_price"]]
    assert as_csv(export_page_times) == [PAGE_TIMES]


def test_unknown_session_app_or_format_is_an_error_before_anything_is_written(basic):
    setup_game()
    out = io.StringIO()
    with pytest.raises(ExportError, match="nosuchcode"):
        export_wide(out, ["nosuchcode"])
    with pytest.raises(ExportError, match="nosuchapp"):
        export_app(out, "nosuchapp")
    with pytest.raises(ExportError, match="custom_export"):
        export_custom(out, "game")  # basic's game has no custom export
    with pytest.raises(ValueError, match="pdf"):
        export_wide(out, fmt="pdf")
    assert out.getvalue() == ""


# -- formats ----------------------------------------------------------------------------------


def test_csv_bom_starts_with_the_utf8_bom(basic):
    setup_game()
    plain = as_csv(export_app, "game")
    binary = io.BytesIO()
    export_app(binary, "game", fmt="csv_bom")
    data = binary.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    assert parse(data.decode("utf-8-sig")) == plain
    text = io.StringIO(newline="")
    export_app(text, "game", fmt="csv_bom")
    assert text.getvalue().startswith(BOM) and parse(text.getvalue()[1:]) == plain
    # Plain csv to a binary stream: UTF-8 without BOM.
    binary = io.BytesIO()
    export_app(binary, "game")
    assert not binary.getvalue().startswith(b"\xef\xbb\xbf")
    assert parse(binary.getvalue().decode("utf-8")) == plain


def _normalized(value) -> str | float:
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except ValueError:
        return value


@pytest.mark.parametrize("kind", ["wide", "app"])
def test_xlsx_has_the_same_rows_as_csv(basic, tmp_path, kind):
    setup_game()
    new_session("matching", 4)
    export, args = (export_wide, ()) if kind == "wide" else (export_app, ("game",))
    expected = as_csv(export, *args)
    stream = io.BytesIO()
    export(stream, *args, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(stream.getvalue()), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == len(expected)
    assert [[_normalized(v) for v in row] for row in rows] == [[_normalized(v) for v in row] for row in expected]
    # Numbers are numbers, and text that looks like a formula stays text.
    header = rows[0]
    likes = header.index("player.likes" if kind == "app" else "game.1.player.likes")
    assert rows[1][likes] == 1
    path = tmp_path / "out.xlsx"
    export(str(path), *args, fmt="xlsx")
    workbook = load_workbook(path)
    name_column = header.index("player.name" if kind == "app" else "game.1.player.name") + 1
    cell = workbook.active.cell(row=4, column=name_column)
    assert cell.value == "=SUM(A1:A2)" and cell.data_type == "s"


# -- custom exports ---------------------------------------------------------------------------


def setup_trade() -> str:
    with unit_of_work():
        session = create_session("trade", 4)
        Bid = get_project().apps["trade"].module.Bid
        participants = session.get_participants()
        participants[0].team = "red"
        first = participants[0].get_player("trade", 1)
        first.offer = Currency(30)
        first.accepted = True
        first.group.price = Currency(25)
        participants[1].get_player("trade", 1).accepted = False
        Bid.create(player=first, amount=Currency(10), note="low,\nthen")
        Bid.create(player=first, amount=Currency(20), note="high")
        Bid.create(player=participants[3].get_player("trade", 2), amount=Currency(5), note="")
        for i, participant in enumerate(participants):
            participant.get_player("legacy", 1).rating = i + 1
        return session.code


def test_custom_export_functions_of_both_app_formats(export_project):
    apps = get_project().apps
    assert custom_export_names(apps["trade"]) == ["custom_export", "custom_export_bids", "custom_export_direct"]
    assert custom_export_names(apps["legacy"]) == ["custom_export"]  # defined in the Player class
    assert custom_export_names(apps["bulk"]) == ["custom_export"]


def test_custom_export_rows(export_project):
    code = setup_trade()
    other = setup_trade()
    with unit_of_work(readonly=True) as db:
        codes = {}
        for session_code in (code, other):
            session = db.scalars(select(Session).filter_by(code=session_code)).one()
            codes[session_code] = [p.code for p in session.get_participants()]
    table = as_csv(export_custom, "trade", "custom_export", [code])
    assert table[0] == ["session", "participant", "round", "role", "offer", "accepted", "price"]
    pcodes = codes[code]
    assert table[1:] == [
        [code, pcodes[0], "1", "Buyer", "30", "1", "25"],
        [code, pcodes[1], "1", "Seller", "", "0", "25"],
        [code, pcodes[2], "1", "Buyer", "", "", ""],
        [code, pcodes[3], "1", "Seller", "", "", ""],
        [code, pcodes[0], "2", "Buyer", "", "", ""],
        [code, pcodes[1], "2", "Seller", "", "", ""],
        [code, pcodes[2], "2", "Buyer", "", "", ""],
        [code, pcodes[3], "2", "Seller", "", "", ""],
    ]
    # custom_export_bids reads an ExtraModel through the current unit of work.
    bids = as_csv(export_custom, "trade", "custom_export_bids", [other])
    opcodes = codes[other]
    assert bids == [
        ["participant", "round", "amount", "note"],
        [opcodes[0], "1", "10", "low, then"],
        [opcodes[0], "1", "20", "high"],
        [opcodes[3], "2", "5", ""],
    ]
    everyone = as_csv(export_custom, "trade")  # all sessions
    assert len(everyone) == 1 + 16 and [r[0] for r in everyone[1:]] == [code] * 8 + [other] * 8
    direct = as_csv(export_custom, "trade", "custom_export_direct", [code])
    assert direct[1:3] == [[pcodes[0], "30", "25"], [pcodes[1], "", "25"]]  # None fields read as empty
    legacy = as_csv(export_custom, "legacy", "custom_export", [code])
    assert legacy == [["code", "rating"]] + [[c, str(i + 1)] for i, c in enumerate(pcodes)]


def test_custom_export_players_work_like_a_list(export_project):
    code = setup_trade()
    setup_trade()
    seen = {}

    def inspect(players):
        seen["len"] = len(players)
        seen["bool"] = bool(players)
        seen["first"] = players[0].round_number
        seen["twice"] = [p.id for p in players] == [p.id for p in players]
        yield ["done"]

    app = get_project().apps["trade"]
    app.module.custom_export_inspect = inspect
    try:
        assert list(rows_custom("trade", "custom_export_inspect", [code])) == [["done"]]
    finally:
        del app.module.custom_export_inspect
    assert seen == {"len": 8, "bool": True, "first": 1, "twice": True}


def test_wide_export_of_the_export_project(export_project):
    code = setup_trade()
    rows = dicts(as_csv(export_wide))
    assert list(rows[0])[:len(PARTICIPANT) + 1 + len(SESSION) + 6] == (
        PARTICIPANT + ["participant.team"] + SESSION
        + ["session.config.name", "session.config.participation_fee",
           "session.config.real_world_currency_per_point", "session.config.market", "session.config.max_bids",
           "session.config.open_book"]  # the list-valued `weights` is not an editable field
    )
    assert [r["participant.team"] for r in rows] == ["red", "", "", ""]
    assert rows[0]["session.config.open_book"] == "0" and rows[0]["session.config.max_bids"] == "3"
    assert rows[0]["session.code"] == code
    assert rows[2]["legacy.1.player.rating"] == "3" and rows[0]["trade.1.player.accepted"] == "1"


def test_export_sessions_writes_every_file(export_project, tmp_path):
    code = setup_trade()
    setup_trade()
    folder = tmp_path / "exports" / "run1"
    names = export_sessions([code], str(folder))
    assert names == [
        "all_apps_wide.csv", "trade.csv", "trade_custom_export.csv", "trade_custom_export_bids.csv",
        "trade_custom_export_direct.csv",
        "legacy.csv", "legacy_custom_export.csv", "PageTimes.csv",
    ]
    assert sorted(os.listdir(folder)) == sorted(names)

    def read(name):
        with open(folder / name, encoding="utf-8", newline="") as f:
            return list(csv.reader(f))

    assert len(read("all_apps_wide.csv")) == 1 + 4
    assert len(read("trade.csv")) == 1 + 8 and len(read("legacy.csv")) == 1 + 4
    assert read("trade_custom_export_bids.csv")[0] == ["participant", "round", "amount", "note"]
    assert len(read("trade_custom_export_bids.csv")) == 1 + 3
    assert read("PageTimes.csv") == [PAGE_TIMES]


# -- page times -------------------------------------------------------------------------------


def test_page_times_rows(basic):
    code = setup_game()
    other = new_session("game", 3)
    with unit_of_work() as db:
        sessions = {s.code: s for s in db.scalars(select(Session))}
        p1, p2, _ = sessions[code].get_participants()
        q1 = sessions[other].get_participants()[0]
        for participant, index, name, epoch, timeout, wait in [
            (p1, 1, "Contribute", 1700000000.75, False, False),
            (q1, 1, "Contribute", 1700000001.0, False, False),
            (p2, 1, "Contribute", 1700000002.2, True, False),
            (p1, 2, "ResultsWaitPage", 1700000003.9, False, True),
        ]:
            db.add(PageTime(session_id=participant.session_id, participant_id=participant.id, page_index=index,
                            app_name="game", page_name=name, round_number=1, epoch_time_completed=epoch,
                            timeout_happened=timeout, is_wait_page=wait))
            db.flush()
        p1_code, p2_code, q1_code = p1.code, p2.code, q1.code
    table = as_csv(export_page_times)
    assert table == [
        PAGE_TIMES,
        [code, "1", p1_code, "1", "game", "Contribute", "1700000000", "1", "0", "0"],
        [other, "1", q1_code, "1", "game", "Contribute", "1700000001", "1", "0", "0"],
        [code, "2", p2_code, "1", "game", "Contribute", "1700000002", "1", "1", "0"],
        [code, "1", p1_code, "2", "game", "ResultsWaitPage", "1700000003", "1", "0", "1"],
    ]
    assert as_csv(export_page_times, [other]) == [table[0], table[2]]


def test_page_times_of_pages_played_over_http(basic):
    from otree.web.app import create_app

    app = create_app(get_project())
    code = new_session("game", 3)
    with unit_of_work(readonly=True) as db:
        session = db.scalars(select(Session).filter_by(code=code)).one()
        participant_codes = [p.code for p in session.get_participants()]

    async def play():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            for participant_code in participant_codes:
                response = await client.get(f"/InitializeParticipant/{participant_code}")
                assert response.status_code == 302, response.text
                page = response.headers["location"]
                assert "/game/Contribute/1" in page
                response = await client.post(page, data={"contribution": "10"})
                assert response.status_code == 302, response.text

    before = int(time.time())
    asyncio.run(play())
    rows = dicts(as_csv(export_page_times, [code]))
    contribute = [r for r in rows if r["page_name"] == "Contribute"]
    assert [(r["participant_code"], r["participant_id_in_session"]) for r in contribute] == [
        (c, str(i + 1)) for i, c in enumerate(participant_codes)
    ]
    for row in contribute:
        assert row["session_code"] == code
        assert (row["page_index"], row["app_name"], row["round_number"]) == ("1", "game", "1")
        assert (row["timeout_happened"], row["is_wait_page"]) == ("0", "0")
        assert before <= int(row["epoch_time_completed"]) <= time.time()
    # The last to arrive passed the wait page at once: a wait page row.
    others = [r for r in rows if r["page_name"] != "Contribute"]
    assert [(r["participant_code"], r["page_index"], r["page_name"], r["is_wait_page"]) for r in others] == [
        (participant_codes[2], "2", "ResultsWaitPage", "1"),
    ]
    # The export sees the submitted values too.
    assert [r["player.contribution"] for r in dicts(as_csv(export_app, "game", [code]))][:3] == ["10"] * 3


# -- streaming --------------------------------------------------------------------------------


def _peak(fn) -> tuple[int, object]:
    tracemalloc.start()
    try:
        result = fn()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def _count(rows) -> int:
    n = 0
    for _ in rows:
        n += 1
    return n


class _Sink:
    """A text stream that forgets what it is given (so the test measures the export, not a buffer)."""

    def __init__(self):
        self.chars = 0

    def write(self, text):
        self.chars += len(text)


def test_exports_stream_with_flat_memory(export_project):
    size = 2400
    started = time.monotonic()
    with unit_of_work():
        code = create_session("bulk", size).code
    chunk = 100
    exports = {
        "wide": lambda **kw: rows_wide(**kw),
        "app": lambda **kw: rows_app("bulk", **kw),
        "custom": lambda **kw: rows_custom("bulk", **kw),
    }
    for name, make in exports.items():
        _count(make(chunk_size=chunk))  # warm caches (compiled statements, imports)
        streamed, n = _peak(lambda make=make: _count(make(chunk_size=chunk)))
        assert n == 1 + size, name
        if name == "custom":
            # What oTree does: every player (with participant, group, ...) loaded at once.
            def load_all():
                with unit_of_work(readonly=True) as db:
                    return len(list(Players(db, get_project().apps["bulk"].Player, None, chunk_size=size)))

            everything, loaded = _peak(load_all)
            assert loaded == size
        else:
            everything, rows = _peak(lambda make=make: list(make(chunk_size=chunk)))
            assert len(rows) == 1 + size
            del rows
        assert streamed * 4 < everything, (name, streamed, everything)

    # And through the writers, to a stream that keeps nothing: exporting a session five times
    # as large takes no more memory.
    with unit_of_work():
        small = create_session("bulk", size // 5).code
    peaks = {}
    for session_code in (small, code):
        sink = _Sink()
        export_wide(sink, [session_code])  # warm up
        peaks[session_code], _ = _peak(lambda sink=sink, session_code=session_code: export_wide(sink, [session_code]))
    assert peaks[code] < peaks[small] * 1.5, peaks
    assert time.monotonic() - started < 60
