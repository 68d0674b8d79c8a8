"""The sample projects under tests/projects, copied for a test; a free TCP port on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket

PROJECTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "projects")


def copy_project(name: str, destination) -> str:
    """Copy tests/projects/<name> into `destination` and return the copy's path."""
    target = os.path.join(str(destination), name)
    shutil.copytree(os.path.join(PROJECTS, name), target, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3*"))
    return target


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
