"""Participant WebSockets: wait pages and auto-advance (oTree's protocol).

A socket first joins its channel-layer group and only then checks the database, so a
wake-up sent between the page load and the socket connecting is never lost.
"""

from __future__ import annotations

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.routing import WebSocketRoute

from otree import waitpages
from otree.channels.consumer import AsyncJsonWebsocketConsumer
from otree.db.core import Participant
from otree.db.uow import unit_of_work
from otree.dropouts import counts_sockets, socket_connected
from otree.flow import auto_advance_channel, find_participant
from otree.monitor import set_waitpage_presence
from otree.waitpages import WaitPageKind, is_complete

from .limits import query_int


class _WaitPageConsumer(AsyncJsonWebsocketConsumer):
    """The socket of one kind of wait page (otree.waitpages.KINDS: its channel and completion record)."""

    kind: WaitPageKind = waitpages.GROUP

    def channel(self, session_id: int, page_index: int) -> str:
        return self.kind.channel(session_id, page_index, self.group_id)

    async def connect(self) -> None:
        q = self.query
        session_id, page_index = query_int(q.get("session_pk")), query_int(q.get("page_index"))
        participant_id, self.group_id = query_int(q.get("participant_id")), query_int(q.get("group_id"))
        if session_id is None or page_index is None or participant_id is None:
            await self.accept()
            await self.send_json({"error": "Invalid wait page parameters"})
            await self.close(1008)
            return
        await self.accept()
        await self.group_add(self.channel(session_id, page_index))
        if await run_in_threadpool(self._already_done, session_id, page_index, participant_id):
            await self.send_json({"status": "ready"})
        else:
            # Presence for the session monitor (cleared again in disconnect).
            self._presence = (participant_id, page_index)
            await run_in_threadpool(set_waitpage_presence, participant_id, page_index, True)

    async def disconnect(self, code: int) -> None:
        presence = getattr(self, "_presence", None)
        if presence is not None:
            await run_in_threadpool(set_waitpage_presence, *presence, False)

    def _already_done(self, session_id: int, page_index: int, participant_id: int) -> bool:
        with unit_of_work(readonly=True) as db:
            position = db.scalar(select(Participant._index_in_pages).where(Participant.id == participant_id))
            if position is None or position != page_index:
                return True  # moved on already (or unknown): reloading shows where they belong
            if self.kind is waitpages.GBAT:
                return False  # a group is formed from whoever waits: never complete before they arrive
            return is_complete(session_id, page_index, self.group_id, self.kind.name)

    async def wait_page_ready(self, message: dict) -> None:
        await self.send_json({"status": "ready"})

    async def receive_json(self, content) -> None:
        # {"tab_hidden": true|false} from the page: presence only, nothing to do here yet.
        return None


class GroupWaitPageConsumer(_WaitPageConsumer):
    kind = waitpages.GROUP


class SubsessionWaitPageConsumer(_WaitPageConsumer):
    kind = waitpages.SUBSESSION


class GBATWaitPageConsumer(_WaitPageConsumer):
    kind = waitpages.GBAT


# The consumer of each kind of wait page, by kind name (otree.waitpages.KINDS).
WAIT_PAGE_CONSUMERS: dict[str, type[_WaitPageConsumer]] = {
    consumer.kind.name: consumer
    for consumer in (GroupWaitPageConsumer, SubsessionWaitPageConsumer, GBATWaitPageConsumer)
}


def wait_page_routes() -> list[WebSocketRoute]:
    """One socket route per kind of wait page, at the path (the kind's socket_path) its pages connect to."""
    return [WebSocketRoute(kind.socket_path, WAIT_PAGE_CONSUMERS[name].as_endpoint())
            for name, kind in waitpages.KINDS.items()]


class AutoAdvanceConsumer(AsyncJsonWebsocketConsumer):
    """Form pages listen here; the admin's 'advance' moves the participant's open page on."""

    async def connect(self) -> None:
        code, page_index = self.query.get("participant_code", ""), query_int(self.query.get("page_index"))
        await self.accept()
        await self.group_add(auto_advance_channel(code))
        found = await run_in_threadpool(self._position, code, page_index)
        if found is None:
            await self.send_json({"error": "Participant not found in database."})
            await self.close()
            return
        position, counted = found
        if counted:
            # The browser is here (dropout detection reads this, from any worker).
            self._counted = (code, page_index)
            await run_in_threadpool(socket_connected, code, page_index, True)
        if page_index is not None and position > page_index:
            await self.send_json({"auto_advanced": True})

    async def disconnect(self, code: int) -> None:
        counted = getattr(self, "_counted", None)
        if counted is not None:
            await run_in_threadpool(socket_connected, *counted, False)

    @staticmethod
    def _position(code: str, page_index: int | None) -> tuple[int, bool] | None:
        """The participant's page index now, and whether this socket is counted; None if unknown."""
        with unit_of_work(readonly=True):
            participant = find_participant(code)
            if participant is None:
                return None
            return participant._index_in_pages, counts_sockets(participant, page_index)

    async def auto_advanced(self, message: dict) -> None:
        await self.send_json({"auto_advanced": True})
