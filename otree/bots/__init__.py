"""Bots: `class PlayerBot(Bot)` in an app's tests.py, and the `otree test` runner.

Bots play through the real web app (the same routes, forms, validation and wait pages
as browsers), so a passing bot run means the experiment works as participants see it.
"""

from .api import Bot, BotError, ExpectError, Submission, SubmissionMustFail, expect

__all__ = ["Bot", "Submission", "SubmissionMustFail", "expect", "ExpectError", "BotError"]
