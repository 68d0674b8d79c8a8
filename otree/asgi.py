"""`otree.asgi:app`, what uvicorn serves: the project in the current folder as an ASGI app."""

from otree.project import get_project, has_project, load_project
from otree.web.app import create_app

app = create_app(get_project() if has_project() else load_project())
