"""Page and WaitPage: what an app's page_sequence is made of.

This module holds the class-level API that apps declare; the request lifecycle that
drives them is built on top of it by the web layer.
"""

from __future__ import annotations


class BasePage:
    """Common base of Page and WaitPage."""

    template_name: str | None = None
    timeout_seconds = None
    timer_text = None
    live_method = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)


class Page(BasePage):
    form_model = None
    form_fields: list[str] = []
    allow_back_button = False
    preserve_unsubmitted_inputs = False
    use_blank_layout = False
    timeout_submission = None


class WaitPage(BasePage):
    after_all_players_arrive = None
    wait_for_all_groups = False
    group_by_arrival_time = False
    title_text = "Please wait"
    body_text = "Waiting for the other participant(s)."


def is_page_class(obj) -> bool:
    return isinstance(obj, type) and issubclass(obj, BasePage) and obj not in (BasePage, Page, WaitPage)
