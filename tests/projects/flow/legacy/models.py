from otree.api import (
    models,
    widgets,
    BaseConstants,
    BaseSubsession,
    BaseGroup,
    BasePlayer,
    Currency as c,
    currency_range,
)

doc = """
A self-format (oTree 3) app in an otherwise no-self project: every page hook as a method on self.
"""


class Constants(BaseConstants):
    name_in_url = 'legacy'
    players_per_group = 2
    num_rounds = 1
    bonus = c(5)


class Subsession(BaseSubsession):
    def creating_session(self):
        for p in self.get_players():
            p.participant.vars['legacy_created'] = True


class Group(BaseGroup):
    sum_guess = models.IntegerField()
    # How often SumWait.after_all_players_arrive ran for this group (it must run exactly once).
    arrive_runs = models.IntegerField(initial=0)


class Player(BasePlayer):
    guess = models.IntegerField(verbose_name='Your guess')
    confirm = models.BooleanField(verbose_name='Are you sure?')

    def guess_max(self):
        return 10 * self.id_in_group

    def guess_error_message(self, value):
        if value == 7:
            return 'Not seven'
