"""Live pages: calling a page's live_method and working out who receives its reply.

`live_method(player, data)` returns None (nothing to send) or a dict keyed by id_in_group
(0 = everyone in the group). oTree 6 also allows an async generator that yields several
such dicts. This module is used by the /live WebSocket and by bots (call_live_method).
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from otree.pages import BasePage, find_hook


class LiveMethodBadReturnValue(TypeError):
    pass


def has_live_method(page_class) -> bool:
    return find_hook(page_class, "live_method") is not None


def _invoke(page: BasePage, data: Any):
    raw = find_hook(type(page), "live_method")
    if raw is None:
        raise ValueError(f"{type(page).__name__} has no live_method")
    if isinstance(raw, str):
        # oTree 3 self format: the name of a Player method, live_method = 'live_bid'.
        return getattr(page.player, raw)(data)
    if page._app.is_noself:
        fn = raw.__func__ if isinstance(raw, staticmethod) else raw
        return fn(page.player, data)
    return getattr(page, "live_method")(data)


def _collect(result) -> list:
    """The replies of a live method: one dict, or every dict an async generator yields."""
    if inspect.isasyncgen(result):
        async def drain():
            return [item async for item in result]

        return asyncio.run(drain())
    if inspect.iscoroutine(result):
        result.close()
        raise LiveMethodBadReturnValue("live_method must be a plain function or an async generator (with yield)")
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


def call_live_method(page: BasePage, data: Any) -> list[tuple[int, Any]]:
    """Run the page's live_method for its player; returns (id_in_group, payload) to deliver."""
    members = [p.id_in_group for p in page.group.get_players()]
    deliveries: list[tuple[int, Any]] = []
    for reply in _collect(_invoke(page, data)):
        deliveries.extend(recipients(reply, members))
    return deliveries


def raw_result(page: BasePage, data: Any):
    """What the live method returned (merged over an async generator's yields), for bots."""
    replies = [r for r in _collect(_invoke(page, data)) if r]
    if not replies:
        return None
    if len(replies) == 1:
        return replies[0]
    merged: dict = {}
    for reply in replies:
        merged.update(reply)
    return merged
