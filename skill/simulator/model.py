"""The interaction model as the simulator reads it: intents, samples, slot types, dialog rules and prompts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

MODELS_PACKAGE = "skill.interaction_models"


class ModelError(ValueError):
    """The interaction model cannot be found or read; the message says which and why."""


@dataclass(frozen=True)
class SlotTypeValue:
    """One value of a custom slot type: its ID, its name and the other words for it."""

    id: str | None
    name: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class IntentSlot:
    name: str
    type: str
    samples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Intent:
    name: str
    slots: dict[str, IntentSlot]
    samples: tuple[str, ...]


@dataclass(frozen=True)
class DialogSlot:
    name: str
    type: str
    elicitation_required: bool
    confirmation_required: bool
    prompts: dict[str, str]


@dataclass(frozen=True)
class DialogIntent:
    """The dialog model's rules for one intent."""

    name: str
    delegation_strategy: str
    confirmation_required: bool
    prompts: dict[str, str]
    slots: tuple[DialogSlot, ...]


@dataclass(frozen=True)
class Prompt:
    """One variation of a dialog prompt, as SSML or plain text."""

    type: str
    value: str


@dataclass(frozen=True)
class InteractionModel:
    """The parts of an Alexa ``interactionModel`` JSON that decide what an utterance means."""

    invocation_name: str
    intents: dict[str, Intent]
    slot_types: dict[str, tuple[SlotTypeValue, ...]]
    dialog: dict[str, DialogIntent] = field(default_factory=dict)
    prompts: dict[str, tuple[Prompt, ...]] = field(default_factory=dict)
    source: str = "<model>"
    locale: str = "en-US"  # which language the simulator hears its samples in

    @classmethod
    def from_json(cls, data: Any, source: str = "<model>", locale: str = "en-US") -> InteractionModel:
        """Read the ``{"interactionModel": ...}`` JSON the Alexa console and ASK CLI use."""
        try:
            root = data["interactionModel"]
            language = root["languageModel"]
            intents = {
                i["name"]: Intent(
                    name=i["name"],
                    slots={
                        s["name"]: IntentSlot(s["name"], s["type"], tuple(s.get("samples", [])))
                        for s in i.get("slots", [])
                    },
                    samples=tuple(i.get("samples", [])),
                )
                for i in language["intents"]
            }
            slot_types = {
                t["name"]: tuple(
                    SlotTypeValue(v.get("id"), v["name"]["value"], tuple(v["name"].get("synonyms", [])))
                    for v in t.get("values", [])
                )
                for t in language.get("types", [])
            }
            dialog_root = root.get("dialog") or {}
            default_strategy = dialog_root.get("delegationStrategy", "SKILL_RESPONSE")
            dialog = {
                d["name"]: DialogIntent(
                    name=d["name"],
                    delegation_strategy=d.get("delegationStrategy", default_strategy),
                    confirmation_required=bool(d.get("confirmationRequired", False)),
                    prompts=dict(d.get("prompts") or {}),
                    slots=tuple(
                        DialogSlot(
                            name=s["name"],
                            type=s["type"],
                            elicitation_required=bool(s.get("elicitationRequired", False)),
                            confirmation_required=bool(s.get("confirmationRequired", False)),
                            prompts=dict(s.get("prompts") or {}),
                        )
                        for s in d.get("slots", [])
                    ),
                )
                for d in dialog_root.get("intents", [])
            }
            prompts = {
                p["id"]: tuple(Prompt(v.get("type", "PlainText"), v["value"]) for v in p.get("variations", []))
                for p in root.get("prompts", [])
            }
            invocation = language["invocationName"]
        except (KeyError, TypeError) as exc:
            raise ModelError(f"{source} is not an Alexa interaction model (missing or malformed {exc})") from None
        return cls(invocation, intents, slot_types, dialog, prompts, source, locale)

    def declares(self, intent_name: str) -> bool:
        return intent_name in self.intents


def available_locales() -> list[str]:
    """The locales whose models ship inside the package."""
    folder = resources.files(MODELS_PACKAGE)
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def load_model(locale: str, path: Path | None = None) -> InteractionModel:
    """The model in ``path``, else the packaged model for ``locale``."""
    if path is not None:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelError(f"cannot read the interaction model {path}: {exc.strerror or exc}") from None
    else:
        resource = resources.files(MODELS_PACKAGE).joinpath(f"{locale}.json")
        source = f"interaction_models/{locale}.json"
        if not resource.is_file():
            known = ", ".join(available_locales()) or "none"
            raise ModelError(f"there is no interaction model for {locale} (models: {known}); pass one with --model FILE")
        text = resource.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ModelError(f"{source} is not valid JSON ({exc})") from None
    return InteractionModel.from_json(data, source, locale)
