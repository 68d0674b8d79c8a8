"""The `otree` command: argparse sub-commands, registered in one table so new ones plug in.

A command is a function taking the parsed arguments and returning an exit code. Commands
that need the project (settings.py and the apps) load it themselves; start-up problems
are printed as one clear message (file, line, fix) with exit code 1, not a traceback.
"""

from __future__ import annotations

import argparse
import keyword
import os
import shutil
import sys
from dataclasses import dataclass, field
from importlib.util import find_spec
from typing import Callable

import otree
from otree.errors import OtreeError

PACKAGE_DIR = os.path.dirname(os.path.abspath(otree.__file__))


@dataclass
class Command:
    name: str
    help: str
    handler: Callable[[argparse.Namespace], int]
    configure: Callable[[argparse.ArgumentParser], None] = lambda parser: None
    aliases: list[str] = field(default_factory=list)


COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, aliases: tuple[str, ...] = ()):
    """Register a sub-command; the decorated function's `configure` attribute adds its arguments."""

    def decorate(fn):
        configure = getattr(fn, "configure", lambda parser: None)
        COMMANDS[name] = Command(name, help, fn, configure, list(aliases))
        return fn

    return decorate


def arguments(configure: Callable[[argparse.ArgumentParser], object]):
    def decorate(fn):
        fn.configure = configure
        return fn

    return decorate


