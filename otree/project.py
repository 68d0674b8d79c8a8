"""Loading a user's project: settings.py and its apps (no-self and self format), with start-up checks.

Every problem found here raises ConfigError naming the file, the line where that helps,
and the fix, so a researcher sees one clear message instead of a traceback.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import math
import os
import re
import sys
import traceback
import types
from typing import Any, Callable

from sqlalchemy import MetaData
from sqlalchemy.orm import registry as Registry

from otree import state as app_state
from otree.conf import settings
from otree.constants import BaseConstants, get_constant, role_names
from otree.db.core import CoreBase
from otree.db.engine import build_engine, set_engine
from otree.db.fields import Field
from otree.db.mapping import declared_fields, map_app, unmap
from otree.db.models import BaseGroup, BasePlayer, BaseSubsession, ExtraModel
from otree.db.schema import sync_schema
from otree.errors import ConfigError, find_line, warn_config
from otree.pages import Page, Slot, WaitPage, is_page_class, sequence_of

# The project whose modules are in sys.modules. Python has one import system per process, so
# this is a fact about the process, not about an AppState: loading another project (into any
# state) must first unload these modules, or `import settings` would find the old ones.
_imported: "Project | None" = None

CONFIG_NAME_RE = re.compile(r"^[A-Za-z0-9_]+$")
NON_EDITABLE_CONFIG_KEYS = {"name", "display_name", "app_sequence", "num_demo_participants", "doc"}

# Names a model field may not take: oTree's reserved names, and attributes of the models themselves.
RESERVED_FIELD_NAMES = {"id", "order", "index"}
BUILTIN_MODEL_ATTRIBUTES = {
    "session", "session_id", "round_number", "subsession", "subsession_id", "group", "group_id",
    "participant", "participant_id", "id_in_group", "id_in_subsession", "in_round", "in_rounds",
    "in_previous_rounds", "in_all_rounds", "get_players", "get_groups", "field_maybe_none",
    "field_display", "get_others_in_group", "get_others_in_subsession", "set_players",
    "get_player_by_id", "get_player_by_role", "get_group_matrix", "set_group_matrix",
    "group_like_round", "group_randomly", "vars",
}
RESERVED_PLAYER_FIELD_NAMES = {"payoff", "role"}


class App:
    """One app of the project, in either format, normalized to the same interface."""

    def __init__(self, name: str, folder: str):
        self.name = name
        self.folder = folder
        self.is_noself = _is_noself(folder)
        self.module: types.ModuleType | None = None  # where models and hooks live
        self.pages_module: types.ModuleType | None = None
        self.constants: type | None = None
        self.Subsession: Any = None
        self.Group: Any = None
        self.Player: Any = None
        self.extra_models: list[type] = []
        self.page_sequence: list[type] = []
        self.name_in_url = name
        self.players_per_group: int | None = None
        self.num_rounds = 1
        self.roles: list[str] = []
        self.doc = ""

    def __repr__(self) -> str:
        return f"<App {self.name}>"

    @property
    def models_path(self) -> str:
        return os.path.join(self.folder, "__init__.py" if self.is_noself else "models.py")

    @property
    def pages_path(self) -> str:
        return os.path.join(self.folder, "__init__.py" if self.is_noself else "pages.py")

    @property
    def num_pages(self) -> int:
        return len(self.page_sequence) * self.num_rounds

    def model_hook(self, model_cls: type, name: str) -> Callable | None:
        """A hook called as hook(obj, *args): module function (no-self) or model method (self format)."""
        if self.is_noself:
            fn = getattr(self.module, name, None)
            if callable(fn) and not isinstance(fn, type):
                return fn
        fn = getattr(model_cls, name, None)
        return fn if callable(fn) and not isinstance(fn, type) else None

    def subsession_hook(self, name: str) -> Callable | None:
        return self.model_hook(self.Subsession, name)


class Project:
    """A loaded project: settings, apps in play order, and their database mapping."""

    def __init__(self, root: str):
        self.root = root
        self.settings_path = os.path.join(root, "settings.py")
        self.apps: dict[str, App] = {}
        self.session_configs: dict[str, dict] = {}
        self.metadata = MetaData()
        self.registry = Registry(metadata=self.metadata)
        self.module_names: set[str] = set()

    def page_sequence(self, app_sequence) -> list[Slot]:
        """Every page of a session of these apps, in order; computed once (it depends only on the project)."""
        key = tuple(app_sequence)
        cache = self.__dict__.setdefault("_page_sequences", {})
        if key not in cache:
            cache[key] = sequence_of([self.apps[name] for name in key])
        return cache[key]

    def get_session_config(self, name: str) -> dict:
        try:
            return self.session_configs[name]
        except KeyError:
            known = ", ".join(self.session_configs) or "none"
            raise KeyError(f"No session config named {name!r} (known: {known})") from None


def get_project() -> Project:
    """The project of the current AppState (RuntimeError when none is loaded)."""
    return app_state.current().require_project()


def has_project() -> bool:
    return app_state.current().project is not None


def load_project(root: str | None = None, *, init_db: bool = True, database_url: str | None = None,
                 state: app_state.AppState | None = None) -> Project:
    """Load settings.py and the apps of the project in `root` (default: the current folder).

    The project goes into `state` (default: the current one), which is activated if it is
    not current; templates and rooms of a previous project in it are dropped. With init_db,
    also connect to the database and create or extend the tables.
    """
    global _imported
    if state is None:
        state = app_state.current()
    root = os.path.abspath(root or os.getcwd())
    settings_path = os.path.join(root, "settings.py")
    if not os.path.isfile(settings_path):
        raise ConfigError(
            f"There is no settings.py in {root}.",
            fix="run otree from your project's folder, or create a project with `otree startproject NAME`.",
        )
    _unload_previous(state)
    project = Project(root)
    sys.path.insert(0, root)
    # Files written just before loading (tests, `otree startapp`) must be seen by the import system.
    importlib.invalidate_caches()
    _BuiltinFinder.install()
    try:
        project.module_names.add("settings")
        settings_module = _import_user_module("settings", settings_path)
        settings.configure(vars(settings_module))
        if database_url:
            settings.DATABASE_URL = database_url
        _check_settings(project)
        for app_name in _app_names(project):
            project.apps[app_name] = _load_app(project, app_name)
        _check_names_in_url(project)
        for app in project.apps.values():
            tables = map_app(project.registry, project.metadata, app)
            app.extra_models = tables.extra_models
        project.registry.configure(cascade=True)
    except BaseException:
        # A project that failed to load must not leave its modules behind: the next load
        # (of a corrected or another project, in the same process) would import them again.
        _forget_modules(project)
        raise
    _imported = project
    if state is not app_state.current():
        app_state.activate(state)
    state.project, state.templates, state.rooms, state.rooms_source = project, None, None, None
    if init_db:
        with app_state.bound(state):  # the engine goes into this state, whichever is current here
            init_database(project)
    return project


def init_database(project: Project, url: str | None = None) -> None:
    """Connect to DATABASE_URL and bring the schema up to date (tables and added columns)."""
    engine = build_engine(url or settings.DATABASE_URL)
    set_engine(engine)
    sync_schema(engine, CoreBase.metadata, project.metadata)


def _unload_previous(state: app_state.AppState) -> None:
    """Forget a previously loaded project (tests load several in one process)."""
    global _imported
    state.project = None
    if _imported is None:
        return
    _forget_modules(_imported)
    _imported = None


def _forget_modules(project: Project) -> None:
    """Remove a project's modules from sys.modules, its folder from sys.path, and its mappings."""
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in project.module_names:
            continue
        # Only the project's own modules: an app named like an installed module must not unload that.
        file = getattr(module, "__file__", None)
        if file is None or _is_inside(file, project.root):
            del sys.modules[name]
    if project.root in sys.path:
        sys.path.remove(project.root)
    unmap(project.registry)
    _BuiltinFinder.apps.clear()


