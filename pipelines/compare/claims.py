"""Read the checkable parts of a news sentence: quantities, dates and durations, quotes, titles.

Rules over regular expressions rather than an NLP model, after checking what installs offline:
the spaCy English models are not published on PyPI by their authors (only third-party
re-uploads, unmaintained or of unknown origin, are), and stanza, flair and GLiNER download their
models from a hub at run time, which a crawler host or CI without Internet access cannot do.
What is compared here is written in a small number of surface forms that rules read exactly and
fast (tens of thousands of sentences per second on one core): figures with their hedges and the
thing they count ("nearly 300 school districts", "six hundred drones", "124 000 followers"), one
measure in several units ("1.34 km" is "1,340 metres", "a minute and 45 seconds" is "105 seconds"),
game scores read whole ("won 24-14"), weekday, month and season names and durations ("a 60-day
truce"), quoted words in straight or curly, double or single marks with the speaker and venue
around them ("Quinlan ... said, 'we won't roll the dice'", "told Fox News"), and the title in
front of, after or stated of a name ("Defence Minister Israel Katz", "Dan McDowell, InfoNation's
chief economist", "Wolf is now acting secretary"). A model would mainly help with speakers named
only by role or pronoun; :mod:`pipelines.compare.align` resolves those within the article,
conservatively.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from pipelines.wordlists import ABBREVIATIONS, DATE_WORDS, ROLE_MODIFIERS, ROLE_WORDS, STOPWORDS

NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
# "lakh" and "crore" are the hundred thousand and ten million of Indian English ("Rs 24 lakh" = Rs 2.4 million)
SCALES = {"thousand": 1e3, "lakh": 1e5, "million": 1e6, "crore": 1e7, "billion": 1e9, "trillion": 1e12}
# written short after the digits: "$6.2bn", "£40m", "€300k" ("m" and "k" only after a currency: "5m" may be metres)
SHORT_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "tn": 1e12}
VAGUE = {"dozens": (24, 120), "hundreds": (200, 999), "thousands": (2000, 9999), "millions": (2e6, 9e6)}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")  # fmt: skip
TIME_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30, "year": 365, "years": 365,
              "hour": 1 / 24, "hours": 1 / 24, "decade": 3650, "decades": 3650}  # fmt: skip
# hedge -> (low factor, high factor) applied to the stated value
HEDGES = {
    "more than": (1.0, float("inf")), "over": (1.0, float("inf")), "at least": (1.0, float("inf")),
    "upwards of": (1.0, float("inf")), "above": (1.0, float("inf")), "beyond": (1.0, float("inf")),
    "below": (0.0, 1.0), "just over": (1.0, 1.1), "in excess of": (1.0, float("inf")), "exceeding": (1.0, float("inf")),
    "nearly": (0.85, 1.0), "almost": (0.85, 1.0), "close to": (0.85, 1.0), "just under": (0.9, 1.0),
    "about": (0.85, 1.15), "around": (0.85, 1.15), "roughly": (0.85, 1.15), "approximately": (0.85, 1.15),
    "some": (0.85, 1.15), "an estimated": (0.8, 1.2), "estimated": (0.8, 1.2),
    "fewer than": (0.0, 1.0), "less than": (0.0, 1.0), "under": (0.0, 1.0), "up to": (0.0, 1.0),
    "as many as": (0.5, 1.0), "several": (0.0, float("inf")), "as much as": (0.0, 1.0), "a maximum of": (0.0, 1.0),
    "at most": (0.0, 1.0), "no more than": (0.0, 1.0), "not more than": (0.0, 1.0),
    # a negated upper bound is a lower bound: "no fewer than 83" is at least 83
    "no fewer than": (1.0, float("inf")), "not fewer than": (1.0, float("inf")), "no less than": (1.0, float("inf")),
    "not less than": (1.0, float("inf")),
}  # fmt: skip
# hedges that state a maximum: two maxima of one thing are the same figure ("up to 20 years" vs "a maximum of 10")
MAXIMA = frozenset({"up to", "as many as", "as much as", "a maximum of", "at most", "no more than", "not more than"})

_WORD_ANY = re.compile(r"[^\W\d_](?:[^\W\d_]+|['’-]+)*")  # a word of any alphabet: "Zürich" is not "rich"
_WORD_ASCII = re.compile(r"[A-Za-z][A-Za-z'’-]*")  # the same on ASCII text, which most sentences are, and faster


def _words(text: str) -> list[str]:
    return (_WORD_ASCII if text.isascii() else _WORD_ANY).findall(text)


_HEDGE = "|".join(sorted((re.escape(h) for h in HEDGES), key=len, reverse=True))
_NUMWORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# a number in words: "forty-five", "six hundred", "a hundred and forty", "two thousand five hundred"
_WORD_PART = rf"(?:{_NUMWORD})(?:-(?:{_NUMWORD}|one))?"  # "forty-five", "fifty-one"
_WORDS_NUMBER = (
    rf"(?:{_WORD_PART}|(?:an?|one)(?=\s+(?:hundred|thousand)\b))"
    rf"(?:\s+(?:hundred|thousand)\b(?:\s+(?:and\s+)?{_WORD_PART})?)*"
)
# a currency before the figure: a sign, US$ or N$, Rs, or the South African R before a sum in millions or thousands
_CURRENCY = (
    r"\b(?:US|HK|NZ|S|R|[ACN])\$|[$€£¥₹₦₩₱₺₽₴₪฿]|\bRs\.?\s?|\b(?:RM|Rp\.?)\s?(?=\d)"
    r"|\b(?:INR|USD|EUR|GBP|JPY|CNY|CHF|SEK|NOK|DKK|PLN|MYR|ZAR)\s?(?=\d)"
    r"|\bR(?=[\d.]+\s?(?:bn|mn|m|million|billion|trillion)\b|\d{1,3}(?:[ ,]\d{3})+)"
)
_QUANTITY = re.compile(
    rf"(?:\b(?P<hedge>{_HEDGE})\s+)?(?P<cur>{_CURRENCY})?"
    # the digits of a name are not a figure ("F-35", "KC-135", "G7"), unless a currency precedes them ("R2bn")
    r"(?(cur)|(?<![A-Za-z])(?<![A-Za-z]-))"
    # thousands set off by commas, or by spaces as in much of the world ("124 000")
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+(?![\d,.])|\d+(?:\.\d+)?"
    # a figure is read whole: "76th" is not a 7 followed by something else
    # a unit written onto the figure is read as the measure it is ("2.6km", "10kg"), before the short scales
    rf"|{_WORDS_NUMBER}(?:[-\s]and[-\s]a[-\s]half)?|(?:half )?a dozen)(?!\d)"
    rf"(?:(?P<glued>km|kg|cm|mm|ft|kWh|MWh|GWh|kW|MW|GW)|(?P<short>bn|mn|tn|m|k))?(?![A-Za-z])"
    rf"(?P<pct>\s?%|\s?percent|\s?per cent)?"
    rf"(?:\s+(?P<scale>thousand|lakh|million|crore|billion|trillion))?"
    # the counted thing, a designation among its words ("four F-35 fighters"); a number in words starts the next
    # figure ("600 drones and a hundred missiles")
    rf"(?P<tail>(?:[-\s]+(?!(?:{_NUMWORD}|(?:an?|one)\s+(?:hundred|thousand))\b)[A-Za-z][A-Za-z'’-]*"
    rf"(?:(?<=-)\d+[A-Za-z]*)?(?:/[A-Za-z]+)?){{0,3}})",
    re.IGNORECASE,
)
# a measure in one of several units, as (factor, base unit); a minute may run on in seconds ("1 minute and 45 seconds")
MEASURES = {
    "km": (1000.0, "metre"), "kilometre": (1000.0, "metre"), "kilometres": (1000.0, "metre"),
    "kilometer": (1000.0, "metre"), "kilometers": (1000.0, "metre"), "metre": (1.0, "metre"),
    "metres": (1.0, "metre"), "meter": (1.0, "metre"), "meters": (1.0, "metre"),
    "kg": (1000.0, "gram"), "kilogram": (1000.0, "gram"), "kilograms": (1000.0, "gram"), "gram": (1.0, "gram"),
    "grams": (1.0, "gram"), "minute": (60.0, "second"), "minutes": (60.0, "second"), "second": (1.0, "second"),
    "seconds": (1.0, "second"), "cm": (0.01, "metre"), "centimetre": (0.01, "metre"), "centimetres": (0.01, "metre"),
    "centimeter": (0.01, "metre"), "centimeters": (0.01, "metre"), "mm": (0.001, "metre"),
    "millimetre": (0.001, "metre"), "millimetres": (0.001, "metre"), "millimeter": (0.001, "metre"),
    "millimeters": (0.001, "metre"), "inch": (0.0254, "metre"), "inches": (0.0254, "metre"),
    "foot": (0.3048, "metre"), "feet": (0.3048, "metre"), "ft": (0.3048, "metre"), "mile": (1609.344, "metre"),
    "miles": (1609.344, "metre"), "tonne": (1e6, "gram"), "tonnes": (1e6, "gram"), "metric ton": (1e6, "gram"),
    "metric tons": (1e6, "gram"),
    # a ton without "metric" is the short ton of American English (the long ton is 12% more: within a hedge)
    "ton": (907_184.74, "gram"), "tons": (907_184.74, "gram"),
    # energy and power with their prefixes: "0.25 GWh" is "250 MWh"
    "wh": (1.0, "watt-hour"), "kwh": (1e3, "watt-hour"), "mwh": (1e6, "watt-hour"), "gwh": (1e9, "watt-hour"),
    "twh": (1e12, "watt-hour"), "kw": (1e3, "watt"), "mw": (1e6, "watt"), "gw": (1e9, "watt"), "tw": (1e12, "watt"),
    "megawatts": (1e6, "watt"), "gigawatts": (1e9, "watt"), "kilowatts": (1e3, "watt"), "megawatt": (1e6, "watt"),
    "gigawatt": (1e9, "watt"), "kilowatt": (1e3, "watt"),
}  # fmt: skip
# the smaller unit a measure may run on in: "1 minute and 45 seconds", "5 feet 5 inches"
_PLUS_UNITS = {"second": 1.0, "seconds": 1.0, "inch": 0.0254, "inches": 0.0254}
_MEASURE = re.compile(
    # a unit per another ("500 Wh/kg", "120 km/h") is a rate, not this measure
    rf"[-\s]+(?P<unit>{'|'.join(sorted(MEASURES, key=len, reverse=True))})\b(?!/)"
    rf"(?:\s+(?:and\s+)?(?P<plus>\d+|{_NUMWORD})[-\s]+(?P<plus_unit>seconds?|inch(?:es)?)\b)?",
    re.IGNORECASE,
)
_WHOSE = re.compile(r"[-\s]+(?:for|to|from|by|on|at|with|against|than|apiece|each)\b", re.IGNORECASE)
_BASE_UNITS = frozenset(name for _, name in MEASURES.values())
# a part of a whole: "six of the 10 questions", "more than 330 of the lodge's 397 rooms"
_SHARE_OF = re.compile(
    rf"\s+of\s+(?:the\s+|its\s+|their\s+|all\s+)?(?:[\w-]+['’]s\s+)?(?:\d[\d,.]*|{_NUMWORD})\s+", re.IGNORECASE
)
_RANGE_AHEAD = re.compile(rf"\s?(?:[-–]|to|and)\s?(?:\d[\d,.]*|{_NUMWORD})\b")
_A_MEASURE = re.compile(r"\b(a|one) (minute|second|kilometre|kilometer|metre|meter|kilogram)\b", re.IGNORECASE)
# cheap tests that rule a sentence out before the long patterns run (most sentences have no figure)
_ANY_FIGURE = re.compile(rf"\d|\b(?:{_NUMWORD}|dozen|thousand)\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_INCREMENT = re.compile(r"[-\s]+(?:more|additional|extra|further|other)\b", re.I)
_INCREMENT_BEFORE = re.compile(r"\b(?:another|an additional|an extra|a further)\s+$", re.I)
_TIME_UNIT = r"days?|weeks?|months?|years?|hours?|decades?"  # the units of TIME_UNITS, as written after a figure
_PER_PERIOD_WORDS = r"(?:a|per|each)\s+(?:day|week|month|year)\b"  # "48 hours a week": a rate, not a duration
_PER_PERIOD = re.compile(rf"\b{_PER_PERIOD_WORDS}", re.IGNORECASE)
_DURATION_TAIL = re.compile(rf"[-\s]+(?:{_TIME_UNIT})\b", re.IGNORECASE)
_ANY_TIME_UNIT = re.compile(r"\b(?:day|week|month|year|hour|decade)(?:s|-?long)?\b", re.IGNORECASE)
_LONG = re.compile(r"\b(?P<unit>day|week|month|year|hour)-?long\b", re.IGNORECASE)  # "a weeklong trial": one week
# "the 14th century", "the fourteenth century": which century, compared like other ordinals
_CENTURY = re.compile(rf"\b(?:(?P<n>\d{{1,2}})(?:st|nd|rd|th)|(?P<word>{'|'.join(ORDINALS)}))[-\s]century\b", re.I)
_RATE = re.compile(
    r"(?:[-\s]+[A-Za-z]+){0,2}?\s+(?:per|a|an|each)\s+(?:game|day|week|month|year|hour|capita|person|head)\b", re.I
)
_VAGUE = re.compile(r"\b(dozens|hundreds|thousands|millions)\b", re.IGNORECASE)
# "10:30", "10:30 p.m.", "6.30pm", "6 a.m."; a figure with a decimal point and no am/pm ("$2.53") is not a time
_CLOCK = re.compile(
    r"\b\d{1,2}:\d{2}\s*(?:a\.?m\.?|p\.?m\.?)?|\b\d{1,2}\.\d{2}\s*(?:a\.?m\.?|p\.?m\.?)|"
    r"\b\d{1,2}\s*(?:a\.m\.|p\.m\.|am\b|pm\b)",
    re.I,
)
_DATE_NUMBER = re.compile(
    rf"\b(?:{'|'.join(m[:3] for m in MONTHS)})[a-z]*\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{'|'.join(MONTHS)})\b", re.I
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_YEAR_BC = re.compile(r"\b(\d{1,4})\s?(?:B\.C\.(?:E\.)?|BCE?)(?![A-Za-z])")  # "around 900 B.C.": the year -900
_MONTH_DAY = re.compile(
    rf"\b(?P<m1>{'|'.join(m[:3] for m in MONTHS)})[a-z]*\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?!:)"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{'|'.join(MONTHS)})\b",
    re.I,
)
_DURATION = re.compile(
    rf"(?<![\d,.$/])\b(?P<num>\d+(?:-1/2)?|(?:{_NUMWORD})(?:-(?P<num2>{_NUMWORD}))?|a|an|one|another)[-\s]"
    rf"(?:(?:further|more|additional|full|whole)\s+)?(?P<unit>{_TIME_UNIT})\b(?!-old)(?!\s+{_PER_PERIOD_WORDS})",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(rf"\b({'|'.join(WEEKDAYS)})\b")
_SEASONS = {"fall": "autumn"}
_PRICE_BEFORE = re.compile(r"(?:\d|%|\bpercent|\bcents?)\s*(?:[a-z]+\s+)?$", re.IGNORECASE)
# a season dates something only with a year or a word placing it ("spring 2020", "next autumn", "in the fall")
_SEASON = re.compile(
    r"\b(?:(?:this|last|next|in|by|from|until|early|late|the|since)\s+(?P<a>spring|summer|autumn|fall|winter)\b"
    r"|(?P<b>spring|summer|autumn|fall|winter)\s+(?:of\s+)?\d{4})"
)
_MONTH = re.compile(rf"\b({'|'.join(MONTHS)})\b")
# "the 76th minute", "his 3rd title": which one of a run of things, in digits
_NTH = re.compile(r"\b(?P<n>\d{1,3})(?:st|nd|rd|th)\s+(?:(?:consecutive|straight)\s+)?(?P<unit>[a-z]+)\b")
_NTH_TIME = re.compile(
    rf"\b(?:(?P<ord>{'|'.join(ORDINALS)})\s+time\b|(?P<n>\d+|{_NUMWORD})\s+times\b(?!\s+(?:as|more|less|higher|lower|"
    r"larger|smaller|bigger|greater|faster|the|over|that|a|an|per)\b))",
    re.IGNORECASE,
)
_ORDINAL_RUN = re.compile(rf"\b(?P<ord>{'|'.join(ORDINALS)})\s+(?:consecutive|straight)\s+(?P<unit>\w+)", re.I)
_QUOTE = re.compile(
    r"[\"“](?P<d>[^\"“”]{8,}?)[\"”]"
    # in single quotes, a mark between letters ("won't", "he’s") is an apostrophe, not the closing quote
    r"|(?<![A-Za-z])[‘'](?P<s>(?:[^‘’']|(?<=[A-Za-z])[’'](?=[a-z])){8,}?)[’'](?![A-Za-z])"
)
# a capitalised word of a name, accents included ("André Neu", "Zoë Müller")
_UPPER = "A-ZÀ-ÖØ-ÞĀĆČĎĐĒĚĞİŁŃŇŌŐŒŘŚŞŠŤŪŮŰŸŹŻŽ"
_NAME_WORD = rf"[{_UPPER}](?:[^\W\d_]|['’.-])+"
# at most eight words: "Mohammed bin Salman bin Abdulaziz Al Saud" fits, and a run of capitalised words with no end
# (a list, a table read as one sentence) is not searched for every length at every start, in quadratic time
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|de|van|von|al|bin|da|di|del|la|le)){{0,7}}"
_SAID = (
    r"(?:said|says|told|added|asked|wrote|stated|declared|insisted|argued|warned|acknowledged|noted|explained|"
    r"quipped|joked|remarked|replied|responded|recalled|stressed)"
)
# a body that speaks, by its name: "the Metropolitan Police", "a Youth Demand spokesperson", "an FBI spokesman"
_BODY = rf"(?:the|an?)\s+{_NAME}(?:\s+[a-z][\w-]*)?"
_SPEAKER_AFTER = re.compile(
    rf"^[\s,.;:—–-]*(?P<who>{_NAME}|{_BODY}|(?:the|a|an)\s+[a-z][\w\s-]{{2,40}}?|he|she|they)\s+{_SAID}\b"
)
# a speaker after the quote with a title written before the name: "CDPJ leader Yoshihiko Noda quipped",
# "Agriculture and Forestry Minister Ibrahim Yumakli said"
_SPEAKER_AFTER_TITLE = re.compile(rf"^[\s,.;:—–-]*(?P<title>(?:[\w'’&.-]+\s+){{1,6}}?)(?P<who>{_NAME})\s+{_SAID}\b")
_SPEAKER_AFTER_INV = re.compile(rf"^[\s,.;:—–-]*{_SAID}\s+(?P<who>{_NAME}|the\s+[a-z][\w\s-]{{2,40}}?)(?=[\s,.;]|$)")
# "said Take-Two chief executive Strauss Zelnick": a title, with the body it serves, before the name
_SPEAKER_AFTER_TITLED = re.compile(
    rf"^[\s,.;:—–-]*{_SAID}\s+(?:{_NAME_WORD}\s+){{0,3}}(?P<title>(?:[a-z][\w-]*\s+){{1,3}})(?P<who>{_NAME})(?=[\s,.;]|$)"
)
# before a quotation, a speaker may also name or post it: "The FT called the turmoil '...'", "Police posted: '...'"
_ROLE_WORD_ALTERNATIVES = "|".join(sorted(ROLE_WORDS, key=len, reverse=True))  # "the president said: ..."
_SPEAKER_BEFORE = re.compile(
    # a party or a place in brackets after the name ("Gerhard Karner (ÖVP) told APA:"); "has described it as"
    # and up to two phrases set off by commas ("Jens Aberle, president of ..., who leads ..., said")
    # and a comma before the verb ("his deputy ambassador, Jay Dharmadhikari, told the council:"), or "who" ("Richard
    # Weir, 66, a mechanical engineer, who said")
    rf"\b(?P<who>{_NAME}|{_BODY}|he|she|they|the\s+(?:{_ROLE_WORD_ALTERNATIVES}))(?:\s+\([^()]{{1,30}}\))?\s*"
    rf"(?:(?:,[^,]{{3,120}}){{1,2}},\s*)?,?\s*"
    r"(?:who\s+)?(?:ha[sd]\s+)?"
    rf"(?:{_SAID}|called|described|hailed|posted)"
    rf"(?:[^\"“‘']{{0,80}})?[:,]?\s*$"
)
_ACCORDING = re.compile(rf"according to (?P<who>{_NAME})")
_OUTLET_KINDS = "television|TV|radio|newspaper|broadcaster"  # what an outlet is, written beside its name
_VENUE = re.compile(
    # an outlet named with what it is: "told Saudi state-owned Al-Arabiya television", "the German newspaper Bild"
    rf"(?:told|to|(?:[Ii]n an? (?:[\w-]+ )?interview )?with)\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}?"
    rf"(?:(?P<medium>{_NAME})\s+(?:{_OUTLET_KINDS})\b"
    rf"|(?:newspaper|broadcaster|daily|channel|radio|television)\s+(?P<medium2>{_NAME}))|"
    rf"(?:[Ii]n an? (?:exclusive |recent |televised )?interview with|told|speaking to|speaking with|in remarks to|"
    rf"according to|(?:wrote|posted|said) on|on)\s+(?P<venue>(?:[Tt]he\s+)?{_NAME})"
    # a named event: "at Vox Media's Code Media conference", "during the Aspen Ideas Festival"
    rf"|(?:at|during)\s+(?:the\s+)?(?P<event>{_NAME}(?:\s+(?:conference|summit|forum|festival|convention)))\b"
    # a setting, at the start of the sentence too ("In a statement, the ministry said")
    r"|(?P<kind>(?:[Ii]n|[Oo]n) (?:an?|the|his|her|its|their) (?:[\w-]+ ){0,2}?"
    r"(?:press conference|(?:written |joint )?statement|news conference|briefing|closed-door meeting|speech|post|"
    r"letter|memo|radio interview|television interview|tweet|video|livestream|e-?mail|filing|testimony|"
    r"news release|press release|podcast|note|paper|op-ed|column|"
    r"(?:tele)?phone (?:interview|call))\b|outside [A-Z][\w ]{2,40}|"
    r"(?:[Aa]t|[Dd]uring|told) (?:an?|the) (?:[A-Za-z][\w'’-]* ){0,2}?(?:rally|news conference|press conference|"
    r"(?:press |news )?briefing|hearing|"
    r"summit|town hall|forum)|(?:by|over the|when reached by) (?:tele)?phone|"
    r"(?:told|[Ss]peaking to|[Ss]peaking with|[Tt]alking to) (?:reporters|journalists|the press|the media)|"
    r"on social media)",
)
# a body that hears what is said to it: "told the Senate Banking Committee"
_BODY_HEARD = re.compile(
    r"\b(?:Committee|Commission|Parliament|Senate|Congress|Assembly|Council|Court|Tribunal|"
    r"Bundestag|Knesset|Duma|Inquiry)$"
)
_NAMED_AFTER_KIND = re.compile(rf"\s+(?:{_OUTLET_KINDS})\s+(?P<name>{_NAME})")
# the words before a setting's noun that say whose or which it is, not what kind of setting
_SETTING_HEAD = re.compile(
    r"^(?:(?!(?:press|news|written|joint|radio|television|closed-door|tele|phone)\b)[\w-]+ ){1,2}(?=(?:post|statement|"
    r"briefing|speech|letter|memo|tweet|video|livestream|filing|note|paper|podcast|op-ed|column|hearing|rally|"
    r"summit|forum)$)"
)
# settings written in several ways that are the same setting
_VENUE_KINDS = {
    "written statement": "statement", "joint statement": "statement", "news release": "statement",
    "press release": "statement", "press conference": "news conference", "social media post": "post",
    "blog post": "post", "court filing": "filing", "email": "statement",  # a statement is often sent by email
    "press briefing": "briefing", "news briefing": "briefing",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure as stated: value, the range its hedge allows, and the words around it."""

    value: float
    low: float
    high: float
    hedge: str
    text: str
    unit: frozenset[str]
    context: frozenset[str]
    percent: bool = False
    money: bool = False
    rate: bool = False
    quoted: bool = False  # inside quotation marks: the speaker's figure, not the outlet's
    precision: float = 0.0  # a round figure's last stated unit ("$43 million": 1 million; "57,000": 1,000)
    increment: bool = False  # "two more vessels", "an additional 300 troops": added to a total, not the total

    def same_thing(self, other: Quantity, any_magnitude: bool = False) -> bool:
        """Whether two figures count the same thing: same kind, the same counted noun (or context).

        Figures an order of magnitude apart are taken for different quantities unless the caller
        knows the two sentences state the same fact (``any_magnitude``): "100 doses" against
        "1,000 doses" in the same statement is a slip of a zero, not two counts.
        """
        if self.percent != other.percent or self.money != other.money or self.rate != other.rate:
            return False
        if self.increment != other.increment:
            return False
        if bool(self.unit & _BASE_UNITS) != bool(other.unit & _BASE_UNITS):
            return False  # a measure ("the 16-inch MacBook Pro") does not count things ("the two MacBook Pro sizes")
        if not any_magnitude and max(self.value, other.value) > 5 * max(1e-9, min(self.value, other.value)):
            return False  # an order of magnitude apart: different quantities, not a disagreement
        if self.unit and other.unit:
            return bool(self.unit & other.unit)
        return len(self.context & other.context) >= 1 and not (self.unit or other.unit)

    def overlaps(self, other: Quantity) -> bool:
        """Whether both can be true; a round figure may be a truncated one ("$43 million" for $43.9 million)."""
        return (self.low <= (other.high + other.precision) * 1.0001
                and other.low <= (self.high + self.precision) * 1.0001)  # fmt: skip

    def understates(self, other: Quantity, factor: float = 1.5) -> bool:
        """A lower bound ("over 30,000") far below another outlet's figure (57,000): out of date or wrong."""
        return self.high == float("inf") and other.low >= self.value * factor


