"""Live pages: calling a page's live_method and working out who receives its reply.

`live_method(player, data)` returns None (nothing to send) or a dict keyed by id_in_group
(0 = everyone in the group). oTree 6 also allows an async generator that yields several
such dicts. The forms of oTree 3 work too: `live_method = 'live_bid'` names a Player
method, and a self-format page may define `def live_method(self, data)`.

A page may also define `live_state(player)`: what a participant's page needs to rebuild
itself. Its return value is sent to that participant alone whenever their live socket
connects after a page load or refresh (see otree.live_replies).

This module is used by the /live WebSocket and by bots (call_live_method).
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from otree.pages import BasePage, call_hook, find_hook, hook_function

STATE_HOOK = "live_state"


class LiveMethodBadReturnValue(TypeError):
    pass


def has_live_method(page_class) -> bool:
    return find_hook(page_class, "live_method") is not None


def has_live_state(page_class) -> bool:
    return find_hook(page_class, STATE_HOOK) is not None


def live_group(session_code: str, page_index: int, participant_code: str) -> str:
    """The channel-layer group of one participant's sockets on one live page (oTree's name)."""
    return f"live-{session_code}-{page_index}-{participant_code}"


def is_streaming(page_class, app) -> bool:
    """Whether the page's live_method is an async generator (`async def` with `yield`)."""
    return inspect.isasyncgenfunction(hook_function(page_class, app, "live_method"))


def invoke(page: BasePage, data: Any):
    """Call the live method the way the app's format expects (otree.pages.call_hook); a result, or an async generator.

    oTree 3's self format may name a Player method instead: live_method = 'live_bid'.
    """
    if find_hook(type(page), "live_method") is None:
        raise ValueError(f"{type(page).__name__} has no live_method")
    return call_hook(page, "live_method", data)


def check_result(result) -> None:
    """Refuse what oTree 6 refuses: a coroutine (async def without yield) or a sync generator."""
    if inspect.iscoroutine(result):
        result.close()
        raise LiveMethodBadReturnValue("live_method must be a plain function or an async generator (with yield)")
    if inspect.isgenerator(result):
        result.close()
        raise LiveMethodBadReturnValue("live_method cannot be a generator; use `async def` with `yield` to stream")


def _collect(result) -> list:
    """The replies of a live method: one dict, or every dict an async generator yields."""
    if inspect.isasyncgen(result):
        async def drain():
            return [item async for item in result]

        return asyncio.run(drain())
    check_result(result)
    return [result]


def recipients(reply, group_member_ids: list[int]) -> list[tuple[int, Any]]:
    """(id_in_group, payload) pairs for one reply dict."""
    if not reply:
        return []
    if not isinstance(reply, dict):
        raise LiveMethodBadReturnValue(
            f"live_method must return a dict keyed by id_in_group (0 for everyone), not {type(reply).__name__}"
        )
    if 0 in reply:
        if len(reply) > 1:
            raise LiveMethodBadReturnValue("live_method's reply {0: ...} (to everyone) cannot have other keys")
        return [(member, reply[0]) for member in group_member_ids]
    pairs = []
    for key, payload in reply.items():
        if not isinstance(key, int) or key not in group_member_ids:
            raise LiveMethodBadReturnValue(f"live_method replied to {key!r}, which is not an id_in_group of the group")
        pairs.append((key, payload))
    return pairs


def call_live_method(page: BasePage, data: Any, members: list[int] | None = None) -> list[tuple[int, Any]]:
    """Run the page's live_method for its player; returns (id_in_group, payload) to deliver.

    `members`: the id_in_group of every member of the group (read from the database if not given).
    """
    if members is None:
        members = [p.id_in_group for p in page.group.get_players()]
    deliveries: list[tuple[int, Any]] = []
    for reply in _collect(invoke(page, data)):
        deliveries.extend(recipients(reply, members))
    return deliveries


def live_state(page: BasePage):
    """The page's live_state hook for its player (None when the page has none)."""
    return call_hook(page, STATE_HOOK, default=None)


def raw_result(page: BasePage, data: Any):
    """What the live method returned (merged over an async generator's yields), for bots."""
    replies = [r for r in _collect(invoke(page, data)) if r]
    if not replies:
        return None
    if len(replies) == 1:
        return replies[0]
    merged: dict = {}
    for reply in replies:
        merged.update(reply)
    return merged
