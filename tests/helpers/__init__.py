"""Plain helpers shared by test modules: values, builders and checks, imported by name. Fixtures live in the
conftest.py files (the root one for those every directory uses)."""
