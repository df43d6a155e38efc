"""The team database, for the Settings page: its address as fields, and the connection check.

A service between ``ui`` (which holds no SQL and imports nothing from ``store``) and
``store.probe``. Which database the app opens is decided in ``paths.default_database``:
``--db``, then ``COMPANION_DB``, then ``Settings.team_database``, then this computer's file.
"""

from __future__ import annotations

from companion.paths import TEAM_SCHEMES, is_team_url, without_password
from companion.store.probe import DEFAULT_PORT, TIMEOUT, Probe, TeamAddress, check_connection

__all__ = [
    "DEFAULT_PORT",
    "TEAM_SCHEMES",
    "TIMEOUT",
    "Probe",
    "TeamAddress",
    "check_connection",
    "is_team_url",
    "without_password",
]