@dataclass(frozen=True, slots=True)
class Quote:
    """Quoted words with who said them and where, when the sentence says so."""

    text: str
    words: tuple[str, ...]
    speaker: str
    venue: str


def entities(sentence: str) -> frozenset[str]:
    """Capitalised words after the first word: a rough set of who and where a sentence is about."""
    words = _words(sentence)[1:]
    return frozenset(
        _POSSESSIVE.sub("", w.lower())
        for w in words
        if w[:1].isupper() and w.lower() not in STOPWORDS and len(w) > 2 and not _DESCRIBING.search(w)
    )


# "Atlanta-based", "Saudi-led": a name made into a description of someone else, not who the sentence is about
_DESCRIBING = re.compile(r"-[a-z]+$")


@dataclass(frozen=True, slots=True)
class Facts:
    """What one sentence states that can be checked against another outlet's sentence."""

    quantities: tuple[Quantity, ...] = ()
    durations: tuple[tuple[float, str], ...] = ()
    duration_context: frozenset[str] = frozenset()
    years: frozenset[str] = frozenset()
    weekdays: frozenset[str] = frozenset()
    # each weekday with the words around it: which event it dates ("Tuesday night's debate", "accused on Wednesday")
    weekday_context: tuple[tuple[str, frozenset[str]], ...] = ()
    months: frozenset[str] = frozenset()
    ordinals: tuple[tuple[int, str], ...] = ()
    quotes: tuple[Quote, ...] = ()
    titles: dict[str, str] = field(default_factory=dict)
    ages: tuple[tuple[str, int], ...] = ()  # (surname, or "" for "the 48-year-old", age in years)
    days: frozenset[str] = frozenset()  # calendar days named ("July 7", "7 July" -> "jul-07")
    scores: frozenset[tuple[int, int]] = frozenset()  # game scores and records, (higher, lower)
    speakers: tuple[str, ...] = ()  # names that are the subject of a speech verb outside quotations


