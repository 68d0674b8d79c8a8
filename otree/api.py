"""The public API of oTree apps: `from otree.api import *`."""

from otree import models, widgets
from otree.constants import BaseConstants
from otree.currency import Currency, DecimalUnit, RealWorldCurrency, c, cu, currency_range
from otree.db.models import BaseGroup, BasePlayer, BaseSubsession, ExtraModel
from otree.db.uow import unit_of_work as unit_of_work  # for scripts and threads (not exported by import *)
from otree.pages import Page, WaitPage
from otree.bots import Bot, Submission, SubmissionMustFail, expect
from otree.utils import read_csv, safe_json, url_of_static_file

fields = models

__all__ = [
    "BaseConstants", "BaseSubsession", "BaseGroup", "BasePlayer", "ExtraModel", "Page", "WaitPage",
    "models", "fields", "widgets", "Currency", "cu", "c", "RealWorldCurrency", "currency_range", "DecimalUnit",
    "read_csv", "safe_json", "url_of_static_file", "Bot", "Submission", "SubmissionMustFail", "expect",
]
