"""Safety: recognising words about suicide or self-harm, and where to find real help in each locale.

Glimmer Journal is a journaling aid, not a crisis service. When someone says
something like "I want to hurt myself" or "I don't want to be here anymore",
the skill answers with care, says it can't help with this itself, and points
to people who can (``handlers/crisis.py``). Such words can arrive two ways:
as ``CrisisIntent`` (its samples are in the interaction model), or as free
text inside another intent's slot: a glimmer, a search topic, a correction.
``mentions_crisis`` checks that free text.

The phrase list is conservative in the sense that it names specific ways of
saying it, not single loose words ("die", "dead", "kill" alone are everyday
English: "dying to see the sunset", "killing time in the garden", "a cake to
die for"). Where a phrase is ambiguous the list errs on the side of care: a
mention of suicide, or of hurting oneself, is answered with where to find help
even when it was said in passing. The few idioms that would otherwise match
("killed myself laughing", "shot myself in the foot") are taken out first.
There is a list for English and one for German; a locale of another language
relies on ``CrisisIntent`` in its own model until it has a list here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# -- free text -----------------------------------------------------------------

_SELF = r"(?:myself|my self)"
_WANTING = (
    r"(?:want to|wanna|going to|gonna|about to|plan to|planning to|planning on|trying to|tried to|thinking about"
    r"|thinking of|thought about|think about|feel like|urge to|need to|have to|will|im|ive been|been|keep|kept"
    r"|started|start)"
)
_DESIRE = (
    r"(?:want to|wanna|going to|gonna|about to|plan to|planning to|planning on|thinking about|thinking of"
    r"|thought about|think about|feel like|urge to)"
)
# "I don't want to live anywhere else": living somewhere, not living at all.
_NOT_A_PLACE = r"(?! (?:anywhere|in|near|on|at|there|here|somewhere|far|close|elsewhere|abroad|downtown|by|next)\b)"
_ENDING = r"(?: (?:anymore|any more|any longer|like this|living))?$"

_ENGLISH_CRISIS = tuple(
    re.compile(pattern)
    for pattern in (
        # Suicide named, in any form.
        r"\bsuicid(?:e|es|al|ality)\b",
        # Killing or harming oneself (or someone else harming themselves: help is for them too).
        rf"\bkill(?:s|ed|ing)? (?:{_SELF}|himself|herself|themselves|themself)\b",
        rf"\b(?:hurt|hurts|hurting|harm|harms|harmed|harming|injure|injuring) {_SELF}\b",
        r"\bself (?:harm|harming|harmed|injury|injuring|injure)\b",
        r"\bselfharm(?:ing)?\b",
        rf"\b(?:hang|hanging|hanged|shoot|shooting|drown|drowning|poison|poisoning|stab|stabbing|strangle|starve"
        rf"|starving|suffocate) {_SELF}\b",
        rf"\b{_WANTING} (?:cut|cutting) {_SELF}\b",
        rf"\b{_DESIRE} (?:jump|jumping) (?:off|from) (?:a|the|my|our|that|this)? ?(?:bridge|building|roof|rooftop"
        rf"|balcony|ledge|window|tower|cliff|overpass)\b",
        rf"\b{_DESIRE} (?:jump|jumping|step|stepping|walk|walking) in front of\b",
        # Wanting to die, or not to be alive.
        r"\b(?:want|wanted|wanna|wish|ready|deserve|deserved) (?:to )?die\b",
        r"\b(?:want|wanna|wish|ready) (?:to )?be dead\b",
        r"\bwish (?:i|that i) (?:was|were) (?:dead|gone|never born)\b",
        r"\bwish (?:i|that i) (?:could|would) (?:die|just die|disappear forever)\b",
        r"\bwish (?:i|that i) (?:wasnt|werent|hadnt been) (?:alive|born)\b",
        r"\bwish (?:i|that i) (?:wasnt|werent) here(?: anymore| any more| any longer)?$",
        r"\bbetter off (?:dead|without me)\b",
        r"\b(?:rather|sooner) be dead\b",
        rf"\bdont want to (?:live|be alive|exist|keep living|be living)\b{_NOT_A_PLACE}",
        rf"\bdont want to go on{_ENDING}",
        r"\bdont want to go on (?:anymore|any more|any longer|living)\b",
        r"\bdont want to wake up (?:again|anymore|any more|ever)\b",
        r"\bdont want to be (?:here|around) (?:anymore|any more|any longer|at all)\b",
        r"\bdont want to be (?:here|around)$",
        r"\bnever (?:want to )?wake up(?: again)?$",
        r"\bwant (?:it all|everything) to (?:end|be over|stop)\b",
        r"\bwant it to (?:end|be over)$",
        r"\b(?:nothing|no one|nobody) (?:left )?to live for\b",
        r"\bno (?:reason|point) (?:to|in) (?:live|living|go on|going on|keep going|carry on|carrying on|being alive"
        r"|be alive)\b",
        r"\bwhats the point (?:of|in) (?:living|going on|being alive|carrying on|life)\b",
        r"\b(?:dont|cant|do not|cannot|never|no longer) see (?:the|any) point (?:in|of) (?:living|going on"
        r"|being alive|carrying on)\b",
        r"\b(?:life|living|my life) (?:is not|isnt|aint|is no longer) worth (?:it|living)\b",
        r"\bnot worth living\b",
        r"\b(?:end|ends|ending|take|taking|took) (?:my|my own) life\b",
        r"\bend(?:ing)? it all\b",
        r"\b(?:want to|wanna|going to|gonna|feel like|thinking (?:about|of)) end(?:ing)? it$",
        r"\b(?:want to|wanna|going to|gonna|feel like|thinking (?:about|of)) end(?:ing)? everything\b",
        rf"\bi cant go on{_ENDING}",
        r"\bi cant go on (?:anymore|any more|any longer|living)\b",
        r"\b(?:no one|nobody|noone) (?:would|will|is going to|gonna) (?:miss|notice) (?:me|if i)\b",
        r"\b(?:no one|nobody|noone) (?:would|will) care if i (?:died|was gone|were gone|disappeared|wasnt here)\b",
        # Overdose.
        r"\b(?:take|took|taking|taken) (?:an|a) overdose\b",
        r"\boverdos(?:e|ed|ing) on (?:my )?(?:pills|tablets|meds|medication|medicine|sleeping pills)\b",
        r"\b(?:take|took|taking|swallow|swallowed|swallowing) (?:all|too many) (?:of )?(?:my )?(?:pills|tablets|meds"
        r"|medication|sleeping pills)\b",
        # Not safe, in danger, in crisis.
        r"\b(?:im|i am) not safe\b",
        r"\bdont feel safe(?: (?:anymore|any more|with myself|around myself|right now|at home|in my home))?$",
        r"\b(?:im|i am) in danger\b",
        r"\b(?:im|i am|we are|i feel|feeling) in (?:a )?crisis\b",
        r"\b(?:mental health|emotional) crisis\b",
        r"\bhaving an? (?:mental health |emotional )?crisis\b",
        r"\bcrisis (?:line|lines|hotline|help|support|number|text line|team|service)\b",
    )
)

# Idioms that contain a phrase above and mean something else: removed before matching.
_ENGLISH_HARMLESS = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b(?:kill|kills|killed|killing) (?:myself|my self) laughing\b",
        r"\bsuicide squad\b",
        r"\bmid ?life crisis\b",
        r"\b(?:shoot|shot|shooting) (?:myself|my self) in the foot\b",
        r"\b(?:die|died|dying) (?:my|her|his|their|the|our) hair\b",  # "dye", misheard
        r"\bcut(?:ting)? (?:myself|my self) (?:a|an|some|another|off a|off some)\b",  # "cutting myself a slice"
        r"\bdrown(?:ing|ed)? (?:myself|my self) in (?:work|coffee|tea|books|music|chocolate|paperwork|blankets"
        r"|bubbles)\b",
        r"\bstarv(?:e|ing) myself of (?:sleep|screens|news)\b",
        r"\bdie (?:of|from) (?:embarrassment|laughter|laughing|boredom|happiness|cuteness|joy|shame)\b",
    )
)

_GERMAN_CRISIS = tuple(
    re.compile(pattern)
    for pattern in (
        # Suizid und Selbstmord, in jeder Form ("Suizidgedanken", "suizidal", "Selbstmordgedanken").
        r"\b(?:selbstmord|suizid)\w*",
        r"\bsich (?:das leben nehmen|umbringen|umzubringen)\b",
        r"\bmich (?:selbst )?(?:umbringen|umzubringen|töten|zu töten|verletzen|zu verletzen|ritzen|zu ritzen|erhängen|vergiften)\b",
        r"\bich (?:bringe|bring|werde|will|möchte|wollte) mich (?:selbst )?(?:um|umbringen)\b",
        r"\britze mich\b",
        r"\bverletze mich(?: selbst)?\b",
        r"\bich (?:will|kann) (?:einfach )?nicht mehr$",
        r"\b(?:will|möchte) (?:einfach )?nicht mehr (?:hier|da|auf der welt) sein\b",
        r"\b(?:sehe )?keinen sinn mehr (?:im|in meinem) leben\b",
        r"\bhat (?:alles )?keinen sinn mehr$",
        r"\bverschwinden für immer\b|\bfür immer verschwinden\b",
        r"\bselbstverletz\w*",
        r"\bmir (?:selbst )?(?:etwas|was|irgendwas) (?:antun|anzutun|an zu tun|angetan)\b",
        r"\bmir (?:selbst )?das leben (?:nehmen|zu nehmen)\b",
        r"\b(?:will|möchte|wollte|werde|würde) mir (?:selbst )?(?:weh ?tun|wehtun|schaden)\b",
        r"\b(?:will|möchte|wollte|würde gern|würde lieber|wünschte ich könnte) (?:einfach |nur |lieber )*(?:sterben|tot sein)\b",
        r"\b(?:wäre|bin) (?:lieber|besser) tot\b",
        r"\bwünschte (?:ich wäre|ich wär) (?:tot|nie geboren)\b",
        r"\b(?:will|möchte|kann) nicht mehr (?:leben|weiterleben|am leben sein|aufwachen)\b",
        # Dieselben Wünsche im Nebensatz, das Verb am Ende: "dass ich nicht mehr leben will", "weil ich sterben möchte".
        r"\bnicht mehr (?:leben|weiterleben|am leben sein|aufwachen) (?:will|möchte|kann|wollen|mag)\b",
        r"\b(?:sterben|tot sein) (?:will|möchte|wollte|wollen)\b",
        r"\b(?:meinem leben|allem) ein ende (?:setzen|machen|bereiten)\b",
        r"\bbesser dran ohne mich\b",
        r"\b(?:von (?:einer|der|dem) (?:brücke|dach|hochhaus)|vor (?:einen|den) zug) (?:springen|zu springen|werfen)\b",
        r"\btabletten genommen um zu sterben\b",
        # Nicht sicher, in Gefahr, in einer Krise.
        r"\bnicht (?:mehr )?sicher vor mir\b",
        r"\b(?:fühle mich|bin) (?:gerade |hier |zu hause )?nicht (?:mehr )?sicher\b",
        r"\b(?:ich bin|bin ich) (?:gerade |jetzt )?in gefahr\b",
        r"\b(?:bin|stecke|stecke gerade|bin gerade) in einer (?:akuten |psychischen |seelischen )?krise\b",
        r"\b(?:psychische|seelische|akute) krise\b",
        r"\bkrisen(?:hotline|telefon|dienst|nummer)\b",
        r"\btelefonseelsorge\b",
    )
)

# Redewendungen, die eine Wendung oben enthalten und etwas anderes meinen: vorher entfernt.
_GERMAN_HARMLESS = tuple(
    re.compile(pattern)
    for pattern in (
        r"\bmich (?:tot|kaputt) ?lachen\b",
        r"\bkrise (?:im|beim) (?:job|büro|fußball)\b",
        r"\bmidlife ?krise\b",
    )
)

CRISIS_PHRASES = {"en": (_ENGLISH_CRISIS, _ENGLISH_HARMLESS), "de": (_GERMAN_CRISIS, _GERMAN_HARMLESS)}


def _normalised(text: str) -> str:
    """Lower-case words without punctuation or apostrophes: "Don't", "dont" and "don’t" read alike."""
    text = text.lower().replace("\u2019", "").replace("\u2018", "").replace("'", "")
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def mentions_crisis(text: str | None, locale: str | None = None) -> bool:
    """Whether ``text`` speaks of suicide, self-harm or not being safe, in the locale's language.

    Languages without a phrase list here (English and German have one) return False:
    their ``CrisisIntent`` samples are then the skill's only way to hear it.
    """
    if not text:
        return False
    language = (locale or "en").split("-")[0].lower()
    lists = CRISIS_PHRASES.get(language)
    if lists is None:
        return False
    crisis, harmless = lists
    words = " ".join(_any_of(harmless).sub(" ", _normalised(text)).split())
    return _any_of(crisis).search(words) is not None


@functools.lru_cache(maxsize=None)
def _any_of(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """One pattern matching where any of ``patterns`` does: one search instead of dozens on every slot."""
    return re.compile("|".join(f"(?:{pattern.pattern})" for pattern in patterns))


# -- where to find help ----------------------------------------------------------


@dataclass(frozen=True)
class CrisisLine:
    """A free crisis line open day and night, and the emergency number, for one locale.

    ``number`` is written as people write it (for the card); ``spoken_number``
    has its digits apart, so Alexa says them one by one in the locale's own
    voice ("9 8 8": "nine eight eight"), or grouped the way they are said there.
    """

    name: str
    number: str
    spoken_number: str
    text: bool  # whether the same number takes text messages
    emergency: str
    spoken_emergency: str
    spoken_name: str | None = None

    @property
    def said_name(self) -> str:
        return self.spoken_name or self.name


# Only lines that answer at any hour, for free or the cost of a local call, are listed.
CRISIS_LINES: dict[str, CrisisLine] = {
    "en-US": CrisisLine("988 Suicide & Crisis Lifeline", "988", "9 8 8", True, "911", "9 1 1",
                        spoken_name="the Suicide and Crisis Lifeline"),
    "en-CA": CrisisLine("9-8-8 Suicide Crisis Helpline", "988", "9 8 8", True, "911", "9 1 1",
                        spoken_name="the Suicide Crisis Helpline"),
    "en-GB": CrisisLine("Samaritans", "116 123", "1 1 6, 1 2 3", False, "999", "9 9 9"),
    "en-AU": CrisisLine("Lifeline", "13 11 14", "13 11 14", False, "000", "triple zero"),
    "en-IN": CrisisLine("Tele-MANAS", "14416", "1 4 4 1 6", False, "112", "1 1 2", spoken_name="Tele Manas"),
    "de-DE": CrisisLine("TelefonSeelsorge", "0800 111 0 111 oder 0800 111 0 222",
                        "0 8 0 0, 1 1 1, 0, 1 1 1, oder 0 8 0 0, 1 1 1, 0, 2 2 2", False, "112", "1 1 2",
                        spoken_name="die TelefonSeelsorge"),
}


def crisis_line(locale: str | None) -> CrisisLine | None:
    """The line for ``locale``, else one of the same country ("es-US" gets the US line); None when unknown."""
    if not locale:
        return None
    if locale in CRISIS_LINES:
        return CRISIS_LINES[locale]
    country = locale.rpartition("-")[2].upper()
    for known, line in sorted(CRISIS_LINES.items()):
        if known.rpartition("-")[2] == country:
            return line
    return None
