"""Field arguments oTree ignores (e.g. `required=True`) load with a warning instead of failing."""

from __future__ import annotations

import pytest

from otree.api import models
from otree.errors import ConfigWarning


def test_unknown_field_arguments_warn_and_are_ignored():
    with pytest.warns(ConfigWarning, match=r"StringField\(\) does not use the argument required; it has no effect"):
        field = models.StringField(required=True, label="IBAN:")  # the warning points at this line
    assert field.label == "IBAN:" and field.blank is False


def test_the_warning_names_the_file_and_line_of_the_field():
    with pytest.warns(ConfigWarning) as caught:
        models.IntegerField(placeholder="1-10", requried=True)
    warning = caught.pop(ConfigWarning)
    assert warning.filename.endswith("test_field_arguments.py")
    assert "placeholder, requried" in str(warning.message)
    with open(__file__) as f:
        assert 'models.IntegerField(placeholder="1-10", requried=True)' in f.read().splitlines()[warning.lineno - 1]
