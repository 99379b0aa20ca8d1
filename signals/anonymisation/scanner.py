"""The scanner: finds personal data in a Dutch signal text, as people really type it.

The text is normalised first (:mod:`.normalise`: every dash a hyphen, every space a space,
invisible characters gone, look-alike letters plain), and the findings are mapped back onto
the original. Structured identifiers are found by pattern in every grouping people use and
confirmed by their checksum where they have one (BSN: the 11-proef; IBAN: mod 97, both
through python-stdnum); numbers a spreadsheet made of them (a mobile number or a BSN without
its leading 0) are found where nothing else explains them. Names and addresses are found from
their context (a form of address or a function, initials, tussenvoegsels, a street suffix
before a house number), in any case, from the Dutch name and street lists in :mod:`.lexicon`
and from how common a word is in Dutch (a lower-case word after "mevrouw" is a name unless it
is an ordinary word). Place names, organisation names, role titles, article numbers, counts,
functional mailboxes and the dates of events are left alone.

The scanner never logs, stores or raises with the text it scans.
"""

from __future__ import annotations

import datetime
import re
from bisect import bisect_right
from dataclasses import dataclass

from stdnum import iban as iban_number
from stdnum.nl import bsn as bsn_number

from .lexicon import (
    ABBREVIATIONS,
    INSTITUTIONS,
    INTERFIXES,
    LIST_LABELS,
    LOCATIVES,
    LOOSE_PARTICLES,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NOT_STREETS,
    NOUN_SUFFIXES,
    PARTICLE_SURNAMES,
    PLACE_NOUNS,
    ROLE_TITLES,
    STREET_SUFFIXES,
    STREET_TITLES,
    TITLE_PAIRS,
    TITLES,
    Lexicon,
    _words,
)
from .normalise import name_forms, normalise, particle_forms, street_forms

