"""English interaction models beyond the US, generated from en-US and small regional overrides.

The Alexa console wants one whole model per locale, but five hand-kept copies
of a thousand lines drift apart. So ``interaction_models/en-US.json`` is the
one English model people edit, and ``interaction_models/regional/<locale>.json``
holds only what a region says differently:

* ``spellings``: words written the local way in every sample, slot value and
  prompt ("flavor" as "flavour", "cozy" as "cosy");
* ``samples``: extra samples per intent, in the region's own words ("bin my
  last glimmer", "what did I notice a year back");
* ``synonyms``: extra synonyms per custom slot value id ("the sofa").

``glimmers models`` writes ``interaction_models/<locale>.json`` from them, and
``glimmers models --check`` (and ``tests/test_regional_models.py``) fails when a
checked-in file differs from what it would write.
"""

from __future__ import annotations

import copy
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from .locales import ENGLISH_REGIONS
from .simulator.model import MODELS_PACKAGE

BASE_LOCALE = "en-US"
OVERRIDES_FOLDER = "regional"


class RegionalModelError(ValueError):
    """The overrides cannot be applied; the message says which and why."""


def models_folder() -> Path:
    """interaction_models/ of this checkout (the regional overrides are not part of an installed wheel)."""
    return Path(str(resources.files(MODELS_PACKAGE)))


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _respell(text: str, spellings: dict[str, str]) -> str:
    for us, local in spellings.items():
        text = re.sub(rf"\b{re.escape(us)}\b", local, text)
    return text


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for item in items:
        if item not in seen:
            seen.add(item)
            kept.append(item)
    return kept


def regional_model(base: dict[str, Any], overrides: dict[str, Any], locale: str) -> dict[str, Any]:
    """The base (en-US) model with a region's spellings, samples and synonyms."""
    model = copy.deepcopy(base)
    spellings = overrides.get("spellings", {})
    root = model["interactionModel"]
    language = root["languageModel"]
    intents = {intent["name"]: intent for intent in language["intents"]}
    for name, added in overrides.get("samples", {}).items():
        if name not in intents:
            raise RegionalModelError(f"{locale}: samples for {name}, which {BASE_LOCALE} does not have")
    for intent in language["intents"]:
        if "samples" in intent:
            respelled = [_respell(s, spellings) for s in intent["samples"]]
            intent["samples"] = _unique(respelled + list(overrides.get("samples", {}).get(intent["name"], [])))
        for slot in intent.get("slots", []):
            if "samples" in slot:
                slot["samples"] = _unique([_respell(s, spellings) for s in slot["samples"]])
    types = {t["name"]: t for t in language.get("types", [])}
    for type_name, by_id in overrides.get("synonyms", {}).items():
        if type_name not in types:
            raise RegionalModelError(f"{locale}: synonyms for the slot type {type_name}, which {BASE_LOCALE} does not have")
        ids = {value.get("id") for value in types[type_name]["values"]}
        for value_id in by_id:
            if value_id not in ids:
                raise RegionalModelError(f"{locale}: synonyms for {type_name} value {value_id}, which does not exist")
    for slot_type in language.get("types", []):
        for value in slot_type["values"]:
            name = value["name"]
            name["value"] = _respell(name["value"], spellings)
            extra = overrides.get("synonyms", {}).get(slot_type["name"], {}).get(value.get("id"), [])
            name["synonyms"] = _unique([_respell(s, spellings) for s in name.get("synonyms", [])] + list(extra))
    for prompt in root.get("prompts", []):
        for variation in prompt.get("variations", []):
            variation["value"] = _respell(variation["value"], spellings)
    return model


def generated_models(folder: Path | None = None) -> dict[str, str]:
    """Every regional model's JSON text, by locale, as ``glimmers models`` writes it."""
    folder = folder or models_folder()
    overrides_folder = folder / OVERRIDES_FOLDER
    if not overrides_folder.is_dir():
        raise RegionalModelError(
            f"{overrides_folder} is missing: glimmers models works in a clone of the repository (pip install -e .)"
        )
    base = load_json(folder / f"{BASE_LOCALE}.json")
    texts = {}
    for locale in ENGLISH_REGIONS:
        path = overrides_folder / f"{locale}.json"
        if not path.is_file():
            raise RegionalModelError(f"{path} is missing")
        texts[locale] = dump_json(regional_model(base, load_json(path), locale))
    return texts


def stale_models(folder: Path | None = None) -> list[str]:
    """The regional models whose checked-in file is not what ``glimmers models`` would write."""
    folder = folder or models_folder()
    stale = []
    for locale, text in generated_models(folder).items():
        target = folder / f"{locale}.json"
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            stale.append(locale)
    return stale


def write_models(folder: Path | None = None) -> list[str]:
    """Write every regional model; the locales whose file changed."""
    folder = folder or models_folder()
    changed = []
    for locale, text in generated_models(folder).items():
        target = folder / f"{locale}.json"
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(locale)
    return changed
