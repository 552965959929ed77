"""``glimmers package``: the skill as an ASK CLI v2 project, ready for ``ask deploy``.

The project holds ``ask-resources.json`` and a skill package:
``skill-package/skill.json`` (the manifest) and
``skill-package/interactionModels/custom/<locale>.json`` for every locale
whose interaction model ships with the skill. ``interaction_models/`` stays
the one source of the models; the package is generated from it. There is no
``skillInfrastructure`` or ``code``: the skill runs on the publisher's own
server, at the HTTPS endpoint the manifest names.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from .safety import crisis_line
from .simulator.model import MODELS_PACKAGE, available_locales

ASK_RESOURCES_VERSION = "2020-03-31"
SKILL_PACKAGE = "skill-package"
CERTIFICATES = {"trusted": "Trusted", "wildcard": "Wildcard", "self-signed": "SelfSigned"}
# Amazon's list of skill categories (ask-smapi-model types the field as a plain string).
# A journaling aid for noticing calm moments sits under the store's Lifestyle heading,
# as Self Improvement; LIFESTYLE itself is a store heading, not a manifest value.
CATEGORY = "SELF_IMPROVEMENT"
MANIFEST_CATEGORIES = frozenset({
    "ALARMS_AND_CLOCKS", "ASTROLOGY", "BUSINESS_AND_FINANCE", "CALCULATORS", "CALENDARS_AND_REMINDERS",
    "CHILDRENS_EDUCATION_AND_REFERENCE", "CHILDRENS_GAMES", "CHILDRENS_MUSIC_AND_AUDIO", "CHILDRENS_NOVELTY_AND_HUMOR",
    "COMMUNICATION", "CONNECTED_CAR", "COOKING_AND_RECIPE", "CURRENCY_GUIDES_AND_CONVERTERS", "DATING",
    "DELIVERY_AND_TAKEOUT", "DEVICE_TRACKING", "EDUCATION_AND_REFERENCE", "EVENT_FINDERS", "EXERCISE_AND_WORKOUT",
    "FASHION_AND_STYLE", "FLIGHT_FINDERS", "FRIENDS_AND_FAMILY", "GAME_INFO_AND_ACCESSORY", "GAMES",
    "HEALTH_AND_FITNESS", "HOTEL_FINDERS", "KNOWLEDGE_AND_TRIVIA", "MOVIE_AND_TV_KNOWLEDGE_AND_TRIVIA",
    "MOVIE_INFO_AND_REVIEWS", "MOVIE_SHOWTIMES", "MUSIC_AND_AUDIO_ACCESSORIES", "MUSIC_AND_AUDIO_KNOWLEDGE_AND_TRIVIA",
    "MUSIC_INFO_REVIEWS_AND_RECOGNITION_SERVICE", "NAVIGATION_AND_TRIP_PLANNER", "NEWS", "NOVELTY",
    "ORGANIZERS_AND_ASSISTANTS", "PETS_AND_ANIMAL", "PODCAST", "PUBLIC_TRANSPORTATION", "RELIGION_AND_SPIRITUALITY",
    "RESTAURANT_BOOKING_INFO_AND_REVIEW", "SCHOOLS", "SCORE_KEEPING", "SELF_IMPROVEMENT", "SHOPPING", "SMART_HOME",
    "SOCIAL_NETWORKING", "SPORTS_GAMES", "SPORTS_NEWS", "STREAMING_SERVICE", "TAXI_AND_RIDESHARING",
    "TO_DO_LISTS_AND_NOTES", "TRANSLATORS", "TV_GUIDES", "UNIT_CONVERTERS", "WEATHER", "WINE_AND_BEVERAGE",
    "ZIP_CODE_LOOKUP",
})
# AlexaSkillEvent.SkillDisabled: NOT_PERSISTED deletes the account's journals (handlers/events.py).
EVENT_SUBSCRIPTIONS = ("SKILL_DISABLED",)
# Amazon's limits for a locale's store listing.
MAX_SUMMARY = 160
MAX_DESCRIPTION = 4000
MAX_EXAMPLE_PHRASES = 3
MAX_KEYWORDS = 30


@dataclass(frozen=True)
class Permission:
    """A permission the manifest asks for, and when: always, or when a model has one of ``intents``."""

    name: str
    why: str
    intents: frozenset[str] = frozenset()

    def needed(self, models: dict[str, dict[str, Any]]) -> bool:
        return not self.intents or any(self.intents & intent_names(model) for model in models.values())


PERMISSIONS = (
    # Voice profiles: every journal request is keyed by the recognised person (context.System.person),
    # and the greeting says their name (<alexa:name>).
    Permission("alexa::person_id:read", "voice profiles keep each household member's journal apart"),
    # Reminders to notice a glimmer: asked for once a model has the intent that sets one.
    Permission(
        "alexa::alerts:reminders:skill:readwrite",
        "reminders to notice a glimmer",
        frozenset({"SetReminderIntent"}),
    ),
)


# A DNS name with at least one dot: "glimmers.example.org", not "glimmers" or "my host".
_HOST_NAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]")


class PackageError(ValueError):
    """Something the package can't be made from; the message says what to do."""


