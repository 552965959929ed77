"""``glimmers package``: an ASK CLI v2 project whose manifest and models Alexa's own SMAPI model accepts, offline.

The generated skill.json is read into ask-smapi-model's SkillManifestEnvelope
and each interaction model into InteractionModelData, and written back: a
field the SMAPI model does not know would be dropped, so the round trip must
give the same JSON. Then our own rules: example phrases are samples of the
model, lengths are within the store's limits, every shipped locale is in both.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import date
from pathlib import Path, PurePosixPath

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_smapi_model.v1.skill.interaction_model.interaction_model_data import InteractionModelData
from ask_smapi_model.v1.skill.manifest.event_name_type import EventNameType
from ask_smapi_model.v1.skill.manifest.permission_name import PermissionName
from ask_smapi_model.v1.skill.manifest.skill_manifest_envelope import SkillManifestEnvelope
from ask_smapi_model.v1.skill.manifest.ssl_certificate_type import SSLCertificateType

from skill.package import (
    CATEGORY,
    MANIFEST_CATEGORIES,
    MAX_DESCRIPTION,
    MAX_EXAMPLE_PHRASES,
    MAX_KEYWORDS,
    MAX_SUMMARY,
    PERMISSIONS,
    PackageError,
    build_project,
    check_endpoint,
    shipped_models,
    write_project,
)
from skill.safety import crisis_line
from skill.simulator.model import InteractionModel
from skill.simulator.language import lexicon_for
from skill.simulator.resolver import Resolver, heard

GLIMMERS = str(Path(sys.executable).parent / "glimmers")
MODELS_DIR = Path(__file__).parent.parent / "interaction_models"
SOURCE_LOCALES = sorted(p.stem for p in MODELS_DIR.glob("*.json"))
ENDPOINT = "https://glimmers.example.org/alexa"
PRIVACY = "https://glimmers.example.org/privacy"
TERMS = "https://glimmers.example.org/terms"
SERIALIZER = DefaultSerializer()
LAUNCH_VERBS = ("open", "start", "launch", "begin")
ONE_SHOT_VERBS = ("ask", "tell")
CONNECTORS = ("to", "that", "for", "about", "if", "whether")
# The launch and one-shot phrasing certification accepts, per language: (launch verbs, one-shot verbs, connectors).
CERTIFIED_PHRASING = {
    "en": (LAUNCH_VERBS, ONE_SHOT_VERBS, CONNECTORS),
    "de": (("öffne", "starte"), ("frag", "frage", "sag", "sage", "bitte"), ("dass", "nach", "ob", "was", "wann", "wie")),
}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([GLIMMERS, "package", *args], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def project():
    return build_project(ENDPOINT, PRIVACY, "trusted", TERMS,
                         "https://glimmers.example.org/icon-108.png", "https://glimmers.example.org/icon-512.png")


@pytest.fixture(scope="module")
def skill_json(project):
    return project.files[_path("skill-package/skill.json")]


def _path(text: str) -> PurePosixPath:
    return PurePosixPath(text)


@pytest.fixture(scope="module")
def manifest(skill_json):
    return skill_json["manifest"]


# ------------------------------------------------------------------ the command


def test_package_writes_an_ask_cli_project_for_every_shipped_locale(tmp_path):
    out = tmp_path / "glimmers-skill"
    result = run("--endpoint", ENDPOINT, "--privacy-url", PRIVACY, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "ask deploy" in result.stdout
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    expected = ["ask-resources.json", "skill-package/skill.json"]
    expected += [f"skill-package/interactionModels/custom/{locale}.json" for locale in SOURCE_LOCALES]
    assert files == sorted(expected)
    resources = json.loads((out / "ask-resources.json").read_text())
    assert resources == {
        "askcliResourcesVersion": "2020-03-31",
        "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}},
    }
    assert (out / resources["profiles"]["default"]["skillMetadata"]["src"] / "skill.json").is_file()
    for locale in SOURCE_LOCALES:
        written = json.loads((out / f"skill-package/interactionModels/custom/{locale}.json").read_text())
        assert written == json.loads((MODELS_DIR / f"{locale}.json").read_text()), "generated from interaction_models/"
    skill_json = json.loads((out / "skill-package/skill.json").read_text())
    assert skill_json["manifest"]["apis"]["custom"]["endpoint"] == {"uri": ENDPOINT, "sslCertificateType": "Trusted"}
    assert "icon" in result.stderr  # no icons given: it says what the store still needs


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--endpoint", "http://glimmers.example.org/alexa", "--privacy-url", PRIVACY], "must be an HTTPS URL"),
        (["--endpoint", "glimmers.example.org/alexa", "--privacy-url", PRIVACY], "must be an HTTPS URL"),
        (["--privacy-url", PRIVACY], "give --endpoint"),
        (["--endpoint", ENDPOINT], "give --privacy-url"),
        (["--endpoint", ENDPOINT, "--privacy-url", "http://glimmers.example.org/privacy"], "--privacy-url must be"),
        (["--endpoint", ENDPOINT, "--privacy-url", PRIVACY, "--terms-url", "ftp://x.org/t"], "--terms-url must be"),
        (["--endpoint", "https://localhost/alexa", "--privacy-url", PRIVACY], "can't reach localhost"),
        (["--endpoint", "https://glimmers.example.org:8443/alexa", "--privacy-url", PRIVACY], "port 443"),
    ],
)
def test_bad_input_gets_one_line_saying_what_to_do(tmp_path, args, message):
    result = run(*args, "-o", str(tmp_path / "out"))
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists(), "nothing is written"


def test_without_an_output_folder_it_says_to_give_one():
    result = run("--endpoint", ENDPOINT, "--privacy-url", PRIVACY)
    assert result.returncode != 0 and "give -o DIR" in result.stderr and "Traceback" not in result.stderr


def test_a_folder_that_is_not_empty_needs_force_and_force_keeps_the_skill_id(tmp_path):
    out = tmp_path / "project"
    (out / ".ask").mkdir(parents=True)
    states = out / ".ask" / "ask-states.json"
    states.write_text('{"profiles": {"default": {"skillId": "amzn1.ask.skill.kept"}}}')
    refused = run("--endpoint", ENDPOINT, "--privacy-url", PRIVACY, "-o", str(out))
    assert refused.returncode != 0 and "not empty" in refused.stderr and "--force" in refused.stderr
    assert not (out / "skill-package").exists()
    stale = out / "skill-package" / "interactionModels" / "custom" / "xx-XX.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    forced = run("--endpoint", ENDPOINT, "--privacy-url", PRIVACY, "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "amzn1.ask.skill.kept" in states.read_text()
    assert not stale.exists(), "a locale no longer shipped is removed"
    assert (out / "skill-package" / "skill.json").is_file()


def test_an_output_path_that_is_a_file_is_refused(tmp_path):
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    result = run("--endpoint", ENDPOINT, "--privacy-url", PRIVACY, "-o", str(a_file), "--force")
    assert result.returncode != 0 and "is a file" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "url",
    ["http://glimmers.example.org/alexa", "ftp://glimmers.example.org/alexa", "https:///alexa", "https://127.0.0.1/alexa",
     "https://10.0.0.7/alexa", "https://glimmers.example.org:8080/alexa", "https://glimmers.example.org/alexa?x=1",
     "https://user:secret@glimmers.example.org/alexa", "https://glimmers.local host/alexa", "https://glimmers/alexa",
     "https://[::1]/alexa", "https://glimmers.localhost/alexa"],
)
def test_endpoints_alexa_cannot_call_are_refused(url):
    with pytest.raises(PackageError):
        check_endpoint(url)


def test_an_endpoint_on_port_443_is_fine():
    assert check_endpoint("https://glimmers.example.org:443/alexa")


@pytest.mark.parametrize(("choice", "ssl"), [("trusted", "Trusted"), ("wildcard", "Wildcard"), ("self-signed", "SelfSigned")])
def test_the_certificate_type_reaches_the_endpoint_and_the_events(choice, ssl):
    project = build_project(ENDPOINT, PRIVACY, choice)
    body = project.files[_path("skill-package/skill.json")]["manifest"]
    assert body["apis"]["custom"]["endpoint"]["sslCertificateType"] == ssl
    assert body["events"]["endpoint"] == {"uri": ENDPOINT, "sslCertificateType": ssl}
    assert SSLCertificateType(ssl)
    assert any("self-signed" in w for w in project.warnings) == (choice == "self-signed")


# ------------------------------------------------------------------ SMAPI's own model, offline


def test_the_manifest_is_a_smapi_skill_manifest_with_nothing_dropped(skill_json):
    envelope = SERIALIZER.deserialize(json.dumps(skill_json), SkillManifestEnvelope)
    assert isinstance(envelope, SkillManifestEnvelope)
    assert SERIALIZER.serialize(envelope) == skill_json
    custom = envelope.manifest.apis.custom
    assert custom.endpoint.uri == ENDPOINT and custom.endpoint.ssl_certificate_type == SSLCertificateType.Trusted
    assert [s.event_name for s in envelope.manifest.events.subscriptions] == [EventNameType.SKILL_DISABLED]


def test_a_field_smapi_does_not_know_would_be_caught(skill_json):
    """The round trip above is a real check: an unknown field does not survive it."""
    broken = copy.deepcopy(skill_json)
    broken["manifest"]["apis"]["custom"]["endpiont"] = {"uri": ENDPOINT}
    assert SERIALIZER.serialize(SERIALIZER.deserialize(json.dumps(broken), SkillManifestEnvelope)) != broken


@pytest.mark.parametrize("locale", SOURCE_LOCALES)
def test_each_interaction_model_is_smapi_interaction_model_data_with_nothing_dropped(project, locale):
    model = project.files[_path(f"skill-package/interactionModels/custom/{locale}.json")]
    data = SERIALIZER.deserialize(json.dumps(model), InteractionModelData)
    assert isinstance(data, InteractionModelData)
    assert SERIALIZER.serialize(data) == model


# ------------------------------------------------------------------ our rules for the manifest


def test_locales_are_discovered_from_the_models_that_ship(manifest):
    assert sorted(shipped_models()) == SOURCE_LOCALES
    assert sorted(manifest["publishingInformation"]["locales"]) == SOURCE_LOCALES
    assert sorted(manifest["privacyAndCompliance"]["locales"]) == SOURCE_LOCALES


def test_a_new_locale_is_packaged_with_its_listing_and_model():
    models = {"en-US": shipped_models()["en-US"], "en-IE": copy.deepcopy(shipped_models()["en-GB"])}
    project = build_project(ENDPOINT, PRIVACY, models=models)
    body = project.files[_path("skill-package/skill.json")]["manifest"]
    assert set(body["publishingInformation"]["locales"]) == set(models)
    assert body["publishingInformation"]["distributionCountries"] == sorted({"IE", "US"})
    assert _path("skill-package/interactionModels/custom/en-IE.json") in project.files
    assert "journaling aid" in body["publishingInformation"]["locales"]["en-IE"]["description"]


def test_every_shipped_locale_is_packaged_and_offered_where_it_is_spoken(manifest):
    assert SOURCE_LOCALES == sorted(["en-US", "en-GB", "en-CA", "en-AU", "en-IN", "de-DE"])
    assert manifest["publishingInformation"]["distributionCountries"] == ["AU", "CA", "DE", "GB", "IN", "US"]
    locales = manifest["publishingInformation"]["locales"]
    assert "Samaritans" in locales["en-GB"]["description"] and "116 123" in locales["en-GB"]["description"]
    assert "Lifeline" in locales["en-AU"]["description"] and "Tele-MANAS" in locales["en-IN"]["description"]
    german = locales["de-DE"]
    assert german["name"] == "Glimmer Tagebuch"
    assert "TelefonSeelsorge" in german["description"] and "0800 111 0 111" in german["description"]
    assert "Momente im Alltag" in german["summary"] and german["examplePhrases"][0] == "Alexa, öffne Glimmer Tagebuch"


def test_a_locale_without_a_store_listing_is_refused_with_what_to_add():
    models = shipped_models()
    models["fr-FR"] = copy.deepcopy(models["en-US"])
    with pytest.raises(PackageError, match="listing-fr.json"):
        build_project(ENDPOINT, PRIVACY, models=models)


@pytest.mark.parametrize("locale", SOURCE_LOCALES)
def test_the_listing_keeps_the_stores_limits(manifest, locale):
    listing = manifest["publishingInformation"]["locales"][locale]
    assert listing["name"] == ("Glimmer Tagebuch" if locale.startswith("de-") else "Glimmer Journal")
    assert 0 < len(listing["summary"]) <= MAX_SUMMARY
    assert 0 < len(listing["description"]) <= MAX_DESCRIPTION
    assert 1 <= len(listing["examplePhrases"]) <= MAX_EXAMPLE_PHRASES
    assert 1 <= len(listing["keywords"]) <= MAX_KEYWORDS
    assert listing["smallIconUri"].startswith("https://") and listing["largeIconUri"].startswith("https://")


@pytest.mark.parametrize("locale", SOURCE_LOCALES)
def test_the_description_says_plainly_it_is_a_journaling_aid_not_treatment_or_a_crisis_service(manifest, locale):
    description = manifest["publishingInformation"]["locales"][locale]["description"]
    if locale.startswith("de-"):
        plainly = ("Hilfe beim Tagebuchschreiben", "keine professionelle Beratung, Diagnose oder Behandlung",
                   "kein Krisendienst")
    else:
        plainly = ("journaling aid", "not professional advice, diagnosis or treatment", "not a crisis service")
    for words in plainly:
        assert words in description
    line = crisis_line(locale)
    if line is not None:
        assert line.number in description and line.emergency in description


def example_phrase_problems(phrase: str, model: dict, locale: str = "en-US") -> list[str]:
    """Why an example phrase is not one certification accepts: "Alexa," + the invocation name + a sample."""
    interaction = InteractionModel.from_json(model, locale=locale)
    lex = lexicon_for(locale)
    launch_verbs, one_shot_verbs, connectors = CERTIFIED_PHRASING[lex.code]
    if not phrase.startswith("Alexa, "):
        return ["does not start with 'Alexa, '"]
    said = heard(phrase, lex)
    name = interaction.invocation_name
    if any(said == f"{verb} {name}" for verb in launch_verbs):
        return []
    verb = next((v for v in one_shot_verbs if said.startswith(f"{v} {name} ")), None)
    if verb is None:
        return [f"does not say the invocation name {name!r} the way a launch or a one-shot does"]
    rest = said[len(f"{verb} {name} "):]
    attempts = [rest]
    first, _, after = rest.partition(" ")
    if first in connectors and after:
        attempts.append(after)
    resolver = Resolver(interaction)
    for attempt in attempts:
        found = [c for c in resolver.candidates(attempt, date(2026, 11, 30)) if not c.intent.startswith("AMAZON.")]
        if found:
            return []
    return [f"{rest!r} is not a sample utterance of the model"]


def test_the_example_phrase_check_refuses_what_is_not_a_sample():
    model = shipped_models()["en-US"]
    assert example_phrase_problems("Alexa, ask glimmer journal to read my glimmers", model) == []
    assert example_phrase_problems("Alexa, open glimmer journal", model) == []
    assert example_phrase_problems("Alexa, ask glimmer journal to sing me a song", model)
    assert example_phrase_problems("Alexa, ask glimmer diary to read my glimmers", model)
    assert example_phrase_problems("ask glimmer journal to read my glimmers", model)


@pytest.mark.parametrize("locale", SOURCE_LOCALES)
def test_every_example_phrase_says_alexa_the_invocation_name_and_a_sample_of_the_model(manifest, locale):
    model = shipped_models()[locale]
    phrases = manifest["publishingInformation"]["locales"][locale]["examplePhrases"]
    opens = "öffne " if locale.startswith("de-") else "open "
    assert heard(phrases[0], lexicon_for(locale)).startswith(opens), "the first example opens the skill"
    for phrase in phrases:
        assert example_phrase_problems(phrase, model, locale) == [], phrase


def test_privacy_and_compliance_say_what_the_skill_does(manifest):
    privacy = manifest["privacyAndCompliance"]
    assert privacy["usesPersonalInfo"] is True
    assert privacy["isChildDirected"] is False
    assert privacy["allowsPurchases"] is False and privacy["containsAds"] is False
    assert privacy["isExportCompliant"] is True
    for locale in SOURCE_LOCALES:
        assert privacy["locales"][locale] == {"privacyPolicyUrl": PRIVACY, "termsOfUseUrl": TERMS}


def test_the_category_is_one_amazon_knows(manifest):
    assert manifest["publishingInformation"]["category"] == CATEGORY
    assert CATEGORY in MANIFEST_CATEGORIES
    assert "LIFESTYLE" not in MANIFEST_CATEGORIES  # a store heading, not a manifest value


def test_the_skill_is_offered_only_where_its_crisis_lines_are_known(manifest):
    countries = manifest["publishingInformation"]["distributionCountries"]
    assert manifest["publishingInformation"]["isAvailableWorldwide"] is False
    assert countries == sorted({locale.split("-")[1] for locale in SOURCE_LOCALES})
    for locale in SOURCE_LOCALES:
        assert crisis_line(locale) is not None, f"{locale} has no crisis line in skill/safety.py"


def test_the_skill_disabled_event_is_subscribed_at_the_skill_endpoint(manifest):
    assert manifest["events"]["subscriptions"] == [{"eventName": "SKILL_DISABLED"}]
    assert manifest["events"]["endpoint"]["uri"] == ENDPOINT


def test_permissions_are_those_the_features_use(manifest):
    # Voice profiles for every journal; reminders, since the models have SetReminderIntent.
    assert manifest["permissions"] == [{"name": "alexa::person_id:read"}, {"name": "alexa::alerts:reminders:skill:readwrite"}]
    for permission in manifest["permissions"]:
        assert PermissionName(permission["name"]), permission["name"]  # a name ask-smapi-model knows
    for permission in PERMISSIONS:
        assert PermissionName(permission.name), permission.name


def test_a_permission_tied_to_an_intent_comes_with_that_intent():
    reminders = next(p for p in PERMISSIONS if "reminders" in p.name)
    assert reminders.intents == {"SetReminderIntent"}
    models = shipped_models()
    assert all(reminders.intents & {i["name"] for i in m["interactionModel"]["languageModel"]["intents"]}
               for m in models.values()), "every shipped locale sets reminders"
    without_reminders = copy.deepcopy(models)
    for model in without_reminders.values():
        language = model["interactionModel"]["languageModel"]
        language["intents"] = [i for i in language["intents"] if "Reminder" not in i["name"]]
        model["interactionModel"]["dialog"]["intents"] = [
            i for i in model["interactionModel"]["dialog"]["intents"] if "Reminder" not in i["name"]
        ]
    project = build_project(ENDPOINT, PRIVACY, models=without_reminders)
    names = [p["name"] for p in project.files[_path("skill-package/skill.json")]["manifest"]["permissions"]]
    assert names == ["alexa::person_id:read"]


def test_write_project_replaces_files_whole(tmp_path, project):
    written = write_project(tmp_path / "p", project)
    assert len(written) == len(project.files)
    assert not list((tmp_path / "p").rglob("*.tmp"))