def content_words(text: str) -> set[str]:
    """Lower-cased words that carry meaning (no stopwords, no numbers, crude plural folding)."""
    out = set()
    for word in _words(text):
        w = word.lower().strip("'’-")
        if len(w) > 2 and w not in STOPWORDS and w not in NUMBER_WORDS:
            out.add(w[:-1] if w.endswith("s") and len(w) > 4 and not w.endswith("ss") else w)
    return out


_SPACED_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3})")  # "124 000" is 124000


def _number(text: str) -> float | None:
    t = _SPACED_THOUSANDS.sub("", text.lower().replace(",", "")).replace("-and-a-half", " and a half")
    if t in ("a dozen", "half a dozen"):
        return 12.0 if t == "a dozen" else 6.0
    if " hundred" in t or " thousand" in t:
        return _words_value(t)
    if t.endswith(" and a half"):
        base = _number(t.removesuffix(" and a half"))
        return base + 0.5 if base is not None else None
    if "-" in t:
        parts = t.split("-")
        if all(p in NUMBER_WORDS or p == "one" for p in parts):
            return float(sum(NUMBER_WORDS.get(p, 1) for p in parts))
        return None
    if t in NUMBER_WORDS:
        return float(NUMBER_WORDS[t])
    try:
        return float(t)
    except ValueError:
        return None


def _words_value(text: str) -> float | None:
    """ "six hundred" -> 600, "a hundred and forty" -> 140, "two thousand five hundred" -> 2500."""
    total, current = 0.0, 0.0
    for word in text.replace("-", " ").split():
        if word == "and":
            continue
        if word in ("a", "an", "one"):
            current += 1.0
        elif word == "hundred":
            current = max(current, 1.0) * 100
        elif word == "thousand":
            total += max(current, 1.0) * 1000
            current = 0.0
        elif word in NUMBER_WORDS:
            current += NUMBER_WORDS[word]
        else:
            return None
    return total + current


def _precision(digits: str, scale: float) -> float:
    """The unit of the last stated digit of a round figure (0 for an exact one: "31" or "30,154")."""
    plain = digits.replace(",", "")
    if not plain[:1].isdigit():
        return 0.0
    if scale > 1:
        decimals = len(plain.split(".")[1]) if "." in plain else 0
        return scale / 10**decimals
    if "." in plain:
        return 0.0
    zeros = len(plain) - len(plain.rstrip("0"))
    return float(10**zeros) if zeros >= 3 else 0.0  # thousands and up: "57,000", not "300"


def _figures_in(masked: str) -> Iterator[re.Match[str]]:
    """The figure matches of a sentence; a number inside a word ("A350") is no figure.

    The words after a figure (what it counts) are read again for the next one, so they cannot swallow its
    currency or hedge: "27 per cent of the RM6.2 million cost", "A350 cost RM6.6 million".
    """
    m = _QUANTITY.search(masked)
    while m:
        start = m.start("num")
        if not (start > 0 and masked[start - 1].isalnum() and not m["cur"]):
            yield m
        m = _QUANTITY.search(masked, max(m.end("num"), m.start() + 1))


