"""settings.ROOMS is checked when rooms are first used; mistakes get errors that name settings.py."""

from __future__ import annotations

import os

import pytest

from otree import rooms
from otree.errors import ConfigError
from tests.support.rooms import LABELS, make_rooms_project


@pytest.fixture
def with_rooms(tmp_path):
    """Returns a function loading the rooms project with ROOMS replaced by the given source text."""
    from otree.project import load_project

    def load(rooms_source: str):
        path = make_rooms_project(tmp_path / f"p{len(os.listdir(tmp_path))}")
        settings_path = os.path.join(path, "settings.py")
        with open(settings_path) as f:
            text = f.read()
        text = text[: text.index("\nROOMS = [")] + "\n" + rooms_source + "\n"
        with open(settings_path, "w") as f:
            f.write(text)
        load_project(path, init_db=False)
        return path

    return load


def error_of(with_rooms, source: str) -> str:
    with_rooms(source)
    with pytest.raises(ConfigError) as info:
        rooms.get_rooms()
    return str(info.value)


def test_valid_rooms(with_rooms):
    path = with_rooms("ROOMS = [dict(name='lab', participant_label_file='_rooms/lab.txt'), dict(name='b_2')]")
    found = rooms.get_rooms()
    assert list(found) == ["lab", "b_2"]
    lab = found["lab"]
    assert lab.display_name == "lab"  # defaults to the name
    assert lab.participant_label_file == os.path.join(path, "_rooms", "lab.txt")
    assert lab.get_participant_labels() == LABELS
    assert not found["b_2"].has_participant_labels
    assert rooms.get_room("b_2").url("http://x") == "http://x/room/b_2"


def test_no_rooms(with_rooms):
    with_rooms("")
    assert rooms.get_rooms() == {}
    with pytest.raises(KeyError) as info:
        rooms.get_room("lab")
    assert str(info.value) == "There is no room named 'lab' in settings.ROOMS (known rooms: none)"


def test_label_file_changes_are_seen(with_rooms):
    path = with_rooms("ROOMS = [dict(name='lab', participant_label_file='_rooms/lab.txt')]")
    room = rooms.get_room("lab")
    assert not room.has_label("Dora")
    label_file = os.path.join(path, "_rooms", "lab.txt")
    with open(label_file, "a") as f:
        f.write("Dora\n")
    os.utime(label_file, (1, 1))  # a different mtime, whatever the clock's resolution
    assert room.has_label("Dora")


@pytest.mark.parametrize("source, expected", [
    ("ROOMS = dict(name='lab')", "ROOMS must be a list of dicts"),
    ("ROOMS = ['lab']", "Each entry of ROOMS must be a dict"),
    ("ROOMS = [dict(display_name='No name')]", "The room name None in ROOMS is invalid"),
    ("ROOMS = [dict(name='econ 101')]", "The room name 'econ 101' in ROOMS is invalid"),
    ("ROOMS = [dict(name='lab'), dict(name='lab')]", "Two rooms in ROOMS are named 'lab'"),
    ("ROOMS = [dict(name='lab', participant_label_file='_rooms/missing.txt')]",
     "the participant_label_file '_rooms/missing.txt' does not exist"),
    ("ROOMS = [dict(name='lab', use_secure_urls=True)]", "use_secure_urls=True but no participant_label_file"),
    ("ROOMS = [dict(name='lab', participant_labels_file='_rooms/lab.txt')]",
     "unknown key 'participant_labels_file'"),
])
def test_room_config_errors(with_rooms, source, expected):
    message = error_of(with_rooms, source)
    assert expected in message
    assert "settings.py" in message


def test_error_points_at_the_line(with_rooms):
    message = error_of(with_rooms, "ROOMS = [\n    dict(name='ok'),\n    dict(name='bad name'),\n]")
    assert "settings.py, line" in message and "Fix:" in message
