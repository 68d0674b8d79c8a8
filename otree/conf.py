"""The project's settings: the user's settings.py merged over oTree's defaults.

`settings` is usable before a project is loaded (it then holds only the defaults),
which is what lets currency, fields and templates be used in isolation.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Iterator

# Currencies that are displayed with no decimal places by default.
ZERO_DECIMAL_CURRENCIES = {"KRW", "JPY", "HUF", "IRR", "COP", "VND", "IDR"}


def env_flag(name: str) -> bool:
    """oTree's reading of a boolean environment variable: unset, '' and '0' are false."""
    return os.environ.get(name, "") not in ("", "0")


def default_settings() -> dict[str, Any]:
    """Every setting oTree reads, with oTree's defaults (reference §3.2-3.3)."""
    return dict(
        SESSION_CONFIGS=[],
        SESSION_CONFIG_DEFAULTS=dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc=""),
        PARTICIPANT_FIELDS=[],
        SESSION_FIELDS=[],
        LANGUAGE_CODE="en",
        REAL_WORLD_CURRENCY_CODE="USD",
        USE_POINTS=True,
        POINTS_DECIMAL_PLACES=0,
        POINTS_CUSTOM_NAME=None,
        REAL_WORLD_CURRENCY_DECIMAL_PLACES=None,  # derived from the currency code when None
        THOUSAND_SEPARATOR="",
        CURRENCY_UNIT=None,
        ROOMS=[],
        ADMIN_USERNAME=None,
        ADMIN_PASSWORD=os.environ.get("OTREE_ADMIN_PASSWORD", ""),
        SECRET_KEY=None,
        DEMO_PAGE_INTRO_HTML="",
        DEMO_PAGE_TITLE="Demo",
        BOTS_CHECK_HTML=True,
        AUTO_TABULATE_PAYOFFS=True,
        MTURK_NUM_PARTICIPANTS_MULTIPLE=2,
        BROWSER_COMMAND=None,
        GBAT_INACTIVE_SECONDS_UNTIL_PROMPT=120,
        GBAT_INACTIVE_SECONDS_TO_CONFIRM=15,
        AWS_ACCESS_KEY_ID=os.environ.get("AWS_ACCESS_KEY_ID"),
        AWS_SECRET_ACCESS_KEY=os.environ.get("AWS_SECRET_ACCESS_KEY"),
        DEBUG=not env_flag("OTREE_PRODUCTION"),
        AUTH_LEVEL=os.environ.get("OTREE_AUTH_LEVEL") or None,
        REST_KEY=os.environ.get("OTREE_REST_KEY") or None,
        DATABASE_URL=os.environ.get("DATABASE_URL") or "sqlite:///db.sqlite3",
        REDIS_URL=os.environ.get("REDIS_URL") or None,
        SENTRY_DSN=os.environ.get("SENTRY_DSN") or None,
        INSTALLED_APPS=["otree"],
        EXTENSION_APPS=[],
        ROOT_URLCONF=None,
        # Limits on what clients may send (see "Security and limits" in the README).
        MAX_REQUEST_BODY_SIZE=1024 * 1024,
        MAX_FORM_FIELDS=1000,
        MAX_WEBSOCKET_MESSAGE_SIZE=1024 * 1024,
        MAX_PARTICIPANTS_PER_SESSION=5000,
        LOGIN_MAX_ATTEMPTS=10,
        LOGIN_ATTEMPTS_WINDOW_SECONDS=300,
    )


class Settings:
    """Attribute access to the merged settings; unknown user settings are kept too."""

    def __init__(self) -> None:
        object.__setattr__(self, "_values", default_settings())
        object.__setattr__(self, "_configured", False)

    def configure(self, values: dict[str, Any]) -> None:
        """Replace the settings with the defaults overlaid by `values` (upper-case names only)."""
        merged = default_settings()
        merged.update({k: v for k, v in values.items() if k.isupper()})
        if merged["REAL_WORLD_CURRENCY_DECIMAL_PLACES"] is None:
            code = str(merged["REAL_WORLD_CURRENCY_CODE"] or "").upper()
            merged["REAL_WORLD_CURRENCY_DECIMAL_PLACES"] = 0 if code in ZERO_DECIMAL_CURRENCIES else 2
        object.__setattr__(self, "_values", merged)
        object.__setattr__(self, "_configured", True)

    @property
    def configured(self) -> bool:
        return self._configured

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "_values")
        if name == "REAL_WORLD_CURRENCY_DECIMAL_PLACES" and values.get(name) is None:
            code = str(values.get("REAL_WORLD_CURRENCY_CODE") or "").upper()
            return 0 if code in ZERO_DECIMAL_CURRENCIES else 2
        try:
            return values[name]
        except KeyError:
            raise AttributeError(f"settings has no attribute {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._values[name] = value

    def get(self, name: str, default: Any = None) -> Any:
        return self._values.get(name, default)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    @contextlib.contextmanager
    def override(self, **values: Any) -> Iterator[None]:
        """Temporarily change some settings (used by tests)."""
        saved = dict(self._values)
        self._values.update(values)
        try:
            yield
        finally:
            object.__setattr__(self, "_values", saved)


settings = Settings()
