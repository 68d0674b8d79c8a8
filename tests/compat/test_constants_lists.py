"""List and dict constants behave as the list or dict the user wrote; lists refuse in-place changes."""

from __future__ import annotations

import json
import random

import pytest

from otree.api import BaseConstants


class C(BaseConstants):
    NAME_IN_URL = 'tasks'
    PLAYERS_PER_GROUP = None
    NUM_ROUNDS = 1
    TASKS = ['count', 'slider']
    PRICES = dict(low=1, high=3)
    PAIRS = [[1, 'One'], [2, 'Two']]


def test_list_constants_are_lists():
    assert ['intro'] + C.TASKS == ['intro', 'count', 'slider']
    assert C.TASKS + ['outro'] == ['count', 'slider', 'outro']
    assert isinstance(C.TASKS, list) and C.TASKS == ['count', 'slider']
    assert json.dumps(C.TASKS) == '["count", "slider"]'
    assert C.TASKS * 2 == ['count', 'slider', 'count', 'slider']
    assert sorted(C.TASKS, reverse=True) == ['slider', 'count']
    assert C.TASKS.index('slider') == 1 and 'count' in C.TASKS and len(C.TASKS) == 2
    assert [label for _, label in C.PAIRS] == ['One', 'Two']


def test_copies_can_be_changed():
    tasks = C.TASKS.copy()
    random.shuffle(tasks)
    tasks.append('extra')
    assert sorted(tasks) == ['count', 'extra', 'slider']
    part = C.TASKS[:]
    part.append('x')
    assert C.TASKS == ['count', 'slider']


@pytest.mark.parametrize("change", [
    lambda x: x.append('x'), lambda x: x.extend(['x']), lambda x: x.insert(0, 'x'), lambda x: x.pop(),
    lambda x: x.remove('count'), lambda x: x.clear(), lambda x: x.sort(), lambda x: x.reverse(),
    lambda x: x.__setitem__(0, 'x'), lambda x: x.__delitem__(0), lambda x: random.shuffle(x),
])
def test_the_constant_itself_cannot_change(change):
    with pytest.raises(TypeError, match=r"C\.ITEMS\.copy\(\)"):
        change(C.TASKS)
    assert C.TASKS == ['count', 'slider']


def test_augmented_assignment_on_a_name_is_refused_too():
    tasks = C.TASKS
    with pytest.raises(TypeError):
        tasks += ['x']
    assert C.TASKS == ['count', 'slider']


def test_dict_constants_are_the_dict_written():
    assert type(C.PRICES) is dict
    assert {**C.PRICES, 'mid': 2} == dict(low=1, high=3, mid=2)
    assert C.PRICES | {'low': 0} == dict(low=0, high=3)
