"""The import order of otree's layers (see the docstring of otree/__init__.py) holds.

Every import of an otree module inside the package is read with `ast`, at the top of a
module or inside a function alike (a function-level import is a dependency all the same);
imports under `if TYPE_CHECKING:` are for type checkers only and do not count. A module may
import modules of its own layer or of lower layers; an import of a higher layer, or a cycle
of imports (within a layer too), fails the test and is named by file and line.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import os
from dataclasses import dataclass

import otree

PACKAGE_DIR = os.path.dirname(os.path.abspath(otree.__file__))
ROOT = os.path.dirname(PACKAGE_DIR)
# Files copied into users' projects, not modules of the package.
NOT_MODULES = ("app_template", "project_template", "sample_project", "locale", "static", "templates")

# Lowest first. A pattern `x.*` is every module under the package x (x itself is listed apart).
LAYERS: list[tuple[str, list[str]]] = [
    ("foundation", ["otree", "otree.state", "otree.conf", "otree.constants", "otree.errors", "otree.currency",
                    "otree.i18n", "otree.i18n_tools", "otree.events", "otree.jsonable",
                    # Widgets only render HTML; each field kind (in db) names the widget that shows it.
                    "otree.widgets"]),
    ("db", ["otree.db", "otree.db.*", "otree.debugging"]),
    ("channels and tasks", ["otree.channels", "otree.channels.*", "otree.tasks", "otree.timeouts"]),
    ("pages", ["otree.pages", "otree.live", "otree.forms", "otree.bound_fields"]),
    ("project", ["otree.project"]),
    ("running sessions", ["otree.flow", "otree.waitpages", "otree.leaving", "otree.dropouts",
                          "otree.monitor", "otree.live_replies", "otree.rooms", "otree.session", "otree.prolific",
                          "otree.export", "otree.export.*"]),
    ("templating and bots", ["otree.templating",
                                 "otree.templating.*", "otree.bots", "otree.bots.api", "otree.bots.html",
                                 "otree.bots.runner"]),
    ("web", ["otree.web", "otree.web.*", "otree.http", "otree.urls", "otree.extensions", "otree.bots.browser",
             "otree.bots.client"]),
    ("commands and public API", ["otree.api", "otree.models", "otree.database", "otree.common", "otree.settings",
                                 "otree.utils", "otree.views", "otree.cli", "otree.asgi", "otree.server",
                                 "otree.server.*", "otree.bots.run", "otree.bots.commands", "otree.shell",
                                 "otree.zipfiles", "otree.newproject"]),
]

# Imports that break the order today, each with why it is still there. Other work is
# removing them; the test also fails when a listed import no longer exists, so that this
# list only ever shrinks. An entry is (importing file, imported module).
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()  # none left


@dataclass(frozen=True)
class Import:
    file: str  # relative to the repository, with "/"
    line: int
    importer: str
    imported: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.importer} imports {self.imported}"


def module_files() -> dict[str, str]:
    """Module name -> path of every module of the package."""
    modules = {}
    for folder, dirs, files in os.walk(PACKAGE_DIR):
        dirs[:] = sorted(d for d in dirs if d not in NOT_MODULES and d != "__pycache__")
        for file in sorted(files):
            if not file.endswith(".py"):
                continue
            path = os.path.join(folder, file)
            parts = os.path.relpath(path, ROOT)[:-3].split(os.sep)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(name: str, modules: dict[str, str]) -> str | None:
    """The module that `name` (a module or a name inside one) belongs to."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, path: str, modules: dict[str, str]) -> list[Import]:
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    file = os.path.relpath(path, ROOT).replace(os.sep, "/")
    found: list[Import] = []

    def add(node: ast.stmt, targets: list[str]) -> None:
        for target in targets:
            resolved = _resolve(target, modules) if target.split(".")[0] == "otree" else None
            if resolved is not None and resolved != module:
                found.append(Import(file, node.lineno, module, resolved))

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:  # the `else:` of `if TYPE_CHECKING` runs
                    visit_statement(other)
                continue
            visit_statement(child)

    def visit_statement(child: ast.AST) -> None:
        if isinstance(child, ast.Import):
            add(child, [alias.name for alias in child.names])
        elif isinstance(child, ast.ImportFrom):
            base = child.module or ""
            if child.level:
                anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from a import b`: b may be a module (a.b) or a name in a.
            add(child, [f"{base}.{alias.name}" for alias in child.names])
        visit(child)

    visit(tree)
    return found


def layer_of(module: str) -> int | None:
    for index, (_name, patterns) in enumerate(LAYERS):
        if any(fnmatch.fnmatchcase(module, pattern) for pattern in patterns):
            return index
    return None


@functools.lru_cache(maxsize=1)
def all_imports() -> tuple[dict[str, str], list[Import]]:
    modules = module_files()
    found = [imp for module, path in modules.items() for imp in imports_of(module, path, modules)]
    return modules, found


def cycles(edges: list[Import]) -> list[list[Import]]:
    """One cycle of imports per strongly connected group of modules (Tarjan's algorithm)."""
    graph: dict[str, list[Import]] = {}
    for edge in edges:
        graph.setdefault(edge.importer, []).append(edge)
        graph.setdefault(edge.imported, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for edge in graph[v]:
            w = edge.imported
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return [_a_cycle(graph, group) for group in groups]


def _a_cycle(graph: dict[str, list[Import]], group: set[str]) -> list[Import]:
    """A path of imports from the group's first module back to itself, staying inside the group."""
    start = min(group)
    paths: dict[str, list[Import]] = {start: []}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for edge in sorted(graph[v], key=lambda e: e.imported):
            if edge.imported == start:
                return paths[v] + [edge]
            if edge.imported in group and edge.imported not in paths:
                paths[edge.imported] = paths[v] + [edge]
                queue.append(edge.imported)
    raise AssertionError(f"no cycle through {start}")  # a strongly connected group always has one


def _known(edge: Import) -> bool:
    return (edge.file, edge.imported) in KNOWN_VIOLATIONS


def test_every_module_has_a_layer():
    modules = module_files()
    missing = sorted(m for m in modules if layer_of(m) is None)
    assert not missing, f"modules without a layer (add them to LAYERS in {__file__}): {missing}"


def test_no_module_imports_a_higher_layer():
    _modules, found = all_imports()
    upward = [
        f"{edge} (layer {LAYERS[layer_of(edge.importer)][0]!r} -> {LAYERS[layer_of(edge.imported)][0]!r})"
        for edge in found
        if not _known(edge) and (layer_of(edge.imported) or 0) > (layer_of(edge.importer) or 0)
    ]
    assert not upward, "imports of a higher layer:\n" + "\n".join(upward)


def test_no_import_cycles():
    _modules, found = all_imports()
    remaining = [edge for edge in found if not _known(edge)]
    described = ["\n".join(f"    {edge}" for edge in cycle) for cycle in cycles(remaining)]
    assert not described, "import cycles:\n" + "\n  and\n".join(described)


def test_known_violations_still_exist():
    """A violation that was fixed must leave KNOWN_VIOLATIONS, so that it cannot come back unnoticed."""
    _modules, found = all_imports()
    in_cycles = {(edge.file, edge.imported) for cycle in cycles(found) for edge in cycle}
    still_wrong = {
        (edge.file, edge.imported) for edge in found
        if (layer_of(edge.imported) or 0) > (layer_of(edge.importer) or 0)
    } | in_cycles
    gone = sorted(KNOWN_VIOLATIONS - still_wrong)
    assert not gone, f"fixed (or no longer a violation), remove them from KNOWN_VIOLATIONS: {gone}"


def test_the_checker_sees_function_level_imports_and_skips_type_checking(tmp_path):
    """The rules above would be blind if the parser missed imports; pin down what it reads."""
    package = tmp_path / "otree"
    package.mkdir()
    path = package / "sample.py"
    path.write_text(
        "from typing import TYPE_CHECKING\n"
        "from otree.conf import settings\n"
        "if TYPE_CHECKING:\n"
        "    from otree.project import Project\n"
        "def f():\n"
        "    from .db.core import Session\n"
        "    import otree.web.app\n",
        encoding="utf-8",
    )
    modules = {name: "" for name in ("otree.sample", "otree.conf", "otree.project", "otree.db.core", "otree.web.app")}
    found = imports_of("otree.sample", str(path), modules)
    assert [(imp.line, imp.imported) for imp in found] == [(2, "otree.conf"), (6, "otree.db.core"),
                                                          (7, "otree.web.app")]
