"""Settings: defaults, then ``GLIMMERS_*`` environment variables, then what the caller passes."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs

ENV_PREFIX = "GLIMMERS_"
# Settings that may come from the environment, with how to read them.
FROM_ENVIRONMENT = {
    "DATA_DIR": str,
    "DATABASE_URL": str,
    "SKILL_ID": str,
    "VERIFY_REQUESTS": "bool",
    "TRUST_ROOTS_PEM": str,
}
# Code-only settings (tests and embedders): CERT_FETCHER, CLOCK, RANDOM, and PREPARE_STORAGE (False: the
# caller has already created or upgraded the storage, as ``glimmers serve`` does once before its workers start).
DEFAULTS: dict[str, Any] = {
    "DATA_DIR": None,
    "DATABASE_URL": None,
    "SKILL_ID": None,
    "VERIFY_REQUESTS": True,
    "TRUST_ROOTS_PEM": None,
    "CERT_FETCHER": None,
    "CLOCK": None,
    "RANDOM": None,
    "PREPARE_STORAGE": True,
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ConfigError(ValueError):
    """A setting has a value the skill cannot use; the message says how to fix it."""


def parse_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false (got {value!r}); for example {ENV_PREFIX}{name}=false")


def default_data_dir() -> Path:
    """The platform's per-user data folder, e.g. ~/.local/share/glimmers on Linux."""
    return Path(platformdirs.user_data_dir("glimmers", appauthor=False))


def open_configured_store(config: Mapping[str, Any]) -> Any:
    """The storage engine the settings choose (not yet opened): PostgreSQL with DATABASE_URL, else TinyDB in DATA_DIR."""
    from .storage import open_store

    return open_store(config["DATA_DIR"], config["DATABASE_URL"])


def load_config(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Merge defaults, the environment and ``overrides`` (in that order) and check the result."""
    environ = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    for name in FROM_ENVIRONMENT:
        value = environ.get(ENV_PREFIX + name)
        if value is not None and value != "":
            config[name] = value
    config.update(overrides or {})
    config["VERIFY_REQUESTS"] = parse_bool("VERIFY_REQUESTS", config["VERIFY_REQUESTS"])
    config["DATA_DIR"] = Path(config["DATA_DIR"]).expanduser() if config["DATA_DIR"] else default_data_dir()
    url = str(config["DATABASE_URL"] or "").strip()
    if url and not url.startswith(("postgresql://", "postgres://")) and "=" not in url:
        raise ConfigError(
            f"DATABASE_URL must be a PostgreSQL URL such as postgresql://glimmers@db.example.org/glimmers "
            f"(got something else); for example {ENV_PREFIX}DATABASE_URL=postgresql://user:password@host/dbname"
        )
    config["DATABASE_URL"] = url or None
    config["SKILL_ID"] = (str(config["SKILL_ID"]).strip() or None) if config["SKILL_ID"] else None
    roots = config["TRUST_ROOTS_PEM"]
    if roots and not Path(roots).is_file():
        raise ConfigError(f"TRUST_ROOTS_PEM points at {roots}, which is not a file; give the path of a PEM bundle")
    return config
