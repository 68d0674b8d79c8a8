"""Wait pages: who has arrived, running after_all_players_arrive exactly once, and waking the waiters.

Exactly once, in every deployment: an arrival that may complete the page first locks the
group row (or the subsession row) with SELECT ... FOR UPDATE on PostgreSQL (on SQLite
every writing unit of work holds the database write lock from BEGIN IMMEDIATE), then
reads the members' positions fresh from the database, and records the completion in a
table with a unique constraint. So of all requests that see "everyone is here", in any
worker process or machine, one runs the hook and the others see its completion row.
Arrivals that cannot complete it (a member is still behind, or the completion row exists)
find that out without the lock (_look, ArrivalProbe).

This runs in its own unit of work, after the arriving participant's page submission has
committed: it then holds no row locks when it takes the group lock, so two groups' (or a
group's and a participant's) transactions can never wait for each other in a cycle.

The three kinds of wait page (a group's, all groups' of a round, group_by_arrival_time)
differ in their socket, completion record and channel: `KINDS` lists them in one table.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import CursorResult

from otree.channels import group_send_sync
from otree.conf import settings
from otree.db.core import Participant
from otree.db.statements import built_once, dialect_insert
from otree.db.records import CompletedGBATGroup, CompletedGroupWaitPage, CompletedSubsessionWaitPage
from otree.db.uow import about_to_write, after_commit, current_session
from otree.pages import WaitPage, call_hook
from otree.timeouts import move_waiters_on

if TYPE_CHECKING:
    from otree.db.models import BaseGroup, BaseSubsession, ModelBase

# The tables whose row marks a wait page as completed (one per kind of wait page).
Completion = type[CompletedGroupWaitPage] | type[CompletedSubsessionWaitPage] | type[CompletedGBATGroup]

logger = logging.getLogger("otree.waitpages")


# -- the kinds of wait page ------------------------------------------------------------------


@dataclass(frozen=True)
class WaitPageKind:
    """What differs between the three kinds of wait page, in one place.

    name: "group", "subsession" (wait_for_all_groups) or "gbat" (group_by_arrival_time);
    socket_path: the WebSocket route its browsers listen on (their consumer, otree.web.sockets);
    completion: the record whose row marks the wait as over;
    channel_name: the channel-layer group its waiters are woken on, from (session id, page index,
    group id; the group id only matters for "group").
    """

    name: str
    socket_path: str
    completion: Completion
    channel_name: Callable[[int, int, Any], str]

    def channel(self, session_id: int, page_index: int, group_id: int | None = None) -> str:
        return self.channel_name(session_id, page_index, group_id)


GROUP = WaitPageKind("group", "/wait_page", CompletedGroupWaitPage,
                     lambda session_id, index, group_id: f"wait-page-{session_id}-page{index}-{group_id}")
SUBSESSION = WaitPageKind("subsession", "/subsession_wait_page", CompletedSubsessionWaitPage,
                          lambda session_id, index, group_id: f"wait-page-{session_id}-page{index}")
GBAT = WaitPageKind("gbat", "/group_by_arrival_time", CompletedGBATGroup,
                    lambda session_id, index, group_id: f"group_by_arrival_time_session{session_id}_page{index}")
KINDS: dict[str, WaitPageKind] = {kind.name: kind for kind in (GROUP, SUBSESSION, GBAT)}


def kind_of(page_class: type) -> WaitPageKind:
    if getattr(page_class, "group_by_arrival_time", False):
        return GBAT
    if getattr(page_class, "wait_for_all_groups", False):
        return SUBSESSION
    return GROUP


def channel_of(page: WaitPage) -> str:
    """The channel this wait page's waiters listen on."""
    return kind_of(type(page)).channel(page.session.id, page._index_in_pages, page.player.group_id)


def group_channel(session_id: int, page_index: int, group_id: int) -> str:
    return GROUP.channel(session_id, page_index, group_id)


def subsession_channel(session_id: int, page_index: int) -> str:
    return SUBSESSION.channel(session_id, page_index)


def gbat_channel(session_id: int, page_index: int) -> str:
    return GBAT.channel(session_id, page_index)


def socket_url(page: WaitPage) -> str:
    """The WebSocket this wait page's browser listens on (the URLs and query parameters of oTree's wait pages)."""
    kind = kind_of(type(page))
    session_id, index, pid = page.session.id, page._index_in_pages, page.participant.id
    query = f"session_pk={session_id}&page_index={index}"
    if kind is GBAT:
        return f"{kind.socket_path}?{query}&app_name={page._app.name}&participant_id={pid}&player_id={page.player.id}"
    if kind is SUBSESSION:
        return f"{kind.socket_path}?{query}&participant_id={pid}"
    return f"{kind.socket_path}?{query}&participant_id={pid}&group_id={page.player.group_id}"