def quantities(sentence: str) -> tuple[Quantity, ...]:
    if not _ANY_FIGURE.search(sentence):
        return tuple(_vague(sentence, sentence))
    # "a minute", "one minute" are 1 minute (written in the same length, so offsets hold)
    masked = _A_MEASURE.sub(lambda m: " " * (len(m[1]) - 1) + "1 " + m[2], _mask(sentence))
    quoted = [m.span() for m in _QUOTED_SPAN.finditer(sentence)]
    out: list[Quantity] = []
    spans: list[tuple[int, int]] = []  # (start, end of the figure) of each quantity in ``out``
    consumed = 0  # the end of a measure read with its seconds ("1 minute and 45 seconds")
    for m in _figures_in(masked):
        value = _number(m["num"])
        if value is None or m.start("num") < consumed:
            continue
        start = m.start("num")
        if m["num"][0].isupper() and not m["hedge"] and masked[:start].rstrip()[-1:] not in _OPENERS:
            continue  # a number word capitalised inside a sentence is part of a name ("the Four Hills Tournament")
        if m["num"][0].isdigit() and not m["cur"] and not m["hedge"] and _named_number(masked, start):
            continue  # the number of a name: "Article 19", "Channel 13", "Apollo 10", "the FTSE 100"
        tail = m["tail"] or ""
        if _DURATION_TAIL.match(tail) and not _PER_PERIOD.search(tail):
            continue  # a duration, read by durations(); "48 hours a week" is a rate, read here
        if _YEAR.fullmatch(m["num"]) and not m["hedge"] and not m["cur"]:
            continue  # a year
        scale = 1.0
        if m["short"]:
            if (m["short"].lower() in ("m", "k") and not m["cur"]) or not m["num"][0].isdigit():
                continue
            scale = SHORT_SCALES[m["short"].lower()]
        elif m["scale"]:
            scale = SCALES[m["scale"].lower()]
        elif re.match(r"\s*(?:thousand|lakh|million|crore|billion)\b", tail, re.I):
            scale = SCALES[tail.split()[0].lower()]
        value *= scale
        # a sum's counted thing follows it directly ("$3 billion of goods"); "$133 million for Trump's side" names who
        unit = [] if m["cur"] and _WHOSE.match(tail) else _unit_words(tail)
        share = _SHARE_OF.match(masked, m.end("num"))
        if share and not m["pct"]:
            unit = _unit_words(masked[share.end() : share.end() + 40])  # "six of the 10 questions" counts questions
        measure = _MEASURE.match(masked, m.end("num")) if not m["glued"] else None
        ahead = None if measure else _RANGE_AHEAD.match(masked, m.end("num"))
        if ahead and not m["cur"] and not m["pct"]:
            # the low end of a range in a unit named after the high end ("20-30 minutes"): the same unit
            low_measure = _MEASURE.match(masked, ahead.end())
            if low_measure:
                factor, name = MEASURES[low_measure["unit"].lower()]
                value *= factor
                unit = [name]
        if m["glued"] and not m["cur"]:
            factor, name = MEASURES[m["glued"].lower()]
            value *= factor
            unit = [name, *_unit_words(tail)]
        if measure and not m["cur"] and not m["pct"]:
            # one measure in one unit: "1.34 km" is "1,340 metres", "a minute and 45 seconds" is "105 seconds"
            factor, name = MEASURES[measure["unit"].lower()]
            if measure["plus"]:
                value = value * factor + (_number(measure["plus"]) or 0.0) * _PLUS_UNITS[measure["plus_unit"].lower()]
            else:
                value *= factor
            unit = [name, *_unit_words(masked[measure.end() : measure.end() + 40])]
            consumed = measure.end()
        hedge = (m["hedge"] or "").lower()
        low_f, high_f = HEDGES.get(hedge, (1.0, 1.0))
        spans.append((m.start(), m.end("num")))
        before = _last_words(masked[max(0, m.start() - 60) : m.start()], 3)
        out.append(
            Quantity(
                value=value,
                low=value * low_f,
                high=value * high_f,
                hedge=hedge,
                text=m.group().strip(),
                unit=frozenset(unit),
                context=frozenset(before),
                percent=bool(m["pct"]),
                money=bool(m["cur"]),
                rate=bool(_RATE.match(masked[m.end() - len(tail) :])),
                increment=bool(_INCREMENT.match(tail) or _INCREMENT_BEFORE.search(masked[max(0, start - 25) : start])),
                quoted=any(a < start < b for a, b in quoted),
                precision=_precision(m["num"], scale),
            )
        )
    out = _ranges(out, spans, masked)
    return tuple(out + _vague(sentence, masked))


def _vague(sentence: str, masked: str) -> list[Quantity]:
    """ "dozens", "thousands": a range of values with the thing counted."""
    out = []
    for m in _VAGUE.finditer(masked):
        low, high = (float(v) for v in VAGUE[m.group().lower()])  # a value is a float like any figure read
        out.append(Quantity(value=low, low=low, high=high, hedge=m.group().lower(), text=m.group(),
                            unit=frozenset(_first_words(masked[m.end() : m.end() + 40], 2)),
                            context=frozenset(_last_words(masked[max(0, m.start() - 60) : m.start()], 3))))  # fmt: skip
    return out


_RANGE_GAP = re.compile(r"\s*(?:and|to|-|–)\s*", re.I)


def _ranges(found: list[Quantity], spans: list[tuple[int, int]], masked: str) -> list[Quantity]:
    """Two figures joined into one range: "between 300 and 400 homes", "20 to 25 people", "20-25 people".

    The range takes the second figure's counted thing; "112-107" (a score, the first larger)
    and year spans are not ranges.
    """
    out: list[Quantity] = []
    i = 0
    while i < len(found):
        q = found[i]
        if i + 1 < len(found):
            r, (start, end), (next_start, _) = found[i + 1], spans[i], spans[i + 1]
            gap = masked[end:next_start]
            joined = _RANGE_GAP.fullmatch(gap) is not None
            if joined and "and" in gap.lower():
                joined = masked[:start].rstrip().lower().endswith("between")
            not_years = r.value < 1900 or bool(r.unit & _BASE_UNITS)  # "1990-2000" is no range, "2 to 3 km" is
            if joined and q.value < r.value and q.percent == r.percent and q.money == r.money and not_years:
                text = masked[start : spans[i + 1][1]]
                middle = (q.low + r.high) / 2 if r.high != float("inf") else q.low
                out.append(replace(r, value=middle, low=q.low, hedge="range", text=text))
                i += 2
                continue
        out.append(q)
        i += 1
    return out


def _ordered_content(text: str) -> list[str]:
    return [w for w in (content_words(t) for t in _words(text)) for w in w]


# a word of a counted thing, a designation or a rate included: "F-35s" is the thing "f-35", "Wh/kg" one word
_UNIT_WORD = re.compile(r"[A-Za-z]+/[A-Za-z]+|[A-Za-z][A-Za-z'’]*-\d+[A-Za-z]*|[A-Za-z][A-Za-z'’-]*")
# a designation ("F-35s" is the thing "f-35") or a unit per another ("Wh/kg", "km/h"): one word of the counted thing
_DESIGNATION = re.compile(r"([A-Za-z]+-\d+[A-Za-z]*?)s?|([A-Za-z]+/[A-Za-z]+)")


def _unit_words(tail: str) -> list[str]:
    """The counted thing after a figure: its content words up to the first function word or punctuation.

    "three senior militia commanders and sent" -> [senior, militia, commander]; at most
    three words, so a long clause after the figure does not become its unit.
    """
    out: list[str] = []
    of = False  # "tons of water", "doses of vaccine": the measure and what it measures
    for word in _UNIT_WORD.findall(re.split(r"[,.;:()“”\"‘]", tail, maxsplit=1)[0]):
        designation = _DESIGNATION.fullmatch(word)
        folded = {(designation[1] or designation[2]).lower()} if designation else content_words(word)
        if not folded:
            if out and word.lower() == "of" and not of:
                of = True
                continue
            if out:
                break
            continue
        out += sorted(folded)
        if len(out) >= 3:
            break
    return out[:3]


def number_tokens(quantities: tuple[Quantity, ...]) -> frozenset[str]:
    """Figures as alignment tokens ("#208560", "#5%"): sentences giving the same figure likely say the same thing."""
    # each figure twice ("#57575", "##57575"): in a cosine of word sets, a shared figure weighs two words
    tokens = [f"#{q.value:g}{'%' if q.percent else ''}" for q in quantities if q.hedge not in VAGUE]
    return frozenset(tokens + ["#" + t for t in tokens])


def score_tokens(pairs: frozenset[tuple[int, int]]) -> frozenset[str]:
    """Scores as alignment tokens, weighing two words like figures ("#24-14", "##24-14")."""
    tokens = [f"#{a}-{b}" for a, b in pairs]
    return frozenset(tokens + ["#" + t for t in tokens])


def _first_words(text: str, n: int) -> list[str]:
    """The first content words after a figure, up to the next punctuation: the counted thing."""
    return _ordered_content(re.split(r"[,.;:()]", text, maxsplit=1)[0])[:n]


def _last_words(text: str, n: int) -> list[str]:
    return _ordered_content(re.split(r"[,.;:()]", text)[-1])[-n:]


def _mask(sentence: str) -> str:
    """Blank out clock times, day-of-month numbers and game scores so they are not read as quantities."""
    for pattern in (_CLOCK, _DATE_NUMBER):
        sentence = pattern.sub(lambda m: " " * len(m.group()), sentence)
    if _PAIR.search(sentence) and _GAME.search(sentence):
        sentence = _SCORE.sub(lambda m: " " * len(m.group()), sentence)
    return sentence


def scores(sentence: str) -> frozenset[tuple[int, int]]:
    """Game scores and win-loss records ("won 24-14", "a 4-0 victory", "At 4-7, the Chargers"), each as (higher,
    lower): who scored which is told by the words, not the order.

    In a sentence about a game every pair of figures is one; elsewhere a pair followed by a counted thing
    ("20-30 people") or after "aged", "between" or "from" is a range.
    """
    if not _PAIR.search(sentence):
        return frozenset()
    game = bool(_GAME.search(sentence))
    out = set()
    for m in _SCORE.finditer(sentence):
        if not game and (_COUNTED_AFTER.match(sentence, m.end()) or _RANGE_BEFORE.search(sentence, 0, m.start())):
            continue
        a, b = int(m["a"]), int(m["b"])
        out.add((max(a, b), min(a, b)))
    return frozenset(out)


# a sentence about a game: a pair of figures in it is a score, not a range ("between 20-30 people")
_GAME = re.compile(
    r"\b(?:won|wins?|winning|beat|beats|beating|defeat(?:ed|s)?|victory|victories|lost|loss|losses|losing|draw|drew|"
    r"routed|edged|thrashed|triumph|score[sd]?|scoreline|game|match|final|record)\b",
    re.IGNORECASE,
)
_PAIR = re.compile(r"\d\s?[-–]\s?\d")  # the cheap test: most sentences hold no pair of figures
_COUNTED_AFTER = re.compile(r"\s+(?!(?:in|on|at|to|over|against|with|and|for|after|before|by|as|the)\b)[A-Za-z]")
_RANGE_BEFORE = re.compile(r"\b(?:aged|ages|between|from|of)\s+$", re.IGNORECASE)
_SCORE = re.compile(r"(?<![\d.,$£€-])\b(?P<a>\d{1,3})\s?[-–]\s?(?P<b>\d{1,3})\b(?![-–]?\d|\s*(?:%|percent|per cent))")


_QUOTE_MARK = re.compile("[\"“”‘’']")


_HALF_BEFORE = re.compile(r"\bhalf\s+$", re.IGNORECASE)
_AND_A_HALF = re.compile(r"\s+and\s+a\s+half\b", re.IGNORECASE)


def durations(sentence: str) -> tuple[tuple[float, str], ...]:
    if not _ANY_TIME_UNIT.search(sentence):
        return ()
    out = []
    for m, head in _durations_unquoted(sentence):
        value = 1.0 if head in ("a", "an", "one", "another") else _number(head.removesuffix("-1/2"))
        if value is not None and head.endswith("-1/2"):
            value += 0.5  # "a near 1-1/2 year trade war"
        if value is None:
            continue
        if re.match(r"\s+(?:ago|before|after)\b", sentence[m.end() :], re.I):
            continue  # "four years ago" places an event in time; it is not a stated duration
        if head in ("a", "an", "one") and _PRICE_BEFORE.search(sentence[: m.start()]):
            continue  # "$14.99 a month", "2% a year": a rate, not a duration
        text = m.group()
        if head in ("a", "an") and _HALF_BEFORE.search(sentence[: m.start()]):
            value, text = 0.5, "half " + text  # "half an hour"
        elif _AND_A_HALF.match(sentence, m.end()):
            value, text = value + 0.5, text + " and a half"  # "an hour and a half"
        out.append((value * TIME_UNITS[m["unit"].lower()], text))
    out += [(float(TIME_UNITS[m["unit"].lower()]), m.group()) for m in _LONG.finditer(sentence)]
    return tuple(out)


def ago(sentence: str) -> frozenset[float]:
    """How long before the report something happened, in days: "two weeks ago" -> 14, "a decade ago" -> 3650.

    Outside quotations only; compared only between reports of the same news cycle (a date relative to the day)."""
    if " ago" not in sentence:
        return frozenset()
    out = set()
    for m, head in _durations_unquoted(sentence):
        value = 1.0 if head in ("a", "an", "one") else _number(head)
        if value is not None and _AGO.match(sentence, m.end()):
            out.add(round(value * TIME_UNITS[m["unit"].lower()], 1))
    return frozenset(out)


