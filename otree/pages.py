"""Page and WaitPage, the page sequence of a session, and the rules for moving through it.

Apps declare pages in two styles: no-self (hooks are static methods taking `player`) and
self format (hooks are methods using `self.player`). `call_hook` hides the difference.
A participant's position is `participant._index_in_pages`, 1-based over all apps, rounds
and pages of the session (oTree's numbering, which appears in every page URL).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, object_session

from otree import events, state, timeouts
from otree.conf import settings
from otree.db.models import BaseGroup, BasePlayer
from otree.db.records import PageTime
from otree.db.statements import built_once
from otree.db.uow import current_session
from otree.i18n import N_

if TYPE_CHECKING:
    from otree.db.core import Participant, Session
    from otree.project import App, Project


class BasePage:
    """Common base of Page and WaitPage; an instance is made per request."""

    template_name: str | None = None
    timeout_seconds: float | None = None
    timer_text: str | None = None
    live_method: Any = None  # a method, or the name of one (see call_hook)

    # player: an app's Player, whose fields (and so attributes) are the app's own.
    def __init__(self, *, player: Any, participant: Participant, session: Session, app: App, index: int) -> None:
        self.player = player
        self.participant = participant
        self.session = session
        self._app = app
        self._index_in_pages = index
        self.timeout_happened = False

    @property
    def group(self) -> Any:
        return self.player.group

    @property
    def subsession(self) -> Any:
        return self.player.subsession

    @property
    def round_number(self) -> int:
        round_number: int = self.player.round_number  # a column of the app's Player
        return round_number

    @property
    def is_debug(self) -> bool:
        """`{{ if view.is_debug }}` in templates: whether the server runs in debug mode."""
        return bool(settings.DEBUG)

    def remaining_timeout_seconds(self) -> float | None:
        """`view.remaining_timeout_seconds()` in templates: seconds left on this page's timer, or None."""
        participant = self.participant
        if participant._timeout_page_index != self._index_in_pages or participant._timeout_expiration_time is None:
            return None
        return max(0.0, participant._timeout_expiration_time - time.time())

    @classmethod
    def url_name(cls) -> str:
        return cls.__name__

    def get_template_name(self) -> str:
        if self.template_name:
            return self.template_name
        return f"{self._app.name}/{type(self).__name__}.html"


class Page(BasePage):
    form_model: Any = None  # 'player', 'group' or (self format) the model class
    form_fields: list[str] = []
    allow_back_button = False
    preserve_unsubmitted_inputs = False
    use_blank_layout = False
    timeout_submission: dict[str, Any] | None = None


class WaitPage(BasePage):
    after_all_players_arrive: Any = None  # a function, or the name of one (see call_hook)
    wait_for_all_groups = False
    group_by_arrival_time = False
    title_text = N_("Please wait")  # translated when shown, as are the other built-in texts
    body_text = N_("Waiting for the other participant(s).")


_BASES = (BasePage, Page, WaitPage)


def is_page_class(obj: object) -> bool:
    return isinstance(obj, type) and issubclass(obj, BasePage) and obj not in _BASES


def is_wait_page(cls: type) -> bool:
    return issubclass(cls, WaitPage)


def find_hook(cls: type, name: str) -> Any:
    """The user's definition of a hook on a page class (None if only our base defines it).

    As written in the class body: a function, staticmethod, classmethod, string, or a value.
    """
    for klass in cls.__mro__:
        if klass in _BASES:
            return None
        if name in vars(klass):
            return vars(klass)[name]
    return None


