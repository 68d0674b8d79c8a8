"""oTree Studio projects: `otree zip`, `otree unzip FILE [DIR]`, `otree zipserver [FILE]`.

An .otreezip file is what oTree Studio downloads and what oTree's `otree zip` writes: a
gzip-compressed tar archive of the project folder, with the project's files at the top
level (settings.py, the apps' folders, _static/, ...), no enclosing folder.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import sys
import tarfile
import tempfile

from otree.cli import arguments, command

SUFFIX = ".otreezip"
# Never part of a project's code: data, caches, virtualenvs, editors' files, older archives.
EXCLUDED_ENDINGS = ("~", ".git", "db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm", ".pyc", ".pyo", ".pyd",
                    ".idea", ".DS_Store", SUFFIX, "venv", ".venv", "_static_root", "staticfiles", "__pycache__",
                    ".env")


class ZipError(Exception):
    """A problem with an archive or a target folder, said in one sentence."""


# -- zip ------------------------------------------------------------------------------


def _excluded(path: str, root: str) -> bool:
    relative = os.path.relpath(path, root)
    if relative == ".":
        return False
    if relative.endswith(EXCLUDED_ENDINGS) or "__temp" in relative:
        return True
    return os.path.isdir(path) and os.path.exists(os.path.join(path, "pyvenv.cfg"))  # any virtualenv


def zip_project(root: str, archive: str | None = None) -> str:
    """Write the project in `root` to an .otreezip (default: <folder name>.otreezip inside it); its path."""
    root = os.path.abspath(root)
    if not os.path.isfile(os.path.join(root, "settings.py")):
        raise ZipError(f"There is no settings.py in {root}: run `otree zip` from your project's folder.")
    archive = os.path.abspath(archive or os.path.join(root, os.path.basename(root) + SUFFIX))

    def keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        path = os.path.join(root, info.name)
        if _excluded(path, root) or os.path.abspath(path) == archive:
            return None
        info.mode |= 0o222 if info.isdir() else 0o666  # writable when unzipped, so it can be deleted again
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    partial = archive + ".partial"
    with tarfile.open(partial, "w:gz") as tar:
        tar.add(root, arcname="", filter=keep)
    os.replace(partial, archive)
    return archive


# -- unzip ----------------------------------------------------------------------------


def _check_members(tar: tarfile.TarFile, target: str) -> None:
    """Refuse archives that would write outside the target folder (absolute paths, '..', links)."""
    base = os.path.realpath(target)
    for member in tar.getmembers():
        destination = os.path.realpath(os.path.join(base, member.name))
        if os.path.commonpath([base, destination]) != base:
            raise ZipError(f"The archive is not safe to unzip: {member.name!r} would be written outside the folder.")
        if member.issym() or member.islnk() or member.isdev():
            raise ZipError(f"The archive is not safe to unzip: {member.name!r} is a link or device file.")


def _open(archive: str) -> tarfile.TarFile:
    if not os.path.isfile(archive):
        raise ZipError(f"There is no file {archive!r}.")
    try:
        return tarfile.open(archive, "r:*")
    except tarfile.TarError:
        raise ZipError(f"{archive!r} is not an .otreezip file (it should be a project downloaded from "
                       "oTree Studio or made with `otree zip`).") from None


def unzip_project(archive: str, target: str) -> str:
    """Unpack an .otreezip into `target` (created; must not exist or be empty); returns target."""
    if os.path.exists(target) and (not os.path.isdir(target) or os.listdir(target)):
        raise ZipError(f"Could not unzip: the folder {target!r} already exists. Name another folder: "
                       f"otree unzip {archive} OTHER_FOLDER")
    with _open(archive) as tar:
        names = {os.path.normpath(m.name) for m in tar.getmembers()}
        if "settings.py" not in names:
            raise ZipError(f"{archive!r} holds no settings.py at its top level: it is not an oTree project.")
        os.makedirs(target, exist_ok=True)
        _check_members(tar, target)
        if hasattr(tarfile, "data_filter"):
            tar.extractall(target, filter="data")
        else:  # Python before 3.10.12: the members were checked above
            tar.extractall(target)
    return target


def default_folder(archive: str) -> str:
    name = os.path.basename(archive)
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else os.path.splitext(name)[0]


# -- zipserver ------------------------------------------------------------------------


def newest_archive(folder: str = ".") -> str | None:
    archives = glob.glob(os.path.join(folder, "*" + SUFFIX))
    return max(archives, key=os.path.getmtime) if archives else None


def database_for(archive: str) -> str:
    """Where zipserver keeps the SQLite database of a project: the same file for every run of it."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(cache, "otree-asgi", "zipserver", default_folder(archive))
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, "db.sqlite3")


# -- commands -------------------------------------------------------------------------


def _fail(exc: Exception) -> int:
    print(str(exc), file=sys.stderr)
    return 1


@command("zip", "Save the project in this folder as an .otreezip file (as oTree Studio makes them)")
def zip_command(args) -> int:
    try:
        archive = zip_project(os.getcwd())
    except ZipError as exc:
        return _fail(exc)
    print(f"Saved your project into {os.path.basename(archive)}")
    return 0


@command("unzip", "Unpack an .otreezip file into a new folder")
@arguments(lambda p: (
    p.add_argument("zip_file", help="the .otreezip file"),
    p.add_argument("folder", nargs="?", help="folder to create (default: the file's name without .otreezip)"),
))
def unzip_command(args) -> int:
    folder = args.folder
    if folder is None:
        if os.path.isfile("settings.py"):
            return _fail(ZipError("This folder is already a project (it has settings.py): unzip somewhere "
                                  "else, or name the folder: otree unzip FILE FOLDER"))
        folder = default_folder(args.zip_file)
    try:
        unzip_project(args.zip_file, folder)
    except ZipError as exc:
        return _fail(exc)
    shown = f'"{folder}"' if " " in folder else folder
    print(f"Unzipped into {folder}/. Next: cd {shown} && otree devserver")
    return 0


def _zipserver_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("zip_file", nargs="?", help="the .otreezip file (default: the newest in this folder)")
    parser.add_argument("addrport", nargs="?", default=None, metavar="[ADDR:]PORT", help="as for devserver")


@command("zipserver", "Run an .otreezip project on the development server (its database kept between runs)")
@arguments(_zipserver_arguments)
def zipserver_command(args) -> int:
    from otree.server.commands import devserver

    archive = args.zip_file or newest_archive()
    if archive is None:
        return _fail(ZipError("There is no .otreezip file in this folder; name one: otree zipserver FILE"))
    archive = os.path.abspath(archive)
    folder = tempfile.mkdtemp(prefix="otree-zipserver-")
    previous = os.getcwd()
    try:
        unzip_project(archive, folder)
        database = os.environ.get("DATABASE_URL") or f"sqlite:///{database_for(archive)}"
        os.environ["DATABASE_URL"] = database  # inherited by the server processes
        print(f"Running {os.path.basename(archive)} (unpacked in {folder}; database {database})", flush=True)
        os.chdir(folder)
        sys.path.insert(0, folder)
        return devserver(argparse.Namespace(addrport=args.addrport))
    except ZipError as exc:
        return _fail(exc)
    finally:
        os.chdir(previous)
        shutil.rmtree(folder, ignore_errors=True)
