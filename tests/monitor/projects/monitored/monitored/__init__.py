from otree.api import *

doc = """Pairs through a group wait page and a wait page for everyone: the session monitor's test app."""


class C(BaseConstants):
    NAME_IN_URL = 'monitored'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total = models.IntegerField()


class Player(BasePlayer):
    answer = models.IntegerField(min=0, max=10, label="Your answer")
    agree = models.BooleanField(label="Do you agree?")
    note = models.StringField(label="A note")
    timed_out = models.BooleanField(initial=False)


def add_up(group: Group):
    group.total = sum(p.answer for p in group.get_players())


class Intro(Page):
    form_model = 'player'
    form_fields = ['answer', 'agree', 'note']
    timeout_submission = {'note': 'from the admin'}

    @staticmethod
    def before_next_page(player: Player, timeout_happened):
        player.timed_out = timeout_happened
        player.participant.status = 'advanced' if timeout_happened else 'answered'


class Pair(WaitPage):
    after_all_players_arrive = add_up


class Middle(Page):
    pass


class Everyone(WaitPage):
    wait_for_all_groups = True


class End(Page):
    pass


page_sequence = [Intro, Pair, Middle, Everyone, End]