def ask_yes_no(question: str) -> bool:
    try:
        answer = input(f"{question} (y or n): ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


# -- commands -------------------------------------------------------------------------


@command("startproject", "Create a new oTree project folder")
@arguments(lambda p: (p.add_argument("name"), p.add_argument("--noinput", action="store_true")))
def startproject(args) -> int:
    name = args.name
    if os.path.exists("settings.py"):
        print("You are already inside a project (this folder has settings.py); run this from another folder.",
              file=sys.stderr)
        return 1
    if os.path.exists(name):
        print(f"A file or folder named {name!r} already exists here; choose another name.", file=sys.stderr)
        return 1
    if not name.isidentifier():
        print(f"{name!r} is not a valid project name: use letters, digits and underscores.", file=sys.stderr)
        return 1
    samples = not args.noinput and ask_yes_no("Include sample games?")
    # The sample project is self-contained (settings, apps with bots, rooms); works offline.
    template = os.path.join(PACKAGE_DIR, "sample_project" if samples else "project_template")
    _copy_template(template, name, {})
    from otree import newproject

    newproject.finish(name)  # its own SECRET_KEY, and a requirements.txt that installs
    print(f"Created project folder {name}/" + (" with sample games" if samples else "") + ".")
    print(f"Next: cd {name} && otree devserver" + ("   (and `otree test` runs every game's bots)" if samples else ""))
    return 0


@command("startapp", "Create a new app in the current project")
@arguments(lambda p: p.add_argument("name"))
def startapp(args) -> int:
    name = args.name
    if not name.isidentifier() or name.startswith("_") or keyword.iskeyword(name):
        print(f"{name!r} is not a valid app name: use letters, digits and underscores, starting with a letter "
              f"(and not a Python keyword).", file=sys.stderr)
        return 1
    if len(name) > 40:
        print(f"{name!r} is too long: app names have at most 40 characters.", file=sys.stderr)
        return 1
    if os.path.exists(name):
        print(f"A file or folder named {name!r} already exists here.", file=sys.stderr)
        return 1
    if find_spec(name) is not None:
        print(f"{name!r} is the name of an existing Python module; choose another app name.", file=sys.stderr)
        return 1
    _copy_template(os.path.join(PACKAGE_DIR, "app_template"), name, {"{{ app_name }}": name})
    print(f"Created app folder {name}/. Add '{name}' to an app_sequence in settings.py to use it.")
    return 0


@command("resetdb", "Delete all data and create the database tables anew")
@arguments(lambda p: p.add_argument("--noinput", action="store_true", help="do not ask for confirmation"))
def resetdb(args) -> int:
    from otree.conf import settings
    from otree.db.core import CoreBase
    from otree.db.engine import build_engine, set_engine
    from otree.db.schema import drop_everything, sync_schema
    from otree.project import load_project

    # Not init_db: resetdb is the fix for a schema that no longer matches the models.
    project = load_project(init_db=False)
    if not args.noinput and not ask_yes_no("This will delete all data in the database. Proceed?"):
        print("Cancelled.")
        return 1
    engine = build_engine(settings.DATABASE_URL)
    set_engine(engine)
    print(f"Database engine: {engine.dialect.name}")
    drop_everything(engine)
    sync_schema(engine, CoreBase.metadata, project.metadata)
    print("Created new tables and columns.")
    return 0


@command("create_session", "Create a session in the database")
@arguments(lambda p: (
    p.add_argument("session_config_name"),
    p.add_argument("num_participants", type=int),
    p.add_argument("--room", dest="room_name", default=None),
))
def create_session_command(args) -> int:
    from otree.db import unit_of_work
    from otree.project import load_project
    from otree.session import create_session

    from otree.conf import settings

    load_project()
    if args.room_name is not None:
        # As in oTree, the room must be one of settings.ROOMS (an unknown one is a typo, not a new room).
        known = [room.get("name") for room in settings.ROOMS or [] if isinstance(room, dict)]
        if args.room_name not in known:
            print(f"There is no room named {args.room_name!r} in settings.ROOMS "
                  f"(known: {', '.join(map(str, known)) or 'none'}).", file=sys.stderr)
            return 1
    with unit_of_work():
        session = create_session(args.session_config_name, args.num_participants, room_name=args.room_name)
        code = session.code
    if args.room_name is not None:
        from otree import rooms

        # The room now points at this session; participants waiting there notice it within seconds.
        rooms.notify_session_created(args.room_name)
    print(f"Created session with code {code}")
    return 0


@command("version", "Print the version", aliases=("--version",))
def version(args) -> int:
    print(otree.__version__)
    return 0


# Aliases kept from oTree 2.x-6.x (reference §2, §10.1).
ALIASES = {
    "bots": "test",
    "runprodserver": "prodserver",
    "webandworkers": "prodserver1of2",
    "runprodserver1of2": "prodserver1of2",
    "timeoutworker": "prodserver2of2",
    "runprodserver2of2": "prodserver2of2",
    "--version": "version",
    "-V": "version",
}


def _copy_template(source: str, target: str, replacements: dict[str, str]) -> None:
    """Copy a template folder; files ending in -tpl lose the suffix (so they are not importable here)."""
    for folder, _dirs, files in os.walk(source):
        if "__pycache__" in folder:
            continue
        relative = os.path.relpath(folder, source)
        destination = os.path.normpath(os.path.join(target, relative))
        os.makedirs(destination, exist_ok=True)
        for filename in files:
            if filename.startswith("db.sqlite3") or filename.endswith(".pyc"):
                continue  # never copy someone's data (the sample project is also the repo's demo)
            src = os.path.join(folder, filename)
            name = filename[:-4] if filename.endswith("-tpl") else filename
            dst = os.path.join(destination, "." + name if name == "gitignore" else name)
            if filename.endswith((".py-tpl", ".html", ".txt", ".css", "-tpl", ".py")):
                with open(src, encoding="utf-8") as f:
                    text = f.read()
                for old, new in replacements.items():
                    text = text.replace(old, new)
                with open(dst, "w", encoding="utf-8") as f:
                    f.write(text)
            else:
                shutil.copy(src, dst)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="otree", description="otree-asgi: run oTree experiments on an ASGI server.", add_help=False
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for cmd in COMMANDS.values():
        cmd.configure(sub.add_parser(cmd.name, help=cmd.help, description=cmd.help))
    return parser


def print_help() -> None:
    print("Usage: otree COMMAND [options]\n\nCommands:")
    for cmd in sorted(COMMANDS.values(), key=lambda c: c.name):
        if cmd.name != "version":
            print(f"  {cmd.name:<18} {cmd.help}")
    print(f"  {'--version':<18} Print the version")
    print("\nRun `otree COMMAND --help` for the options of a command.")


def _load_plugins() -> None:
    """Commands that live in their own modules register themselves when imported."""
    for module in ("otree.server.commands", "otree.bots.commands", "otree.shell", "otree.bots.browser",
                   "otree.zipfiles"):
        try:
            __import__(module)
        except ModuleNotFoundError as exc:
            if exc.name not in (module, module.rsplit(".", 1)[0]):
                raise


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:
        # `otree help | head`: the reader has gone. Point stdout at /dev/null so the final flush
        # at exit does not complain, and stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _load_plugins()
    if not argv or argv[0] in ("help", "--help", "-h"):
        print_help()
        return 0
    argv[0] = ALIASES.get(argv[0], argv[0])
    if argv[0] not in COMMANDS:
        print(f"Unknown command: {argv[0]!r}. Run `otree help` to see the commands.", file=sys.stderr)
        return 2
    args = build_parser().parse_args(argv)
    # The project's folder comes first on sys.path, as when oTree runs from it.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return COMMANDS[args.command].handler(args) or 0
    except OtreeError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        _close_database()


def _close_database() -> None:
    """Close the command's connections before exit, so SQLite checkpoints and removes its -wal/-shm files."""
    from otree import state

    engine = state.current().engine
    if engine is not None:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
