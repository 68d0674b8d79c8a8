"""The admin interface (reference §8.2): sessions, session creation, the pages of a session.

Auth areas follow the reference's route table (§4.2): "demo" pages are open under
OTREE_AUTH_LEVEL=DEMO, "admin" pages need login under DEMO and STUDY. The demo index and
demo creation page live in otree.web.demo; the monitor, rooms and data export are
otree.web.monitor, otree.web.rooms and otree.web.export_views.
"""

from __future__ import annotations

from starlette.routing import Route, WebSocketRoute

from . import creating, server_check, session_pages, sessions
from .common import admin_context, render_admin, session_header
from .creating import AdminConsumer


def routes() -> list:
    from .. import demo

    return [
        Route("/sessions", sessions.sessions_page),
        Route("/ToggleArchivedSessions", sessions.toggle_archived_sessions, methods=["POST"]),
        Route("/DeleteSessions", sessions.delete_sessions_form, methods=["POST"]),
        Route("/create_session", creating.create_session_page, methods=["GET", "POST"]),
        # GET /demo/{config_name} and /SessionStartLinks/{code} are routed to otree.web.demo by the
        # app (demo_routes); this adds the no-JS POST of the demo creation page.
        Route("/demo/{config_name}", demo.create_demo_session_post, methods=["POST"]),
        Route("/SessionDescription/{code}", session_pages.session_description),
        Route("/SessionSplitScreen/{code}", session_pages.session_split_screen),
        Route("/SessionDemoGridView/{code}", session_pages.session_grid_view),
        Route("/SessionData/{code}", session_pages.session_data_page),
        Route("/session_data/{code}", session_pages.session_data_json),
        Route("/SessionPayments/{code}", session_pages.session_payments_page),
        Route("/AdminReport/{code}", session_pages.admin_report_page),
        Route("/SessionEditProperties/{code}", session_pages.session_edit_properties, methods=["GET", "POST"]),
        Route("/server_check", server_check.server_check),
    ]


def websocket_routes() -> list:
    return [
        WebSocketRoute("/create_session", creating.CreateSessionConsumer.as_endpoint()),
        WebSocketRoute("/create_demo_session", creating.CreateDemoSessionConsumer.as_endpoint()),
        WebSocketRoute("/delete_sessions", sessions.DeleteSessionsConsumer.as_endpoint()),
    ]


__all__ = ["routes", "websocket_routes", "admin_context", "render_admin", "session_header", "AdminConsumer"]
