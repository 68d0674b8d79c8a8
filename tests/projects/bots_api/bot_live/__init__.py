from otree.api import *

doc = """Live pages: every message becomes a Message row; tests.py drives them with call_live_method."""


class C(BaseConstants):
    NAME_IN_URL = 'bot_live'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 2


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class Message(ExtraModel):
    group = models.Link(Group)
    sender = models.IntegerField()
    text = models.StringField()
    page = models.StringField()


def live_chat(player: Player, data):
    Message.create(group=player.group, sender=player.id_in_group, text=data['text'], page='Chat')
    count = len(Message.filter(group=player.group))
    if data.get('to_all'):
        return {0: dict(text=data['text'], count=count)}
    return {player.id_in_group: dict(echo=data['text'], count=count)}


async def live_stream(player: Player, data):
    # an oTree 6 async generator live method: several replies
    Message.create(group=player.group, sender=player.id_in_group, text=data['text'], page='Stream')
    for other in player.get_others_in_group():
        yield {other.id_in_group: dict(heard=data['text'])}


def live_solo(player: Player, data):
    Message.create(group=player.group, sender=player.id_in_group, text=data['text'], page='Solo')
    return {player.id_in_group: 'noted'}


class Chat(Page):
    live_method = live_chat


class Stream(Page):
    live_method = live_stream


class Solo(Page):
    # a live page only player 1 sees
    live_method = live_solo

    @staticmethod
    def is_displayed(player: Player):
        return player.id_in_group == 1


class Done(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(messages=Message.filter(group=player.group))


page_sequence = [Chat, Stream, Solo, Done]