def is_active_waiter(participant: Participant, now: float | None = None) -> bool:
    """Whether group_by_arrival_time may group this waiter: not a dropout, and their browser is
    connected, or they arrived on the page recently (their socket may not be open yet)."""
    if participant.is_dropout:
        return False
    if participant._is_bot or participant._waitpage_is_connected:
        return True
    window = float(settings.get("GBAT_INACTIVE_SECONDS_UNTIL_PROMPT", 120) or 0) + \
        float(settings.get("GBAT_INACTIVE_SECONDS_TO_CONFIRM", 15) or 0)
    arrived = participant._page_arrived_at
    return arrived is None or (now or time.time()) - arrived < window


# -- arriving ----------------------------------------------------------------------------------


def _notify(channel: str) -> None:
    after_commit(lambda: group_send_sync(channel, {"type": "wait_page.ready", "status": "ready"}))


def _lock(model: type[ModelBase], row_id: int) -> None:
    """Lock the group or subsession row (on SQLite, BEGIN IMMEDIATE already serialized us)."""
    db = current_session()
    if db.get_bind().dialect.name != "sqlite":
        db.execute(select(model.id).where(model.id == row_id).with_for_update())


# What a look without the lock found (see _look): complete already, a member is still behind,
# or the page may complete now (the lock's holder decides).
_COMPLETE, _WAITING, _MAY_COMPLETE, _LOCKED = "complete", "waiting", "may complete", "locked"


def _look(probe: ArrivalProbe, skipping: bool = False) -> str:
    """Where the page stands, read without the lock (two statements).

    A completion row is final, and a member who is behind means that no arrival now completes
    the page: their own arrival, committed later, will see everyone.
    """
    if is_complete(probe.session_id, probe.page_index, probe.group_id, probe.kind.name):
        return _COMPLETE
    positions = _member_positions(probe.Player, probe.column, probe.members_of)
    return _MAY_COMPLETE if _everyone_there(positions, probe.page_index, skipping) else _WAITING


def _look_then_lock(page: WaitPage, model: type[ModelBase], row_id: int, skipping: bool, looked: bool) -> str:
    """Take the wait's lock, unless a look without it shows that there is nothing to decide.

    On PostgreSQL, where the lock is a row lock, look unlocked first (_look): only an arrival
    that may complete the page takes the lock (_LOCKED), and the caller checks again under it.
    On SQLite a writing unit of work holds the write lock already: always _LOCKED. looked: the
    caller has just looked (still_waiting) and found that the page may complete: lock at once.
    """
    if current_session().get_bind().dialect.name == "sqlite":
        return _LOCKED
    if not looked:
        probe = probe_of(page)
        assert probe is not None, "group and subsession wait pages have a probe"
        state = _look(probe, skipping)
        if state is not _MAY_COMPLETE:
            return state
    _lock(model, row_id)
    return _LOCKED


def lock_wait(page: WaitPage) -> None:
    """Take the lock that arriving at this wait page takes: the subsession's row, or the group's."""
    player = page.player
    if kind_of(type(page)) is GROUP:
        _lock(type(player.group), player.group_id)
    else:
        _lock(type(player.subsession), player.subsession.id)


def _all_arrived(positions: dict[int, int], index: int, skipping: bool) -> bool:
    """Whether every member is at or past the page, by their positions just read (_member_positions).

    A member's answers commit together with their new position, so once their position
    is read, everything they submitted is visible; objects loaded before that point
    may predate it, hence the expire_all before after_all_players_arrive reads them
    (nothing has been written in this unit of work yet). A member who is not the last
    reads nothing of the others, so their objects are kept (and need no reloading).
    """
    if not _everyone_there(positions, index, skipping):
        return False
    _forget_loaded()
    return True


def _everyone_there(positions: dict[int, int], index: int, skipping: bool) -> bool:
    """Every member at or past the page (and, for a skipped page, someone actually on it)."""
    if any(position < index for position in positions.values()):
        return False
    return not skipping or index in positions.values()


def _forget_loaded() -> None:
    if current_session().get_bind().dialect.name != "sqlite":
        current_session().expire_all()


def _positions(participant_ids: list[int]) -> dict[int, int]:
    """Members' page positions as committed now (never the identity map's possibly stale copy)."""
    rows = current_session().execute(
        select(Participant.id, Participant._index_in_pages).where(Participant.id.in_(participant_ids))
    )
    return dict(rows.tuples().all())  # tuples(): only tells the type checker the rows are pairs


def _member_positions(Player: Any, column: str, value: int) -> dict[int, int]:
    """Page positions, as committed now, of the participants of the players whose `column` is `value`.

    One SELECT for the members and their positions (a group's or subsession's members never
    change once the wait page is reached; the positions are read fresh, never from the identity map).
    """
    rows = current_session().execute(_member_positions_query(Player, column), {"value": value})
    return dict(rows.tuples().all())