# -- settings -----------------------------------------------------------------------


def _check_settings(project: Project) -> None:
    path = project.settings_path
    configs = settings.SESSION_CONFIGS
    # An empty list is fine: it is what `otree startproject` generates, before any app exists.
    if not isinstance(configs, (list, tuple)):
        raise ConfigError(
            "SESSION_CONFIGS must be a list of dicts.",
            path=path, line=find_line(path, "SESSION_CONFIGS"),
            fix="add at least one dict(name=..., app_sequence=[...], num_demo_participants=...).",
        )
    defaults = dict(settings.SESSION_CONFIG_DEFAULTS or {})
    defaults.setdefault("participation_fee", 0.0)
    defaults.setdefault("real_world_currency_per_point", 1.0)
    defaults.setdefault("doc", "")
    for raw in configs:
        if not isinstance(raw, dict):
            raise ConfigError(f"Each entry of SESSION_CONFIGS must be a dict, not {raw!r}.",
                              path=path, line=find_line(path, "SESSION_CONFIGS"))
        name = raw.get("name")
        line = find_line(path, repr(name)) or find_line(path, f'"{name}"') or find_line(path, "SESSION_CONFIGS")
        if not name or not isinstance(name, str) or not CONFIG_NAME_RE.match(name):
            raise ConfigError(
                f"Session config name {name!r} is invalid.", path=path, line=line,
                fix="give each session config a name made of letters, digits and underscores.",
            )
        if name in project.session_configs:
            raise ConfigError(f"Two session configs are named {name!r}.", path=path, line=line,
                              fix="give each session config a unique name.")
        apps = raw.get("app_sequence")
        if not isinstance(apps, (list, tuple)) or not apps:
            raise ConfigError(f"Session config {name!r} needs a non-empty app_sequence.", path=path, line=line,
                              fix="add app_sequence=['your_app', ...].")
        duplicates = sorted({a for a in apps if list(apps).count(a) > 1})
        if duplicates:
            raise ConfigError(f"app_sequence of session config {name!r} lists {duplicates[0]!r} twice.",
                              path=path, line=line, fix="list each app once (use NUM_ROUNDS to repeat an app).")
        if "num_demo_participants" not in raw:
            raise ConfigError(f"Session config {name!r} has no num_demo_participants.", path=path, line=line,
                              fix="add num_demo_participants=N.")
        for app_name in apps:
            folder = os.path.join(project.root, app_name)
            if not os.path.isfile(os.path.join(folder, "__init__.py")) and not os.path.isfile(
                os.path.join(folder, "models.py")
            ):
                raise ConfigError(
                    f"Session config {name!r} names the app {app_name!r} in app_sequence, "
                    f"but there is no app folder {app_name}/ in {project.root}.",
                    path=path, line=find_line(path, f"'{app_name}'") or find_line(path, f'"{app_name}"') or line,
                    fix=f"create it with `otree startapp {app_name}`, or correct the name in app_sequence.",
                )
        config = dict(defaults)
        config.update(raw)
        config["app_sequence"] = list(apps)
        config.setdefault("display_name", name)
        project.session_configs[name] = config


