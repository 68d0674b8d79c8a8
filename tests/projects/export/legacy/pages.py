from ._builtin import Page, WaitPage
from .models import Constants


class Rate(Page):
    form_model = 'player'
    form_fields = ['rating']


page_sequence = [Rate]
