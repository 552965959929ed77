"""The ``glimmers`` command: serve the skill, or try it on a request file."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from .config import ConfigError
from .storage import JournalStore, StorageUnavailable
from .options import open_store_or_exit, settings_or_exit, storage_options, storage_overrides
from .simulator.commands import chat, request

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
WORKER_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s"

@click.group()
@click.version_option(package_name="glimmer-journal")
def main() -> None:
    """Glimmer Journal: a self-hosted Alexa skill for noticing and keeping glimmers."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Threads per worker process.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes sharing the port; on a busy server, one per CPU core.",
)
@storage_options
@click.option("--dev", is_flag=True, help="Turn request verification off, for local testing only.")
def serve(
    host: str, port: int, threads: int, workers: int, data_dir: Path | None, database_url: str | None, dev: bool
) -> None:
    """Serve the skill at POST /alexa with gunicorn (threaded workers)."""
    from . import create_app
    from .server import ServerError
    from .server import serve as serve_app

    # With several workers, each line says which process wrote it: "skill.web[1234]: ...".
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT if workers == 1 else WORKER_LOG_FORMAT)
    overrides = storage_overrides(data_dir, database_url)
    if dev:
        overrides["VERIFY_REQUESTS"] = False
    try:
        # Built once here, to check every setting and prepare the storage before any worker starts.
        app = create_app(overrides)
    except (ConfigError, StorageUnavailable) as exc:
        raise click.ClickException(str(exc)) from None
    store = app.extensions["glimmers"].store
    store.close()
    if not app.config["VERIFY_REQUESTS"]:
        click.secho(
            "WARNING: request verification is OFF (--dev or GLIMMERS_VERIFY_REQUESTS=false). "
            "Anyone who can reach this port can read and write journals. Never expose it to the internet.",
            fg="red",
            bold=True,
            err=True,
        )
    click.echo(f"Glimmer Journal on http://{host}:{port}/alexa, journals in {store.description}", err=True)

    def worker_app() -> Any:
        """A worker's own app, built after it starts. Its warnings were logged above, once."""
        logger = logging.getLogger("skill")
        level = logger.level
        logger.setLevel(logging.ERROR)
        try:
            return create_app({**overrides, "PREPARE_STORAGE": False})
        finally:
            logger.setLevel(level)

    try:
        status = serve_app(worker_app, host, port, threads=threads, workers=workers)
    except ServerError as exc:
        raise click.ClickException(str(exc)) from None
    click.get_current_context().exit(status)


@main.command()
@click.argument("file", type=click.File("rb"))
@click.option("--user", help="Send the request as this Alexa user ID instead of the one in FILE.")
@storage_options
@click.option("--speech", "speech_only", is_flag=True, help="Print only what Alexa would say, as plain text.")
def invoke(file: Any, user: str | None, data_dir: Path | None, database_url: str | None, speech_only: bool) -> None:
    """Run one Alexa request envelope (FILE, or - for stdin) through the skill, locally.

    No HTTP and no signature check: this is for trying the skill with the
    sample requests in tests/requests/.
    """
    from .envelope import parse_json
    from .session import LocalSkill

    logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT)
    store = open_store_or_exit(data_dir, database_url)
    raw = file.read()
    try:
        envelope = parse_json(raw)
    except ValueError:
        raise click.ClickException(f"{file.name} is not JSON; give a file holding an Alexa request envelope") from None
    local = LocalSkill(store)
    try:
        response = local.invoke(envelope, user=user)
    except ValueError as exc:
        raise click.ClickException(f"{file.name}: {exc}") from None
    if speech_only:
        click.echo(local.spoken(response))
    else:
        click.echo(json.dumps(response, indent=2, ensure_ascii=False))


# -- operator tools: users / export / import / doctor -----------------------


def _operator_store(data_dir: Path | None, database_url: str | None, must_exist: bool = True) -> JournalStore:
    """The store an operator command works on, as ``serve`` would find it."""
    logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT)
    settings = settings_or_exit(storage_overrides(data_dir, database_url))
    if must_exist and not settings["DATABASE_URL"] and not Path(settings["DATA_DIR"]).is_dir():
        raise click.ClickException(f"no journals at {settings['DATA_DIR']}; is --data-dir right?")
    return open_store_or_exit(data_dir, database_url)


def _operator_failure(exc: Exception) -> click.ClickException:
    """A click error with the operator error's exit code (2 for a file that is not an export)."""
    if isinstance(exc, OSError) and exc.filename and exc.strerror:
        failure = click.ClickException(f"{exc.filename}: {exc.strerror}")
    else:
        failure = click.ClickException(str(exc))
    failure.exit_code = getattr(exc, "exit_code", 1)
    return failure


@main.command()
@storage_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def users(data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """List journals by hashed account ID, with glimmer counts and first and last dates (UTC)."""
    from .operator import OperatorError, stderr_progress, summarise_journals, users_report, users_table

    store = _operator_store(data_dir, database_url)
    try:
        summaries = summarise_journals(store, stderr_progress)
    except (OperatorError, OSError, StorageUnavailable) as exc:
        raise _operator_failure(exc) from None
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(users_report(summaries), indent=2))
    else:
        click.echo(users_table(summaries))


