"""Glimmer Journal: an Alexa skill for noticing and keeping glimmers."""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from typing import Any

from flask import Flask

__all__ = ["create_app"]

log = logging.getLogger(__name__)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app: settings from ``config``, else ``GLIMMERS_*`` variables, else defaults.

    Raises ``ConfigError`` for a setting it cannot use and ``StorageUnavailable``
    when the journals cannot be reached; both say what to check.
    """
    from . import web
    from .builder import build_skill
    from .config import load_config, open_configured_store
    from .envelope import RequestSerializer
    from .turn import utc_now
    from .verify import RequestVerifier

    settings = load_config(config)
    app = Flask(__name__)
    app.config.update(settings)
    clock = settings["CLOCK"] or utc_now
    store = open_configured_store(settings)
    if settings["PREPARE_STORAGE"]:
        # Creates or upgrades a database's schema; StorageUnavailable says what to check.
        store.open()
    verifier = None
    if settings["VERIFY_REQUESTS"]:
        verifier = RequestVerifier(
            trust_roots_pem=settings["TRUST_ROOTS_PEM"],
            cert_fetcher=settings["CERT_FETCHER"],
            clock=clock,
            skill_id=settings["SKILL_ID"],
        )
    else:
        log.warning(
            "REQUEST VERIFICATION IS OFF: anyone who can reach this server can read and write journals. "
            "Use this only for local testing."
        )
    if settings["SKILL_ID"] is None:
        log.warning("SKILL_ID is not set: requests for any Alexa skill ID are accepted (set GLIMMERS_SKILL_ID)")
    # Unsigned requests may name any apiEndpoint: only a development server calls a plain-HTTP one (a stand-in).
    skill = build_skill(
        store, rng=settings["RANDOM"] or random.Random(), clock=clock, allow_http_api=not settings["VERIFY_REQUESTS"]
    )
    state = web.Glimmers(
        skill=skill, store=store, serializer=RequestSerializer(), verifier=verifier, skill_id=settings["SKILL_ID"]
    )
    web.register(app, state)
    return app
