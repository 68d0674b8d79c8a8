"""otree-asgi: oTree experiments on Starlette, SQLAlchemy 2 and Jinja2.

The package is built in layers. A module imports only from its own layer and the layers
below it; tests/test_layers.py reads every import (function-level ones too) and fails on an
upward import or an import cycle. From the bottom up:

1. foundation: `state` (the running app's AppState), `conf` (settings), `constants`,
   `errors`, `currency`, `i18n`, `events`, `jsonable`, `widgets`. They import nothing above them, so anything
   may use them.
2. db: `db.*` (engine, oTree's tables, model base classes and mapping, units of work, schema)
   and `debugging` (locals captured when a unit of work fails).
3. channels and tasks: `channels.*` (channel layer, consumers), `tasks` (the scheduled-task loop)
   and `timeouts` (page deadlines as scheduled tasks).
4. pages: `pages` (Page, WaitPage, hooks), `live`, and the forms pages post (`forms`,
   `bound_fields`).
5. project: `project` (loading settings.py and the apps into the AppState).
6. running sessions: `flow`, `waitpages`, `leaving`, `dropouts`, `monitor`,
   `live_replies`, `rooms`, `session`, `prolific`, `export.*`.
7. templating and bots: `templating.*`, and the bot API and runner (`bots.api`, `bots.html`, `bots.runner`).
8. web: `web.*` (the Starlette app, routes, endpoints, rendering), `http`, `urls`,
   `extensions`, `bots.browser` (browser bots are served by the web app).
9. commands and public API: `api`, `models`, `database`, `common`, `settings`, `utils`,
   `views` (what apps import), `cli`, `asgi`, `server.*`, `bots.run`, `bots.commands`,
   `shell`, `zipfiles`, `newproject`.

A lower layer that must reach a higher one does it without importing it: through the
AppState (`otree.state.current().project`), an event a higher layer listens to, or a value
the higher layer registers (`otree.project.provide_to_builtin`). Imports needed only for
type hints go under `if TYPE_CHECKING:`. docs/architecture.md describes the request flow.
"""

__version__ = '0.1.0'
