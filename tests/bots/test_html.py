"""The bots' HTML check: only real form controls of the page count, not text that looks like one."""

from __future__ import annotations

import pytest

from otree.bots.api import BotError
from otree.bots.html import check_html

PAGE = """<!doctype html><html><head><style>input[name="styled"] > b {}</style></head><body>
<form method="post">
  <input type="number" name="guess" value="a>b" data-note='x > y'>
  <SELECT name="colour"><option>red</option></SELECT>
  <textarea name="comment">free text</textarea>
  <!-- <input name="commented_out"> -->
  <script>document.write('<input name="from_script">');</script>
  <button class="otree-btn-next btn">Next</button>
</form></body></html>"""


def test_the_fields_of_the_form_are_found_whatever_their_attributes():
    check_html(PAGE, ["guess", "colour", "comment"], page="Guess")


@pytest.mark.parametrize("name", ["commented_out", "from_script", "styled"])
def test_a_name_in_a_comment_script_or_style_is_not_a_field(name):
    with pytest.raises(BotError, match=repr(name)):
        check_html(PAGE, ["guess", name], page="Guess")


def test_a_page_without_a_submit_button_is_reported():
    without_button = PAGE.replace('<button class="otree-btn-next btn">Next</button>', "")
    with pytest.raises(BotError, match="no submit button"):
        check_html(without_button, ["guess"], page="Guess")
    check_html(without_button.replace("</form>", '<input type="submit" value="Go"></form>'), ["guess"], page="Guess")
