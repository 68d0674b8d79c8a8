# Don't change anything in this file.
# oTree 3 generated this package for each app, to give pages type hints for the app's models.
from .. import models
import otree.api


class Page(otree.api.Page):
    subsession: models.Subsession
    group: models.Group
    player: models.Player


class WaitPage(otree.api.WaitPage):
    subsession: models.Subsession
    group: models.Group
    player: models.Player


# oTree 3 also defined `class Bot(otree.api.Bot)` here; it is left out because
# otree.api.Bot is not available yet in otree-asgi.
