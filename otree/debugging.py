"""What the development error page shows: the traceback of an exception, with the locals of the user's frames.

Locals are captured as text while the unit of work that raised is still open (see
otree.db.uow): after it closes, model instances are expired and detached, and a repr that
reads one of their attributes would raise DetachedInstanceError instead of showing it.
Model instances are described from the state they already have loaded, so capturing
never runs a query (the transaction may be aborted at that point).
"""

from __future__ import annotations

import linecache
import os
import reprlib
import sys
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import NoInspectionAvailable

from otree import state as app_state
from otree.conf import settings
from otree.db.fields import value_key

_ATTRIBUTE = "_otree_frame_locals"
VALUE_PREFIX = value_key("")
_OTREE_DIR = os.path.dirname(os.path.abspath(__file__))
_LIBRARY_DIRS = tuple({os.path.abspath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
CONTEXT_LINES = 5


class _SafeRepr(reprlib.Repr):
    """reprlib with limits, that never lets a repr raise and never loads a model attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.maxstring = 300
        self.maxother = 300
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = 20
        self.maxlevel = 3

    def repr1(self, x: Any, level: int) -> str:
        model = _describe_model(x)
        if model is not None:
            return model
        try:
            return super().repr1(x, level)
        except Exception as exc:  # noqa: BLE001 - a broken __repr__ must not break the error page
            return f"<{type(x).__name__} (repr failed: {type(exc).__name__})>"

    def repr_instance(self, x: Any, level: int) -> str:
        try:
            text = repr(x)
        except Exception as exc:  # noqa: BLE001
            return f"<{type(x).__name__} (repr failed: {type(exc).__name__})>"
        return text if len(text) <= self.maxother else text[: self.maxother - 3] + "..."


def _describe_model(obj: Any) -> str | None:
    """`<Player id=3 id_in_group=1 ...>` from the loaded state only, or None if obj is no mapped instance."""
    if isinstance(obj, type):
        return None
    try:
        state = sa_inspect(obj)
    except NoInspectionAvailable:
        return None
    if not hasattr(state, "mapper"):
        return None
    loaded = state.dict
    shown = []
    for key in (c.key for c in state.mapper.column_attrs):
        # A model field's value lives in "_v_<name>"; foreign keys say little to the reader.
        name = key[len(VALUE_PREFIX):] if key.startswith(VALUE_PREFIX) else key
        if key in loaded and not name.startswith("_") and not name.endswith("_id"):
            shown.append(f"{name}={loaded[key]!r}")
    if not shown:
        identity = state.identity
        shown = [f"id={identity[0]!r}" if identity else "(not loaded)"]
    text = " ".join(shown[:20]) + (" ..." if len(shown) > 20 else "")
    return f"<{type(obj).__name__} {text}>"


safe_repr = _SafeRepr().repr


def is_user_file(filename: str, project_root: str | None) -> bool:
    """A file of the user's project: under its folder, and neither oTree itself nor an installed library."""
    path = os.path.abspath(filename)
    if path.startswith(_OTREE_DIR + os.sep) or "site-packages" in path or "dist-packages" in path:
        return False
    if project_root is None:
        return not path.startswith(_LIBRARY_DIRS)
    return path.startswith(os.path.abspath(project_root) + os.sep)


def _project_root() -> str | None:
    project = app_state.current().project
    return project.root if project is not None else None


def capture_locals(exc: BaseException) -> None:
    """Keep text copies of the locals of the user's frames in exc's traceback (once: the innermost capture wins)."""
    if not settings.DEBUG or not isinstance(exc, Exception):
        return
    captured: dict[int, list[tuple[str, str]]] = getattr(exc, _ATTRIBUTE, None) or {}
    root = _project_root()
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if id(frame) not in captured and is_user_file(frame.f_code.co_filename, root):
            captured[id(frame)] = [(name, safe_repr(value)) for name, value in sorted(frame.f_locals.items())]
        tb = tb.tb_next
    try:
        setattr(exc, _ATTRIBUTE, captured)
    except (AttributeError, TypeError):
        pass  # an exception type with __slots__: the page then shows no locals


@dataclass
class Frame:
    filename: str
    lineno: int
    function: str
    is_user: bool
    lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, text) around lineno
    locals: list[tuple[str, str]] = field(default_factory=list)


def frames_of(exc: BaseException) -> list[Frame]:
    """The frames of exc's traceback, innermost last; source and locals for the user's own frames."""
    capture_locals(exc)  # raised outside a unit of work: nothing is open, capture now
    captured = getattr(exc, _ATTRIBUTE, {}) or {}
    root = _project_root()
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        user = is_user_file(code.co_filename, root)
        context = CONTEXT_LINES if user else 0
        first = max(1, tb.tb_lineno - context)
        total = len(linecache.getlines(code.co_filename))
        lines = [(n, linecache.getline(code.co_filename, n).rstrip("\n"))
                 for n in range(first, min(total, tb.tb_lineno + context) + 1)]
        frames.append(Frame(
            filename=_display_path(code.co_filename, root), lineno=tb.tb_lineno, function=code.co_name,
            is_user=user, lines=lines,
            locals=captured.get(id(tb.tb_frame), []),
        ))
        tb = tb.tb_next
    return frames


def grouped(frames: list[Frame]) -> list[tuple[bool, list[Frame]]]:
    """Runs of consecutive frames: (True, the user's frames) or (False, oTree's and libraries' frames)."""
    groups: list[tuple[bool, list[Frame]]] = []
    for frame in frames:
        if groups and groups[-1][0] == frame.is_user:
            groups[-1][1].append(frame)
        else:
            groups.append((frame.is_user, [frame]))
    return groups


def _display_path(filename: str, root: str | None) -> str:
    if root and os.path.abspath(filename).startswith(os.path.abspath(root) + os.sep):
        return os.path.relpath(filename, root)
    return filename


def chain_of(exc: BaseException) -> list[BaseException]:
    """exc and the exceptions it was raised from or while handling, outermost cause first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return list(reversed(chain))
