"""Helpers shared by the tests (imported as tests.support.<module>; fixtures live in conftest.py files)."""