def _durations_unquoted(sentence: str) -> Iterator[tuple[re.Match[str], str]]:
    """Each length of time written outside quotations, with its number as written, lower case ("two", "a").

    A duration inside a quotation is the speaker's, compared with the quote."""
    quoted = [q.span() for q in _QUOTED_SPAN.finditer(sentence)] if _QUOTE_MARK.search(sentence) else []
    for m in _DURATION.finditer(sentence):
        if not any(a < m.start() < b for a, b in quoted):
            yield m, m["num"].lower()


def _named_number(text: str, start: int) -> bool:
    """Whether the figure at ``start`` follows a name directly ("Article 19", "Terminal 3"), not a word that opens a
    sentence ("Its 420 employees"), a month or weekday ("November 5"), or a rank marker ("world No 83")."""
    m = _NAME_BEFORE.search(text, max(0, start - 30), start)
    if not m:
        return False
    word = m["word"].lower().rstrip(".")
    return word not in STOPWORDS and word not in DATE_WORDS and word not in ("no", "nos", "number", "nr")


_NAME_BEFORE = re.compile(r"(?<![\w.])(?P<word>[A-Z][\w&'’.-]*)\s+$")
_OPENERS = ("", ".", ":", '"', "“", "‘")  # what a capitalised word may follow and still open a sentence
_AGO = re.compile(r"\s+ago\b", re.IGNORECASE)


def ordinals(sentence: str) -> tuple[tuple[int, str], ...]:
    """Ordinal counts of a thing: "fifth straight win" -> (5, "win"), "the 14th century" -> (14, "century")."""
    lowered = sentence.lower()  # each pattern runs only where its key word stands (most sentences have none)
    out = []
    if "consecutive" in lowered or "straight" in lowered:
        out += [(ORDINALS[m["ord"].lower()], m["unit"].lower()) for m in _ORDINAL_RUN.finditer(sentence)]
    if "time" in lowered:
        for m in _NTH_TIME.finditer(sentence):  # "the third time", "used three times": how often something happened
            n = ORDINALS.get(m["ord"].lower()) if m["ord"] else _number(m["n"])
            if n and n > 1:  # "for the first time" is mostly an idiom
                out.append((int(n), "time"))
    if "century" in lowered:
        for m in _CENTURY.finditer(sentence):
            out.append((int(m["n"]) if m["n"] else ORDINALS[m["word"].lower()], "century"))
    if _DIGIT.search(sentence):
        out += [(int(m["n"]), m["unit"]) for m in _NTH.finditer(sentence)
                if m["unit"] not in STOPWORDS and m["unit"] not in ("century", "time")]  # fmt: skip
    return tuple(out)


def quotes(sentence: str, previous_speaker: str = "") -> tuple[Quote, ...]:
    """The quotations of a sentence with their speaker and venue.

    A quotation broken by its attribution ("“This carnage,” he declared, “stops right now.”")
    is one quotation: its parts are joined and the attribution between them names the speaker.
    """
    out = []
    matches = list(_QUOTE.finditer(sentence))
    if not matches:
        # a quotation that runs on into the next paragraph opens one and is closed only in the other
        # ('"Mr Gigaba has not been arrested. He is cooperating with IDAC.' ...)
        opened = _RUNS_ON.match(sentence)
        if not opened:
            return ()
        words = tuple(w.lower() for w in _words(opened["q"]))
        if len(words) < 4:
            return ()
        return (Quote(text=opened["q"].strip(" ,."), words=words, speaker=previous_speaker, venue=venue_of(sentence)),)
    venue = venue_of(sentence)
    parts: list[tuple[str, int, int, str]] = []  # (text, start, end, attribution between parts) after joining
    for m in matches:
        text = (m["d"] or m["s"] or "").strip(" ,.")
        # broken only where the first part ends with a comma inside its marks ("carnage," he said)
        broken = parts and re.search(r",\s*[\"”’']$", sentence[parts[-1][1] : parts[-1][2]])
        if broken and _BROKEN.fullmatch(sentence[parts[-1][2] : m.start()]):
            previous, start, previous_end, _ = parts.pop()
            parts.append((f"{previous} {text}", start, m.end(), sentence[previous_end : m.start()]))
        else:
            parts.append((text, m.start(), m.end(), ""))
    for text, start, end, between in parts:
        # "I.R.S." and "IRS" are the same word
        plain = re.sub(r"\b(?:[A-Za-z]\.){2,}", lambda a: a.group().replace(".", ""), text)
        words = tuple(w.lower() for w in _words(plain))
        after, before = sentence[end : end + SPEAKER_WINDOW], sentence[max(0, start - SPEAKER_WINDOW) : start]
        if len(words) < 4 and not (len(words) == 3 and _said_after(sentence[start:end], after)):
            continue  # a word or two in quotation marks is a label or a scare quote, not a statement
        # a joined quotation names its speaker between its parts; a speech verb inside the quoted words is the
        # speaker's own ("Trump says he wants to run the nation ...," said Bloomberg)
        speaker = _speaker(between or after, before) or previous_speaker
        # a quotation of several sentences is compared sentence by sentence: another outlet may quote only one
        pieces = [p.strip(" ,.") for p in _QUOTED_SENTENCE.split(text)] if not between else [text]
        # a short sentence ("He died on duty.") is compared within the quotation: alone it says too little
        if len(pieces) > 1 and all(len(_words(p)) >= QUOTED_SENTENCE_MIN for p in pieces):
            out += [Quote(text=p, words=tuple(w.lower() for w in _words(p)), speaker=speaker, venue=venue)
                    for p in pieces]  # fmt: skip
        else:
            out.append(Quote(text=text, words=words, speaker=speaker, venue=venue))
    return tuple(out)


_RUNS_ON = re.compile(r"\s*[\"“](?P<q>[^\"“”]{8,})$")


def _said_after(quoted: str, after: str) -> bool:
    """A whole utterance: its marks close on a comma, "!" or "?" and a speaker follows ("'I'm mega happy,' Franke
    said")."""
    closing = quoted.rstrip("\"”’'")
    return closing.endswith((",", "!", "?")) and bool(_SPEAKER_AFTER.match(after) or _SPEAKER_AFTER_INV.match(after))


# characters around a quotation searched for its speaker: attributions stand next to the quote, and searching a
# whole run-on "sentence" of a page without full stops (a list, a table) would take quadratic time
SPEAKER_WINDOW = 400
QUOTED_SENTENCE_MIN = 6  # words of each sentence of a quotation for them to be compared one by one
_QUOTED_SENTENCE = re.compile(r"(?<=[a-z0-9][.!?])\s+(?=[A-Z])")


# the attribution that breaks a quotation in two: ', he declared, ' / ', said Ms Ruiz, '
_GAP = r"[^\"“”‘’'.!?]{0,40}"
_BROKEN = re.compile(rf"\s*(?:{_GAP}\b{_SAID}\b{_GAP}|{_GAP}\b{_SAID})\s*[,:]?\s*")


def _speaker(after: str, before: str) -> str:
    m = _SPEAKER_AFTER_TITLED.match(after)
    if m and m["title"].split()[-1] in ROLE_WORDS and _clean_name(m["who"]):
        return _strip_titles(_clean_name(m["who"]))
    for pattern, text in ((_SPEAKER_AFTER, after), (_SPEAKER_AFTER_INV, after), (_SPEAKER_BEFORE, before)):
        found = _nearest_first(pattern, text)
        if pattern is _SPEAKER_BEFORE and found and _IN_PLACE.search(text, 0, found[0].start("who")):
            # "Benjamin Jendro of the police union GdP in Berlin said": the place is not the speaker, the person is
            member = _MEMBER_OF.search(text)
            if member and not _is_role(member["who"].split()[-1]):
                return _strip_titles(member["who"])
        if pattern is _SPEAKER_BEFORE and len(found) > 1:
            # a name inside a phrase that describes the speaker ("Jens Aberle, president of the German Obesity
            # Society, who leads ..., said") is not the speaker
            found = [m for m in found if not _INSIDE_OF.search(text, 0, m.start("who"))] or found
        for m in found:
            who = _clean_name(m["who"])
            if is_body(who):
                return "the " + who.split(maxsplit=1)[1]  # "a Google spokesperson" and "the Google spokesperson"
            if who.lower() in ("he", "she", "they") and len(found) > 1:
                return ""  # "Govender said she posted: '...'": she may be Govender or another, so nobody is named
            if who.lower() in ("he", "she", "they") or who.lower().startswith(("the ", "a ", "an ")):
                return who.lower()
            if who:
                return _strip_titles(who)
    m = _SPEAKER_AFTER_TITLE.match(after)
    if m and any(_is_role(w) for w in (m["title"] + m["who"]).split()) and _clean_name(m["who"]):
        words = _clean_name(m["who"]).split()
        roles = [i for i, w in enumerate(words[:-1]) if _is_role(w)]
        return " ".join(words[roles[-1] + 1 :]) if roles else _strip_titles(" ".join(words))  # the name alone
    m = _ACCORDING.search(after) or _ACCORDING.search(before)
    if m and _clean_name(m["who"]):
        return _strip_titles(_clean_name(m["who"]))
    return _speaker_of_last_verb(before)


_IN_PLACE = re.compile(r"\b(?:in|at)\s+$")
_MEMBER_OF = re.compile(
    rf"\b(?P<who>{_NAME_WORD}\s+{_NAME_WORD})\s+(?:of|from)\s+(?:the\s+)?(?:[\w&'’-]+\s+){{1,6}}?"
    rf"(?:in|at)\s+{_NAME}\s+{_SAID}\b[^\"“‘']{{0,80}}$"
)
_INSIDE_OF = re.compile(r"\b(?:of|in|at|from|for|and)\s+(?:the\s+)?(?:[\w&'’-]+\s+){0,4}$")


