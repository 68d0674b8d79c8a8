"""Tests against a real uvicorn server on 127.0.0.1: pages, wait-page and live sockets, timeouts, races, workers."""