def _app_names(project: Project) -> list[str]:
    names: list[str] = []
    for config in project.session_configs.values():
        for app_name in config["app_sequence"]:
            if app_name not in names:
                names.append(app_name)
    return names


# -- apps ---------------------------------------------------------------------------


def _is_noself(folder: str) -> bool:
    """oTree's rule: an app is no-self format iff its __init__.py exists and contains an import."""
    init = os.path.join(folder, "__init__.py")
    try:
        with open(init, encoding="utf-8") as f:
            return "import" in f.read()
    except OSError:
        return False


def _load_app(project: Project, name: str) -> App:
    app = App(name, os.path.join(project.root, name))
    project.module_names.add(name)
    _BuiltinFinder.apps.add(name)
    if app.is_noself:
        module = _import_user_module(name, app.models_path)
        app.module = app.pages_module = module
    else:
        app.module = _import_user_module(f"{name}.models", app.models_path)
        app.pages_module = _import_user_module(f"{name}.pages", app.pages_path)
    module, path = app.module, app.models_path
    app.doc = (getattr(module, "doc", "") or "").strip()

    constants = getattr(module, "C", None) if app.is_noself else getattr(module, "Constants", None)
    if constants is None:
        constants = getattr(module, "Constants", None) or getattr(module, "C", None)
    wanted = "C" if app.is_noself else "Constants"
    if not (isinstance(constants, type) and issubclass(constants, BaseConstants)):
        raise ConfigError(
            f"App {name!r} has no class {wanted}(BaseConstants).", path=path,
            fix=f"add `class {wanted}(BaseConstants):` with NAME_IN_URL, PLAYERS_PER_GROUP and NUM_ROUNDS.",
        )
    app.constants = constants
    _read_constants(app, constants, path)

    for attr, base in (("Subsession", BaseSubsession), ("Group", BaseGroup), ("Player", BasePlayer)):
        cls = getattr(module, attr, None)
        if not (isinstance(cls, type) and issubclass(cls, base)):
            raise ConfigError(
                f"App {name!r} has no class {attr}({base.__name__}).", path=path,
                fix=f"add `class {attr}({base.__name__}): pass`.",
            )
        setattr(app, attr, cls)
        _check_field_names(app, cls, attr, path)
    app.extra_models = [
        obj for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, ExtraModel) and obj is not ExtraModel
        and obj.__module__ == module.__name__
    ]
    for cls in app.extra_models:
        _check_field_names(app, cls, cls.__name__, path)
    _read_page_sequence(app)
    return app


