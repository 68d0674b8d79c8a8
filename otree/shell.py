"""`otree shell`: an interactive Python with the project loaded and one unit of work open.

Whatever you change on models is saved when you leave cleanly (`exit()`, Ctrl-D, end of
input); an exit with an error code, or `--readonly`, saves nothing. IPython is used when it
is installed and the input is a terminal; otherwise Python's own console, which also reads
piped input (`echo "print(Player.filter())" | otree shell`).
"""

from __future__ import annotations

import code
import sys
import traceback
from typing import Any

from otree.cli import arguments, command


def namespace(project, db) -> dict[str, Any]:
    """What the shell starts with: the apps and their models, the core models, query tools."""
    from sqlalchemy import func, select

    from otree.conf import settings
    from otree.db import unit_of_work
    from otree.db.core import Participant, Session

    names: dict[str, Any] = dict(db=db, select=select, func=func, settings=settings, unit_of_work=unit_of_work,
                                 Session=Session, Participant=Participant, project=project)
    for app in project.apps.values():
        names[app.name] = app.module
    # The models of a single-app project under their plain names; with several, use `app.Player`.
    if len(project.apps) == 1:
        app = next(iter(project.apps.values()))
        names.update(Subsession=app.Subsession, Group=app.Group, Player=app.Player)
        names.update({cls.__name__: cls for cls in app.extra_models})
    return names


def banner(project, readonly: bool) -> str:
    from otree.conf import settings

    apps = ", ".join(project.apps) or "none"
    saving = ("--readonly: nothing you change is saved" if readonly
              else "changes are saved when you leave with exit() or Ctrl-D")
    return (f"otree shell: project {project.root}\ndatabase {settings.DATABASE_URL}; apps: {apps}\n"
            f"A unit of work is open as `db`; {saving}.")


def _interact(names: dict[str, Any], text: str) -> None:
    if sys.stdin.isatty():
        try:
            import IPython
        except ImportError:
            pass
        else:
            print(text)
            IPython.start_ipython(argv=["--no-banner"], user_ns=names)
            return
    code.interact(banner=text, local=names, exitmsg="")


def _clean_exit(exc: SystemExit) -> bool:
    return exc.code in (None, 0)


@command("shell", "An interactive Python with the project loaded and a unit of work open")
@arguments(lambda p: (
    p.add_argument("--readonly", action="store_true", help="roll back at the end: nothing is saved"),
    p.add_argument("-c", "--command", dest="code", default=None, help="run this code instead of an interactive shell"),
))
def shell(args) -> int:
    from otree.db import unit_of_work
    from otree.project import load_project

    project = load_project()
    try:
        with unit_of_work(readonly=args.readonly) as db:
            names = namespace(project, db)
            try:
                if args.code is not None:
                    exec(compile(args.code, "<otree shell -c>", "exec"), names)
                else:
                    _interact(names, banner(project, args.readonly))
            except SystemExit as exc:
                if not _clean_exit(exc):
                    raise
    except SystemExit as exc:
        print("Left with an error code: nothing was saved.", file=sys.stderr)
        return exc.code if isinstance(exc.code, int) else 1
    except Exception:  # an error in -c code: show it; the unit of work was rolled back
        traceback.print_exc()
        print("Nothing was saved.", file=sys.stderr)
        return 1
    return 0
