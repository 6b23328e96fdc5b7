"""Helpers shared by the tests. Fixtures defined here are registered by ``tests/conftest.py``."""
