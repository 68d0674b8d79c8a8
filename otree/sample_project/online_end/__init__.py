from otree.api import *

doc = "The end of the online study: payment, a word for those who waited in vain, and (with Prolific) the way back."


class C(BaseConstants):
    NAME_IN_URL = 'online_end'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1
    WAITING_BONUS = cu(50)


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    pass


class Player(BasePlayer):
    pass


class End(Page):
    @staticmethod
    def vars_for_template(player: Player):
        participant = player.participant
        if participant.left_wait_page and not participant.vars.get('waiting_bonus_paid'):
            participant.vars['waiting_bonus_paid'] = True
            player.payoff += C.WAITING_BONUS  # paid for the time spent waiting
        return dict(prolific=bool(participant.vars.get('prolific_pid')))


page_sequence = [End]