def call_hook(page: BasePage, name: str, *args: Any, default: Any = None, self_args: tuple[Any, ...] | None = None,
              subject: Any = None) -> Any:
    """Call a page's hook the way the app's format expects; `default` when the page has none.

    The one place that knows the formats, for page hooks, live methods and wait pages alike:
    no-self apps: `hook(subject, *args)` (a staticmethod, classmethod or plain function in the
    class; `subject` is the player unless given, e.g. the group for after_all_players_arrive);
    self-format apps: `self.hook(*self_args)` (self_args default to args);
    a string names a function of the app's module (no-self apps) or a method of the subject
    (`live_method = 'live_bid'`, `after_all_players_arrive = 'set_payoffs'`).
    """
    raw = find_hook(type(page), name)
    if raw is None:
        return default
    subject = page.player if subject is None else subject
    if isinstance(raw, str):
        return _named_hook(page, name, raw, subject)(*args)
    if page._app.is_noself:
        fn = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
        if isinstance(raw, classmethod):
            return fn(type(page), subject, *args)
        return fn(subject, *args)
    return getattr(page, name)(*(args if self_args is None else self_args))


def _named_hook(page: BasePage, name: str, target: str, subject: Any) -> Callable[..., Any]:
    app = page._app
    fn = getattr(app.module, target, None) if app.is_noself else None
    if callable(fn):
        return lambda *args: fn(subject, *args)
    method: Callable[..., Any] | None = getattr(subject, target, None)
    if method is None:
        raise AttributeError(f"{type(page).__name__}.{name} = {target!r}, but {type(subject).__name__} has no "
                             f"method {target!r}")
    return method


def hook_function(page_class: type, app: App, name: str) -> Callable[..., Any] | None:
    """The plain function a hook resolves to (to inspect it, e.g. whether it is an async generator)."""
    raw = find_hook(page_class, name)
    if isinstance(raw, str):
        fn = getattr(app.module, raw, None) if app.is_noself else None
        return fn if callable(fn) else getattr(app.Player, raw, None)
    if isinstance(raw, (staticmethod, classmethod)):
        return raw.__func__
    function: Callable[..., Any] | None = raw  # what the class body holds: a plain function (or None)
    return function


# -- the sequence of pages of a session ---------------------------------------------------


@dataclass(frozen=True)
class Slot:
    index: int
    app: App
    round_number: int
    page_class: type[BasePage]

    @property
    def is_wait_page(self) -> bool:
        return is_wait_page(self.page_class)

    @property
    def name(self) -> str:
        return self.page_class.__name__


def current_project() -> Project:
    """The running app's project (otree.state), which pages read their apps from."""
    project = state.current().project
    if project is None:
        raise RuntimeError("No project is loaded (run otree from your project folder).")
    return project


def page_sequence(app_sequence: Sequence[str]) -> list[Slot]:
    """Every page of a session in order (the loaded project's, see Project.page_sequence).

    The cache lives on the Project object itself, not in a global keyed by id(project): a
    project loaded later (tests, `otree` reloading) can get the id of a freed one, and would
    then be handed the old project's slots, whose models are no longer mapped.
    """
    return current_project().page_sequence(app_sequence)


def sequence_of(apps: Iterable[App]) -> list[Slot]:
    """The slots of these apps in play order: every round of each app, every page of each round."""
    slots: list[Slot] = []
    for app in apps:
        for round_number in range(1, app.num_rounds + 1):
            for page_class in app.page_sequence:
                slots.append(Slot(len(slots) + 1, app, round_number, page_class))
    return slots


def slot_of(participant: Participant, index: int | None = None) -> Slot | None:
    index = participant._index_in_pages if index is None else index
    return slot_at(participant.session.config["app_sequence"], index)


def slot_at(app_sequence: Sequence[str], index: int) -> Slot | None:
    """The slot at page `index` (1-based, as in page URLs) of a session of these apps, or None past the end."""
    sequence = page_sequence(app_sequence)
    if 1 <= index <= len(sequence):
        return sequence[index - 1]
    return None


def page_url(participant: Participant, slot: Slot) -> str:
    return f"/p/{participant.code}/{slot.app.name_in_url}/{slot.name}/{slot.index}"


def current_url(participant: Participant) -> str:
    if participant._index_in_pages < 1:
        return f"/InitializeParticipant/{participant.code}"
    slot = slot_of(participant)
    if slot is None:
        return f"/OutOfRangeNotification/{participant.code}"
    return page_url(participant, slot)


