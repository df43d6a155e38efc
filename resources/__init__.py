"""Icons and translations; installed as ``companion.resources`` (see pyproject.toml)."""
