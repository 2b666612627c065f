"""Tests of the Excel add-in (a package, so that its conftest does not shadow tests/conftest)."""