# The kinds of personal data, in the order in which they win when two findings overlap.
NAAM = "naam"
ADRES = "adres"
POSTCODE = "postcode"
BSN = "bsn"
IBAN = "iban"
TELEFOON = "telefoon"
EMAIL = "email"
GEBOORTEDATUM = "geboortedatum"
KENTEKEN = "kenteken"
PRIORITY = (EMAIL, IBAN, TELEFOON, BSN, KENTEKEN, POSTCODE, GEBOORTEDATUM, ADRES, NAAM)
_RANK = {kind: rank for rank, kind in enumerate(PRIORITY)}


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data: its kind and where it is (``text[start:end]``)."""

    type: str
    start: int
    end: int

    def as_dict(self) -> dict:
        return {"type": self.type, "start": self.start, "end": self.end}


# --- Structured identifiers ----------------------------------------------------------------------
# The scanner reads the normalised text (see .normalise): every dash is "-", every space " ".


def _bracketed(words: str) -> str:
    return r"\s*[(\[{<]\s*(?:" + words + r")\s*[)\]}>]\s*"


# E-mail, also as people hide it from robots: "jan.jansen(at)gmail.com", "jan [at] gmail [dot]
# com", "jan punt jansen apenstaartje gmail punt nl", "jan.jansen @ gmail.com".
_AT = (
    r"(?:\s*@\s*|"
    + _bracketed("at|@|apenstaartje|apestaartje|a")
    + r"|\s+(?:at|apenstaartje|apestaartje)\s+)"
)
# In the domain a dot may have a space around it: "lan.nguyen @ gmail . com".
_DOT = r"(?:\.|" + _bracketed(r"dot|punt|\.") + r"|\s+(?:dot|punt)\s+)"
_SPACED_DOT = r"(?:\s?\.\s?|" + _bracketed(r"dot|punt|\.") + r"|\s+(?:dot|punt)\s+)"
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w+-]+(?:"
    + _DOT
    + r"[\w+-]+)*"
    + _AT
    + r"[\w-]+(?:"
    + _SPACED_DOT
    + r"[\w-]+)*"
    + _SPACED_DOT
    + r"[a-z]{2,}(?![\w-])",
    re.IGNORECASE,
)
# Without the top-level domain, only at the big mail providers: "j.jansen@gmail".
_PROVIDERS = (
    r"(?:gmail|hotmail|outlook|live|icloud|yahoo|"
    r"ziggo|kpnmail|kpnplanet|planet|home|hetnet|xs4all|casema|upcmail|chello|telfort|"
    r"zeelandnet|online|quicknet|msn|me|protonmail|proton)"
)
_EMAIL_PROVIDER = re.compile(
    r"(?<![\w.+-])[\w+-]+(?:\.[\w+-]+)*\s*@\s*" + _PROVIDERS + r"(?![\w.-])",
    re.IGNORECASE,
)
# The rest of an address from the "@" on, at a mail provider of people: "@ gmail.com".
_AT_PROVIDER = re.compile(r"\W*(?:at|apenstaartje)?\W*" + _PROVIDERS + r"\b", re.IGNORECASE)

_LOCAL_PART_END = re.compile(r"\s*(?:@|[(\[{<]|\s(?:at|apenstaartje)\s)", re.IGNORECASE)
# Mailboxes of an organisation, not of a person ("info@gemeente.nl", "wmo@hengelo.nl").
_FUNCTIONAL_MAILBOXES = frozenset(
    _words(
        """
    info informatie contact post postbus gemeente secretariaat receptie balie klantcontact
    klantenservice service servicedesk helpdesk support noreply no-reply donotreply
    klachten klacht klachtencommissie klachtbehandeling bezwaar bezwaren bezwaarschriften
    ombudsman rekenkamer griffie privacy fg avg dpo security datalek wmo jeugd werk inkomen
    belastingen vergunningen handhaving burgerzaken publiekszaken afval meldingen melding
    communicatie pers webredactie redactie financien financiën facturen administratie
    personeelszaken hr vacatures subsidies subsidie leerplicht schuldhulp integriteit
    """
    )
)
# "Postbus 20, 7500 AA", "antwoordnummer 1234 7500 VB": the postcode of a post box, which only
# organisations have.
_POSTBUS_BEFORE = re.compile(r"\b(?:postbus|antwoordnummer)\s*\d{1,6}\s*[,;]?\s*$", re.IGNORECASE)
_IBAN_START = re.compile(r"(?<![\w])([A-Za-z]{2}) ?(\d{2})(?=[ .-]?[A-Za-z0-9])")
# The length of an IBAN per country (the ISO 13616 registry).
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20,
    "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18,
    "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "MA": 28, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

# A run of digits as people group them: spaces, hyphens (" - " too), dots, slashes, an area
# code in brackets, "+31 (0)6", "0031". Which part of a run is a telephone number or a BSN is
# decided on its digit groups (see _NumberRun).
_NUMBER_RUN = re.compile(
    r"(?<![\w+.,/-])(?:\+|\((?=0))?\d"
    r"(?:\d|(?:\s?[-./]\s?|\s|\)\s?-?\s?|\s?\(0\)\s?)(?=\d))*"
)
_GROUP = re.compile(r"\d+")
# A number glued to the word that says what it is: "bsn681036862", "tel:0612345678".
_GLUED_NUMBER = re.compile(
    r"(?<![\w])(?:bsn|sofi|tel|telnr|mob|mobiel|gsm|nr)[:.#]?(?=\d)(\d[\d .-]{6,14}\d)(?!\d)",
    re.IGNORECASE,
)
# A spreadsheet shows a long number as "6,12346E+08": a mobile number that lost its 0.
_SCIENTIFIC_MOBILE = re.compile(r"(?<![\w.,])6[.,]\d{1,8}\s?[eE]\+?0?8(?![\w.,])")
_MONEY_BEFORE = re.compile(r"(?:€|eur|euro|eu|ƒ|\$|£)\s*$", re.IGNORECASE)
_DATE_LIKE = re.compile(r"^\(?\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})$")
# Words right before a number that say what it is.
_PHONE_WORDS = re.compile(
    r"(?:\btel(?:efoon)?(?:nummer|nr)?\.?|\bmob(?:iel)?(?:e nummer)?\.?|\bgsm\b|\b06\b|"
    r"\bbel(?:de|t|len)?\b|\bgebeld\b|\bbereikbaar(?: op)?\b|\bwhatsapp\b|"
    r"\bsms\b|\bfax\b)[\s:.()-]*(?:(?:op|via|naar|is|:)\s*)?$",
    re.IGNORECASE,
)
_BSN_WORDS = re.compile(
    r"(?:\bbsn|\bburgerservicenummer|\bsofi(?:-?nummer)?|\bbsn-?nummer)"
    r"[\s:.()-]*(?:(?:nr|nummer|is)\.?\s*)?$",
    re.IGNORECASE,
)
_BSN_MENTIONED = re.compile(r"\b(?:bsn|burgerservicenummer|sofinummer)", re.IGNORECASE)
# A geographic number without its 0: the area code (10, 53, 111, 546…), then the rest.
_AREA_CODE_WITHOUT_ZERO = re.compile(
    r"^(?:10|13|15|20|23|24|26|30|33|35|36|38|40|43|45|46|50|53|55|58|7[0-9]|1[1-8]\d|"
    r"2[2-9]\d|3[1-4]\d|4[1-9]\d|5[1-9]\d)[ -]\d{6,7}$"
)
# Dutch mobile numbers begin 061 to 065; the others begin with an area code.
_MOBILE_WITHOUT_ZERO = re.compile(r"^6[1-5]\d{7}$")

# Postcodes. In capitals "7511 AB" and "7511AB" are postcodes (SA, SD and SS are not issued).
# In lower case "2024 en" is a year and a word: the two letters must not be a Dutch word or a
# unit, and "7511-ab" and "7511ab" are taken as written.
_POSTCODE = re.compile(r"(?<![\w-])([1-9]\d{3})( {0,2}- ?| {0,2})([A-Za-z]{2})(?![\w-]|-\w)")
_POSTCODE_WORDS = frozenset(
    _words(
        """
    en in op de te om er ik je we ze na al of is nu zo ja ca uw ex bv nv pp mm cm dm km kg mg
    gr ml cl dl ha mb gb kb tb ms hz kw mw pk pc tv cd uu eu nl vs id ok hr wk st ct lp pm am
    ad bc et ie ov oz ww ao wa hé he an aa as at be bi bo by do el em es ex go ha hi ho if it
    la le li lo ma me mi mo my no oh ol on or pa so to un up us wo ui eb ee ei oe ol ou au
    nr bl bk lb vb zg ri
    """
    )
)
_POSTCODE_WORD_BEFORE = re.compile(r"\b(?:postcode|pc|adres|woont|wonend)\b[\s:]*$", re.I)
_POSTCODE_NOT_ISSUED = frozenset({"SA", "SD", "SS"})

_PLATE_SHAPES = (
    r"[A-Z]{2}-\d{2}-\d{2}",
    r"\d{2}-\d{2}-[A-Z]{2}",
    r"\d{2}-[A-Z]{2}-\d{2}",
    r"[A-Z]{2}-\d{2}-[A-Z]{2}",
    r"[A-Z]{2}-[A-Z]{2}-\d{2}",
    r"\d{2}-[A-Z]{2}-[A-Z]{2}",
    r"\d{2}-[A-Z]{3}-\d",
    r"\d-[A-Z]{3}-\d{2}",
    r"[A-Z]{2}-\d{3}-[A-Z]",
    r"[A-Z]-\d{3}-[A-Z]{2}",
    r"[A-Z]{3}-\d{2}-[A-Z]",
    r"[A-Z]-\d{2}-[A-Z]{3}",
    r"\d-[A-Z]{2}-\d{3}",
    r"\d{3}-[A-Z]{2}-\d",
)
# Dashed plates in any case ("ab-123-c"); not a date like "1-jan-24".
_PLATE = re.compile(r"(?<![\w-])(?:" + "|".join(_PLATE_SHAPES) + r")(?![\w-])", re.IGNORECASE)
_PLATE_UNDASHED_SHAPES = re.compile(
    # The separating dashes follow a quantifier or a class; the one inside [A-Z] does not.
    "^(?:" + "|".join(re.sub(r"(?<=[}\]d])-", "", shape) for shape in _PLATE_SHAPES) + ")$",
    re.IGNORECASE,
)
_PLATE_AFTER_KEYWORD = re.compile(
    r"\b(?:kenteken(?:nummer|plaat)?s?|nummerbord|voertuig|auto|bestelbus|bestelauto|motor|"
    r"scooter|brommer|aanhanger|camper|taxi|busje)\s*[:(]?\s*"
    r"([A-Z0-9]{1,3}(?:[ -]?[A-Z0-9]{1,3}){1,2})(?![\w-])",
    re.IGNORECASE,
)
# Without dashes and without a keyword: only the letters Dutch plates have used since 1978
# (no vowels, no C or Q), so that ordinary codes and abbreviations pass.
_PLATE_UNDASHED = re.compile(
    r"(?<![\w-])(?=[A-Z0-9]{6}(?![\w-]))(?=\S*\d)(?=\S*[A-Z])[BDFGHJKLMNPRSTVXZ0-9]{6}",
    re.IGNORECASE,
)
# With spaces instead of dashes: only in capitals and with the letters of plates ("31 XLP 7").
_PLATE_SPACED = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(
        shape.replace("[A-Z]", "[BDFGHJKLMNPRSTVXZ]").replace("-", " ") for shape in _PLATE_SHAPES
    )
    + r")(?![\w-])"
)
_MONTH_LETTERS = frozenset(_words("jan feb mrt maa apr mei jun jul aug sep okt oct nov dec"))

_MONTH_NAMES = "|".join(MONTHS + [m + r"\.?" for m in MONTH_ABBREVIATIONS])
_YEAR = r"(?:\d{4}|'\d{2})(?!\d)"
_DATE = (
    r"(?:\d{1,2}\s?[-/.]\s?\d{1,2}\s?[-/.]\s?(?:\d{4}|'?\d{2})(?!\d)"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)"
    rf"|\d{{1,2}}(?:\s+|\s?-\s?)(?:{_MONTH_NAMES})(?:\s+|\s?-\s?){_YEAR})"
)
# After a word that says so, a day and a month are a date of birth too ("geboren op 3 mei").
_DATE_OF_BIRTH = rf"(?:{_DATE}|\d{{1,2}}(?:\s+|-)(?:{_MONTH_NAMES})(?![\w-]))"
_BIRTH_DATE = re.compile(
    r"(?:\bgeboren\b|\bgeboorte(?:datum|dag)?\b|\bgeboorte-?datum\b"
    r"|\bgeb\.?\s?dat(?:um|\.)?|\bgebdat\b|\bgeb\.|\bgeb\b|\bgb\b\.?(?=\s?\d)"
    r"|\bd\.?o\.?b\b\.?|\bdate of birth\b)"
    r"(?!(?:[^.!?\n\d]|(?<=\b[a-z])\.){0,40}?\b(?:vóór|voor|na|vanaf|sinds|tussen|tot|uiterlijk|in)"
    r"\s+\d)"
    # What may stand between: words, brackets, "d.d." (a dot after a single letter).
    r"(?:[^.!?\n\d]|(?<=\b[a-z])\.){0,40}?"
    rf"({_DATE_OF_BIRTH}|(?:19|20)\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d))",
    re.IGNORECASE,
)
# "dat hij op 3/4/1961 is geboren": the date before the word.
_DATE_BEFORE_BORN = re.compile(
    rf"({_DATE})\s+(?:(?:is\s+|werd\s+|ben\s+)?geboren|als\s+geboortedatum)\b", re.I
)
# What is "born" that is not a person.
_NOT_BORN = re.compile(r"\b(?:idee|plan|initiatief|concept|gedachte|project)\b", re.I)
# "(* 12-03-1980)", "* 12 maart 1980": the star of a date of birth.
_STARRED_DATE = re.compile(rf"(?<![\w*])[*°]\s?({_DATE})", re.IGNORECASE)
_DATE_IN_BRACKETS = re.compile(rf"\s*,?\s*\(\s*(?:geb\.?\s*|\*\s*)?({_DATE})\s*\)", re.IGNORECASE)
# In a record a date right after a name is a date of birth: "Kowalska, J. - 1-mrt-1955".
_DATE_IN_RECORD = re.compile(rf"\s?(?:[-,;|]|\s-\s)\s?({_DATE})(?=\s?(?:[-,;|]|$))", re.I)

# People named by what they are, not by a role before a name.
_PERSON_WORDS = frozenset(
    _words(
        """
    inwoner inwoonster inwoners burger persoon man vrouw jongen meisje kind jongere
    minderjarige leerling student patiënt patient deelnemer werknemer ouder statushouder
    """
    )
)
_BUSINESS_ENDINGS = (
    "techniek", "bouw", "service", "services", "advies", "adviseurs", "transport",
    "installaties", "installatie", "schoonmaak", "makelaardij", "makelaars", "advocaten",
    "notarissen", "accountants", "holding", "beheer", "vastgoed", "incasso", "bewind",
    "bewindvoering", "administratie", "administraties", "verhuur", "groep",
)  # fmt: skip
# Who introduces themselves: "mijn naam is", "ik ben (het,)", "ik heet", "u spreekt met".
_INTRODUCTION = re.compile(
    r"\b(?:mijn naam is|ik ben(?: het,?)?|ik heet|u spreekt met|je spreekt met|hier is)\s+",
    re.IGNORECASE,
)
_INTRODUCED_NAME = re.compile(
    r"(?P<initials>(?:[a-zA-Z]\.\s?){1,4})?(?P<first>[^\W\d_]+(?:-[^\W\d_]+)?)?"
    r"(?P<particles>(?:\s(?:van|de|der|den|ter|ten|te|el|al|ben|bin|'t|in 't|von|da|dos|le|la))*)"
    r"(?:\s(?P<surname>[^\W\d_]{2,}(?:-[^\W\d_]+)?))?",
    re.IGNORECASE,
)
_INITIALS_START = re.compile(r"(?:[A-Z]\.){1,5}(?:\s|$)")
_DIGRAPH_INITIALS = frozenset({"Ch", "Chr", "Th", "Ph", "IJ", "Ij"})
_TITLE_AFTER_AMPERSAND = re.compile(
    r"\s*&\s*(?:dhr|mw|mevr|mevrouw|meneer|de heer|mr|dr|ir|ing)\b", re.IGNORECASE
)
_MONTH_AFTER_JAN = re.compile(
    r"\.\s?(?:t/m|tot|-|–|en|\d{4}\b|'\d{2}\b|(?:feb|mrt|maart|apr|mei|jun|jul|aug|sep|okt|nov|dec))",
    re.IGNORECASE,
)
_ROLE_BEFORE_BRACKETS = re.compile(r"([^\W\d_]+)(?=\s*,?\s*\()")
# A date of an event is rarely much older than the signal: a date in brackets after a person
# that lies over twelve years back is a date of birth.
_BIRTH_YEARS_BEFORE_NOW = datetime.date.today().year - 12


def _year_of(date: str) -> int | None:
    """The year of a date as the scanner matches it ("1974-09-18", "18-9-'74", "3 mei 1961")."""
    four = re.search(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", date)
    if four:
        return int(four.group(1))
    two = re.search(r"'?(\d{2})$", date.strip())
    if two:
        value = int(two.group(1))
        return 2000 + value if 2000 + value <= datetime.date.today().year else 1900 + value
    return None


# --- Words ----------------------------------------------------------------------------------------
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_BREAK = re.compile(r"[.!?:;\n•]")
# Within a line: a name does not run on over a line break ("fam. Zwetsloot\nBoerhaavelaan").
_NAME_JOIN = re.compile(r"^(?:[^\S\n]+['’]?|-|[^\S\n]*-[^\S\n]*|['’])$")

_HOUSE_NUMBER = re.compile(
    r"(?<![\w.,:/-])(?:(?:nr|no|nummer)\.?\s*)?"
    r"(\d{1,5})"
    r"(?:\s?-\s?\d{1,4}(?:-?[A-Za-z])?|\s?-\s?[A-Za-z]{1,3}(?![A-Za-z])|[A-Za-z]{1,2}\b"
    r"|\s?-\s?(?:boven|beneden|hoog|huis|bis)\b"
    r"|\s(?:hs|huis|bg|bel|beg|bov|boven|zw|zwart|rd|rood|bis|bus\s\d{1,3}|I{1,3}|IV|[A-Za-z])"
    r"(?=[\s,.;)'\"]|$))?"
    r"(?:\s\d{1,2}(?:e|ste|de)\s(?:etage|verdieping)|\s?-?\s?\d\s?-?\s?hoog)?"
    r"(?![\w]|[.,:]\d|\s?%|\s?procent)"
    r"(?!-[^\W\d_]{3})"  # "Euro 5-motor", "3-kamerwoning": a number in a compound
)
_ORDINAL = re.compile(r"^\d{1,2}(?:e|ste|de)$", re.IGNORECASE)
_ADDRESS_WORD = re.compile(r"[^\W_][\w'’.-]*")


# Words that are never a name in lower case after a title: "mevrouw had", "de heer werd".
_STOP_WORDS = frozenset(
    _words(
        """
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus
    een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand
    iets ik in is ja je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog
    nu of om omdat onder ons ook op over reeds te tegen toch toen tot u uit uw van veel voor
    want waren was wat werd wezen wie wil worden wordt zal ze zelf zich zij zijn zo zonder
    zelfs ook nogmaals opnieuw eerder later daarna vervolgens echter wel graag gaf kreeg zei
    vroeg stelde belde schreef liet bleef kwam ging stond lag zat wilde wou zou zouden moest
    mocht mag kunt wist heeft werd is bleek leek vond gaat komt staat krijgt geeft zegt vraagt
    """
    )
)
# Endings of Dutch verb forms: a word in lower case after a title that ends so is no name.
_VERB_ENDINGS = (
    "de", "te", "den", "ten", "en", "eerd", "eert", "baar", "lijk", "ig", "isch", "loos", "zaam",
)  # fmt: skip

# Words that end so are an institution ("Kinderziekenhuis", "Poppodium"); -huis and -kerk end
# surnames as often (Nijhuis, Oosterhuis, Verkerk).
_INSTITUTION_ENDINGS = tuple(
    sorted(INSTITUTIONS - {"huis", "huizen", "hal", "kerk", "groep", "zorg", "prijs", "molen"})
)
# Tussenvoegsels that begin a name written without its given name: "Van Dongen", "El Khatib".
_CAPITAL_PARTICLES = frozenset(
    _words("van de der den ter ten el al ben bin abu da dos du le la von")
)
# Letters of names from other languages that Dutch words do not have (an ö or ü after a
# vowel is the Dutch trema: coöperatie, reünie).
_FOREIGN_LETTERS = re.compile(r"[çşğıİłńśźżćřšžčőűñóąęÇŞĞŁŃŚŹŻĆŘŠŽČŐŰÑÓĄĘ]|(?<![aeiouAEIOU])[öüÖÜ]")
# What stands between the names of a list or the fields of a record.
_BESIDE_BEFORE = re.compile(r"(?:\s*[,;|/]\s*|\s+en\s+|\s+-\s+|\s*\(\s*)$")
_BESIDE_AFTER = re.compile(r"(?:\s*[,;|/]\s*|\s+en\s+|\s+-\s+|\s*\)?\s*[,;|]\s*)")
_INITIALS_AFTER = re.compile(r",?\s?(?:(?:[A-Z]\.\s?){1,4}(?=[\s,;:)|]|$)|[A-Z](?=\s?[;|]))")
# A word before a name that makes it the name of an organisation or a thing.
_ORGANISATION_ENDINGS = (
    "stichting", "vereniging", "organisatie", "bedrijf", "firma", "aannemer", "aanbieder",
    "corporatie", "molen", "hotel", "restaurant", "supermarkt", "winkel", "zwembad",
    "sporthal", "theater", "museum", "school", "bibliotheek", "kerk", "fonds", "prijs",
    "wijken", "wijk", "buurt", "straat", "plein", "zaal", "centrum", "kliniek", "praktijk",
    "kantoor", "bureau", "firma", "opvang", "verblijf", "apotheek", "café", "cafe",
    "buurthuis", "wijkhuis", "dorpshuis", "clubhuis", "volkshuis", "ziekenhuis", "verpleeghuis",
)  # fmt: skip
_FOREIGN_PARTICLES = frozenset(_words("el al ben bin abu da dos du le la von"))
_PLACE_PEOPLE = frozenset(
    _words("inwoners inwoner bewoners bewoner wijk wijken buurt buurten dorp kern stadsdeel")
)


def _initials_after(text: str, position: int) -> re.Match | None:
    """Initials after a surname ("Bos, H.A.", "Boukhari F."), not the initials that begin the
    next name of a list ("de Haan, P. Smit")."""
    match = _INITIALS_AFTER.match(text, position)
    if match is None or not match.group().strip(" ,"):
        return None
    rest = text[match.end() : match.end() + 40].lstrip()
    following = _WORD.match(rest)
    if following and (following.group()[0].isupper() or following.group().lower() in INTERFIXES):
        return None
    return match


_CELL_END = re.compile(r"\s*(?:\||;|\t)")
_ROLE_IN_BRACKETS = re.compile(r"\s*\(\s*(\w+)")
# Endings that make a name a street's ("Vincent van Goghstraat"); "-hof", "-kamp" or "-es" end
# surnames as often (Hulshof, Veldkamp, Claes).
_STREET_ENDINGS = (
    "straat", "weg", "laan", "plein", "singel", "gracht", "kade", "steeg", "dreef", "allee",
    "boulevard", "plantsoen", "pad", "markt", "wal", "dijk", "kanaal", "haven", "park",
    "brug", "tunnel", "viaduct",
)  # fmt: skip

# Capitalised words that begin a street's name: "Hoge Larenweg", "Oude Markt", "Wethouder
# Beverstraat", "Prins Hendrikkade".
_STREET_PREFIXES = STREET_TITLES | frozenset(
    _words(
        """
    hoge lage oude nieuwe korte lange grote kleine noord zuid oost west noorder zuider ooster
    wester binnen buiten achter voor boven beneden eerste tweede derde
    """
    )
)
# A run of words in lower case that starts so is no street name: "op de hoek 3".
_STREET_NOT_FIRST = frozenset(_words("de het 't een op aan in bij van naar"))

# Sayings with a given name in them that are about nobody: "Jan en alleman", "Jan Modaal".
_IDIOMS = re.compile(
    r"\b(?:jan en alleman|jan modaal|jan(?:-| )met(?:-| )de(?:-| )pet|jan publiek|"
    r"jan rap en (?:zijn|z'n) maat|klaas vaak|jantje lacht|piet snot)\b",
    re.IGNORECASE,
)


def _is_street_name(lower: str) -> bool:
    """A word that names a street beyond doubt ("Brugstraat", "Stationsweg"), where a name might
    stand: "-hof", "-kamp" or "-es" end surnames as often (Hulshof, Veldkamp, Yohannes)."""
    return any(
        lower.endswith(ending) and len(lower) > len(ending) + 2 for ending in _STREET_ENDINGS
    )


def _is_street_word(lower: str) -> bool:
    """A word that ends like a street ("Brugstraat", "IJsseldijk"), not just the suffix."""
    return any(
        lower.endswith(suffix) and len(lower) > len(suffix) + 1 for suffix in STREET_SUFFIXES
    )


@dataclass(slots=True)
class _Token:
    text: str
    start: int
    end: int
    cap: bool
    initial: bool
    sentence_start: bool
    lower_initial: bool = False  # a letter and a dot in lower case: "j." (or "j.de")

    @property
    def lower(self) -> str:
        return self.text.lower()


class _NumberRun:
    """A run of digits with its separators: which parts of it are a telephone number or a BSN.

    A run may hold more than one number ("06-12345678 of 053-4812345") or a number beside
    another figure ("2024 06 12345678"), so every stretch of whole digit groups is tried, the
    longest first.
    """

    def __init__(self, text: str, start: int, end: int, *, whole: bool):
        self.text, self.start, self.end, self.whole = text, start, end, whole
        raw = text[start:end]
        self.plus = raw.startswith("+")
        groups = []
        for group in _GROUP.finditer(raw):
            # The "(0)" of "+31 (0)6" is no digit of the number.
            if (
                group.group() == "0"
                and raw[group.start() - 1 : group.start()] == "("
                and (raw[group.end() : group.end() + 1] == ")")
            ):
                continue
            groups.append((start + group.start(), start + group.end(), group.group()))
        self.groups = groups

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        count = len(self.groups)
        first = 0
        while first < count:
            for last in range(min(count, first + 6), first, -1):
                finding = self._classify(first, last)
                if finding is not None:
                    found.append(finding)
                    first = last
                    break
            else:
                first += 1
        return found

    def _classify(self, first: int, last: int) -> Finding | None:
        groups = self.groups[first:last]
        digits = "".join(group[2] for group in groups)
        if len(digits) < 8 or len(digits) > 17:
            return None
        start, end = groups[0][0], groups[-1][1]
        plus = self.plus and first == 0
        if plus:
            start -= 1
        elif (
            first == 0
            and self.text[self.start] == "("
            and self.text[groups[0][1]] == ")"
            and len(groups) > 1
            and len(groups[0][2]) <= 4
        ):
            start = self.start  # "(053) 481 23 45"
        span = self.text[start:end]
        if _DATE_LIKE.match(span):
            return None
        before = self.text[max(0, start - 40) : start]
        after = self.text[end : end + 2]
        if _MONEY_BEFORE.search(before) or re.match(r"[.,]\d|\s?%", after):
            return None
        if self._phone(digits, plus, len(groups), before, span):
            return Finding(TELEFOON, start, end)
        if self._bsn(digits, groups, before):
            return Finding(BSN, start, end)
        return None

    def _phone(self, digits: str, plus: bool, group_count: int, before: str, span: str) -> bool:
        if plus or digits.startswith("00"):
            international = digits[2:] if digits.startswith("00") else digits
            if international.startswith("31"):
                national = "0" + international[2:]
                return len(national) == 10 and national[1] != "0"
            return 9 <= len(international) <= 15 and international[0] != "0"
        if digits[0] == "0":
            return len(digits) == 10 and digits[1] != "0"
        if len(digits) == 11 and digits.startswith("316"):
            return True  # "31612345678": +31 6…, the plus lost in a spreadsheet
        if len(digits) != 9:
            return False
        if group_count == 2 and _AREA_CODE_WITHOUT_ZERO.match(span):
            return True  # "53 4312877": an area code and a number, without the 0
        # A number a spreadsheet kept without its leading 0 ("612345678"), or one written
        # so after a word that says it is a telephone number.
        keyword = bool(_PHONE_WORDS.search(before))
        if bsn_number.is_valid(digits) and not keyword:
            return False  # a BSN, unless the text says otherwise
        if _MOBILE_WITHOUT_ZERO.match(digits) and group_count <= 2:
            return True
        return (keyword or self.whole) and digits[0] in "1234579"

    def _in_cell(self, groups: list) -> bool:
        """The number fills a cell of a row: "| 21138321 |", ";21138321;"."""
        before = self.text[max(0, groups[0][0] - 4) : groups[0][0]].rstrip(" ")
        after = self.text[groups[-1][1] : groups[-1][1] + 4].lstrip(" ")
        return before[-1:] in ("|", ";", "\t") and after[:1] in ("|", ";", "\t", "")

    def _bsn(self, digits: str, groups: list, before: str) -> bool:
        if len(groups) > 4 or (len(groups) > 1 and min(len(g[2]) for g in groups) < 2):
            return False
        if len(digits) == 8:
            # A spreadsheet drops the leading 0 of a BSN: only where the text speaks of BSNs,
            # in a cell of a table row, or where the whole text is this number.
            if not (self.whole or _BSN_MENTIONED.search(self.text) or self._in_cell(groups)):
                return False
            digits = "0" + digits
        return len(digits) == 9 and bsn_number.is_valid(digits)


class Scanner:
    """Finds personal data in text. Build it once (it holds the word lists) and reuse it."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon

    # --- public ---------------------------------------------------------------------------
    def findings(self, text: str) -> tuple[Finding, ...]:
        """The personal data in ``text``, as spans of ``text`` itself."""
        if not text or not text.strip():
            return ()
        normalised = street_forms(particle_forms(name_forms(normalise(text))))
        found = self._findings(normalised.text)
        if normalised.text is text:
            return found
        mapped = []
        for finding in found:
            start, end = normalised.span(finding.start, finding.end)
            mapped.append(Finding(finding.type, start, end))
        return tuple(mapped)

    def _findings(self, text: str) -> tuple[Finding, ...]:
        candidates: list[Finding] = []
        candidates += self._emails(text)
        candidates += self._ibans(text)
        candidates += self._numbers(text)
        candidates += self._plates(text)
        candidates += self._postcodes(text)
        candidates += self._birth_dates(text)
        candidates += _table_cells(text)
        addresses = self._addresses(text)
        candidates += addresses
        names = self._names(text, addresses)
        names += self._names_beside(text, _resolve(candidates + names), names)
        names = self._not_places_after_postcodes(text, candidates, names)
        names += self._introduced_names(text, names)
        names = self._surname_comma_given_name(text, names)
        candidates += names
        candidates += self._dates_after_names(text, names)
        return _resolve(candidates)

    def _introduced_names(self, text: str, names: list) -> list:
        """ "mijn naam is m. el khatib", "ik ben marij ploumen en ...", "ik ben het, Ilse van
        Dijken": who introduces themselves gives their name, in any case. The name is the
        initials or a given name, the tussenvoegsels, and one word after them."""
        found = []
        for intro in _INTRODUCTION.finditer(text):
            position = intro.end()
            if any(name.start <= position < name.end for name in names):
                continue
            match = _INTRODUCED_NAME.match(text, position)
            if match is None:
                continue
            first = match.group("first") or ""
            if match.group("initials") and first.lower() in INTERFIXES and match.group("surname"):
                found.append(Finding(NAAM, match.start(), match.end()))  # "m. el khatib"
                continue
            if first.lower() in INTERFIXES or first.lower() in _STOP_WORDS:
                continue  # "ik ben de moeder van", "ik ben het niet eens"
            if not (
                match.group("initials")
                or (self.lexicon.is_first_name(first) and self.lexicon.zipf(first) < 5)
                or (
                    first[:1].isupper()
                    and not self.lexicon.is_ordinary(first)
                    and self.lexicon.zipf(first) == 0
                )
            ):
                continue
            surname = match.group("surname")
            if surname and self.lexicon.is_common(surname) and not match.group("particles"):
                end = match.end("first") if first else match.end("initials")
            else:
                end = match.end()
            found.append(Finding(NAAM, match.start(), end))
        return found

    def _surname_comma_given_name(self, text: str, names: list) -> list:
        """ "Kowalska, Agnieszka", "Nowak, Piotr": a register's surname and given name are one
        name, the comma included."""
        ordered = sorted(names, key=lambda name: name.start)
        merged: list[Finding] = []
        for name in ordered:
            previous = merged[-1] if merged else None
            word = text[name.start : name.end]
            if (
                previous is not None
                and text[previous.end : name.start] == ", "
                and (
                    (" " not in word and self.lexicon.is_first_name(word))
                    or _INITIALS_START.match(word)  # "Bakker, P.J. (Pieter)"
                )
            ):
                merged[-1] = Finding(NAAM, previous.start, name.end)
                continue
            merged.append(name)
        return merged

    @staticmethod
    def _not_places_after_postcodes(text: str, found: list[Finding], names: list) -> list:
        """ "2517 AD Den Haag", "1051 BC Amsterdam": the words right after a postcode are its
        place, whatever else they might be."""
        postcode_ends = {finding.end for finding in found if finding.type == POSTCODE}
        if not postcode_ends:
            return names
        kept = []
        for name in names:
            gap = len(text[: name.start]) - len(text[: name.start].rstrip(" "))
            after_postcode = name.start - gap in postcode_ends and 0 < gap <= 2
            if after_postcode and len(text[name.start : name.end].split()) <= 3:
                continue
            kept.append(name)
        return kept

    def _names_beside(self, text: str, found: tuple[Finding, ...], names: list) -> list:
        """In a list or a record a name stands beside other personal data: "Benali, Azzouzi,
        van Leeuwen", "Ramkisoen en Pieterse", "Chaouch, Kuipersdijk 31-1, 0650123987". A
        word that looks like a surname there is one, even where it is a place as well."""
        tokens = self._tokens(text)
        added: list[Finding] = []
        spans = sorted(found, key=lambda finding: finding.start)
        for _ in range(3):  # a chain of names, one beside the other
            new = []
            starts = {finding.start for finding in spans}
            ends = {finding.end for finding in spans}
            taken = [False] * (len(text) + 1)
            for finding in spans:
                for position in range(finding.start, finding.end):
                    taken[position] = True
            for index, token in enumerate(tokens):
                if not token.cap or token.initial:
                    continue
                if any(taken[token.start : token.end]):
                    continue
                first = index
                while (
                    first > 0
                    and tokens[first - 1].lower in INTERFIXES
                    and not (tokens[first - 1].cap and first - 1 != index - 1)
                ):
                    if not self._joined(text, tokens[first - 1], tokens[first]):
                        break
                    first -= 1
                if not self._beside_name_word(token, particles=first < index):
                    continue
                last = index
                if (
                    last + 1 < len(tokens)
                    and text[tokens[last].end : tokens[last + 1].start] == "-"
                    and tokens[last + 1].cap
                ):
                    last += 1  # "Kaya-Aydin"
                initials = _initials_after(text, tokens[last].end)
                start, end = self._span(tokens, first, last, text)
                if initials:
                    end = initials.end()
                    while end > start and text[end - 1] in " ,":
                        end -= 1
                before, after = text[max(0, start - 8) : start], text[end : end + 8]
                left = _BESIDE_BEFORE.search(before)
                right = _BESIDE_AFTER.match(after)
                touches = (left and (start - len(before) + left.start()) in ends) or (
                    right and end + right.end() in starts
                )
                if touches:
                    new.append(Finding(NAAM, start, end))
            if not new:
                break
            added += new
            spans = sorted([*spans, *new], key=lambda finding: finding.start)
        return added

    def _beside_name_word(self, token: _Token, *, particles: bool) -> bool:
        lexicon = self.lexicon
        lower = token.lower
        if lower in lexicon.trade_words or lower in INTERFIXES or lower in MONTHS:
            return False
        if lexicon.is_surname(lower) and (particles or not lexicon.is_place(lower)):
            return not lexicon.is_common(lower) or particles
        if _FOREIGN_LETTERS.search(token.text):
            return lexicon.zipf(lower) == 0 and not lexicon.is_place(lower)
        return self._unknown_name_like(token.text) and lexicon.zipf(lower) < 3

    def _shouted_name(self, word: str) -> bool:
        """A name in capitals ("ANNA DE JONG-SMIT", "S.BOUZID"), not an abbreviation (AVG,
        WMO, DPIA) or a shouted word (LET OP, BELANGRIJK)."""
        if len(word) < 3 or not word.isupper():
            return False
        lexicon = self.lexicon
        lower = word.lower()
        if lower in lexicon.trade_words or lower in _STOP_WORDS or lower in INTERFIXES:
            return False
        if lexicon.is_first_name(lower) or lexicon.is_surname(lower):
            # Surnames that are places as well ("VAN ESSEN", "TER HORST") count: the name logic
            # still reads a capitalised place as a place where nothing says it is a name.
            return lexicon.zipf(lower) < 5.5
        if _FOREIGN_LETTERS.search(word):
            return lexicon.zipf(lower) == 0
        return len(word) >= 5 and lexicon.zipf(lower) == 0 and not lexicon.is_ordinary(lower)

    # --- structured identifiers -----------------------------------------------------------
    def _emails(self, text: str) -> list[Finding]:
        found = []
        for pattern in (_EMAIL, _EMAIL_PROVIDER):
            for match in pattern.finditer(text):
                local = _LOCAL_PART_END.split(match.group(), maxsplit=1)[0]
                if self._functional_mailbox(local, match.group()[len(local) :]):
                    continue  # "wmo@hengelo.nl", "info@…": a mailbox of an organisation
                found.append(Finding(EMAIL, match.start(), match.end()))
        return found

    def _functional_mailbox(self, local: str, rest: str) -> bool:
        """A mailbox of an organisation, not of a person: a known one ("info", "wmo"), or one
        ordinary word that is neither a given name nor a surname ("algemeen@", "meldpunt@") at
        a domain that is not a person's: "bakker@", "jan@", "ouders@familie-smeets.nl" or
        "thuis@gmail.com" stay a person's."""
        lower = local.lower().strip()
        if lower in _FUNCTIONAL_MAILBOXES:
            return True
        if (
            lower.isalpha()
            and any(
                lower.startswith(box) and len(lower) >= len(box) + 3
                for box in _FUNCTIONAL_MAILBOXES
                if len(box) >= 5
            )
            and not self.lexicon.is_surname(lower)
            and not self.lexicon.is_first_name(lower)
        ):
            return True  # "klachtenregistratie@", "privacyteam@"
        domain_words = [word for word in re.split(r"[\W_]+", rest.lower()) if word]
        personal_domain = _AT_PROVIDER.match(rest) or any(
            word in ("familie", "fam", "gezin", "huize")
            or self.lexicon.is_surname(word)
            or self.lexicon.is_first_name(word)
            for word in domain_words[:-1]
        )
        return (
            not personal_domain
            and lower.isalpha()
            and len(lower) > 3
            and self.lexicon.zipf(lower) >= 3
            and not self.lexicon.is_first_name(lower)
            and not self.lexicon.is_surname(lower)
        )

    def _ibans(self, text: str) -> list[Finding]:
        found = []
        for match in _IBAN_START.finditer(text):
            country = match.group(1).upper()
            length = _IBAN_LENGTHS.get(country)
            if length is None:
                continue
            # Collect the next characters of the number, with or without single separators
            # (spaces, hyphens, dots) between them.
            compact, position = match.group(1) + match.group(2), match.end()
            while len(compact) < length and position < len(text):
                char = text[position]
                if char.isalnum():
                    compact += char
                elif char not in " .-" or not (
                    position + 1 < len(text) and text[position + 1].isalnum()
                ):
                    break
                position += 1
            if len(compact) != length:
                continue
            if position < len(text) and text[position].isalnum():
                continue  # longer than an IBAN of its country: something else
            # The international check (mod 97) only: a number whose national check digits
            # are wrong is still someone's account number as typed ("BE97 5317 3277 1649").
            if iban_number.is_valid(compact.upper(), check_country=False):
                found.append(Finding(IBAN, match.start(), position))
        return found

    def _numbers(self, text: str) -> list[Finding]:
        """Telephone numbers and BSNs, in every grouping people write them in."""
        found: list[Finding] = []
        whole = text.strip()
        for match in _NUMBER_RUN.finditer(text):
            run = _NumberRun(text, match.start(), match.end(), whole=match.group() == whole)
            found += run.findings()
        for match in _GLUED_NUMBER.finditer(text):
            run = _NumberRun(text, match.start(1), match.end(1), whole=False)
            found += run.findings()
        found += [Finding(TELEFOON, m.start(), m.end()) for m in _SCIENTIFIC_MOBILE.finditer(text)]
        return found

    def _plates(self, text: str) -> list[Finding]:
        found = [Finding(KENTEKEN, m.start(), m.end()) for m in _PLATE_SPACED.finditer(text)]
        for match in _PLATE.finditer(text):
            letters = [part.lower() for part in match.group().split("-") if part.isalpha()]
            if any(part in _MONTH_LETTERS for part in letters):
                continue  # "1-jan-24" is a date
            found.append(Finding(KENTEKEN, match.start(), match.end()))
        for match in _PLATE_AFTER_KEYWORD.finditer(text):
            plate = re.sub(r"[ -]", "", match.group(1))
            if len(plate) == 6 and _PLATE_UNDASHED_SHAPES.match(plate):
                found.append(Finding(KENTEKEN, match.start(1), match.end(1)))
        for match in _PLATE_UNDASHED.finditer(text):
            # "7547RJ" has the shape of a plate too, but is a postcode.
            candidate = match.group()
            if _PLATE_UNDASHED_SHAPES.match(candidate) and not _POSTCODE.fullmatch(candidate):
                found.append(Finding(KENTEKEN, match.start(), match.end()))
        return found

    def _postcodes(self, text: str) -> list[Finding]:
        found = []
        for match in _POSTCODE.finditer(text):
            letters, separator = match.group(3), match.group(2)
            if letters.upper() in _POSTCODE_NOT_ISSUED:
                continue
            if _POSTBUS_BEFORE.search(text, max(0, match.start() - 40), match.start()):
                continue  # "Postbus 20, 7500 AA Enschede": an organisation's post box
            if not letters.isupper():
                # "2024 en", "1945 nr. 12", "1500 km": a number and a word. In lower case the
                # two letters are a postcode's only if no word has them, and, apart from
                # "7511ab" and "7511-ab", only where a place, the end of the text or the word
                # postcode says so.
                announced = _POSTCODE_WORD_BEFORE.search(
                    text, max(0, match.start() - 30), match.start()
                )
                followed_by_place = self._place_follows(text, match.end())
                before = text[max(0, match.start() - 10) : match.start()].rstrip()
                if (
                    letters.lower() in _POSTCODE_WORDS
                    and not announced
                    and not (followed_by_place and before[-1:] in ("", ",", ":"))
                ):
                    continue  # "Plein 1944 in Nijmegen"; but "Voorstraat 8, 3311 er Dordrecht"
                if (
                    separator.strip() == ""
                    and separator
                    and not (announced or followed_by_place or self._postcode_context(text, match))
                ):
                    continue
            found.append(Finding(POSTCODE, match.start(), match.end()))
        return found

    def _place_follows(self, text: str, position: int) -> bool:
        following = _WORD.match(text[position : position + 40].lstrip())
        if following is None or text[position : position + 1] != " ":
            return False
        word = following.group()
        return self.lexicon.is_place(word) and (
            word[0].isupper() or self.lexicon.zipf(word) < 3.5  # not "een" (a village too)
        )

    def _postcode_context(self, text: str, match: re.Match) -> bool:
        if _POSTCODE_WORD_BEFORE.search(text, max(0, match.start() - 30), match.start()):
            return True
        rest = text[match.end() : match.end() + 60]
        if not rest.strip() or rest.lstrip()[:1] in ",;)(|":
            return True
        following = _WORD.match(rest.lstrip())
        return following is not None and (
            following.group()[0].isupper() or self.lexicon.is_place(following.group())
        )

    def _birth_dates(self, text: str) -> list[Finding]:
        found = []
        for pattern in (_BIRTH_DATE, _STARRED_DATE, _DATE_BEFORE_BORN):
            for match in pattern.finditer(text):
                # "het idee werd geboren op 12 mei": an idea, not a person; only the verb
                # says so ("geb." and "geboortedatum" are a person's), and only where the idea
                # is its subject, close before it ("in het DPIA-concept stond: X, geb. ..." is
                # a person's).
                keyword = text[match.start() : match.start(1)].lower()
                sentence = text[max(0, match.start() - 60) : match.start()].rsplit(".", 1)[-1]
                if (
                    pattern is not _STARRED_DATE
                    and ("geboren" in keyword or pattern is _DATE_BEFORE_BORN)
                    and _NOT_BORN.search(sentence)
                ):
                    continue
                found.append(Finding(GEBOORTEDATUM, match.start(1), match.end(1)))
        return found

    def _dates_after_names(self, text: str, names: list[Finding]) -> list[Finding]:
        """``Jan de Vries (12-03-1985)``: a date in brackets right after a name; and after a
        person's role, a date in brackets long enough ago to be a birth: "een inwoner
        (1974-09-18)", not "klager (12-03-2024)"."""
        found = []
        for name in names:
            match = _DATE_IN_BRACKETS.match(text, name.end) or _DATE_IN_RECORD.match(text, name.end)
            if match:
                found.append(Finding(GEBOORTEDATUM, match.start(1), match.end(1)))
        for role in _ROLE_BEFORE_BRACKETS.finditer(text):
            if role.group(1).lower() not in ROLE_TITLES | _PERSON_WORDS:
                continue
            match = _DATE_IN_BRACKETS.match(text, role.end(1))
            year = match and _year_of(match.group(1))
            if year and year <= _BIRTH_YEARS_BEFORE_NOW:
                found.append(Finding(GEBOORTEDATUM, match.start(1), match.end(1)))
        return found

    # --- addresses ------------------------------------------------------------------------
    def _addresses(self, text: str) -> list[Finding]:
        found = []
        for match in _HOUSE_NUMBER.finditer(text):
            start = self._street_before(text, match.start())
            if start is None:
                continue
            named = text[start : match.end()].lower()
            if named in self.lexicon.streets and not _HOUSE_NUMBER.match(
                text[match.end() :].lstrip(" ")
            ):
                continue  # "Boulevard 1945", "Plein 1944": the number is the street's name
            found.append(Finding(ADRES, start, match.end()))
        return found

    def _street_before(self, text: str, position: int) -> int | None:
        """Where the street name before a house number starts, or None if there is none."""
        head = text[max(0, position - 80) : position]
        offset = position - len(head)
        if not head.endswith((" ", "\u00a0")):
            return None
        words = list(_ADDRESS_WORD.finditer(head))
        if not words:
            return None
        # The words right before the number, back to punctuation that ends a phrase.
        phrase: list[re.Match] = []
        end = len(head)
        for word in reversed(words):
            gap = head[word.end() : end]
            if gap.strip() or "\n" in gap:
                break  # punctuation, or a line break: "L. Timmermans\nHoefstraat 188"
            phrase.insert(0, word)
            end = word.start()
            if len(phrase) == 5:
                break
        if not phrase:
            return None
        last = phrase[-1].group().rstrip(".")
        if last.lower() in NOT_STREETS or last.lower() in self.lexicon.trade_words:
            return None  # "Artikel 7", "Signaal 1", "Rapport 2024"
        streets = self.lexicon.streets
        start_index = None
        # The longest run of words that is a known street ("Boulevard 1945", "Oude Markt").
        for size in range(len(phrase), 0, -1):
            run = phrase[-size:]
            joined = " ".join(word.group() for word in run).lower()
            first_word = run[0].group()
            if joined in streets and (
                first_word[0].isupper()
                or (size > 1 and first_word.lower() not in _STREET_NOT_FIRST)
                or self._plain_street(joined)
            ):
                start_index = len(phrase) - size
                break
        if start_index is None:
            # A word with a street suffix ("Hengelosestraat", "Lasondersingel").
            if not last.lower().endswith(STREET_SUFFIXES):
                return None
            if (
                last.lower().endswith(("ing", "ering"))
                and last.lower() not in streets
                and not (
                    last[0].isupper()
                    and not last.isupper()
                    and last.lower().endswith("ring")
                    and len(last) > 8
                    and self.lexicon.zipf(last) == 0
                )
            ):
                return None  # "Wet inburgering 2021"; but "Broekheurnering 240", a ring road
            if not last[0].isupper() and not self._plain_street(last.lower()):
                return None
            if len(last) < 4:
                return None
            start_index = len(phrase) - 1
        # With the capitalised words before it that belong to it ("Van Lochemstraat"), and an
        # ordinal before those ("1e Jan Steenstraat", "2e Oosterparkstraat").
        while start_index > 0:
            previous = phrase[start_index - 1].group()
            if previous[0].isupper() and (
                not self.lexicon.is_ordinary(previous)
                # "Hoge Larenweg", "Wethouder Beverstraat", "Prins Hendrikkade"
                or previous.lower().rstrip(".") in _STREET_PREFIXES
            ):
                start_index -= 1
                continue
            # "Dr. van Heesweg", "Burgemeester van Veenlaan": tussenvoegsels with a capitalised
            # word before them; not "op de Kerkstraat".
            run = start_index - 1
            while run > 0 and phrase[run].group().lower() in INTERFIXES:
                run -= 1
            if (
                run < start_index - 1
                and phrase[run].group().lower().rstrip(".") in STREET_TITLES
                # capitalised, or all in lower case: "burg. van roijensingel 14a"
                and (phrase[run].group()[0].isupper() or last.islower())
            ):
                start_index = run
                continue
            break
        if start_index > 0 and _ORDINAL.match(phrase[start_index - 1].group()):
            start_index -= 1
        return offset + phrase[start_index].start()

    def _plain_street(self, lower: str) -> bool:
        """A street name typed in lower case ("kerkstraat 12"): a compound that names a street
        and is no everyday word ("snelweg", "markt", "fietspad" are)."""
        if len(lower) < 6 or " " in lower or not _is_street_word(lower):
            return False
        zipf = self.lexicon.zipf(lower)
        if lower in self.lexicon.streets:  # "hoofdstraat", "kerkstraat"; not "markt"
            return zipf < 4.0
        return zipf < 3.0 and not self.lexicon.is_ordinary(lower)

    # --- names ----------------------------------------------------------------------------
    def _tokens(self, text: str) -> list[_Token]:
        tokens: list[_Token] = []
        previous_end = 0
        previous: _Token | None = None
        for match in _WORD.finditer(text):
            word = match.group()
            dotted = len(word) == 1 and text[match.end() : match.end() + 1] == "."
            # "Ch. Martina", "Th. de Wit": the initials Dutch writes with two letters.
            initial = (dotted and word.isupper()) or (
                word in _DIGRAPH_INITIALS and text[match.end() : match.end() + 1] == "."
            )
            gap = text[previous_end : match.start()]
            if previous is None:
                sentence_start = True
            elif _SENTENCE_BREAK.search(gap):
                # "dhr. Jansen", "J. de Vries": a dot after an abbreviation is no full stop.
                sentence_start = not (
                    previous.initial
                    or previous.lower in TITLES
                    or gap.strip() in {"'", "’"}
                    # "Aanwezig: Semhar Tesfaye", "naam: Hüseyin Arslan": names follow.
                    or (gap.strip() == ":" and previous.lower in LIST_LABELS)
                )
            else:
                sentence_start = False
            token = _Token(
                text=word,
                start=match.start(),
                end=match.end(),
                cap=(word[0].isupper() and not (len(word) > 1 and word.isupper()))
                or self._shouted_name(word),
                initial=initial,
                sentence_start=sentence_start,
                lower_initial=dotted and word.islower(),
            )
            tokens.append(token)
            previous, previous_end = token, match.end() + (1 if initial else 0)
        return tokens

    def _names(self, text: str, blocked: list[Finding]) -> list[Finding]:
        """Names; ``blocked`` are spans found already (addresses) that no name runs into."""
        tokens = self._tokens(text)
        lexicon = self.lexicon
        found: list[Finding] = []
        # Idioms ("Jan en alleman") once per text, not once per name: linear in long texts.
        idioms = [(idiom.start(), idiom.end()) for idiom in _IDIOMS.finditer(text)]
        idiom_starts = [start for start, _ in idioms]
        index = 0
        count = len(tokens)
        while index < count:
            token = tokens[index]
            start_index = None
            title = self._is_title(tokens, index, text)
            role = not title and self._is_role(tokens, index, text)
            if title or role:
                # The name after a form of address or a function: "mevrouw (de) Vries",
                # "dhr. P. de Vries", "wethouder Van der Berg", also in lower case.
                first = index + 1
                while first < count and tokens[first].lower in INTERFIXES and not tokens[first].cap:
                    first += 1
                if (
                    first < count
                    and (tokens[first].cap or tokens[first].initial)
                    and self._joined(text, tokens[first - 1], tokens[first], loose=True)
                    and tokens[first].lower not in lexicon.trade_words
                    and not self._blocked(tokens[first], blocked)
                    and (
                        not role
                        or (first == index + 1 and self._name_after_role(tokens[first]))
                        or (first > index + 1 and self._surname_after_particles(tokens[first]))
                    )
                ):
                    start_index = index + 1
                    index = first
                elif tokens[index + 1].lower_initial:
                    end = self._lower_initials_name(tokens, index + 1, text, blocked)
                    if end is not None and self._keep(tokens, index + 1, end, text):
                        found.append(Finding(NAAM, *self._span(tokens, index + 1, end, text)))
                        index = end + 1
                        continue
                else:
                    end = self._lower_name(tokens, index + 1, text, blocked, strict=role)
                    if end is not None and self._keep(tokens, index + 1, end, text):
                        found.append(Finding(NAAM, *self._span(tokens, index + 1, end, text)))
                        index = end + 1
                        continue
            elif token.lower_initial and not token.cap:
                # "j.de vries", "p.j. jansen": initials in lower case before a name.
                end = self._lower_initials_name(tokens, index, text, blocked)
                if end is not None and self._keep(tokens, index, end, text):
                    found.append(Finding(NAAM, *self._span(tokens, index, end, text)))
                    index = end + 1
                    continue
            elif (
                not token.cap
                and not token.initial
                and lexicon.is_first_name(token.text)
                and not lexicon.is_ordinary(token.text)
                and token.lower not in _STOP_WORDS
            ):
                # "jan jansen", "fatima el amrani": a given name and a surname, both in lower
                # case and both names by the lists.
                end = self._lower_name(
                    tokens, index + 1, text, blocked, strict=True, surname_only=True, after=token
                )
                if end is not None and self._keep(tokens, index, end, text):
                    found.append(Finding(NAAM, *self._span(tokens, index, end, text)))
                    index = end + 1
                    continue
            elif (token.initial and self._initials_name(tokens, index, text)) or (
                token.cap and not token.initial and self._is_name_word(tokens, index, text)
            ):
                start_index = index
            elif (
                not token.cap
                and token.lower in ("de", "van", "ter", "ten", "den", "el")
                and not token.sentence_start
                and index + 1 < count
                and tokens[index + 1].cap
                and self._joined(text, token, tokens[index + 1])
                and lexicon.is_surname(tokens[index + 1].text)
                and not lexicon.is_first_name(tokens[index + 1].text)
                and (
                    not lexicon.is_ordinary(tokens[index + 1].text)
                    # "de Jong-Pauwels": a double name says it is one
                    or (
                        index + 2 < count
                        and text[tokens[index + 1].end : tokens[index + 2].start] == "-"
                        and tokens[index + 2].cap
                    )
                )
                and not _is_street_name(tokens[index + 1].lower)
            ):
                # "volgens de Vries", "met van Dijk"
                start_index = index
                index += 1
            elif token.cap and not token.initial:
                end = self._name_by_form(tokens, index, text, blocked)
                if end is not None and self._keep(tokens, index, end, text):
                    found.append(Finding(NAAM, *self._span(tokens, index, end, text)))
                    index = end + 1
                    continue
            if start_index is None:
                index += 1
                continue
            if self._blocked(tokens[index], blocked):
                index += 1
                continue
            end_index = self._extend_right(tokens, index, text, blocked)
            start_index = self._extend_left(tokens, start_index, text, blocked)
            start = tokens[start_index].start
            end = tokens[end_index].end + (1 if tokens[end_index].initial else 0)
            at = bisect_right(idiom_starts, start) - 1
            if self._keep(tokens, start_index, end_index, text) and not (
                at >= 0 and start < idioms[at][1]
            ):
                found.append(Finding(NAAM, *self._span(tokens, start_index, end_index, text)))
            index = end_index + 1
        return found

    def _is_role(self, tokens: list[_Token], index: int, text: str) -> bool:
        """A function or role right before a name: "wethouder", "consulent", "klager"."""
        token = tokens[index]
        if token.lower not in ROLE_TITLES or index + 1 >= len(tokens):
            return False
        # "klager Jansen", "klager: Jansen", "de consulent, ahmed bouzid, ..."
        return text[token.end : tokens[index + 1].start] in (" ", ": ", ", ")

    def _name_after_role(self, token: _Token) -> bool:
        """After a function a capitalised word is a name only if it looks like one:
        "wethouder Bakker", not "wethouder Financiën" or "directeur Sociaal Domein"."""
        lexicon = self.lexicon
        if token.initial or token.lower in INTERFIXES:
            return True
        if lexicon.is_first_name(token.text) or lexicon.is_surname(token.text):
            # A capitalised word in the middle of a Dutch sentence is a name, even one that
            # is also a word ("voorzitter Groen"), but not a word of the trade or a place.
            return token.lower not in lexicon.trade_words and not lexicon.is_place(token.text)
        return self._unknown_name_like(token.text) and lexicon.zipf(token.text) < 3

    def _surname_after_particles(self, token: _Token) -> bool:
        """ "medewerker van Dijk" names a person, "medewerker van Publiekszaken" a team: after a
        function and a lower-case "van", only a surname from the lists."""
        lexicon = self.lexicon
        lower = token.lower
        return (
            lexicon.is_surname(lower)
            and lower not in lexicon.trade_words
            and (not lexicon.is_place(lower) or lower in PARTICLE_SURNAMES)
            and not _is_street_name(lower)
        )

    def _lower_name_word(self, token: _Token, *, strict: bool, particles: bool) -> bool:
        """Whether a word in lower case, where a name is expected, is one."""
        lexicon = self.lexicon
        lower = token.lower
        if len(lower) < 2 or lower in _STOP_WORDS or lower in lexicon.trade_words:
            return False
        if lower in MONTHS or lower in PLACE_NOUNS or lower in INTERFIXES:
            return False
        zipf = lexicon.zipf(lower)
        if lower.endswith("t") and lexicon.zipf(lower[:-1]) >= 3:
            return False  # a verb: "de ombudsman verwijst", "mevrouw stelt"
        if lexicon.is_surname(lower) or lexicon.is_first_name(lower):
            if particles:  # "van der berg", "de vries": the particles say it is a name
                return zipf < 5.0 or lower in PARTICLE_SURNAMES  # "de groot", "de jong"
            if strict and lexicon.is_common(lower):
                return False
            return zipf < (4.6 if strict else 5.0)
        # A word no name list has is a name where it is no Dutch word at all ("mevrouw
        # yilmaz"), but only after a form of address: after a function ("de ombudsman
        # onuitlegbaar") a rare word is more often an adjective.
        return (
            not strict
            and zipf == 0
            and len(lower) > 2
            and not lower.endswith(_VERB_ENDINGS)
            and not lower.endswith(NOUN_SUFFIXES)
            and not _is_street_name(lower)
            and not lexicon.is_ordinary(lower)
        )

    def _lower_name(
        self,
        tokens: list[_Token],
        index: int,
        text: str,
        blocked: list[Finding],
        *,
        strict: bool,
        surname_only: bool = False,
        after: _Token | None = None,
    ) -> int | None:
        """The last word of a name in lower case that starts at ``index`` (tussenvoegsels,
        a surname, a hyphenated second part), or None where there is no name."""
        count = len(tokens)
        left = after if after is not None else (tokens[index - 1] if index > 0 else None)
        position = index
        while position < count and tokens[position].lower in INTERFIXES:
            if left is not None and not self._joined(text, left, tokens[position], loose=True):
                return None
            left = tokens[position]
            position += 1
        if position >= count or self._blocked(tokens[position], blocked):
            return None
        word = tokens[position]
        if word.cap and position > index:
            # "mevrouw van Dijk"; after a function only a surname ("medewerker van Rijnstad")
            return position if not strict or self._surname_after_particles(word) else None
        if left is not None and not self._joined(text, left, word, loose=left is not after):
            return None
        particles = position > index
        if surname_only:
            lexicon = self.lexicon
            if not (
                (lexicon.is_surname(word.text) and not lexicon.is_ordinary(word.text))
                or (particles and self._lower_name_word(word, strict=True, particles=True))
            ):
                return None
        elif not self._lower_name_word(word, strict=strict, particles=particles):
            return None
        end = position
        # A double name or a surname after a given name: "jansen-de boer", "fatima yilmaz".
        while end + 1 < count:
            probe = end + 1
            hyphen = text[tokens[end].end : tokens[probe].start].strip() == "-"
            left = tokens[end]
            while probe < count and tokens[probe].lower in INTERFIXES:
                if not self._joined(text, left, tokens[probe]):
                    break
                left = tokens[probe]
                probe += 1
            if probe >= count or not self._joined(text, left, tokens[probe]):
                break
            candidate = tokens[probe]
            if self._blocked(candidate, blocked) or _is_street_name(candidate.lower):
                break  # "de vries van de Dorpsstraat"
            if candidate.lower in self.lexicon.trade_words:
                break
            if hyphen or probe > end + 1:
                ok = candidate.cap or self._lower_name_word(candidate, strict=True, particles=True)
            else:
                ok = (
                    self.lexicon.is_first_name(tokens[end].text)
                    and self.lexicon.is_surname(candidate.text)
                    and not self.lexicon.is_ordinary(candidate.text)
                )
            if not ok:
                break
            end = probe
        return end

    def _lower_initials_name(self, tokens, index, text, blocked) -> int | None:
        """``j.de vries``, ``p.j. jansen``, ``a. el idrissi``; not ``t.a.v.`` or ``i.v.m.``."""
        position = index
        while (
            position < len(tokens)
            and tokens[position].lower_initial
            and (
                position == index or text[tokens[position - 1].end : tokens[position].start] == "."
            )
        ):
            position += 1
        letters = "".join(token.lower for token in tokens[index:position])
        if letters in ABBREVIATIONS or len(letters) > 4 or position >= len(tokens):
            return None
        if index > 0 and text[tokens[index - 1].end : tokens[index].start] == ".":
            return None  # the end of a longer abbreviation
        last = tokens[position - 1]
        gap = text[last.end : tokens[position].start]
        if gap not in (".", ". "):
            return None
        return self._lower_name(
            tokens, position, text, blocked, strict=True, surname_only=False, after=last
        )

    def _surname_like(self, token: _Token) -> bool:
        lexicon = self.lexicon
        if lexicon.is_surname(token.text):
            return (
                token.lower not in lexicon.trade_words
                and not lexicon.is_place(token.text)
                and not _is_street_name(token.lower)
            )
        return self._unknown_name_like(token.text) and lexicon.zipf(token.text) < 3

    def _name_by_form(self, tokens, index, text, blocked) -> int | None:
        """Names that the way they are written gives away, also at the start of a sentence
        or a cell: capitalised tussenvoegsels ("Van Dongen heeft", "El Khatib", "Al-Khatib"),
        a double name ("Mulder-Hasselaar belde"), a surname with initials after it ("Bos,
        H.A.", "Boukhari F."), a surname before a role in brackets or a cell's end ("Koster
        (bezwaarmaker)", "Boersma |"), and letters Dutch words do not have ("Öztürk",
        "Çelik")."""
        lexicon = self.lexicon
        count = len(tokens)
        position = index
        while (
            position + 1 < count
            and tokens[position].lower in _CAPITAL_PARTICLES
            and self._joined(text, tokens[position], tokens[position + 1])
        ):
            position += 1
        word = tokens[position]
        if not word.cap or self._blocked(word, blocked):
            return None
        if (
            self._after_locative(tokens, index)
            or self._after_place_people(tokens, index)
            or (index > 0 and tokens[index - 1].lower in PLACE_NOUNS)
        ):
            return None  # "in Heechterp-Schieringen", "inwoners van Malburgen", "wijk Velve"
        initials = _initials_after(text, word.end)
        if position > index:
            # "Van Dongen", "El Khatib": after capitalised tussenvoegsels a surname of the lists
            # ("De Smidse", "De Wâlden" are a hall and a region), or after "El", "Al", "Ben"
            # one that is no Dutch word ("El Khatib", "Al-Khatib").
            particle = tokens[index].lower
            if not (
                (
                    lexicon.is_surname(word.text)
                    and word.lower not in lexicon.trade_words
                    and not lexicon.is_common(word.text)  # "De Hoop" is a mill
                    and not lexicon.is_first_name(word.text)  # "De Albert Heijn"
                )
                or (
                    particle in _FOREIGN_PARTICLES
                    and lexicon.zipf(word.text) == 0
                    and self._unknown_name_like(word.text)
                )
            ):
                return None
            foreign = False
        else:
            foreign = (
                _FOREIGN_LETTERS.search(word.text) is not None
                and lexicon.zipf(word.text) == 0
                and not lexicon.is_place(word.text)
            )
            listed = initials is not None and lexicon.is_surname(word.text)  # "Bos, H.A."
            if not listed and (
                lexicon.is_ordinary(word.text) or not (foreign or self._surname_like(word))
            ):
                return None
        end = position
        # A second surname after a hyphen.
        if (
            end + 1 < count
            and text[tokens[end].end : tokens[end + 1].start] == "-"
            and tokens[end + 1].cap
            and self._surname_like(tokens[end + 1])
        ):
            end += 1
        after = text[tokens[end].end : tokens[end].end + 40]
        initials = _initials_after(text, tokens[end].end)
        if initials:
            last = end
            while last + 1 < count and tokens[last + 1].start < initials.end():
                last += 1
            return last
        if foreign or position > index or end > position:
            return end
        # The end of a cell: "Boersma | geb. …", "Çelik;Gülay", or a text of a word or two.
        if (_CELL_END.match(after) or (not after.strip() and len(tokens) <= 2)) and (
            lexicon.is_surname(word.text)  # not "Concerncontroller", a function
        ):
            return end
        role = _ROLE_IN_BRACKETS.match(after)
        if role and role.group(1).lower() in ROLE_TITLES:
            return end
        return None

    def _keep(self, tokens: list[_Token], first: int, last: int, text: str) -> bool:
        """Whether the words ``first`` to ``last`` are a person's name, not a street, an
        institution or a pseudonym named like one."""
        nxt = tokens[last + 1] if last + 1 < len(tokens) else None
        institution = (
            nxt is not None
            and (
                nxt.lower in INSTITUTIONS
                or nxt.lower.endswith(_INSTITUTION_ENDINGS)
                or (nxt.text[1:] != nxt.text[1:].lower() and not nxt.text.isupper())  # "ArenA"
            )
            and self._joined(text, tokens[last], nxt)
        )  # "Catharina Ziekenhuis", "Amalia Kinderziekenhuis", "Johan Cruijff ArenA"
        # A street named after a person is a street: "Vincent van Goghstraat".
        street = _is_street_name(tokens[last].lower) or any(
            tokens[last].lower.endswith(ending) and len(tokens[last].lower) > len(ending) + 2
            for ending in _INSTITUTION_ENDINGS
        )  # "Vincent van Goghstraat", "Jan van Goyenschool"
        # "mevrouw Y", "Mevrouw A.": a letter for a person is how reports anonymise.
        pseudonym = first == last and len(tokens[first].text) == 1
        # "het Van der Valk-hotel", "HACCP-certificaat": a name in a compound is a thing.
        compound = (
            nxt is not None
            and text[tokens[last].end : nxt.start] == "-"
            and nxt.text[0].islower()
            and nxt.lower not in INTERFIXES
        )

        # "stichting Jantje Beton", "korenmolen De Hoop", "zorgorganisatie Pieter van Foreest".
        def organisation_word(token: _Token) -> bool:
            return (
                token.lower in PLACE_NOUNS
                or token.lower.endswith(_ORGANISATION_ENDINGS)
                # "het Antoni van Leeuwenhoek", "Het Dr. Sarphatihuis": Dutch puts no neuter
                # article before a person, only before a hospital, a museum, a building.
                or token.lower == "het"
            )

        before = first - 1
        while (
            before > 0
            and not organisation_word(tokens[before])
            and (
                tokens[before].lower in STREET_TITLES
                or (
                    (tokens[before].cap or tokens[before].lower in INTERFIXES)
                    and text[tokens[before].end : tokens[before + 1].start] == " "
                )
            )
        ):
            before -= 1  # "Stichting Dr. Sarphatihuis", "Stichting Al Amal"
        organisation = (before >= 0 and organisation_word(tokens[before])) or (
            first < last and tokens[first].lower != "het" and organisation_word(tokens[first])
        )  # "... en Kinderopvang Pippi Langkous"
        # "de Jan van Goyenschool": the name runs on into a school or a street.
        probe = last + 1
        while probe < len(tokens) and (
            tokens[probe].lower in INTERFIXES or tokens[probe].lower == "a"  # Thomas a Kempis
        ):
            probe += 1
        if (
            nxt is not None
            and nxt.cap
            and _is_street_name(nxt.lower)
            and text[tokens[last].end : nxt.start].strip() in ("", ".")
            and "\n" not in text[tokens[last].end : nxt.start]
        ):
            return False  # "de Mr. Jac. Takkade": a street named after a person
        runs_on = (
            self.lexicon.is_first_name(tokens[last].text)  # not "de vries van de Dorpsstraat"
            and probe == last + 2  # one "van", not "Jansen van de Kerkstraat"
            and probe < len(tokens)
            and tokens[probe].cap
            and (
                _is_street_name(tokens[probe].lower)
                or tokens[probe].lower.endswith(_INSTITUTION_ENDINGS)
            )
        )
        # "Ter Haar & Wessels", "Koçak & Partners": surnames joined by an ampersand are a
        # firm; not "mw. K. Bouwhuis & dhr. T. Schreurs", people with their titles.
        start, end = tokens[first].start, tokens[last].end
        titled = (first > 0 and tokens[first - 1].lower in TITLES) or tokens[first].initial
        firm = not titled and (
            (text[max(0, start - 3) : start].strip() == "&")
            or (
                text[end : end + 3].strip(" ").startswith("&")
                and not _TITLE_AFTER_AMPERSAND.match(text, end)
            )
        )
        # "Jan. t/m mrt. 2024", "jan.-mrt.": the month, not the given name.
        month = (
            first == last
            and tokens[first].lower == "jan"
            and _MONTH_AFTER_JAN.match(text, tokens[first].end) is not None
        )
        # "Jansen Installatietechniek", "Van der Heijden Advocaten": a surname and a trade.
        trade = tokens[last].lower
        business = (
            first < last
            and trade.endswith(_BUSINESS_ENDINGS)
            and not self.lexicon.is_surname(trade)  # "Jan Bouw"
        )
        return not (
            institution
            or business
            or street
            or pseudonym
            or compound
            or organisation
            or runs_on
            or firm
            or month
        )

    def _span(self, tokens: list[_Token], first: int, last: int, text: str) -> tuple[int, int]:
        # Lower-case tussenvoegsels right before the surname belong to it: "ter Horst, H.",
        # "van 't Hek".
        single = first == last  # a surname alone, without its given name or initials
        while (
            single
            and first > 0
            and not self.lexicon.is_first_name(tokens[first].text)  # "de Albert Heijn"
            and (len(tokens[first - 1].text) > 1 or tokens[first - 1].lower == "t")
            and tokens[first - 1].lower in INTERFIXES
            and not tokens[first - 1].cap
            and tokens[first - 1].lower not in LOOSE_PARTICLES
            and self._joined(text, tokens[first - 1], tokens[first])
            and not (first - 1 > 0 and self._is_title(tokens, first - 2, text))
        ):
            first -= 1
        start = tokens[first].start
        if tokens[first].lower == "t" and text[start - 1 : start] == "'":
            start -= 1  # "'t Hart"
        end = self._end(tokens, last)
        if not tokens[last].initial:
            # Initials after the surname, as lists write them: "Doğan, E.", "Boukhari F.".
            initials = _initials_after(text, end)
            if initials and initials.group().strip(" ,"):
                end = initials.end()
                while text[end - 1] in " ,":
                    end -= 1
        return start, end

    @staticmethod
    def _end(tokens: list[_Token], index: int) -> int:
        token = tokens[index]
        return token.end + (1 if token.initial else 0)

    def _is_title(self, tokens: list[_Token], index: int, text: str) -> bool:
        token = tokens[index]
        lower = token.lower
        if index + 1 >= len(tokens):
            return False
        if lower == "heer":
            return index > 0 and (tokens[index - 1].lower, lower) in TITLE_PAIRS
        if lower not in TITLES:
            return False
        nxt = tokens[index + 1]
        gap = text[token.end : nxt.start]
        return gap.strip() in ("", ".", "'", ".'")  # "mevrouw 't Hart"

    def _joined(self, text: str, left: _Token, right: _Token, loose: bool = False) -> bool:
        """Whether two words stand together in a name (a space or a hyphen between them)."""
        gap = text[left.end : right.start]
        if left.initial or left.lower_initial:
            gap = gap[1:] if gap.startswith(".") else gap
        if loose and gap.strip() == ".":
            return True
        return bool(_NAME_JOIN.match(gap)) or gap == ""

    def _initials_name(self, tokens: list[_Token], index: int, text: str) -> bool:
        """``P. de Vries``, ``J.P. Balkenende``, ``A.M. van den Berg``."""
        position = index
        while position < len(tokens) and tokens[position].initial:
            if position > index and not self._joined(text, tokens[position - 1], tokens[position]):
                return False
            position += 1
        while (
            position < len(tokens)
            and tokens[position].lower in INTERFIXES
            and not tokens[position].initial
        ):
            position += 1
        if position >= len(tokens):
            return False
        nxt = tokens[position]
        if not nxt.cap or nxt.initial:
            return False
        if not self._joined(text, tokens[position - 1], nxt):
            return False
        # After initials a capitalised word is a surname, even where a place has the same name.
        return nxt.lower not in self.lexicon.trade_words

    def _is_name_word(self, tokens: list[_Token], index: int, text: str) -> bool:
        """A capitalised word that is a name by the lists and its place in the sentence."""
        lexicon = self.lexicon
        token = tokens[index]
        word = token.text
        if len(word) < 2:
            return False
        if self._after_locative(tokens, index) or self._after_place_people(tokens, index):
            return False  # "in Berkum", "uit Sofia", "inwoners van Hatert": a place
        ordinary = lexicon.is_ordinary(word)
        first = lexicon.is_first_name(word)
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        surname = self._surname_after(tokens, index + 1, text, token)
        if first and surname is not None:
            if not lexicon.is_common(word):  # a place may share a given name: "Anne"
                return True
            if ordinary:
                # An ordinary word that is also a given name ("Toon", "Door", "De") only
                # before a tussenvoegsel and a real surname: "Toon van de Ven".
                position, via_interfix = surname
                following = tokens[position].text
                return via_interfix and (
                    lexicon.is_surname(following) or not lexicon.is_ordinary(following)
                )
        if ordinary:
            return False
        if (
            surname is not None
            and surname[1]
            and lexicon.is_surname(tokens[surname[0]].text)
            and self._unknown_name_like(word)
        ):
            return True  # a given name no list has, then "van de Ven"
        if first:
            return True
        if lexicon.is_surname(word):
            return not token.sentence_start and not _is_street_name(token.lower)
        # Two unknown capitalised words ("Dariusz Lewandowski"): names that no Dutch list has,
        # unless they look like an organisation or a place. At the start of a sentence only
        # as an apposition: "Mehret Habte, 6825 ER Arnhem".
        if (
            nxt is None
            or not nxt.cap
            or nxt.sentence_start
            or not self._joined(text, token, nxt)
            or not self._unknown_name_like(word)
            or not self._unknown_name_like(nxt.text)
            or (index > 0 and tokens[index - 1].lower in PLACE_NOUNS)
        ):
            return False
        return not token.sentence_start or text[nxt.end : nxt.end + 1] == ","

    def _after_locative(self, tokens: list[_Token], index: int) -> bool:
        if index > 0 and tokens[index - 1].lower in LOCATIVES:
            return True
        # "in Assendorp en Ittersum": the second of two places after one preposition.
        return (
            index > 2
            and tokens[index - 1].lower in ("en", "of")
            and tokens[index - 2].cap
            and tokens[index - 3].lower in LOCATIVES
        )

    @staticmethod
    def _after_place_people(tokens: list[_Token], index: int) -> bool:
        """ "inwoners van Malburgen", "de wijk van ...": a place follows."""
        return (
            index > 1
            and tokens[index - 1].lower in ("van", "uit")
            and tokens[index - 2].lower in _PLACE_PEOPLE
        )

    def _unknown_name_like(self, word: str) -> bool:
        lower = word.lower()
        return (
            len(word) > 2
            and not self.lexicon.is_ordinary(word)
            and not lower.endswith(NOUN_SUFFIXES)
            and not lower.endswith(_INSTITUTION_ENDINGS)
            and not _is_street_name(lower)
        )

    def _surname_after(self, tokens, index, text, previous) -> tuple[int, bool] | None:
        """Where the surname after a given name is (directly, or after tussenvoegsels), and
        whether tussenvoegsels came first; None if no surname follows."""
        position = index
        left = previous
        while position < len(tokens) and tokens[position].lower in INTERFIXES:
            if not self._joined(text, left, tokens[position]):
                return None
            left = tokens[position]
            position += 1
        if position >= len(tokens):
            return None
        token = tokens[position]
        if not token.cap or token.sentence_start or not self._joined(text, left, token):
            return None
        # Right after a given name a capitalised word is a surname, even where a place has
        # the same name (Oosterveld, Van Dam); words of the trade and institutions are not.
        if token.lower in self.lexicon.trade_words or token.lower in INSTITUTIONS:
            return None
        if _is_street_name(token.lower):
            return None  # "De Van Welderenstraat"
        particles = [tokens[i].lower for i in range(index, position)]
        if len(particles) == 1 and particles[0] in LOOSE_PARTICLES:
            return None  # "Steenstraat in Arnhem"
        return position, position > index

    @staticmethod
    def _blocked(token: _Token, blocked: list[Finding]) -> bool:
        return any(span.start < token.end and token.start < span.end for span in blocked)

    def _extend_right(self, tokens, index, text, blocked) -> int:
        """The last word of a name that starts at ``index``."""
        end = index
        # Initials: "J.P." then the rest of the name.
        while end + 1 < len(tokens) and tokens[end].initial and tokens[end + 1].initial:
            end += 1
        position = end + 1
        while position < len(tokens) and position - index < 7:
            # Tussenvoegsels, then a capitalised word.
            probe = position
            left = tokens[end]
            while (
                probe < len(tokens)
                and tokens[probe].lower in INTERFIXES
                and self._joined(text, left, tokens[probe])
            ):
                left = tokens[probe]
                probe += 1
            if probe >= len(tokens):
                break
            candidate = tokens[probe]
            if not (candidate.cap or candidate.initial) or candidate.sentence_start:
                break
            if not self._joined(text, left, candidate) or self._blocked(candidate, blocked):
                break
            lower = candidate.lower
            hyphen = probe == position and text[tokens[end].end : candidate.start].strip() == "-"
            after_interfix = probe > position or tokens[end].lower in INTERFIXES
            if hyphen and (
                self.lexicon.is_surname(candidate.text) or self._unknown_name_like(candidate.text)
            ):
                end = probe  # a double name: "Dijkstra-Bos", "Mulder-Hasselaar"
                position = probe + 1
                continue
            if lower.endswith(_INSTITUTION_ENDINGS) or (
                lower in self.lexicon.trade_words
                and not (after_interfix and self.lexicon.is_surname(candidate.text))
            ):
                break  # but "A. van 't Hof", "Y. van Wijk"
            # "aan", "in", "op", "uit" belong to a name only before another tussenvoegsel:
            # "op den Kamp", "in 't Veld"; not in "Jansen uit Kampen".
            particles = [token.lower for token in tokens[position:probe]]
            if particles and particles[0] in LOOSE_PARTICLES and len(particles) == 1:
                break
            # Right after initials or a given name a capitalised word is a surname, even where
            # a place has that name ("B. Oosterhuis", "Sanne Bosch"); not an ordinary word.
            after_given = tokens[end].initial or self.lexicon.is_first_name(tokens[end].text)
            if not after_interfix and lower in self.lexicon.place_words and not after_given:
                break  # "Dienst Arnhem"
            if (
                self.lexicon.is_ordinary(candidate.text)
                and not self.lexicon.is_surname(candidate.text)
                and not after_interfix
                and not (after_given and not self.lexicon.is_common(candidate.text))
            ):
                break
            end = probe
            position = probe + 1
        return end

    def _extend_left(self, tokens, index, text, blocked) -> int:
        """Given names or initials before a surname that was found first (at most six words
        back, as _extend_right looks at most six ahead: a long run of names stays linear)."""
        start = index
        while start > 0 and index - start < 6:
            previous = tokens[start - 1]
            if not self._joined(text, previous, tokens[start]) or self._blocked(previous, blocked):
                break
            if previous.initial:
                start -= 1
                continue
            if not previous.cap or self._is_title(tokens, start - 1, text):
                break
            if self.lexicon.is_ordinary(previous.text):
                break
            first = self.lexicon.is_first_name(previous.text)
            if previous.sentence_start and not first:
                break
            if not first and not self._unknown_name_like(previous.text):
                break  # "Sociale Dienst"
            start -= 1
        return start