def _read_constants(app: App, constants: type, path: str) -> None:
    app.name_in_url = get_constant(constants, "NAME_IN_URL", app.name)
    ppg = get_constant(constants, "PLAYERS_PER_GROUP", None)
    ppg_line = find_line(path, "PLAYERS_PER_GROUP") or find_line(path, "players_per_group")
    if ppg is not None and (not isinstance(ppg, int) or isinstance(ppg, bool) or ppg < 1):
        raise ConfigError(
            f"PLAYERS_PER_GROUP of app {app.name!r} is {ppg!r}; it must be None or a whole number of at least 2.",
            path=path, line=ppg_line,
            fix="use PLAYERS_PER_GROUP = None for one group of all players (also for single-player apps).",
        )
    if ppg == 1:
        # oTree runs such apps (one group per player) and only warns, so they must not stop the project.
        warn_config(
            f"PLAYERS_PER_GROUP of app {app.name!r} is 1: each player is a group of their own. "
            "PLAYERS_PER_GROUP = None (one group of all players) is usually what is meant.",
            path=path, line=ppg_line,
        )
    app.players_per_group = ppg
    rounds = get_constant(constants, "NUM_ROUNDS", 1)
    if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 1:
        raise ConfigError(
            f"NUM_ROUNDS of app {app.name!r} is {rounds!r}; it must be a whole number of at least 1.",
            path=path, line=find_line(path, "NUM_ROUNDS") or find_line(path, "num_rounds"),
            fix="set NUM_ROUNDS = 1 (or more).",
        )
    app.num_rounds = rounds
    if not isinstance(app.name_in_url, str) or not re.match(r"^[A-Za-z0-9_\-]+$", app.name_in_url):
        raise ConfigError(
            f"NAME_IN_URL of app {app.name!r} is {app.name_in_url!r}; it must be letters, digits, _ or -.",
            path=path, line=find_line(path, "NAME_IN_URL") or find_line(path, "name_in_url"),
        )
    app.roles = role_names(constants)


def _check_field_names(app: App, cls: type, kind: str, path: str) -> None:
    if kind in ("Subsession", "Group", "Player"):
        reserved = RESERVED_FIELD_NAMES | BUILTIN_MODEL_ATTRIBUTES
    else:
        # An ExtraModel has none of the round models' attributes: `round_number` or `group` are
        # ordinary field names there (as in oTree); only its own methods are taken.
        reserved = RESERVED_FIELD_NAMES | {
            name for klass in ExtraModel.__mro__ for name in vars(klass) if not name.startswith("_")
        }
    if kind == "Player":
        reserved = reserved | RESERVED_PLAYER_FIELD_NAMES
    for field_name in vars(cls):
        value = vars(cls)[field_name]
        if isinstance(value, Field) and field_name in reserved:
            file, line = value.defined_at
            raise ConfigError(
                f"{kind}.{field_name}: {field_name!r} is a reserved name and cannot be a field.",
                path=file or path, line=line,
                fix=f"rename the field (for example to {field_name}_value) in class {kind}.",
            )
    declared_fields(cls)  # fails early on inconsistent declarations


def _read_page_sequence(app: App) -> None:
    module, path = app.pages_module, app.pages_path
    sequence = getattr(module, "page_sequence", None)
    if not isinstance(sequence, (list, tuple)):
        raise ConfigError(
            f"App {app.name!r} has no page_sequence list.", path=path,
            fix="add page_sequence = [FirstPage, ...] at the end of the file.",
        )
    for entry in sequence:
        if not is_page_class(entry):
            if isinstance(entry, str):
                what, fix = f"the string {entry!r}", f"write the class name without quotes: {entry}"
            elif isinstance(entry, type):
                what, fix = f"the class {entry.__name__}", "list only classes that inherit from Page or WaitPage."
            else:
                what = repr(entry)
                fix = "list only classes that inherit from Page or WaitPage (the classes, not instances)."
            raise ConfigError(
                f"page_sequence of app {app.name!r} contains {what}, which is not a Page or WaitPage class.",
                path=path, line=find_line(path, "page_sequence"), fix=fix,
            )
    names = [p.__name__ for p in sequence]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(
            f"page_sequence of app {app.name!r} lists {dupes[0]!r} twice.", path=path,
            line=find_line(path, "page_sequence"),
            fix="make a subclass with another name if the same page must be shown twice.",
        )
    app.page_sequence = list(sequence)


