"""Chat: the {{ chat }} widget and its /chat WebSocket (oTree's names, defaults and rules).

`{{ chat }}` (or `{% chat %}`) joins the channel of the player's group; `channel=` names
another one (ASCII letters, digits, `_` and `-`), which is prefixed with the session id and
the app's name_in_url, so channels never cross sessions or apps. The default nickname is
"Participant <id_in_group>". The channel, the participant id and the nickname reach the
browser signed, so a participant cannot post to another channel or under another name.

Messages are rows of otree_chatmessage: a connecting socket is sent the channel's history
first, whichever worker it is on, and the chat export lists them. Participants' text is
always inserted into the page as text (never as HTML).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

from itsdangerous import BadSignature, Signer
from markupsafe import Markup
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from otree.channels.consumer import AsyncJsonWebsocketConsumer
from otree.conf import settings
from otree.db.live_tables import ChatMessage
from otree.db.uow import unit_of_work
from otree.templating.errors import TemplateError

CHANNEL_PATTERN = re.compile(r"^[a-zA-Z0-9_-]+$")
MAX_BODY_LENGTH = 10_000  # characters; longer messages are cut, not refused


def _signer() -> Signer:
    # The same key as the admin cookie's (otree.web.auth.secret), read from the settings here:
    # the template engine imports this module, and the login page imports the engine.
    key = f"{settings.SECRET_KEY or ''}{settings.ADMIN_PASSWORD or ''}"
    return Signer(key or "otree-asgi", salt="otree.chat")


def sign(value: str) -> str:
    return _signer().sign(value).decode()


def unsign(value: str) -> str:
    return _signer().unsign(value.encode()).decode()


def chat_group(channel: str) -> str:
    return f"otreechat-{channel}"


# -- the widget ----------------------------------------------------------------------------


def chat_html(context, channel: Any = None, nickname: Any = None) -> Markup:
    """The HTML of {{ chat }} on a participant page."""
    player, participant, session = context.get("player"), context.get("participant"), context.get("session")
    page = context.get("page")
    if player is None or participant is None or session is None or page is None:
        raise TemplateError("{{ chat }} can only be used on a participant's page")
    channel = str(player.group.id if channel is None else channel)
    if not CHANNEL_PATTERN.match(channel):
        raise TemplateError(
            f"chat: 'channel' can only contain ASCII letters, numbers, underscores and hyphens; got {channel!r}"
        )
    full_channel = f"{session.id}-{page._app.name_in_url}-{channel}"
    nickname = f"Participant {player.id_in_group}" if nickname is None else str(nickname)
    settings_for_js = dict(
        channel=full_channel,
        socket_path="/chat?" + urlencode(dict(channel=sign(full_channel), participant_id=sign(str(participant.id)))),
        participant_id=participant.id,
        nickname=nickname,
        nickname_signed=sign(nickname),
        nickname_i_see_for_myself=f"{nickname} (Me)",
    )
    return Markup(
        '<div class="otree-chat" id="_js-otree-chat-{id}" data-otree-chat="{vars}">'
        '<div class="otree-chat__messages" aria-live="polite"></div>'
        '<div class="otree-chat__form">'
        '<input type="text" class="otree-chat__input form-control" maxlength="{max}" aria-label="Chat message">'
        '<button type="button" class="otree-chat__btn-send btn btn-secondary">Send</button>'
        '</div></div>'
        '<script src="/static/otree/js/chat.js" defer></script>'
    ).format(id=full_channel, vars=json.dumps(settings_for_js), max=MAX_BODY_LENGTH)


# -- the socket ----------------------------------------------------------------------------


def history(channel: str) -> tuple[list[dict], int]:
    """The channel's messages in order, and the id of the newest (0 if none)."""
    with unit_of_work(readonly=True) as db:
        rows = db.execute(select(ChatMessage.id, ChatMessage.nickname, ChatMessage.body, ChatMessage.participant_id)
                          .where(ChatMessage.channel == channel).order_by(ChatMessage.id)).all()
    messages = [dict(nickname=row[1], body=row[2], participant_id=row[3]) for row in rows]
    return messages, (rows[-1][0] if rows else 0)


def store(channel: str, participant_id: int, nickname: str, body: str) -> int:
    with unit_of_work() as db:
        message = ChatMessage(channel=channel, participant_id=participant_id, nickname=nickname, body=body)
        db.add(message)
        db.flush()
        return message.id


class ChatConsumer(AsyncJsonWebsocketConsumer):
    """`/chat?channel=<signed>&participant_id=<signed>`: history on connect, then new messages."""

    async def connect(self) -> None:
        await self.accept()
        try:
            self.channel = unsign(self.query["channel"])
            self.participant_id = int(unsign(self.query["participant_id"]))
        except (KeyError, ValueError, BadSignature):
            await self.send_json({"error": "Invalid chat parameters"})
            await self.close(1008)
            return
        await self.group_add(chat_group(self.channel))  # before reading history: nothing falls in between
        messages, self._history_up_to = await run_in_threadpool(history, self.channel)
        await self.send_json(messages)

    async def receive_json(self, content) -> None:
        if not isinstance(content, dict):
            return
        body = content.get("body")
        try:
            nickname = unsign(str(content.get("nickname_signed", "")))
        except BadSignature:
            return  # a forged nickname: drop the message
        if not isinstance(body, str) or not body.strip():
            return
        body = body[:MAX_BODY_LENGTH]
        message_id = await run_in_threadpool(store, self.channel, self.participant_id, nickname, body)
        await self.channel_layer.group_send(chat_group(self.channel), {
            "type": "chat.messages", "id": message_id,
            "messages": [dict(nickname=nickname, body=body, participant_id=self.participant_id)],
        })

    async def chat_messages(self, message: dict) -> None:
        if message["id"] <= self._history_up_to:
            return  # already in the history this socket was sent
        await self.send_json(message["messages"])
