"""Consumers in the style of the Channels tutorial."""

import json

from otree.channels import AsyncJsonWebsocketConsumer, JsonWebsocketConsumer, WebsocketConsumer, async_to_sync

from market import Player


class ChatConsumer(WebsocketConsumer):
    def connect(self):
        self.room_name = self.scope['url_route']['kwargs']['room_name']
        self.room_group_name = 'chat_%s' % self.room_name
        async_to_sync(self.channel_layer.group_add)(self.room_group_name, self.channel_name)
        self.accept()

    def disconnect(self, close_code):
        async_to_sync(self.channel_layer.group_discard)(self.room_group_name, self.channel_name)

    def receive(self, text_data):
        message = json.loads(text_data)['message']
        async_to_sync(self.channel_layer.group_send)(
            self.room_group_name, {'type': 'chat_message', 'message': message})

    def chat_message(self, event):
        self.send(text_data=json.dumps({'message': event['message']}))


class MarketConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.group_name = 'market-' + self.scope['url_route']['kwargs']['session_code']
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self.send_json({'type': 'hello', 'flavour': self.scope['cookies'].get('flavour'),
                              'query': self.scope['query_string'].decode()})

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive_json(self, content):
        await self.channel_layer.group_send(self.group_name, {'type': 'market.echo', 'content': content})

    async def market_echo(self, event):
        await self.send_json({'echo': event['content']})

    async def bid_placed(self, event):
        await self.send_json({'bid': event['bid'], 'participant': event['participant']})


class NotesConsumer(JsonWebsocketConsumer):
    """Writes to a Player from a sync handler: runs in a unit of work, so it is saved."""

    def receive_json(self, content):
        player = Player.filter(id=content['player_id'])[0]
        player.note = content['note']
        self.send_json({'saved': player.note})


class FragileConsumer(AsyncJsonWebsocketConsumer):
    """Raises on "boom": the socket is closed with 1011, the server goes on."""

    async def receive_json(self, content):
        if content == "boom":
            raise RuntimeError("boom")
        await self.send_json({"ok": content})