@main.command()
@click.option("--user", "user_id", metavar="ID", help="Export this Alexa user's journals (amzn1.ask.account...).")
@click.option("--all", "export_all", is_flag=True, help="Export every journal.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "markdown"]),
    default="json",
    show_default=True,
    help="json can be imported again; csv is a row per glimmer; markdown is for reading.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    help="Write to this file (atomically, readable only by you) instead of stdout.",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@storage_options
def export(
    user_id: str | None,
    export_all: bool,
    fmt: str,
    output: Path | None,
    force: bool,
    data_dir: Path | None,
    database_url: str | None,
) -> None:
    """Export one user's journals (--user ID) or everyone's (--all) as JSON, CSV or Markdown."""
    from .operator import OperatorError, export_journals, journals_to_export, output_stream, stderr_progress

    if (user_id is None) == (not export_all):
        raise click.UsageError("give either --user ID or --all (exactly one)")
    store = _operator_store(data_dir, database_url)
    target = None if output is None or str(output) == "-" else output
    try:
        refs = journals_to_export(store, user_id)
        with output_stream(target, force=force) as stream:
            result = export_journals(store, refs, stream, fmt, progress=stderr_progress)
    except (OperatorError, OSError, StorageUnavailable) as exc:
        raise _operator_failure(exc) from None
    finally:
        store.close()
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(result.describe(target), err=True)


@main.command("import")
@click.argument("file", type=click.File("rb"))
@storage_options
def import_(file: Any, data_dir: Path | None, database_url: str | None) -> None:
    """Import a JSON export (FILE, or - for stdin); glimmers a journal already has are skipped.

    Safe while the server runs, and safe to run again after an interruption.
    """
    from .operator import OperatorError, import_journals, parse_export, stderr_progress

    source = str(getattr(file, "name", "-"))
    source = "stdin" if source in ("-", "<stdin>") else source
    try:
        journals = parse_export(file.read(), source)
    except OperatorError as exc:
        raise _operator_failure(exc) from None
    store = _operator_store(data_dir, database_url, must_exist=False)
    try:
        result = import_journals(store, journals, stderr_progress)
    except (OperatorError, OSError, StorageUnavailable) as exc:
        raise _operator_failure(exc) from None
    finally:
        store.close()
    for moved in result.quarantined:
        click.echo(f"moved damaged journal {moved} before importing into it")
    click.echo(result.describe(store.description))


@main.command()
@storage_options
@click.option("--fix", is_flag=True, help="Remove stale temporary files left by killed writers (never journal data).")
def doctor(data_dir: Path | None, database_url: str | None, fix: bool) -> None:
    """Check every journal, leftover temporary files and the quarantine; exit 1 if anything needs attention."""
    from .operator import doctor_text

    store = _operator_store(data_dir, database_url)
    try:
        report = store.check(fix=fix)
    except (OSError, StorageUnavailable) as exc:
        raise _operator_failure(exc) from None
    finally:
        store.close()
    click.echo(doctor_text(report, store.description))
    if not report.healthy:
        click.get_current_context().exit(1)


@main.command()
@click.option("--endpoint", metavar="URL", help="The skill's public HTTPS address, e.g. https://glimmers.example.org/alexa.")
@click.option(
    "--certificate",
    type=click.Choice(["trusted", "wildcard", "self-signed"]),
    default="trusted",
    show_default=True,
    help="The kind of certificate your HTTPS endpoint has.",
)
@click.option("--privacy-url", metavar="URL", help="Where you host your privacy policy (docs/PRIVACY.md). Required.")
@click.option("--terms-url", metavar="URL", help="Where you host your terms of use, if you have any.")
@click.option("--small-icon", metavar="URL", help="A 108x108 PNG icon for the store, by HTTPS URL.")
@click.option("--large-icon", metavar="URL", help="A 512x512 PNG icon for the store, by HTTPS URL.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The folder to write the project to. Required.")
@click.option("--force", is_flag=True, help="Rewrite the package's files in a folder that is not empty (the rest is kept).")
def package(
    endpoint: str | None,
    certificate: str,
    privacy_url: str | None,
    terms_url: str | None,
    small_icon: str | None,
    large_icon: str | None,
    output: Path | None,
    force: bool,
) -> None:
    """Write an ASK CLI v2 project for the skill (manifest and interaction models), ready for `ask deploy`."""
    from .package import PackageError, build_project, write_project

    try:
        if output is None:
            raise PackageError("give -o DIR: the folder to write the project to, e.g. -o glimmers-skill")
        project = build_project(endpoint, privacy_url, certificate, terms_url, small_icon, large_icon)
        write_project(output, project, force=force)
    except PackageError as exc:
        raise click.ClickException(str(exc)) from None
    for warning in project.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote an ASK CLI project for {', '.join(project.locales)} to {output}; next: cd {output} && ask deploy")


main.add_command(chat)
main.add_command(request)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


@main.command()
@click.option("--check", is_flag=True, help="Only check that the checked-in models are up to date (exit 1 if not).")
def models(check: bool) -> None:
    """Write interaction_models/en-GB, en-CA, en-AU and en-IN.json from en-US.json and interaction_models/regional/."""
    from .regional import RegionalModelError, stale_models, write_models

    try:
        if check:
            stale = stale_models()
            if stale:
                raise click.ClickException(f"out of date: {', '.join(stale)}; run glimmers models to write them")
            click.echo("every regional model is up to date")
            return
        changed = write_models()
    except (RegionalModelError, OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {', '.join(changed)}" if changed else "every regional model was already up to date")