def _nearest_first(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """The matches of a pattern anchored at the quote, nearest the quote first.

    Matches anchored at the end overlap ("Govender said she posted: '...'" holds "Govender said
    ..." and "she posted ..."), so each search starts just after the previous match's start. A
    match whose speaker ends where an earlier one's does is a piece of that one ("Senate" of "the
    Senate", "Jr." of "Martin Luther King Jr.") and is dropped.
    """
    out: list[re.Match[str]] = []
    ends: set[int] = set()
    m = pattern.search(text)
    while m:
        if m.end("who") not in ends:
            out.append(m)
            ends.add(m.end("who"))
        m = pattern.search(text, m.start() + 1)
    return out[::-1]


def _clean_name(who: str) -> str:
    """A candidate speaker as a name, or "" when it is a function word ("When asked") or a possessive ("Trump's")."""
    words = who.strip().rstrip(".,").split()
    while len(words) > 1 and words[-1][:1].islower():
        words.pop()  # a particle runs on only inside a name ("Ibn al Saud"), not at its end
    first = words[0].lower() if words else ""
    if first in ("the", "a", "an"):
        return who.strip().rstrip(".,")  # a description ends in its noun: "the spokesperson", "a Google spokesperson"
    who = " ".join(words)
    if first in ("he", "she", "they"):
        return who
    if not who or first in STOPWORDS or first in _NOT_NAMES or who.endswith(("’s", "'s")):
        return ""
    if who.lower() in DATE_WORDS:
        return ""  # "it said in December that ...": a month, not a speaker
    return who


_NOT_NAMES = frozenset({"asked", "speaking", "according", "meanwhile", "however", "still", "yet", "later", "earlier"})


_SAID_VERB = re.compile(rf"\b{_SAID}\b")
_SUBJECT = re.compile(rf"(?P<who>{_NAME})|\b(?P<pron>he|she|they)\b")
_QUOTED_SPAN = re.compile(r"[\"“][^\"“”]*[\"”]|(?<![A-Za-z])[‘'][^‘’']*[’'](?![A-Za-z])")


def _blank_quotes(text: str) -> str:
    """The text with its quotations blanked out (offsets kept): a name or a verb inside them is the speaker's."""
    return _QUOTED_SPAN.sub(lambda m: " " * len(m.group()), text)


def _speaker_of_last_verb(before: str) -> str:
    """The subject of the last speech verb before a quote: "Quinlan acknowledged ... but said, '...'" -> Quinlan.

    Quoted words are blanked first (a name inside an earlier quote is not its speaker), and the
    subject must stand within a few words before the verb.
    """
    text = _blank_quotes(before)
    verbs = list(_SAID_VERB.finditer(text))
    if not verbs:
        return ""
    head = text[max(0, verbs[-1].start() - 120) : verbs[-1].start()]
    # "Trump, who placed second in a poll of Republican candidates, said": skip the aside
    head = re.sub(r",[^,]{3,120},\s*$", " ", head)
    subjects = [m for m in _SUBJECT.finditer(head) if (m["who"] or m["pron"])]
    if not subjects:
        return ""
    last = subjects[-1]
    if last["pron"]:
        return last["pron"].lower()
    who = _clean_name(last["who"])
    if who.lower() in ("he", "she", "they"):
        return who.lower()
    return _strip_titles(who) if who and who.lower() not in _NOT_SPEAKERS else ""


_NOT_SPEAKERS = frozenset({"but", "and", "in", "on", "at", "the", "a", "an", "it", "this", "that"})


def family_name(name: str) -> str:
    """The family name of a full name: "James P. Kennedy Jr." -> "Kennedy" (a generation suffix is not a name)."""
    words = name.split()
    while len(words) > 1 and words[-1].lower().rstrip(".,") in GENERATION:
        words.pop()
    return words[-1].rstrip(".,") if words else ""


GENERATION = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _strip_titles(name: str) -> str:
    words = name.split()
    while len(words) > 1 and (words[0].lower().strip(".") in ROLE_WORDS or words[0].endswith(".")):
        words.pop(0)
    return " ".join(words)


_MEDIA = re.compile(
    r"\b(?:News|Times|Post|Journal|Radio|TV|Television|Network|Channel|Agency|Press|Reuters|Magazine|Herald|"
    r"Telegraph|Guardian|Tribune|Gazette|Chronicle|Broadcasting|BBC|CNN|NPR|PBS|ABC|CBS|NBC|AFP|AP|"
    r"Twitter|Facebook|Instagram|Telegram|YouTube|TikTok|LinkedIn|ESPN|CNBC|MSNBC|Bloomberg|Sky|Fox|Today|Axios|"
    r"Politico|Mail|Daily|Express|Mirror|Observer|Independent|Courier|Dispatch|Monitor|Bulletin|Inquirer|Examiner|"
    r"Sentinel)\b"
)


def is_body(speaker: str) -> bool:
    """Whether a speaker is a body named by its name ("the Metropolitan Police", "a Youth Demand spokesperson")."""
    words = speaker.split()
    return len(words) > 1 and words[0].lower() in ("the", "a", "an") and words[1][:1].isupper()


def is_media(name: str) -> bool:
    """Whether a name is a news outlet's ("Fox News", "The New York Times")."""
    return bool(_MEDIA.search(name))


# a possessive ending: "Swift's" names Swift (entities), "CBS’s Face the Nation" is CBS (venues)
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=[sS])['’])(?=\s|$)")


def venue_of(sentence: str) -> str:
    """Where something was said: a named outlet or event, else a setting (statement, press conference).

    A named venue wins over a setting in the same sentence ("in a post on Twitter" is Twitter).
    """
    setting = ""
    to_reporters = False
    for m in _VENUE.finditer(sentence):
        if m["kind"]:
            kind = m["kind"].strip()
            if kind.startswith("outside"):
                setting = setting or kind
                continue
            plain = re.sub(r"^(?:in|on|at|during|told) (?:an?|the|his|her|its|their) ", "", kind, flags=re.IGNORECASE)
            plain = _SETTING_HEAD.sub("", plain)  # "a Reddit post" is a post, "a research paper" a paper
            plain = plain.replace("e-mail", "email").replace("on social media", "post")
            if "phone" in plain:
                plain = "phone interview"  # "by telephone", "when reached by phone", "in a phone call"
            elif re.search(r"reporters|journalists|press$|media$", plain):
                to_reporters = True  # the vaguest setting: any other one named in the sentence says more
                continue
            setting = setting or "in a " + _VENUE_KINDS.get(plain, plain)
            continue
        if m["event"]:
            return "at " + m["event"].strip()
        if m["medium2"]:
            return m["medium2"].strip()
        if m["medium"]:
            # "the German newspaper Bild": the name after the kind of outlet, when there is one, is the outlet's
            named = _NAMED_AFTER_KIND.match(sentence, m.end("medium"))
            return (named["name"] if named else m["medium"]).strip()
        # an outlet's programme is that outlet ("CBS’s Face the Nation", "CBS' Face the Nation")
        venue = _POSSESSIVE.split((m["venue"] or "").strip().rstrip("."))[0]
        interview = "interview" in m.group().lower()
        acronym = _ACRONYM.fullmatch(venue.split()[0]) if venue else None  # "told APA", "told MDR Sachsen-Anhalt"
        if venue and (interview or _MEDIA.search(venue) or _BODY_HEARD.search(venue) or acronym):
            return venue
        if venue and _ADDRESSED.match(m.group()) and _one_name(venue):
            return venue  # "told Heise", "speaking to Viaplay": one name addressed is most often an outlet
    return setting or ("in remarks to reporters" if to_reporters else "")


_ADDRESSED = re.compile(r"(?:told|[Ss]peaking to|[Ss]peaking with|[Tt]alking to)\s")


def _one_name(venue: str) -> bool:
    """A single capitalised word that is no title, day or function word ("Heise", not "President" nor "Monday")."""
    word = venue.removeprefix("the ").removeprefix("The ")
    return " " not in word and word.lower() not in STOPWORDS and word.lower() not in DATE_WORDS and not _is_role(word)


# "told APA", "told ORF": a name in capitals is an organisation (most often an agency or a broadcaster), not a person
_ACRONYM = re.compile(r"[A-Z]{2,5}")
_APPOSITIVE = re.compile(
    # "Silvia S. Martins, an associate professor", "Brian Babin (R-Texas), chairman of", "Giggs, the Wales manager,"
    rf"(?P<name>[{_UPPER}][a-zà-ÿ]+(?:\s+(?:[A-Z]\.|[{_UPPER}][\w'’-]+)){{0,3}})(?:\s+\([^()]{{1,30}}\))?"
    r"(?:,\s+\d{1,3})?,\s+"  # an age between the name and the title: "Richard Weir, 60, a mechanical engineer"
    r"(?P<title>(?:the\s+|an?\s+)?[^,;]{3,120}?)(?:[,;]|\.?$)"
)
# "the Senate Leader, Ahmad Lawan,": a title set off before the name
_TITLE_FIRST = re.compile(
    rf"(?:\b(?:[Tt]he|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)|[A-Z][\w.-]*['’]s)\s+(?P<title>(?:[\w'’-]+\s+){{0,3}}[\w'’-]+),\s+"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})(?:,|\s+(?:said|says|told|who)\b)"
)  # "the Senate Leader, Ahmad Lawan,", "Its chief executive, Tyler MacDonald, said"
# "Deputy Minister of Natural Resources Mohlomi Moleko did": the portfolio is named after "of", and the name is
# the last two capitalised words before a lower-case word or a comma
_TITLE_OF = re.compile(
    rf"\b(?P<rank>(?:Deputy|Vice|Assistant|Acting|Associate|Under)\s+)?(?P<role>[A-Z][a-z]+)\s+of\s+(?:the\s+)?"
    rf"(?P<of>(?:[A-Z][\w&'’-]*\s+){{1,4}}?)(?P<name>{_NAME_WORD}\s+{_NAME_WORD})(?=\s+[a-z]|\s*[,.;]|$)"
)
_BE = re.compile(r" (?:is|was|been|became|becomes) ")
_CHIEF_OF_STAFF = re.compile(r"\bchief of staff\b", re.IGNORECASE)
# cheap tests before the title patterns: a capitalised word before "of", a two-word name set off by commas
_CAPITAL_OF = re.compile(r"[A-Z][a-z]+ of ")
_NAME_SET_OFF = re.compile(r", [A-Z][^,]{2,40}?(?:,| said| says| told| who)")
# "Chad Wolf is now acting Homeland Security secretary", "Wolf has been named acting secretary"
_TITLE_PREDICATE = re.compile(
    rf"\b(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})\s+(?:is|was|has been|had been|became|becomes)\s+"
    r"(?:now\s+|also\s+)?(?:named\s+|appointed\s+)?(?:as\s+)?(?:the\s+|an?\s+)?"
    r"(?P<title>(?:[\w'’-]+\s+){0,4}[\w'’-]+)(?=[,.;]|$|\s+(?:and|who|of|at|for|since)\b)"
)
# a word of any alphabet ("Östmark", "Zoë"), with its inner apostrophes, hyphens and dots ("U.S.", "Mr.")
_TOKEN = re.compile(r"[^\W\d_](?:[^\W_]+|[&’'-]+)*(?:\.[^\W\d_]+)*\.?|[,;:()]")
_TOKEN_ASCII = re.compile(r"[A-Za-z][A-Za-z0-9&’'-]*(?:\.[A-Za-z]+)*\.?|[,;:()]")  # the same on ASCII text
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "ter", "al", "bin", "ibn", "da", "di", "del", "la", "le"})


def _role_form(word: str) -> str:
    if word.strip(".,’'").removesuffix("’s").removesuffix("'s") == "PM":
        return "minister"  # "deputy PM" is a deputy prime minister (in capitals only: "6 pm" is a time)
    form = word.lower().strip(".,’'").removesuffix("’s").removesuffix("'s")
    return _ROLE_ABBREVIATIONS.get(form, form)


# titles written short before a name ("Lt. Gov. Andy Beshear", "Sen. Ted Cruz")
_ROLE_ABBREVIATIONS = {
    "lt": "lieutenant", "gov": "governor", "sen": "senator", "rep": "representative", "gen": "general",
    "sgt": "sergeant", "capt": "captain", "col": "colonel", "cmdr": "commander", "adm": "admiral",
    "supt": "superintendent", "atty": "attorney", "pres": "president", "sec": "secretary",
}  # fmt: skip