# --- Tables ---------------------------------------------------------------------------------------
# Rows pasted from a spreadsheet or an export, under a header that names the columns:
# "naam;geboortedatum;postcode", "naam<TAB>geb.datum<TAB>bsn". A cell under such a header is
# what its column says, whatever it looks like.
_COLUMN_TYPES = {
    **dict.fromkeys(
        ("naam", "name", "voornaam", "achternaam", "volledige naam", "naam klant", "klant",
         "client", "cliënt", "aanvrager", "betrokkene", "melder", "klager", "bewoner",
         "voorletters", "tussenvoegsel", "roepnaam"),
        NAAM,
    ),
    **dict.fromkeys(
        ("geboortedatum", "geb.datum", "geb. datum", "gebdat", "gebdatum", "geboren", "geb.",
         "geb", "dob", "date of birth", "geboorte datum"),
        GEBOORTEDATUM,
    ),
    **dict.fromkeys(
        ("adres", "straat", "woonadres", "straat + huisnummer", "straat en huisnummer",
         "straatnaam", "address"),
        ADRES,
    ),
    **dict.fromkeys(("postcode", "pc"), POSTCODE),
    **dict.fromkeys(
        ("telefoon", "tel", "tel.", "telefoonnummer", "tel.nr.", "telnr", "mobiel", "gsm",
         "phone"),
        TELEFOON,
    ),
    **dict.fromkeys(("e-mail", "email", "mail", "e-mailadres", "emailadres"), EMAIL),
    **dict.fromkeys(("bsn", "burgerservicenummer", "bsn-nummer", "sofinummer"), BSN),
    **dict.fromkeys(("iban", "rekeningnummer", "rekening", "bankrekening"), IBAN),
    **dict.fromkeys(("kenteken", "kentekens"), KENTEKEN),
}  # fmt: skip
_DELIMITERS = ("\t", ";", "|", ",")


