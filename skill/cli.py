"""The ``glimmers`` command: serve the skill, or try it on a request file."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from .config import ConfigError, load_config

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where journals live (default: GLIMMERS_DATA_DIR, else your per-user data folder).",
)


@click.group()
@click.version_option(package_name="glimmer-journal")
def main() -> None:
    """Glimmer Journal: a self-hosted Alexa skill for noticing and keeping glimmers."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Worker threads.")
@data_dir_option
@click.option("--dev", is_flag=True, help="Turn request verification off, for local testing only.")
def serve(host: str, port: int, threads: int, data_dir: Path | None, dev: bool) -> None:
    """Serve the skill at POST /alexa with the waitress WSGI server."""
    import waitress

    from . import create_app

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["DATA_DIR"] = data_dir
    if dev:
        overrides["VERIFY_REQUESTS"] = False
    try:
        app = create_app(overrides)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if not app.config["VERIFY_REQUESTS"]:
        click.secho(
            "WARNING: request verification is OFF (--dev or GLIMMERS_VERIFY_REQUESTS=false). "
            "Anyone who can reach this port can read and write journals. Never expose it to the internet.",
            fg="red",
            bold=True,
            err=True,
        )
    click.echo(f"Glimmer Journal on http://{host}:{port}/alexa, journals in {app.config['DATA_DIR']}", err=True)
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="glimmers")
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); is another server using it? Try --port."
        ) from None


@main.command()
@click.argument("file", type=click.File("rb"))
@click.option("--user", help="Send the request as this Alexa user ID instead of the one in FILE.")
@data_dir_option
@click.option("--speech", "speech_only", is_flag=True, help="Print only what Alexa would say, as plain text.")
def invoke(file: Any, user: str | None, data_dir: Path | None, speech_only: bool) -> None:
    """Run one Alexa request envelope (FILE, or - for stdin) through the skill, locally.

    No HTTP and no signature check: this is for trying the skill with the
    sample requests in tests/requests/.
    """
    from .session import LocalSkill

    logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT)
    try:
        settings = load_config({"DATA_DIR": data_dir} if data_dir else None)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    raw = file.read()
    try:
        envelope = json.loads(raw)
    except ValueError:
        raise click.ClickException(f"{file.name} is not JSON; give a file holding an Alexa request envelope") from None
    local = LocalSkill(settings["DATA_DIR"])
    try:
        response = local.invoke(envelope, user=user)
    except ValueError as exc:
        raise click.ClickException(f"{file.name}: {exc}") from None
    if speech_only:
        click.echo(local.spoken(response))
    else:
        click.echo(json.dumps(response, indent=2, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