# Key in a unit of work's Session.info: the players it loaded, by (app, participant id, round).
_LOADED_PLAYERS = "otree_loaded_players"


def _players_query(Player: Any) -> Any:
    """Players as pages use them: with their group and subsession in the same SELECT."""
    return select(Player).options(joinedload(Player.group), joinedload(Player.subsession))


def _player_query(Player: Any) -> Any:
    """The SELECT of one player by participant and round, built once per model (otree.db.statements)."""
    return built_once(Player, "player", lambda: _players_query(Player).where(
        Player.participant_id == bindparam("participant_id"), Player.round_number == bindparam("round_number")))


def load_player(participant: Participant, app: App, round_number: int) -> Any:
    """The participant's player in this app and round, loaded once per unit of work.

    A submission builds the page it leaves and the page it lands on, often of the same
    round: the second time, the player is already in the unit of work's identity map, and
    looking it up again would cost a SELECT (and flush the changes made so far on its own).
    Which row is a participant's player of a round never changes, so remembering it is safe;
    its values are whatever the unit of work has (reloaded if they were expired).
    """
    db = object_session(participant)
    assert db is not None, "pages are built for a participant loaded in the current unit of work"
    loaded: dict[tuple[str, int, int], Any] = db.info.setdefault(_LOADED_PLAYERS, {})
    key = (app.name, participant.id, round_number)
    player = loaded.get(key)
    if player is None:
        Player = app.Player
        player = db.scalars(_player_query(Player), {"participant_id": participant.id,
                                                    "round_number": round_number}).one()
        loaded[key] = player
    return player


def preload_players(participants: Sequence[Participant]) -> None:
    """Load the players of these participants' current pages in one query per app, for load_player.

    For work on many participants in one unit of work (the task loop's batches).
    """
    if not participants:
        return
    db = object_session(participants[0])
    assert db is not None, "participants loaded in the current unit of work"
    loaded: dict[tuple[str, int, int], Any] = db.info.setdefault(_LOADED_PLAYERS, {})
    wanted: dict[str, tuple[App, set[tuple[int, int]]]] = {}
    for participant in participants:
        slot = slot_of(participant)
        if slot is not None and (slot.app.name, participant.id, slot.round_number) not in loaded:
            wanted.setdefault(slot.app.name, (slot.app, set()))[1].add((participant.id, slot.round_number))
    for app, keys in wanted.values():
        Player = app.Player
        rows = db.scalars(
            _players_query(Player).where(Player.participant_id.in_({pid for pid, _ in keys}),
                                         Player.round_number.in_({round_number for _, round_number in keys}))
        )
        for player in rows:
            if (player.participant_id, player.round_number) in keys:
                loaded[(app.name, player.participant_id, player.round_number)] = player


def build_page(participant: Participant, slot: Slot) -> BasePage:
    player = load_player(participant, slot.app, slot.round_number)
    return slot.page_class(
        player=player, participant=participant, session=participant.session, app=slot.app, index=slot.index
    )


# -- moving through the sequence ------------------------------------------------------------


def start(participant: Participant, label: str | None = None) -> list[Slot]:
    """First visit of a participant's start link: mark them started and find their first page."""
    if label and not participant.label:
        participant.label = label
    if participant._index_in_pages >= 1:
        return []
    participant.visited = True
    participant.time_started_utc = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    participant._index_in_pages = 1
    participant._last_request_timestamp = time.time()
    return settle(participant)


def is_displayed(page: BasePage) -> bool:
    return bool(call_hook(page, "is_displayed", default=True))


