from otree.api import models, BaseConstants, BaseSubsession, BaseGroup, BasePlayer


class Constants(BaseConstants):
    name_in_url = 'liveself'
    players_per_group = 2
    num_rounds = 1


class Subsession(BaseSubsession):
    pass


class Group(BaseGroup):
    highest = models.IntegerField(initial=0)


class Player(BasePlayer):
    def live_bid(self, data):
        if data['amount'] > self.group.highest:
            self.group.highest = data['amount']
        return {0: {'highest': self.group.highest, 'from': self.id_in_group}}
