from otree.api import Bot, SubmissionMustFail, expect

from . import Choose, Results


class PlayerBot(Bot):
    def play_round(self):
        yield SubmissionMustFail(Choose, dict(number=99, colour='red', sure=True))
        yield Choose, dict(number=self.player.id_in_group * 2, colour=['red', 'green', 'blue'][self.player.id_in_group - 1],
                           sure=self.player.id_in_group != 2)
        expect(self.group.total, 12)
        yield Results
