"""Errors of the store layer."""


class StoreError(Exception):
    """The database cannot be used; the message says why in one sentence."""