def _member_positions_query(Player: Any, column: str) -> Any:
    # A wait page's commonest statement: built once per model and column.
    return built_once(Player, f"member_positions_{column}", lambda: (
        select(Participant.id, Participant._index_in_pages)
        .join(Player, Player.participant_id == Participant.id)
        .where(getattr(Player, column) == bindparam("value"))))


def _insert_once(record: Any, **values: Any) -> bool:
    """Insert a completion row; False if another unit of work already completed this page.

    One INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL both have it): the unique
    constraint decides, without the savepoint an ORM insert needs to survive a duplicate.
    """
    about_to_write()  # a Core statement
    db = current_session()
    table = record.__table__  # the table, not the class: an ORM-enabled INSERT takes the bulk path
    dialect = db.get_bind().dialect.name
    insert = dialect_insert(dialect, table).values(**values).on_conflict_do_nothing()
    if dialect == "sqlite":
        result = db.execute(insert)
        assert isinstance(result, CursorResult), "an INSERT returns a cursor result"
        return bool(result.rowcount == 1)
    # PostgreSQL reports no row count when the primary key comes back: ask for it, and see.
    return db.execute(insert.returning(table.c.id)).first() is not None


def run_after_all_players_arrive(page: WaitPage, target: BaseGroup | BaseSubsession) -> None:
    """Call the wait page's after_all_players_arrive for `target` (a group or a subsession).

    No-self apps: `after_all_players_arrive(target)`, or the name of a module function taking
    it; self format: the name of a Group/Subsession method, or (legacy) a method of the wait
    page itself, reading self.group / self.subsession.
    """
    call_hook(page, "after_all_players_arrive", subject=target, self_args=())


def arrive(page: WaitPage, skipping: bool = False, looked: bool = False) -> bool:
    """The participant is on this wait page: True if the page is complete and they may go on.

    skipping: the participant skipped the page (is_displayed false) and only counts as arrived;
    the page then completes only if someone is actually waiting on it. looked: an ArrivalProbe
    has just found that it is not still waiting (see _look_then_lock).
    """
    kind = kind_of(type(page))
    if kind is GBAT:
        return _arrive_gbat(page)
    if kind is SUBSESSION:
        return _arrive_subsession(page, skipping, looked)
    return _arrive_group(page, skipping, looked)


def _arrive_group(page: WaitPage, skipping: bool = False, looked: bool = False) -> bool:
    group, index, session_id = page.player.group, page._index_in_pages, page.session.id
    state = _look_then_lock(page, type(group), group.id, skipping, looked)
    if state is not _LOCKED:
        return state is _COMPLETE
    if is_complete(session_id, index, group.id, "group"):
        return True
    positions = _member_positions(type(page.player), "group_id", group.id)
    members = list(positions)
    if not _all_arrived(positions, index, skipping):
        return False
    if not _insert_once(CompletedGroupWaitPage, session_id=session_id, page_index=index, group_id=group.id):
        return True
    run_after_all_players_arrive(page, group)
    _notify(group_channel(session_id, index, group.id))
    move_waiters_on(session_id, index, members, f"group{group.id}")
    return True


def _arrive_subsession(page: WaitPage, skipping: bool = False, looked: bool = False) -> bool:
    subsession, index, session_id = page.player.subsession, page._index_in_pages, page.session.id
    state = _look_then_lock(page, type(subsession), subsession.id, skipping, looked)
    if state is not _LOCKED:
        return state is _COMPLETE
    if is_complete(session_id, index, None, "subsession"):
        return True
    positions = _member_positions(type(page.player), "subsession_id", subsession.id)
    members = list(positions)
    if not _all_arrived(positions, index, skipping):
        return False
    if not _insert_once(CompletedSubsessionWaitPage, session_id=session_id, page_index=index):
        return True
    run_after_all_players_arrive(page, subsession)
    _notify(subsession_channel(session_id, index))
    move_waiters_on(session_id, index, members, "subsession")
    return True


