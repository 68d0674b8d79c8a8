import asyncio

from otree.api import *

doc = "Live pages of every kind, for the /live and /chat socket tests."


class C(BaseConstants):
    NAME_IN_URL = 'livegame'
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total = models.IntegerField(initial=0)


class Player(BasePlayer):
    bids = models.IntegerField(initial=0)


class Bid(ExtraModel):
    group = models.Link(Group)
    player = models.Link(Player)
    amount = models.IntegerField()


def board_live(player: Player, data):
    kind = data.get('kind')
    if kind == 'bid':
        group = player.group
        # read-modify-write: loses updates unless the group's messages run one at a time
        group.total = group.total + data['amount']
        player.bids += 1
        Bid.create(group=group, player=player, amount=data['amount'])
        return {0: {'total': group.total, 'by': player.id_in_group}}
    if kind == 'whisper':
        return {data['to']: {'from': player.id_in_group, 'text': data['text']}}
    if kind == 'boom':
        raise ValueError('live_method failed on purpose')
    if kind == 'bad':
        return [1, 2]
    return None


class Board(Page):
    live_method = board_live


class Stream(Page):
    @staticmethod
    async def live_method(player: Player, data):
        for i in range(3):
            await asyncio.sleep(data.get('delay', 0.4))
            yield {player.id_in_group: {'step': i, 'of': data.get('label')}}


class LiveWait(WaitPage):
    @staticmethod
    def live_method(player: Player, data):
        return {player.id_in_group: {'waiting': True, 'echo': data}}


class Stateful(Page):
    @staticmethod
    def live_method(player: Player, data):
        player.group.total += data['amount']
        return {0: {'total': player.group.total}}

    @staticmethod
    def live_state(player: Player):
        return {'total': player.group.total, 'state': True}


class Chat(Page):
    pass


page_sequence = [Board, Stream, LiveWait, Stateful, Chat]
