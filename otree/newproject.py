"""Finishing a project made by `otree startproject`: its own secret key and a requirements.txt that installs."""

from __future__ import annotations

import json
import os
import re
import secrets
from importlib import metadata

DISTRIBUTION = "otree-asgi"
_SECRET_KEY_LINE = re.compile(r"^SECRET_KEY\s*=\s*(['\"]).*?\1", flags=re.M)


def new_secret_key() -> str:
    return secrets.token_urlsafe(32)


def set_secret_key(settings_path: str) -> None:
    with open(settings_path, encoding="utf-8") as f:
        text = f.read()
    text = _SECRET_KEY_LINE.sub(lambda m: f"SECRET_KEY = {new_secret_key()!r}", text, count=1)
    with open(settings_path, "w", encoding="utf-8") as f:
        f.write(text)


def installed_from() -> str | None:
    """The folder or URL otree-asgi was installed from (pip's direct_url.json), if it was not an index."""
    try:
        text = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    url = json.loads(text).get("url")
    return url or None


def requirements_text() -> str:
    from otree import __version__

    source = installed_from()
    header = ("# The packages this project needs. In a fresh virtualenv, from this folder:\n"
              "#     pip install -r requirements.txt\n")
    if source:
        return (header + f"# otree-asgi is installed from the source this project was made with ({source});\n"
                "# to use a package index instead, replace the line with: otree-asgi[postgres]"
                f"=={__version__}\n"
                f"otree-asgi[postgres] @ {source}\n")
    return (header + "# otree-asgi comes from your package index (or: pip install /path/to/otree-asgi first).\n"
            f"otree-asgi[postgres]=={__version__}\n")


def finish(project_folder: str) -> None:
    set_secret_key(os.path.join(project_folder, "settings.py"))
    with open(os.path.join(project_folder, "requirements.txt"), "w", encoding="utf-8") as f:
        f.write(requirements_text())
