"""Word lists the text stages share: stopwords, abbreviations, date words, number words.

Language data, kept apart from the logic that uses it (English for now).
"""

from __future__ import annotations

# Han and kana: Chinese and Japanese are written without spaces between words, so their text is not split into
# words by spaces; the search index and the story grouping take its characters (or pairs of them) instead.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    """
    a an the and or but if of to in on at by for with from as is are was were be been being has have
    had do does did not no it its this that these those he she they them his her their we our you
    your i me my said says say told would could should will can may might must than then there here
    who whom which what when where why how all any some more most over about after before into also
    just only one out up down new day days week year years time per cent percent while during since
    until under between
    """
)

ABBREVIATIONS = _words(
    """
    mr mrs ms dr prof gen col lt sgt capt cmdr adm gov sen rep rev st jr sr inc ltd co corp no vs
    jan feb mar apr jun jul aug sep sept oct nov dec mt ft dept est approx fig pres
    """
)

DATE_WORDS = _words(
    """
    mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday sun
    sunday jan january feb february mar march apr april may june jun july jul aug august sep sept
    september oct october nov november dec december updated published
    """
)

# words that make a title ("Defence Minister", "chief economist", "special envoy")
ROLE_WORDS = _words(
    """
    minister president speaker envoy representative secretary director chief spokesman spokeswoman
    spokesperson governor senator mayor ambassador coach manager economist ceo chairman chairwoman
    chair commissioner superintendent general commander adviser advisor aide editor editor-in-chief
    founder prosecutor judge attorney lawyer officer official leader premier chancellor king queen
    prince executive vice deputy head analyst professor pro tem treasurer administrator
    correspondent captain sergeant lieutenant colonel admiral marshal inspector counsel
    quarterback linebacker lineman receiver cornerback guard center centre forward defender midfielder striker
    goalkeeper goalie pitcher catcher shortstop winger defenseman ceo coo cfo cto cio epidemiologist strategist
    trader scientist researcher
    engineer lecturer teacher nurse surgeon physician psychiatrist psychologist historian journalist reporter
    photographer producer architect accountant detective constable sheriff pilot bishop priest imam rabbi pastor
    dean principal sociologist anthropologist biologist physicist chemist geologist statistician demographer
    mp mep mla executive-director commandant chief-of-staff councillor councilor magistrate ombudsman comptroller
    auditor provost rector investigator fellow expert commentator presenter anchor
    """
)

ROLE_MODIFIERS = _words("special senior deputy vice chief acting former interim general assistant associate")