def settle(participant: Participant) -> list[Slot]:
    """Skip forward over pages whose is_displayed is false; returns the wait pages skipped.

    Stops on the first page to show (including wait pages) or past the last page.
    Every caller has just moved the participant: this announces it (otree.events), and the
    session monitor, listening, tells its page after the unit of work commits.
    """
    events.emit(events.PARTICIPANT_MOVED, participant)
    skipped_waits: list[Slot] = []
    while True:
        slot = slot_of(participant)
        if slot is None:
            participant._current_page_name = None
            return skipped_waits
        page = build_page(participant, slot)
        if is_displayed(page):
            participant._page_arrived_at = time.time()
            participant._browser_connections = 0  # this page's sockets are counted from now
            participant._current_app_name = slot.app.name
            participant._current_page_name = slot.name
            participant._round_number = slot.round_number
            start_timer(page)
            return skipped_waits
        if slot.is_wait_page:
            skipped_waits.append(slot)
        participant._index_in_pages += 1


def start_timer(page: BasePage) -> None:
    """A form page's deadline starts when the participant arrives (see otree.timeouts); wait pages have none."""
    if isinstance(page, WaitPage):
        return
    timeouts.start_timer(page, lambda: timeout_seconds_of(page))


def record_completion(page: BasePage, timeout_happened: bool = False) -> None:
    current_session().add(PageTime(
        session_id=page.session.id, participant_id=page.participant.id, page_index=page._index_in_pages,
        app_name=page._app.name, page_name=type(page).__name__, round_number=page.round_number,
        epoch_time_completed=time.time(), timeout_happened=bool(timeout_happened),
        is_wait_page=isinstance(page, WaitPage),
    ))


def advance(page: BasePage) -> list[Slot]:
    """Leave `page` for the next page to show (honouring app_after_this_page); returns skipped waits."""
    participant = page.participant
    participant._index_in_pages = _app_after_this_page(page) or participant._index_in_pages + 1
    participant._last_request_timestamp = time.time()
    return settle(participant)


def _app_after_this_page(page: BasePage) -> int | None:
    """The first page of the app chosen by the page's app_after_this_page hook, if any."""
    if find_hook(type(page), "app_after_this_page") is None:
        return None
    sequence = page_sequence(page.session.config["app_sequence"])
    app_names = list(page.session.config["app_sequence"])
    upcoming = app_names[app_names.index(page._app.name) + 1:]
    chosen = call_hook(page, "app_after_this_page", upcoming, default=None)
    if not chosen:
        return None
    if chosen not in upcoming:
        raise ValueError(
            f"{type(page).__name__}.app_after_this_page returned {chosen!r}, which is not one of the "
            f"upcoming apps {upcoming}"
        )
    for slot in sequence:
        if slot.app.name == chosen:
            return slot.index
    return None


def form_model_name(page_class: type[BasePage]) -> str | None:
    """'player' or 'group' (self-format apps may name the model class itself)."""
    model = getattr(page_class, "form_model", None)
    if model is None or isinstance(model, str):
        return model
    if isinstance(model, type) and issubclass(model, BasePlayer):
        return "player"
    if isinstance(model, type) and issubclass(model, BaseGroup):
        return "group"
    raise TypeError(f"{page_class.__name__}.form_model must be 'player' or 'group', not {model!r}")


def form_target(page: BasePage) -> tuple[Any, list[str]]:
    """The model instance a page's form edits and the fields it shows; (player, []) for no form.

    Pages without fields still get an (empty) form: templates may iterate it or use
    {{ formfields }}, and error_message may apply to it.
    """
    model = form_model_name(type(page))
    fields = form_fields_of(page) if model else []
    if not model or not fields:
        return page.player, []
    return (page.player if model == "player" else page.group), fields


def form_fields_of(page: BasePage) -> list[str]:
    """The page's form fields (get_form_fields, else form_fields); read by name, so any page will do."""
    fields = call_hook(page, "get_form_fields", default=None)
    if fields is None:
        fields = getattr(type(page), "form_fields", None) or []
    return list(fields)


def timeout_seconds_of(page: BasePage) -> Any:
    """The page's timeout as the app gives it: seconds (any number type), or None for none."""
    value = call_hook(page, "get_timeout_seconds", default=None)
    if value is None:
        value = type(page).timeout_seconds
    return value
