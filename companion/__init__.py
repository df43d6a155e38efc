"""Call Companion: says what kind of call this is and logs it with one click."""

__version__ = "0.1.0"