def _check_names_in_url(project: Project) -> None:
    seen: dict[str, str] = {}
    for app in project.apps.values():
        other = seen.get(app.name_in_url)
        if other is not None:
            raise ConfigError(
                f"Apps {other!r} and {app.name!r} both have NAME_IN_URL {app.name_in_url!r}.",
                path=app.models_path,
                line=find_line(app.models_path, "NAME_IN_URL") or find_line(app.models_path, "name_in_url"),
                fix="give each app a different NAME_IN_URL.",
            )
        seen[app.name_in_url] = app.name


# -- importing user code --------------------------------------------------------------


def _import_user_module(module_name: str, path: str) -> types.ModuleType:
    """Import a module of the user's project, turning any failure into a ConfigError."""
    try:
        module = importlib.import_module(module_name)
    except ConfigError:
        raise
    except SyntaxError as exc:
        text = (exc.text or "").strip()
        raise ConfigError(
            f"Syntax error: {exc.msg}" + (f"\n    {text}" if text else ""),
            path=exc.filename or path, line=exc.lineno,
            fix="correct the Python syntax at that line.",
        ) from None
    except Exception as exc:
        file, line = path, None
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if _is_inside(frame.filename, os.path.dirname(path)):
                file, line = frame.filename, frame.lineno
                break
        if isinstance(exc, ModuleNotFoundError) and (exc.name or "").startswith("otree."):
            fix = (f"{exc.name} is part of oTree's internals, which otree-asgi does not have; import what "
                   "apps need from otree.api (see the README's compatibility notes).")
        elif isinstance(exc, ModuleNotFoundError) and exc.name and line is not None and not os.path.exists(
            os.path.join(os.path.dirname(path), exc.name.split(".")[0])
        ):
            fix = f"install the missing package (pip install {exc.name.split('.')[0]}) and add it to requirements.txt, "
            fix += "or correct the import at that line."
        elif line is not None:
            fix = "correct the error at that line."
        else:
            fix = "correct the error shown in this message."
        raise ConfigError(
            f"{type(exc).__name__} while importing {module_name}: {exc}", path=file, line=line, fix=fix,
        ) from exc
    found = getattr(module, "__file__", None)
    if found is None or not _is_inside(found, os.path.dirname(path)):
        top = module_name.split(".")[0]
        raise ConfigError(
            f"Importing {module_name} found {found or 'a module'} instead of {path}: "
            f"the name {top!r} is already taken by an installed Python module.",
            path=path,
            fix=f"rename {top!r} to a name that is not a Python module (and update app_sequence).",
        )
    return module


def _is_inside(file: str, folder: str) -> bool:
    file, folder = os.path.realpath(file), os.path.realpath(folder)
    return file == folder or file.startswith(folder.rstrip(os.sep) + os.sep)


class _BuiltinFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Provides `<app>._builtin` for self-format apps whose project lacks that generated package."""

    apps: set[str] = set()
    # Names that higher layers add to every `_builtin` (otree.bots adds Bot): project.py is
    # below them and must not import them.
    extras: dict[str, Any] = {}
    _installed = False

    @classmethod
    def install(cls) -> None:
        if not cls._installed:
            sys.meta_path.append(cls())
            cls._installed = True

    def find_spec(self, fullname, path, target=None):
        parts = fullname.split(".")
        if len(parts) == 2 and parts[1] == "_builtin" and parts[0] in self.apps:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.Page = Page
        module.WaitPage = WaitPage

        def __getattr__(name):
            try:
                return self.extras[name]
            except KeyError:
                raise AttributeError(name) from None

        module.__getattr__ = __getattr__


def provide_to_builtin(name: str, value: Any) -> None:
    """Make `value` importable as `from ._builtin import <name>` in self-format apps."""
    _BuiltinFinder.extras[name] = value


def participants_multiple(project: Project, config: dict) -> int:
    """The number that num_participants must be a multiple of (LCM of the group sizes)."""
    result = 1
    for app_name in config["app_sequence"]:
        ppg = project.apps[app_name].players_per_group
        if ppg:
            result = result * ppg // math.gcd(result, ppg)
    return result
