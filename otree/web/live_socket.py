"""The /live WebSocket of live pages: liveSend from the browser, replies to liveRecv.

URL and messages are oTree's: `/live?participant_code=&page_name=&page_index=&session_code=`,
the browser sends JSON, and receives `{"otree_success": true, "live_method_payload": ...}`
(`false` and a null payload when live_method raised). Two additions, both optional for
clients: every reply carries `otree_id`, and the socket URL may carry `otree_since=<id>`
(the last reply received) and `otree_reconnect=1`, so that a reconnecting page is sent
exactly the replies it missed.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from otree import live, live_replies
from otree.channels.consumer import AsyncJsonWebsocketConsumer


def _int(value, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        q = self.query
        self.code, self.page_name = q.get("participant_code", ""), q.get("page_name", "")
        self.page_index, self.session_code = _int(q.get("page_index")), q.get("session_code", "")
        await self.accept()
        if not (self.code and self.page_name and self.session_code) or self.page_index is None:
            await self.send_json({"otree_success": False, "live_method_payload": None,
                                  "otree_error": "Invalid live page parameters"})
            await self.close(1008)
            return
        # Join first, then read the database: a reply committed in between arrives through the
        # channel layer and is recognised by its id, so nothing falls into the gap.
        await self.group_add(live.live_group(self.session_code, self.page_index, self.code))
        since = _int(q.get("otree_since"), 0) or 0
        greeting = await run_in_threadpool(
            live_replies.greet, self.code, self.page_name, self.page_index, since, q.get("otree_reconnect") == "1")
        self._covered_up_to = greeting.covered_up_to if greeting else 0
        self._streaming = bool(greeting and greeting.streaming)
        self._replayed: set[int] = set()
        for reply_id, payload_json in (greeting.messages if greeting else []):
            if reply_id is not None:
                self._replayed.add(reply_id)
            await self.websocket.send_text(live_replies.envelope(reply_id, payload_json))
        if greeting is not None and greeting.error is not None:
            await self.websocket.send_text(live_replies.error_envelope(greeting.error))

    async def receive_json(self, content) -> None:
        run = live_replies.stream_message if self._streaming else live_replies.handle_message
        outcome = await run_in_threadpool(run, self.code, self.page_name, self.page_index, content)
        if outcome.error is not None:
            await self.websocket.send_text(live_replies.error_envelope(outcome.error))

    async def live_reply(self, message: dict) -> None:
        reply_id = message["id"]
        if reply_id <= self._covered_up_to or reply_id in self._replayed:
            return  # already part of what this socket was sent on connecting
        await self.websocket.send_text(live_replies.envelope(reply_id, message["payload"]))
