"""Running the web server: `otree devserver`, `otree prodserver` and their aliases (uvicorn)."""
