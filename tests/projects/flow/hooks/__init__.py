from otree.api import *

doc = """Two players, two rounds: every Page / WaitPage hook of the no-self format."""


class C(BaseConstants):
    NAME_IN_URL = 'hooks'
    PLAYERS_PER_GROUP = 2
    NUM_ROUNDS = 2
    GREETING = 'Hello player'


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    plan = models.StringField(choices=[['share', 'Share it'], ['keep', 'Keep it']], label='Group plan')
    total = models.IntegerField()
    aapa_runs = models.IntegerField(initial=0)


class Player(BasePlayer):
    number = models.IntegerField(label='Pick a number')
    animal = models.StringField(label='Pick an animal')
    word = models.StringField(label='A lowercase word')
    low = models.IntegerField(label='Low')
    high = models.IntegerField(label='High')


class Log(ExtraModel):
    """One row per before_next_page call."""
    player = models.Link(Player)
    page = models.StringField()
    round = models.IntegerField()
    timeout_happened = models.BooleanField()


def _count(player, key):
    vars = player.participant.vars
    vars[key] = vars.get(key, 0) + 1


# -- field hooks of Player (module functions in the no-self format) --

def number_min(player):
    return player.id_in_group * 10


def number_max(player):
    return player.id_in_group * 10 + 5


def animal_choices(player):
    if player.round_number == 1:
        return ['cat', 'dog']
    return [['emu', 'Emu'], ['yak', 'Yak']]


def word_error_message(player, value):
    if value != value.lower():
        return 'Use lowercase letters only'


def set_results(group):
    players = group.get_players()
    group.total = sum(p.number for p in players)
    group.aapa_runs += 1
    for p in players:
        p.payoff = group.total


# -- pages --

class Welcome(Page):
    @staticmethod
    def is_displayed(player):
        return player.round_number == 1

    @staticmethod
    def vars_for_template(player):
        return dict(greeting=f'{C.GREETING} {player.id_in_group}', magic_number=4242)

    @staticmethod
    def js_vars(player):
        return dict(id_in_group=player.id_in_group, items=[1, 2, 'three'], nested=dict(ok=True), html='</script><b>')

    @staticmethod
    def before_next_page(player, timeout_happened):
        _count(player, 'welcome_calls')
        player.participant.vars['welcome_timeout'] = timeout_happened
        Log.create(player=player, page='Welcome', round=player.round_number,
                   timeout_happened=timeout_happened)


class Never(Page):
    """Never shown: rendering it would fail (no template, and vars_for_template raises)."""

    @staticmethod
    def is_displayed(player):
        return False

    @staticmethod
    def vars_for_template(player):
        raise AssertionError('Never.vars_for_template must not run')

    @staticmethod
    def before_next_page(player, timeout_happened):
        raise AssertionError('Never.before_next_page must not run')


class Answer(Page):
    form_model = 'player'
    form_fields = ['number', 'animal', 'word', 'low', 'high']

    @staticmethod
    def error_message(player, values):
        player.participant.vars['error_message_values'] = sorted(values)
        if values['low'] > values['high']:
            return 'Low must not exceed high'
        if values['low'] == values['high']:
            return dict(high='Must differ from low', low='Must differ from high')

    @staticmethod
    def before_next_page(player, timeout_happened):
        _count(player, 'answer_calls')
        Log.create(player=player, page='Answer', round=player.round_number,
                   timeout_happened=timeout_happened)


class Sync(WaitPage):
    """Only player 2 sees this wait page; player 1 skipping it must not block player 2."""

    @staticmethod
    def is_displayed(player):
        return player.id_in_group == 2


class Decide(Page):
    form_model = 'group'
    form_fields = ['plan']

    @staticmethod
    def is_displayed(player):
        return player.id_in_group == 1


class ResultsWait(WaitPage):
    after_all_players_arrive = set_results
    body_text = 'Waiting for your partner to finish.'


class Results(Page):
    template_name = 'hooks/Outcome.html'

    @staticmethod
    def vars_for_template(player):
        partner = player.get_others_in_group()[0]
        return dict(partner_number=partner.number)

    @staticmethod
    def app_after_this_page(player, upcoming_apps):
        player.participant.vars['upcoming_apps'] = upcoming_apps
        if player.round_number == C.NUM_ROUNDS and player.participant.label == 'jumper':
            return 'last'


page_sequence = [Welcome, Never, Answer, Sync, Decide, ResultsWait, Results]
