from otree.api import *
from . import *


class PlayerBot(Bot):
    def play_round(self):
        # only participant 1 says it is ready
        yield Ready, dict(ready=self.participant.id_in_session == 1)
