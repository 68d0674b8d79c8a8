from otree.api import *

doc = """
A public goods game for online studies. Groups of 3 are formed by arrival time among those who
consent; whoever has waited longer than the maximum wait (or cannot be grouped any more,
because everyone else has arrived) may leave, and is paid for waiting. A participant who
lets the timed contribution page expire with the browser closed is a dropout: they
contribute nothing from then on, their pages are submitted at once, and the others never
wait for them. With Prolific, the study's links carry PROLIFIC_PID, STUDY_ID and SESSION_ID,
and the end of the study returns participants to Prolific with the completion code.
"""


class C(BaseConstants):
    NAME_IN_URL = 'public_goods_online'
    PLAYERS_PER_GROUP = 3
    NUM_ROUNDS = 1
    ENDOWMENT = cu(100)
    MULTIPLIER = 1.8
    CONTRIBUTE_SECONDS = 60


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    total_contribution = models.CurrencyField()
    individual_share = models.CurrencyField()


class Player(BasePlayer):
    consent = models.BooleanField(label="Do you agree to take part in this study?", widget=widgets.RadioSelectHorizontal)
    contribution = models.CurrencyField(
        min=0, max=C.ENDOWMENT, label="How much will you contribute to the group project?"
    )


# A dropout contributes nothing (a timeout of someone still there keeps its defaults too).
dropout_submission = dict(contribution=0)


def on_dropout(player: Player):
    """Called once, when the player is marked as a dropout: note it for the payment page."""
    player.participant.vars['dropped_out_in'] = 'the contribution page'


def set_payoffs(group: Group):
    players = group.get_players()
    group.total_contribution = sum(p.contribution for p in players)
    group.individual_share = group.total_contribution * C.MULTIPLIER / C.PLAYERS_PER_GROUP
    for p in players:
        p.payoff = C.ENDOWMENT - p.contribution + group.individual_share


def max_wait(player: Player):
    return player.session.config.get('max_wait_seconds', 300)


# PAGES
class Consent(Page):
    form_model = 'player'
    form_fields = ['consent']

    @staticmethod
    def app_after_this_page(player: Player, upcoming_apps):
        if not player.consent:
            return 'online_end'


class Lobby(WaitPage):
    group_by_arrival_time = True
    title_text = "Finding your group"
    body_text = "The game starts as soon as three participants are here. Please keep this window open."

    get_max_wait_seconds = staticmethod(max_wait)

    @staticmethod
    def leave_to(player: Player):
        return 'online_end'


class Contribute(Page):
    form_model = 'player'
    form_fields = ['contribution']
    timeout_seconds = C.CONTRIBUTE_SECONDS
    detect_dropout = True


class ResultsWaitPage(WaitPage):
    after_all_players_arrive = set_payoffs
    body_text = "Waiting for the other members of your group."

    get_max_wait_seconds = staticmethod(max_wait)

    @staticmethod
    def leave_to(player: Player):
        return 'online_end'


class Results(Page):
    @staticmethod
    def vars_for_template(player: Player):
        return dict(dropouts=[p for p in player.get_others_in_group() if p.participant.is_dropout])


page_sequence = [Consent, Lobby, Contribute, ResultsWaitPage, Results]