def _is_role(word: str) -> bool:
    form = _role_form(word)
    # a compound of role words is a role: "Secretary-General", "Attorney-General"
    return form in ROLE_WORDS or ("-" in form and all(part in ROLE_WORDS for part in form.split("-")))


def role_words(title: str) -> frozenset[str]:
    """The role words of a title: "Senate President Pro Tem" -> {president, pro, tem}; synonyms folded.

    The chief officers are one role each, whichever way written: "chief executive" and "CEO" are
    {ceo}, not the vague "executive" of "a Disney executive".
    """
    text = _C_SUITE.sub(lambda m: _C_SUITE_ROLES[m.group().lower().split()[1]], title)
    text = _EXECUTIVE_DIRECTOR.sub("executive-director", text)  # the head of an organisation, not "a director"
    # a possessive is whose the role is ("the governor's press secretary"), not the role; a compound not listed as
    # one role is its parts ("Secretary-General" is "General Secretary")
    forms = (_role_form(w) for w in text.split() if _is_role(w) and not w.endswith(("'s", "’s")))
    parts = (p for f in forms for p in ([f] if f in ROLE_WORDS else f.split("-")))
    return frozenset(_ROLE_SYNONYMS.get(p, p) for p in parts)


_C_SUITE = re.compile(r"\bchief\s+(?:executive|operating|financial|technology|investment)(?:\s+officer)?\b", re.I)
_EXECUTIVE_DIRECTOR = re.compile(r"\bexecutive\s+director\b", re.IGNORECASE)
_C_SUITE_ROLES = {"executive": "CEO", "operating": "COO", "financial": "CFO", "technology": "CTO", "investment": "CIO"}


def american_spelling(word: str) -> str:
    """A lower-case word with British endings in their American form: -ise/-isation, -yse, -our, -ence, -tre.

    Only endings change, after a stem of three letters or more: "colour" and "organisation" do,
    "your", "four" and "hour" do not.
    """
    return _SPELLING.sub(lambda m: _AMERICAN[m.group()], word)


_AMERICAN = {"ise": "ize", "isation": "ization", "yse": "yze", "our": "or", "ence": "ense", "tre": "ter"}
_SPELLING = re.compile(r"(?<=[a-z]{3})(?:isation|ise|yse|our|ence|tre)(?=(?:s|d|ed|ing|rs?|ations?)?$)")


def portfolio(title: str) -> frozenset[str]:
    """What a title is a role *of*: "Foreign Secretary" -> {foreign}, "the country's interior minister" -> {interior}.

    The words before the title's last role word that are neither role words nor their modifiers
    ("deputy", "acting"), less those that say whose role it is rather than which one: a nationality
    ("Austrian"), a party or side ("Republican", "opposition", "minority"), a possessive ("the
    country's") or a scope ("state", "national"), and initialisms ("RNC"). What follows the role
    ("chief executive of the ferry line's parent, Harbour Holdings") describes the organisation in
    words outlets choose freely, and is left out. Two titles of one person with the same role word
    but disjoint portfolios ("Brexit Secretary", "Foreign Secretary") are different offices.
    """
    words = title.split()
    roles = [i for i, word in enumerate(words) if _is_role(word)]
    out = set()
    for i, word in enumerate(words[: roles[-1]] if roles else words):
        w = _role_form(word)
        # "Labour Minister" is the office of labour, "Labour MP" a member of the party
        ministry = w in ("labour", "labor") and i + 1 < len(words) and _role_form(words[i + 1]) in _MINISTERIAL
        if word.endswith(("’s", "'s")) or _is_role(word) or w in ROLE_MODIFIERS:
            continue
        if w in _NOT_PORTFOLIO and not ministry:
            continue
        if word.isupper() or "." in word.rstrip("."):
            continue  # an initialism ("RNC", "N.A.A.C.P.") cannot be compared with the name it stands for
        if any(c.isdigit() for c in word):
            continue  # an age or a count describes the person, not the office ("a 28-year-old photographer")
        if len(w) > 2 and not _DEMONYM.search(w) and w not in STOPWORDS:
            out.add(american_spelling(w))
    return frozenset(out)


def same_portfolio(a: frozenset[str], b: frozenset[str]) -> bool:
    """Portfolios agree when either is unknown or they share a word (a prefix counts: "fed", "federal")."""
    return not a or not b or any(x.startswith(y) or y.startswith(x) for x in a for y in b)


_MINISTERIAL = frozenset({"minister", "secretary", "ministry", "department"})
_DEMONYM = re.compile(r"(?:an|ian|ese|ish|i)$")  # "Austrian", "Israeli", "British", "Chinese"
_NOT_PORTFOLIO = frozenset({
    "democratic", "labour", "conservative", "liberal", "green", "opposition", "ruling", "majority", "minority",
    "party", "state", "national", "top", "us", "u.s", "uk", "eu", "un", "house", "senate", "country",
    # an organisation described rather than named ("chief executive of GateHouse's parent")
    "parent", "company", "firm", "group", "owner", "unit", "subsidiary",
    # how long or how well someone has held a role, not which role
    "longtime", "veteran", "leading", "prominent", "independent", "noted", "respected", "influential",
    # when someone holds it, not which office it is ("Outgoing Finance Minister", "incoming chair")
    "outgoing", "incoming", "caretaker", "current", "new", "newly", "designate", "elect", "sitting", "elected",
    "re-elected", "newly-elected", "appointed", "named",
})  # fmt: skip


# words for the same role ("Strzok's lawyer", "Strzok's attorney")
_ROLE_SYNONYMS = {
    "attorney": "lawyer", "counsel": "lawyer", "spokeswoman": "spokesman", "spokesperson": "spokesman",
    "chairwoman": "chairman", "chair": "chairman", "advisor": "adviser", "researcher": "scientist",
    "editor-in-chief": "editor",
}  # fmt: skip
_RANK_WORDS = frozenset({"deputy", "vice", "assistant", "associate", "acting", "interim", "former"})
_CLAUSE_WORDS = frozenset({"who", "which", "that", "whose", "when", "where", "is", "was", "were", "are", "has",
                           "have", "had", "says", "said", "claim", "claims"})  # fmt: skip


def titles(sentence: str) -> dict[str, str]:
    """``{surname: title}`` for people named with a title.

    Title before the name ("Defence Minister Israel Katz", "special envoy Steve Witkoff",
    "InfoNation President Dan McDowell") or in apposition after it ("Dan McDowell, the firm's
    chief economist,").
    """
    out: dict[str, str] = {}
    sentence = _CHIEF_OF_STAFF.sub(lambda m: m.group().replace(" ", "-"), sentence)  # one office, not a vague "chief"
    comma = "," in sentence  # an apposition and a title set off need one
    m = _APPOSITIVE.search(sentence) if comma else None
    while m:
        name = m["name"].split()
        while name and name[0].lower() in STOPWORDS:
            name.pop(0)  # "For Giggs, the Wales manager": the name after the preposition
        if name and name[-1].lower() in DATE_WORDS:
            name = []  # "on Wednesday, a spokesman confirmed": a day, not a person
        words = m["title"].split()
        # a relative clause or a reported claim after the comma ends the title ("a professor ... who was ...")
        clause = next((k for k, w in enumerate(words) if w.lower() in _CLAUSE_WORDS), len(words))
        # "In Kentucky, Attorney General Andy Beshear ...": a place set off, not a person's title; one word is a
        # person only with "the ..." after it ("Giggs, the Wales manager,")
        if (
            name
            and not (len(name) == 1 and not re.match(r"(?:the|an?)\s", m["title"]))
            and any(_is_role(w) for w in words[:clause])
        ):
            out[family_name(" ".join(name))] = _title_words(" ".join(words[:clause]))
            m = _APPOSITIVE.search(sentence, m.end())
        else:
            # no title here: what followed the comma may itself be a name with its title ("Nature Astronomy, was
            # led by Lucas Paganini, chief scientist at ...")
            m = _APPOSITIVE.search(sentence, m.start("title"))
    # "Deputy Minister of Natural Resources Mohlomi Moleko said"
    for m in _TITLE_OF.finditer(sentence) if _CAPITAL_OF.search(sentence) else ():
        if _is_role(m["role"]):
            out.setdefault(family_name(m["name"]), _title_words(f"{m['rank'] or ''}{m['role']} {m['of']}".strip()))
    for m in _TITLE_FIRST.finditer(sentence) if comma and _NAME_SET_OFF.search(sentence) else ():
        if _is_role(m["title"].split()[-1]):
            out.setdefault(family_name(m["name"]), _title_words(m["title"]))
    for m in _TITLE_PREDICATE.finditer(sentence) if _BE.search(sentence) else ():
        words = m["title"].split()
        if _is_role(words[-1]) and not {w.lower() for w in words} & _CLAUSE_WORDS:
            out.setdefault(family_name(m["name"]), _title_words(m["title"]))
    tokens = (_TOKEN_ASCII if sentence.isascii() else _TOKEN).findall(sentence)
    i = 0
    while i < len(tokens):
        if not tokens[i][:1].isupper():
            i += 1
            continue
        j = i
        while j < len(tokens) and _in_name(tokens, i, j):
            j += 1
            if _ends_sentence(tokens[j - 1]):
                break  # "President Trump. Any peace": a full stop ends the name
        run = tokens[i:j]
        roles = [k for k, w in enumerate(run) if _is_role(w)]
        name = [w.rstrip(".") if len(w.rstrip(".")) > 1 else w for w in (run[roles[-1] + 1 :] if roles else run)]
        if 2 <= len(name) <= 3 and not any(_is_role(w) for w in name):
            title = run[: roles[-1] + 1] if roles else []
            k = i - 1  # lower-case title words just before the capitalised run: "special envoy"
            lead: list[str] = []
            while k >= 0 and not tokens[k][:1].isupper():
                if not (_is_role(tokens[k]) or tokens[k].lower() in ROLE_MODIFIERS or _between_roles(tokens, k, lead)):
                    break
                lead.insert(0, tokens[k])
                k -= 1
            if k >= 0 and tokens[k][:1].isupper() and lead:
                lead.insert(0, tokens[k])  # the organisation: "Thunder general manager"
                if k >= 1 and tokens[k - 1].lower() in _RANK_WORDS:
                    lead.insert(0, tokens[k - 1])  # and a rank before it: "deputy Hawks head"
            words = lead + title
            if any(_is_role(w) for w in words):
                before = _title_words(" ".join(words))
                # both forms ("GOP Chairman Reince Preibus, ..."): the person holds both titles
                known = out.get(name[-1], before)
                out[name[-1]] = before if known == before else f"{before} / {known}"
        i = j
    return out


def _in_name(tokens: list[str], start: int, j: int) -> bool:
    """Whether token ``j`` continues a capitalised run begun at ``start``: a capitalised word, or a particle between
    two ("Virgil van Dijk")."""
    if tokens[j][:1].isupper():
        return True
    return tokens[j] in _PARTICLES and j > start and j + 1 < len(tokens) and tokens[j + 1][:1].isupper()


