"""A channel layer over Redis pub/sub, so that several worker processes (or machines) share groups.

Channels and their queues stay in the process that owns the WebSocket; a group is a
Redis pub/sub channel. Each process subscribes to the groups its sockets are in, and
group_send publishes, so a wait page completed on one worker wakes browsers on all.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from collections import defaultdict
from typing import Any

from .layer import BaseChannelLayer

logger = logging.getLogger("otree.channels")
def namespace() -> str:
    """Group names are made of database ids, so two projects (or test databases) sharing one
    Redis must not hear each other: the namespace is derived from the database URL."""
    from otree.conf import settings

    digest = hashlib.sha1(str(settings.DATABASE_URL).encode()).hexdigest()[:12]
    return f"otree:{digest}:group:"


class RedisChannelLayer(BaseChannelLayer):
    def __init__(self, url: str) -> None:
        self.url = url
        self.prefix = namespace()
        self._queues: dict[str, asyncio.Queue[dict[str, Any]]] = {}
        self._groups: dict[str, set[str]] = defaultdict(set)
        # redis.asyncio's Redis and PubSub, created on first use (redis is an optional dependency).
        self._redis: Any = None
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def _connect(self) -> None:
        if self._redis is not None:
            return
        async with self._lock:
            if self._redis is not None:
                return
            import redis.asyncio as redis

            client = redis.from_url(self.url)
            self._pubsub = client.pubsub(ignore_subscribe_messages=True)
            # A subscription is needed before the reader can listen; this one is never published to.
            await self._pubsub.subscribe(self.prefix + "__keepalive__")
            self._reader = asyncio.create_task(self._read())
            self._redis = client

    async def _read(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:  # a dropped connection: redis-py reconnects on the next call
                logger.exception("Redis channel layer: error while reading")
                await asyncio.sleep(0.5)
                continue
            if message is None:
                continue
            group = message["channel"].decode()[len(self.prefix):]
            payload = json.loads(message["data"])
            for channel in list(self._groups.get(group, ())):
                queue = self._queues.get(channel)
                if queue is not None:
                    queue.put_nowait(dict(payload))

    async def new_channel(self) -> str:
        name = "redis!" + secrets.token_hex(8)
        self._queues[name] = asyncio.Queue()
        return name

    async def receive(self, channel: str) -> dict[str, Any]:
        return await self._queues[channel].get()

    async def group_add(self, group: str, channel: str) -> None:
        await self._connect()
        first = not self._groups[group]
        self._groups[group].add(channel)
        if first:
            await self._pubsub.subscribe(self.prefix + group)

    async def group_discard(self, group: str, channel: str) -> None:
        members = self._groups.get(group)
        if members is None:
            return
        members.discard(channel)
        if not members:
            del self._groups[group]
            if self._pubsub is not None:
                await self._pubsub.unsubscribe(self.prefix + group)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        from otree.currency import json_default

        await self._connect()
        await self._redis.publish(self.prefix + group, json.dumps(message, default=json_default))

    async def close_channel(self, channel: str) -> None:
        self._queues.pop(channel, None)
        for group in [g for g, members in self._groups.items() if channel in members]:
            await self.group_discard(group, channel)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self._pubsub is not None:
            await self._pubsub.aclose()
        if self._redis is not None:
            await self._redis.aclose()
        self._redis = self._pubsub = self._reader = None


def publish_sync(url: str, group: str, message: dict[str, Any]) -> None:
    """group_send from a process without an event loop (e.g. `otree create_session --room`)."""
    import redis

    from otree.currency import json_default

    client = redis.Redis.from_url(url)
    try:
        client.publish(namespace() + group, json.dumps(message, default=json_default))
    finally:
        client.close()
