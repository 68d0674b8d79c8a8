"""`otree.asgi:app`, what uvicorn serves: the project in the current folder as an ASGI app.

The process's AppState is reused when it has a project already (the server runs in the process
that checked the project); otherwise the project is loaded into a new state, which becomes the
process's state.
"""

from otree import state
from otree.project import load_project
from otree.web.app import create_app

_state = state.current()
if _state.project is None:
    _state = state.AppState()
    load_project(state=_state)
app = create_app(_state)