def _between_roles(tokens: list[str], k: int, lead: list[str]) -> bool:
    """A word of a title between two of its words: "chief technology officer", "former prime minister",
    "Idaho police officer" (a role word after it, and a role word, a rank or a capitalised body before it)."""
    word = tokens[k]
    if not lead or not _is_role(lead[0]) or not word.isalpha() or word.lower() in STOPWORDS or k == 0:
        return False
    left = tokens[k - 1]
    if left[:1].isupper():
        return left.lower() not in STOPWORDS and left.isalpha()
    return _is_role(left) or left.lower() in ROLE_MODIFIERS


def _ends_sentence(token: str) -> bool:
    """A token with a full stop that is not an abbreviation or an initial ("Trump." but not "U.S." or "Jr.")."""
    if not token.endswith("."):
        return False
    core = token.rstrip(".")
    return len(core) > 3 and "." not in core and core.lower() not in ABBREVIATIONS


# plural nouns for groups of people that a name can qualify ("Israeli officials", "Hamas fighters")
_GROUP_NOUNS = frozenset({
    "officials", "leaders", "forces", "troops", "sources", "aides", "lawmakers", "officers", "authorities",
    "members", "ministers", "representatives", "spokesmen", "people", "fighters", "militants", "negotiators",
    "diplomats", "residents", "police", "staff", "executives", "analysts", "investigators", "prosecutors",
    "supporters", "critics", "voters", "workers", "students", "teachers", "players", "fans", "protesters",
})  # fmt: skip
_SUBJECT_START = re.compile(rf"^\s*(?:(?P<hon>Mr|Mrs|Ms|Dr)\.?\s+)?(?P<who>{_NAME})")
_SPEAKS = re.compile(rf"(?P<who>{_NAME})\s*(?:,[^,]{{3,80}},\s*)?{_SAID}\b")


def sentence_subject(sentence: str) -> tuple[str, bool]:
    """The name a sentence opens with (its likely subject), titles stripped, and whether an honorific marks it."""
    m = _SUBJECT_START.match(sentence)
    if not m or not _clean_name(m["who"]) or _clean_name(m["who"]).lower() in ("he", "she", "they"):
        return "", False
    following = sentence[m.end() :].split(maxsplit=1)
    if following and following[0].lower().strip(",.;:") in _GROUP_NOUNS:
        return "", False  # "White House officials said ...": the name qualifies a group, not a person
    titled = _TITLED_AFTER.match(sentence, m.end())
    if titled and _is_role(titled["role"]):
        return _clean_name(titled["who"]), False  # "Red Bull team principal Christian Horner": the person
    return _strip_titles(_clean_name(m["who"])), bool(m["hon"])


# the title and name after an organisation that opens a sentence: "[Red Bull] team principal Christian Horner"
_TITLED_AFTER = re.compile(rf"\s+(?:[a-z][\w-]*\s+){{0,2}}(?P<role>[a-z][\w-]*)\s+(?P<who>{_NAME_WORD}\s+{_NAME})")


def speakers(sentence: str) -> tuple[str, ...]:
    """Names that are the subject of a speech verb outside quotations ("Trump told Netanyahu that ...")."""
    text = _blank_quotes(sentence)
    names = (_clean_name(_after_time_words(m["who"])) for m in _SPEAKS.finditer(text))
    return tuple(_strip_titles(n) for n in names if n and n.lower() not in ("he", "she", "they"))


def _after_time_words(name: str) -> str:
    """A name run that starts a sentence with a time or a preposition, without them: "On Friday Trump" -> "Trump"."""
    words = name.split()
    while len(words) > 1 and (words[0].lower() in STOPWORDS or words[0].lower().rstrip(",") in DATE_WORDS):
        words.pop(0)
    return " ".join(words)


def reports_speech(sentence: str) -> bool:
    """Whether a sentence reports what someone said, outside quotations ("he told the Financial Times that ...")."""
    return bool(_SAID_VERB.search(_blank_quotes(sentence)))


def _title_words(title: str) -> str:
    return " ".join(w for w in title.strip().split() if w.lower() not in ("the", "a", "an", "and", "of", "for"))


def read(sentence: str, previous_speaker: str = "") -> Facts:
    lowered = sentence.lower()
    return Facts(
        quantities=quantities(sentence),
        durations=durations(sentence),
        duration_context=_duration_context(sentence),
        years=frozenset(_YEAR.findall(sentence)) | frozenset(f"-{y}" for y in _YEAR_BC.findall(sentence)),
        weekdays=frozenset(_WEEKDAY.findall(lowered)),
        weekday_context=weekday_context(lowered),
        months=frozenset(m for m in _MONTH.findall(lowered) if not (m == "may" and _may_verb(lowered)))
        | {_SEASONS.get(m["a"] or m["b"], m["a"] or m["b"]) for m in _SEASON.finditer(lowered)},
        ordinals=ordinals(sentence),
        quotes=quotes(sentence, previous_speaker),
        titles=titles(sentence),
        ages=ages(sentence),
        days=month_days(sentence),
        scores=scores(sentence),
        speakers=speakers(sentence),
    )


def weekday_context(lowered: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each weekday of a lower-cased sentence with the content words of the few words either side of it."""
    out = []
    for m in _WEEKDAY.finditer(lowered):
        # a few words each side, cut from a stretch of characters: a long sentence is not split once per weekday
        before = lowered[max(0, m.start() - WEEKDAY_CHARS) : m.start()].split()[-WEEKDAY_WINDOW:]
        after = lowered[m.end() : m.end() + WEEKDAY_CHARS].split()[:WEEKDAY_WINDOW]
        near = content_words(" ".join(before + after)) - DATE_WORDS
        out.append((m.group(), frozenset(near)))
    return tuple(out)


WEEKDAY_WINDOW = 4  # words either side of a weekday that say what happened that day
WEEKDAY_CHARS = 200  # characters either side in which those words are looked for


def month_days(sentence: str) -> frozenset[str]:
    """Calendar days a sentence names, normalised: "October 7", "Oct. 7" and "7 October" -> "oct-07"."""
    if not _DIGIT.search(sentence):
        return frozenset()
    out = set()
    for m in _MONTH_DAY.finditer(sentence):
        month = (m["m1"] or m["m2"]).lower()[:3]
        day = int(m["d1"] or m["d2"])
        if month == "may" and _may_verb(sentence.lower()):
            continue
        if 1 <= day <= 31:
            out.add(f"{month}-{day:02d}")
    return frozenset(out)


_AGE_AFTER = re.compile(rf"(?P<name>{_NAME}),\s+(?P<age>\d{{1,3}}),")
_AGE_BEFORE = re.compile(rf"\b(?P<age>\d{{1,3}})-year-old\b(?:\s+(?P<name>{_NAME}))?")
# a full name of two words or more, a particle joined by a hyphen included ("Laith al-Balaous")
_FULL = rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|(?:al|el|ad|ibn|bin|abu|de|van|von|da|di|del|la|le)(?:-{_NAME_WORD})?))+"
# the person an age describes, named after what they are or before it in apposition: "the 29-year-old Druze
# leader Laith al-Balaous", "Laith al-Balaous, a 29-year-old Druze leader"
_AGE_DESCRIBED = re.compile(rf"\s+(?P<what>(?:[\w-]+\s+){{1,3}}?)(?P<name>{_FULL})")
_AGE_APPOSED = re.compile(rf"(?P<name>{_FULL}),\s+(?:a|an|the)\s+$")


# people described by their age and what they are: "a 66-year-old man", "a man aged 60"
_PERSON_NOUNS = (
    "man|woman|boy|girl|teenager|child|mother|father|son|daughter|driver|suspect|victim|patient|resident|student|"
    "worker|soldier|pilot|passenger|nurse|doctor|person"
)
_AGED_PERSON = re.compile(
    rf"\b(?P<age>\d{{1,3}})-year-old\s+(?:[A-Z][\w-]*\s+)?(?P<noun>{_PERSON_NOUNS})\b"
    rf"|\b(?P<noun2>{_PERSON_NOUNS})\s+aged\s+(?P<age2>\d{{1,3}})\b"
)


def aged_people(sentence: str) -> tuple[tuple[str, int], ...]:
    """Unnamed people by what they are, with their age: "a 42-year-old woman and a man aged 60" -> (woman, 42),
    (man, 60)."""
    if not _DIGIT.search(sentence):
        return ()
    return tuple((m["noun"] or m["noun2"], int(m["age"] or m["age2"])) for m in _AGED_PERSON.finditer(sentence))


def ages(sentence: str) -> tuple[tuple[str, int], ...]:
    """People's ages as stated: "Assange, 47," -> ("Assange", 47); "the 48-year-old Australian" -> ("", 48).

    A descriptor without a full name ("Australian", "father") leaves the name empty, for the
    article to resolve to the person it is about.
    """
    if not _DIGIT.search(sentence):
        return ()
    out = []
    for m in _AGE_AFTER.finditer(sentence):
        name = _clean_name(m["name"])
        if name and name.lower() not in ("he", "she", "they") and 0 < int(m["age"]) < 120:
            out.append((family_name(_strip_titles(name)), int(m["age"])))
    for m in _AGE_BEFORE.finditer(sentence):
        if _RELATIVE_BEFORE.search(sentence, max(0, m.start() - 8), m.start()):
            continue  # "her 18-year-old grandson": someone else's relative, whom the sentence does not name
        name = _clean_name(m["name"] or "")
        full = name if len(name.split()) >= 2 else _described(sentence, m.start(), m.end("age") + len("-year-old"))
        if 0 < int(m["age"]) < 120:
            out.append((_age_key(_strip_titles(full)) if full else "", int(m["age"])))
    return tuple(out)


_RELATIVE_BEFORE = re.compile(r"\b(?:[Hh]er|[Hh]is|[Tt]heir|[Ii]ts)\s+$")


def _described(sentence: str, start: int, end: int) -> str:
    """The full name an age without one describes, after what the person is or before it in apposition ("")."""
    after = _AGE_DESCRIBED.match(sentence, end)
    if after and not any(w.lower() in STOPWORDS for w in after["what"].split()):
        return after["name"]
    before = _AGE_APPOSED.search(sentence[max(0, start - 80) : start])
    return before["name"] if before else ""


def _age_key(name: str) -> str:
    """The family name an age is filed under, a joined particle dropped ("al-Balaous" -> "Balaous"), as "Balaous, 29,"
    files it."""
    surname = family_name(name)
    head, _, rest = surname.partition("-")
    return rest if rest and head.islower() else surname


def _duration_context(sentence: str) -> frozenset[str]:
    if not _ANY_TIME_UNIT.search(sentence):
        return frozenset()
    words: set[str] = set()
    for m in (*_DURATION.finditer(sentence), *_LONG.finditer(sentence)):
        words |= set(_last_words(sentence[max(0, m.start() - 50) : m.start()], 2))
        words |= set(_first_words(sentence[m.end() : m.end() + 50], 2))
    return frozenset(words)


def _may_verb(lowered: str) -> bool:
    """'may' the verb ("talks may resume") rather than the month."""
    return not re.search(r"\b(?:in|since|until|by|of|early|late|mid|last|next|this)\s+may\b|\bmay\s+\d", lowered)
