"""Running the bots of one or all session configs, with a readable report."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from otree.errors import OtreeError

from .api import BotError, ExpectError
from .runner import SessionBots, bot_failure_location, load_bot_class


def run_bots(config_name: str | None = None, num_participants: int | None = None, *,
             database_url: str, export_path: str | None = None, out: TextIO = sys.stdout,
             verbose: bool = False) -> bool:
    """Play every case of the config(s) on a fresh database; True if every bot passed."""
    from otree.project import load_project
    from otree.web.app import create_app

    from .client import BotClient

    project = load_project(database_url=database_url)
    names = [config_name] if config_name else list(project.session_configs)
    for name in names:
        if name not in project.session_configs:
            known = ", ".join(project.session_configs) or "none"
            print(f"There is no session config named {name!r} (known: {known}).", file=out)
            return False
    # The files do not change during a bot run: looking for edits on every page is wasted.
    app = create_app(project, reload_templates=False)
    log = (lambda line: print(line, file=out)) if verbose else (lambda line: None)
    played: list[str] = []
    total_submissions = 0
    for name in names:
        config = project.session_configs[name]
        n = num_participants if num_participants is not None else config["num_demo_participants"]
        try:
            bot_classes = {a: load_bot_class(project.apps[a]) for a in config["app_sequence"]}
        except (BotError, OtreeError) as exc:
            print(f"Bots failed for session config {name!r}:\n{exc}", file=out)
            return False
        except Exception as exc:  # tests.py itself fails to import
            _report(out, name, exc, show_traceback=True)
            return False
        num_cases = max([len(getattr(b, "cases", []) or []) for b in bot_classes.values()] + [1])
        for case_index in range(num_cases):
            label = f"{name}" + (f", case {case_index + 1} of {num_cases}" if num_cases > 1 else "")
            print(f"Running bots: {label}, {n} participant{'' if n == 1 else 's'} ...", file=out, flush=True)
            try:
                # Each session under its own lifespan of the app, as under a fresh server.
                with BotClient(app) as client:
                    session_bots = SessionBots(project, client, name, n, case_index, bot_classes, log)
                    total_submissions += session_bots.play()
            except (BotError, ExpectError, OtreeError) as exc:
                _report(out, label, exc)
                return False
            except Exception as exc:  # an error in app code or bot code: show where
                _report(out, label, exc, show_traceback=True)
                return False
            played.append(session_bots.session_code)
    if export_path is not None:
        from otree.export import export_sessions

        files = export_sessions(played, export_path)
        print(f"Exported data to {export_path}/ ({', '.join(files)})", file=out)
    print(f"Bots passed: {len(played)} session(s), {total_submissions} page submissions.", file=out)
    return True


def _report(out: TextIO, label: str, exc: BaseException, show_traceback: bool = False) -> None:
    import traceback

    print(f"\nBots failed ({label}):", file=out)
    if isinstance(exc, ExpectError):
        print(f"expect() failed: {exc}", file=out)
    else:
        print(f"{type(exc).__name__}: {exc}" if not isinstance(exc, BotError) else str(exc), file=out)
    where = bot_failure_location(exc)
    if where:
        print(f"Bot code:\n{where}", file=out)
    frames = traceback.extract_tb(exc.__traceback__)
    raised_in_bot = bool(frames) and os.path.basename(frames[-1].filename) == "tests.py"
    if show_traceback and not raised_in_bot:
        # an error in app code (also when the bot called it): the whole traceback shows where
        print("".join(traceback.format_exception(exc)), file=out)
