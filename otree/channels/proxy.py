"""The channel layer as user code sees it: callable from any thread or event loop.

Channels' idiom `async_to_sync(channel_layer.group_send)(group, message)` may run in a thread
that asgiref gave a fresh event loop (page code, a script). The layer's queues and its Redis
connection belong to the server's loop, so calls from elsewhere are handed over to it. In a
process without a server (a command, `otree shell`), a group_send with REDIS_URL still
reaches the servers; without Redis there is no socket in this process to reach.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, cast

from .layer import BaseChannelLayer


class LayerProxy(BaseChannelLayer):
    """Delegates to the real layer; coroutines run on the server's event loop.

    A BaseChannelLayer itself, so that AppState and get_channel_layer() can hold and return it
    as one; it overrides every method of the base, so none of the base's stubs is ever reached.
    """

    def __init__(self, layer: BaseChannelLayer, home_loop: Callable[[], asyncio.AbstractEventLoop | None]):
        self._layer = layer
        self._home_loop = home_loop

    def __getattr__(self, name: str) -> Any:
        return getattr(self._layer, name)

    @property
    def layer(self) -> BaseChannelLayer:
        return self._layer

    def _elsewhere(self) -> asyncio.AbstractEventLoop | None:
        """The server's loop if this call runs on another loop, else None (call directly)."""
        home = self._home_loop()
        if home is None or home.is_closed():
            return None
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        return None if running is home else home

    async def _call(self, name: str, *args: Any) -> Any:
        home = self._elsewhere()
        coroutine = getattr(self._layer, name)(*args)
        if home is None:
            return await coroutine
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, home))

    async def new_channel(self) -> str:
        return cast(str, await self._call("new_channel"))

    async def receive(self, channel: str) -> dict[str, Any]:
        return cast("dict[str, Any]", await self._call("receive", channel))

    async def group_add(self, group: str, channel: str) -> None:
        await self._call("group_add", group, channel)

    async def group_discard(self, group: str, channel: str) -> None:
        await self._call("group_discard", group, channel)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise TypeError('group_send needs a dict with a "type" naming the handler, e.g. {"type": "chat.message"}')
        home = self._home_loop()
        if home is None or home.is_closed():
            from otree.conf import settings

            if settings.get("REDIS_URL"):
                from .redis_layer import publish_sync

                await asyncio.to_thread(publish_sync, settings.REDIS_URL, group, message)
                return
        await self._call("group_send", group, message)

    async def close_channel(self, channel: str) -> None:
        await self._call("close_channel", channel)

    async def close(self) -> None:
        await self._layer.close()
