"""Command-line options shared by several ``glimmers`` commands: where the journals are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .config import ConfigError, load_config, open_configured_store
from .storage import JournalStore, StorageUnavailable


def storage_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--data-dir DIR`` and ``--database-url URL``, passed on as ``data_dir`` and ``database_url``."""
    command = click.option(
        "--database-url",
        metavar="URL",
        help="Keep journals in PostgreSQL at URL, e.g. postgresql://glimmers@localhost/glimmers "
        "(default: GLIMMERS_DATABASE_URL; without either, TinyDB files in the data folder).",
    )(command)
    command = click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Where TinyDB journals live (default: GLIMMERS_DATA_DIR, else your per-user data folder).",
    )(command)
    return command


def storage_overrides(data_dir: Path | None, database_url: str | None) -> dict[str, Any]:
    """The settings the two options override, when given."""
    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["DATA_DIR"] = data_dir
    if database_url is not None:
        overrides["DATABASE_URL"] = database_url
    return overrides


def settings_or_exit(overrides: dict[str, Any]) -> dict[str, Any]:
    """The merged settings, or one clear line and exit 1."""
    try:
        return load_config(overrides)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def open_store_or_exit(data_dir: Path | None, database_url: str | None) -> JournalStore:
    """The store the options and settings choose, ready to use, or one clear line and exit 1."""
    store = open_configured_store(settings_or_exit(storage_overrides(data_dir, database_url)))
    try:
        store.open()
    except StorageUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    return store