def _arrive_gbat(page: WaitPage) -> bool:
    """group_by_arrival_time: form a group from the players waiting here, in arrival order."""
    db = current_session()
    player, index, session_id = page.player, page._index_in_pages, page.session.id
    subsession = player.subsession
    _lock(type(subsession), subsession.id)
    db.expire(player, ["group_id", "id_in_group", "group"])  # another unit of work may have regrouped us
    formed = db.scalar(select(func.count(CompletedGBATGroup.id)).filter_by(session_id=session_id, page_index=index))
    assert formed is not None, "a COUNT query always returns one row"
    if player.group.id_in_subsession <= formed:
        return True
    matrix = subsession.get_group_matrix(objects=True)
    formed_rows, unformed = matrix[:formed], [p for row in matrix[formed:] for p in row]
    positions = _positions([p.participant_id for p in unformed])
    _forget_loaded()
    # Only connected, active waiters are grouped (the one arriving now always is).
    waiting = [p for p in unformed if positions[p.participant_id] == index
               and (p.id == player.id and not p.participant.is_dropout or is_active_waiter(p.participant))]
    waiting.sort(key=lambda p: (p.participant._last_request_timestamp or 0, p.id_in_subsession))
    batch = _gbat_batch(page, subsession, waiting)
    if not batch:
        return False
    rest = [p for p in unformed if p not in batch]
    size = page._app.players_per_group or len(rest) or 1
    rest_rows = [rest[i:i + size] for i in range(0, len(rest), size)]
    subsession.set_group_matrix(formed_rows + [batch] + rest_rows)
    db.add(CompletedGBATGroup(session_id=session_id, page_index=index, id_in_subsession=formed + 1))
    db.flush()
    run_after_all_players_arrive(page, batch[0].group)
    _notify(gbat_channel(session_id, index))
    move_waiters_on(session_id, index, [p.participant_id for p in batch], f"gbat{formed + 1}")
    db.refresh(player)
    complete: bool = player.group.id_in_subsession <= formed + 1  # an int column of the app's Group
    return complete


def _gbat_batch(page: WaitPage, subsession: BaseSubsession, waiting: list[Any]) -> list[Any]:
    app = page._app
    method = app.subsession_hook("group_by_arrival_time_method")
    if method is not None:
        chosen = method(subsession, list(waiting))
        if not chosen:
            return []
        if any(p not in waiting for p in chosen):
            raise ValueError("group_by_arrival_time_method must return players from waiting_players")
        return list(chosen)
    size = app.players_per_group
    if size is None:
        raise ValueError(
            f"{type(page).__name__} has group_by_arrival_time but app {app.name!r} has PLAYERS_PER_GROUP = None; "
            "set PLAYERS_PER_GROUP or define group_by_arrival_time_method"
        )
    return waiting[:size] if len(waiting) >= size else []


@dataclass(frozen=True)
class ArrivalProbe:
    """What it takes to see, without loading anyone, that a group or subsession wait page is still waiting.

    Taken when a participant lands on the page (the player is loaded then anyway); asked after
    that move committed, in a fresh unit of work (see still_waiting).
    """

    kind: WaitPageKind
    Player: Any
    session_id: int
    page_index: int
    members_of: int  # the group's id, or the subsession's

    @property
    def column(self) -> str:
        """The player column that names the members."""
        return "group_id" if self.kind is GROUP else "subsession_id"

    @property
    def group_id(self) -> int | None:
        """The group of a group wait page's completion row (a subsession's has none)."""
        return self.members_of if self.kind is GROUP else None


def probe_of(page: WaitPage) -> ArrivalProbe | None:
    """The probe of this wait page; None for group_by_arrival_time (its arrivals regroup players)."""
    kind = kind_of(type(page))
    if kind is GBAT:
        return None
    player = page.player
    members_of = player.group_id if kind is GROUP else player.subsession_id
    return ArrivalProbe(kind, type(player), page.session.id, page._index_in_pages, members_of)


def still_waiting(probe: ArrivalProbe) -> bool:
    """True if the page has not completed and some member has not reached it yet: arriving there
    now would change nothing. False means: ask `arrive` (with its lock), which decides.

    Two statements, no locks (_look). Exactly-once is not at stake: a False answer only leads to
    the full check. A True answer misses no completion either: it is asked after the participant's
    own move committed, so of two members arriving at once, the one who committed last sees both.
    """
    return _look(probe) is _WAITING


def complete_if_all_arrived(page: WaitPage) -> None:
    """A participant skipped this wait page (is_displayed false): they count as arrived, and if
    they were the last one, the page completes now."""
    if kind_of(type(page)) is not GBAT:
        arrive(page, skipping=True)


def is_complete(session_id: int, page_index: int, group_id: int | None, kind: str) -> bool:
    """Whether a group (kind "group") or subsession wait page has its completion row."""
    values = {"session_id": session_id, "page_index": page_index, "group_id": group_id}
    return current_session().scalar(_completion_query(kind), values) is not None


@functools.cache
def _completion_query(kind: str) -> Any:
    # Built once (asked on every wait-page check and socket message); the records are oTree's own tables.
    record = KINDS[kind].completion
    query = select(record.id).where(record.session_id == bindparam("session_id"),
                                    record.page_index == bindparam("page_index"))
    if kind == GROUP.name:
        query = query.where(CompletedGroupWaitPage.group_id == bindparam("group_id"))
    return query