@dataclass
class Project:
    """The files of an ASK CLI v2 project, by path inside it, and anything the publisher should know."""

    files: dict[PurePosixPath, Any]
    locales: list[str]
    warnings: list[str] = field(default_factory=list)


# -- checking what the publisher gave ------------------------------------------


def check_endpoint(url: str) -> str:
    """The skill's endpoint: an HTTPS URL on port 443 with a public host name."""
    parts = _https_parts(url, "--endpoint", "https://glimmers.example.org/alexa")
    if parts.port not in (None, 443):
        raise PackageError(f"Alexa calls HTTPS endpoints on port 443 only: give --endpoint without :{parts.port}")
    if parts.query or parts.fragment:
        raise PackageError("give --endpoint without a query or fragment, e.g. https://glimmers.example.org/alexa")
    return url.strip()


def check_url(url: str, option: str, example: str) -> str:
    """A page the store links to (the privacy policy, the terms of use, an icon): an HTTPS URL."""
    _https_parts(url, option, example)
    return url.strip()


def _https_parts(url: str, option: str, example: str) -> Any:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        raise PackageError(f"{option} {url!r} is not a URL; give one like {example}") from None
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise PackageError(f"{option} must be an HTTPS URL (Alexa uses only HTTPS); give one like {example}")
    if parts.username or parts.password:
        raise PackageError(f"give {option} without a user name or password in it")
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost") or _is_private_address(host):
        raise PackageError(f"Alexa can't reach {host}: give {option} a public HTTPS address")
    if not (_HOST_NAME.fullmatch(host) or _is_address(host)):
        raise PackageError(f"{option} {url!r} does not name a public host; give one like {example}")
    return parts


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_private_address(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_unspecified


# -- what ships with the skill ---------------------------------------------------


def shipped_models() -> dict[str, dict[str, Any]]:
    """Every interaction model that ships with the skill, by locale (interaction_models/<locale>.json)."""
    folder = resources.files(MODELS_PACKAGE)
    models = {}
    for locale in available_locales():
        models[locale] = json.loads(folder.joinpath(f"{locale}.json").read_text(encoding="utf-8"))
    if not models:
        raise PackageError("no interaction models ship with this installation; reinstall the package")
    return models


def intent_names(model: dict[str, Any]) -> set[str]:
    return {intent["name"] for intent in model["interactionModel"]["languageModel"]["intents"]}


def invocation_name(model: dict[str, Any]) -> str:
    return model["interactionModel"]["languageModel"]["invocationName"]


def load_listing(locale: str) -> dict[str, Any]:
    """The store listing for a locale: ``listing-<locale>.json`` if there is one, else its language's."""
    folder = resources.files("skill.speech").joinpath("catalogue")
    language = locale.split("-")[0].lower()
    for name in (f"listing-{locale}.json", f"listing-{language}.json"):
        resource = folder.joinpath(name)
        if resource.is_file():
            return json.loads(resource.read_text(encoding="utf-8"))
    raise PackageError(
        f"there is no store listing for {locale}: add skill/speech/catalogue/listing-{language}.json "
        "(see listing-en.json) before packaging that locale"
    )


def localized_publishing(locale: str, model: dict[str, Any], icons: dict[str, str]) -> dict[str, Any]:
    """A locale's name, summary, description (with the disclaimer and where to find help), phrases, keywords."""
    listing = load_listing(locale)
    spoken_name = " ".join(word.capitalize() for word in invocation_name(model).split())
    entry: dict[str, Any] = {
        "name": listing["name"],
        "summary": listing["summary"],
        "description": description(listing, locale),
        "examplePhrases": [phrase.format(invocation=spoken_name) for phrase in listing["example_phrases"]],
        "keywords": list(listing["keywords"]),
    }
    entry.update(icons)
    return entry


def description(listing: dict[str, Any], locale: str) -> str:
    """The listing's paragraphs, then the disclaimer and, where known, the locale's crisis line."""
    closing = listing["disclaimer"]
    line = crisis_line(locale)
    if line is not None:
        template = listing["help_call_or_text"] if line.text else listing["help_call"]
        closing = f"{closing} {template.format(emergency=line.emergency, number=line.number, name=line.name)}"
    return "\n\n".join([*listing["description"], closing])


# -- the manifest and the project ----------------------------------------------


def manifest(
    models: dict[str, dict[str, Any]],
    endpoint: str,
    certificate: str,
    privacy_url: str,
    terms_url: str | None = None,
    icons: dict[str, str] | None = None,
) -> dict[str, Any]:
    """skill.json: publishing information, privacy and compliance, permissions, events and the endpoint."""
    locales = sorted(models)
    default = load_listing(locales[0])
    privacy = {"privacyPolicyUrl": privacy_url}
    if terms_url:
        privacy["termsOfUseUrl"] = terms_url
    ssl = {"uri": endpoint, "sslCertificateType": CERTIFICATES[certificate]}
    countries = sorted({locale.rpartition("-")[2].upper() for locale in locales})
    body: dict[str, Any] = {
        "manifestVersion": "1.0",
        "publishingInformation": {
            "locales": {locale: localized_publishing(locale, models[locale], icons or {}) for locale in locales},
            # Offered where the skill's locales are spoken, so its crisis lines are the ones people there can call.
            "isAvailableWorldwide": False,
            "distributionCountries": countries,
            "category": CATEGORY,
            "testingInstructions": default["testing_instructions"],
        },
        "privacyAndCompliance": {
            "locales": {locale: dict(privacy) for locale in locales},
            "allowsPurchases": False,
            "usesPersonalInfo": True,
            "isChildDirected": False,
            "isExportCompliant": True,
            "containsAds": False,
        },
        "events": {
            "endpoint": dict(ssl),
            "subscriptions": [{"eventName": name} for name in EVENT_SUBSCRIPTIONS],
        },
        "apis": {"custom": {"endpoint": dict(ssl), "interfaces": []}},
    }
    permissions = [{"name": p.name} for p in PERMISSIONS if p.needed(models)]
    if permissions:
        body["permissions"] = permissions
    return {"manifest": body}


def ask_resources() -> dict[str, Any]:
    """ask-resources.json for a self-hosted skill: the skill package only, no code and no infrastructure."""
    return {
        "askcliResourcesVersion": ASK_RESOURCES_VERSION,
        "profiles": {"default": {"skillMetadata": {"src": f"./{SKILL_PACKAGE}"}}},
    }


def build_project(
    endpoint: str | None,
    privacy_url: str | None,
    certificate: str = "trusted",
    terms_url: str | None = None,
    small_icon: str | None = None,
    large_icon: str | None = None,
    models: dict[str, dict[str, Any]] | None = None,
) -> Project:
    """Every file of the project, checked; PackageError says what to change."""
    if not endpoint:
        raise PackageError("give --endpoint https://HOST/alexa: the public HTTPS address of your glimmers server")
    endpoint = check_endpoint(endpoint)
    if not privacy_url:
        raise PackageError(
            "give --privacy-url URL: the HTTPS address where you host your privacy policy (docs/PRIVACY.md); "
            "Alexa requires one from a skill that keeps what people say"
        )
    privacy_url = check_url(privacy_url, "--privacy-url", "https://glimmers.example.org/privacy")
    if terms_url:
        terms_url = check_url(terms_url, "--terms-url", "https://glimmers.example.org/terms")
    if certificate not in CERTIFICATES:
        raise PackageError(f"--certificate must be one of {', '.join(CERTIFICATES)}")
    icons = {}
    if small_icon:
        icons["smallIconUri"] = check_url(small_icon, "--small-icon", "https://glimmers.example.org/icon-108.png")
    if large_icon:
        icons["largeIconUri"] = check_url(large_icon, "--large-icon", "https://glimmers.example.org/icon-512.png")
    models = models if models is not None else shipped_models()
    files: dict[PurePosixPath, Any] = {
        PurePosixPath("ask-resources.json"): ask_resources(),
        PurePosixPath(SKILL_PACKAGE, "skill.json"): manifest(
            models, endpoint, certificate, privacy_url, terms_url, icons
        ),
    }
    for locale, model in sorted(models.items()):
        files[PurePosixPath(SKILL_PACKAGE, "interactionModels", "custom", f"{locale}.json")] = model
    project = Project(files, sorted(models))
    if certificate == "self-signed":
        project.warnings.append(
            "a self-signed certificate is for testing only: upload it in the developer console (Build > Endpoint); "
            "a skill using one can't be certified"
        )
    if len(icons) < 2:
        project.warnings.append(
            "no --small-icon and --large-icon: the store needs both (108x108 and 512x512 PNG) before certification"
        )
    return project


# -- writing it ----------------------------------------------------------------


def write_project(directory: Path, project: Project, force: bool = False) -> list[Path]:
    """Write the project's files into ``directory``; return them.

    An existing directory must be empty, or ``force`` given: then only the
    project's own files are replaced (each atomically), interaction models of
    locales no longer shipped are removed, and everything else stays, such as
    ``.ask/ask-states.json``, where ``ask deploy`` keeps the skill ID.
    """
    try:
        if directory.exists() and not directory.is_dir():
            raise PackageError(f"{directory} is a file; give -o a folder for the project")
        if directory.is_dir() and any(directory.iterdir()) and not force:
            raise PackageError(
                f"{directory} is not empty; give -o a new or empty folder, or add --force to rewrite "
                "the package's files in it (the rest, such as .ask/, is kept)"
            )
        written = []
        for relative, content in sorted(project.files.items()):
            target = directory.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_json(target, content)
            written.append(target)
        models = directory / SKILL_PACKAGE / "interactionModels" / "custom"
        for stale in sorted(models.glob("*.json")):
            if stale.stem not in project.locales:
                stale.unlink()
        return written
    except OSError as exc:
        where = exc.filename or directory
        raise PackageError(f"can't write the project to {where}: {exc.strerror or exc}") from None


def _write_json(path: Path, content: Any) -> None:
    text = json.dumps(content, indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)  # nothing secret here: readable like any project file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