def _cells(line: str, delimiter: str) -> list[tuple[int, int]]:
    """The spans of a row's cells (quotes and the spaces around a value left out)."""
    spans, start, quoted = [], 0, False
    for index, char in enumerate(line + delimiter):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            begin, end = start, index
            while begin < end and line[begin] in ' "':
                begin += 1
            while end > begin and line[end - 1] in ' "\r':
                end -= 1
            spans.append((begin, end))
            start = index + 1
    return spans


def _table_cells(text: str) -> list[Finding]:
    if "\n" not in text:
        return []
    found: list[Finding] = []
    columns: list[str | None] | None = None
    delimiter = ""
    offset = 0
    for line in text.split("\n"):
        header = _header(line)
        if header is not None:
            delimiter, columns = header
        elif columns is not None and delimiter in line:
            for kind, (start, end) in zip(columns, _cells(line, delimiter), strict=False):
                value = line[start:end]
                if kind is None or not value:
                    continue
                if kind == NAAM and not any(char.isalpha() for char in value):
                    continue
                if kind != NAAM and not any(char.isdigit() for char in value):
                    continue
                found.append(Finding(kind, offset + start, offset + end))
        else:
            columns = None
        offset += len(line) + 1
    return found


def _header(line: str) -> tuple[str, list[str | None]] | None:
    """The delimiter and the column types of a header line, or None if it is no header: at
    least two cells, all of them words, one of them a column of personal data."""
    for delimiter in _DELIMITERS:
        if delimiter not in line:
            continue
        labels = [line[start:end].strip().lower() for start, end in _cells(line, delimiter)]
        if len(labels) < 2 or any(not label or any(c.isdigit() for c in label) for label in labels):
            continue
        if any(len(label) > 30 for label in labels):
            continue
        types = [_COLUMN_TYPES.get(label.rstrip(":")) for label in labels]
        if any(types):
            return delimiter, types
    return None


def _resolve(candidates: list[Finding]) -> tuple[Finding, ...]:
    """Overlapping findings: the kind that ranks higher wins, then the longer one. The kept
    findings never overlap, so a new one need only be checked against its neighbours (a text
    with thousands of findings stays fast)."""
    starts: list[int] = []
    chosen: list[Finding] = []
    for finding in sorted(candidates, key=lambda f: (_RANK[f.type], -(f.end - f.start), f.start)):
        at = bisect_right(starts, finding.start)
        if at > 0 and chosen[at - 1].end > finding.start:
            continue
        if at < len(chosen) and chosen[at].start < finding.end:
            continue
        starts.insert(at, finding.start)
        chosen.insert(at, finding)
    return tuple(chosen)
