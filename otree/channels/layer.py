"""Channel layers: deliver "something changed" messages from units of work to WebSockets.

The API follows Django Channels: a consumer owns a channel name, joins groups with
group_add, and group_send(group, {"type": "handler.name", ...}) reaches every channel in
the group. InMemoryChannelLayer serves one process; RedisChannelLayer (REDIS_URL) spans
processes and machines behind the same interface.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import defaultdict
from typing import Any


class BaseChannelLayer:
    async def new_channel(self) -> str:
        raise NotImplementedError

    async def receive(self, channel: str) -> dict[str, Any]:
        raise NotImplementedError

    async def group_add(self, group: str, channel: str) -> None:
        raise NotImplementedError

    async def group_discard(self, group: str, channel: str) -> None:
        raise NotImplementedError

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        raise NotImplementedError

    async def close_channel(self, channel: str) -> None:
        """Forget a channel (its consumer disconnected)."""

    async def close(self) -> None:
        """Release connections at shutdown."""


class InMemoryChannelLayer(BaseChannelLayer):
    """Channels and groups in this process's memory (a single worker)."""

    def __init__(self) -> None:
        self._queues: dict[str, asyncio.Queue[dict[str, Any]]] = {}
        self._groups: dict[str, set[str]] = defaultdict(set)

    async def new_channel(self) -> str:
        name = "inmemory!" + secrets.token_hex(8)
        self._queues[name] = asyncio.Queue()
        return name

    async def receive(self, channel: str) -> dict[str, Any]:
        return await self._queues[channel].get()

    async def group_add(self, group: str, channel: str) -> None:
        self._groups[group].add(channel)

    async def group_discard(self, group: str, channel: str) -> None:
        members = self._groups.get(group)
        if members is not None:
            members.discard(channel)
            if not members:
                del self._groups[group]

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        for channel in list(self._groups.get(group, ())):
            queue = self._queues.get(channel)
            if queue is not None:
                queue.put_nowait(dict(message))

    async def close_channel(self, channel: str) -> None:
        self._queues.pop(channel, None)
        for group in [g for g, members in self._groups.items() if channel in members]:
            await self.group_discard(group, channel)

    def group_size(self, group: str) -> int:
        return len(self._groups.get(group, ()))
