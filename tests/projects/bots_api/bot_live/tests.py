from otree.api import *
from . import *


def call_live_method(method, case, round_number, page_class, group, **kwargs):
    """Called once per group and live page, when the whole group is on that page."""
    expect(case, 'in', ['greet', 'shout'])
    expect(round_number, group.round_number)
    expect([p.id_in_group for p in group.get_players()], [1, 2])
    text = '%s r%s' % (case, round_number)
    if page_class == Chat:
        # a reply to the sender only: {id_in_group: ...}
        reply = method(1, dict(text=text))
        expect(reply, {1: dict(echo=text, count=1)})
        # a reply to everyone: {0: ...}
        reply = method(2, dict(text=text + '!', to_all=True))
        expect(reply, {0: dict(text=text + '!', count=2)})
    elif page_class == Stream:
        reply = method(2, dict(text='stream ' + text))
        expect(reply, {1: dict(heard='stream ' + text)})
    else:
        # Solo: player 2 skips it, so only player 1 is on it
        expect(page_class, Solo)
        expect(method(1, dict(text='solo ' + text)), {1: 'noted'})


class PlayerBot(Bot):
    cases = ['greet', 'shout']

    def play_round(self):
        yield Chat
        # call_live_method ran before anyone submitted Chat
        texts = [m.text for m in Message.filter(group=self.group, page='Chat')]
        expect(len(texts), 2)
        yield Stream
        expect(len(Message.filter(group=self.group, page='Stream')), 1)
        if self.player.id_in_group == 1:
            yield Solo
            expect(len(Message.filter(group=self.group, page='Solo')), 1)
        yield Done
