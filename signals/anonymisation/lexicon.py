"""Word lists for the anonymisation guard.

The Dutch name, place and street lists are the plain-text lists of the ``deduce`` package and
the word frequencies wordfreq's small Dutch list, shipped as the project's own data in ``data/``
(see :mod:`.sources` and ``data/NOTICE.md``): deduce's own lookup structures take about 1.1 GB
and many seconds to build, these sets take a few megabytes and a fraction of a second, and
production installs neither package. The project adds what a municipal oversight text needs on
top: words of the trade that are capitalised but never a person, and common Dutch words that
happen to be names as well.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .sources import DEDUCE_DIR, read_frequencies


def _words(text: str) -> list[str]:
    return text.split()


# Titles and forms of address that announce a person (lower case, without the final dot).
TITLES = frozenset(
    _words(
        """
    meneer mijnheer mevrouw mevr mw mevr dhr hr heer mej mejuffrouw juffrouw jonkheer jhr dr
    drs ir ing mr prof ds bc bacc kand lec dra familie fam gezin wijlen
    """
    )
)
# Functions and roles that a name may follow: "wethouder Van der Berg", "consulent Pieters",
# "klager Jansen" (lower case, without the final dot). After them a word must look like a name
# more than after "mevrouw" (see Scanner._is_title).
ROLE_TITLES = frozenset(
    _words(
        """
    wethouder wethouders burgemeester loco-burgemeester gemeentesecretaris griffier raadslid
    fractievoorzitter directeur directrice manager teamleider teammanager afdelingshoofd
    coördinator coordinator consulent consulente klantmanager casemanager regisseur jurist
    advocaat advocate gemachtigde behandelaar behandelaarster behandelend medewerker
    medewerkster ambtenaar inspecteur handhaver boa toezichthouder wijkagent agent rechercheur
    huisarts arts dokter psycholoog verpleegkundige leerkracht juf mentor klager klaagster
    verzoeker verzoekster cliënt client cliënte bewoner bewoonster huurder huurster aanvrager
    aanvraagster bezwaarmaker belanghebbende melder betrokkene getuige eiser eiseres appellant
    appellante zoon dochter vader moeder broer zus zuster echtgenoot echtgenote partner
    buurman buurvrouw oom tante opa oma collega voorzitter secretaris ombudsman ombudsvrouw
    klachtencoördinator klachtbehandelaar tolk mantelzorger bewindvoerder curator voogd
    beleidsmedewerker beleidsadviseur adviseur contactpersoon woordvoerder wijkcoach
    wijkconsulent jeugdconsulent leerplichtambtenaar schuldhulpverlener hulpverlener klant
    klanten meldster melder aanvrager gezin notulist
    """
    )
)
# Dotted abbreviations that look like initials: "t.a.v.", "i.v.m.", "o.a." (without dots).
ABBREVIATIONS = frozenset(
    _words(
        """
    ta tav ivm oa mbt zsm dwz as ed ea ipv muv nav obv tzt vwb mi iom cq zgan ah ad ao bv nv
    ca evt bijv vb bv nb ps pm am ca resp ie eg wo dd dw tw rd hs vz bg sv aub svp nvt ovb
    tm vs zo zoz em an uiterst
    """
    )
)
# Two-word titles: "de heer", checked on the word before the name.
TITLE_PAIRS = frozenset({("de", "heer"), ("geachte", "heer"), ("beste", "heer")})
# Labels in a list or a form after which names follow: "Aanwezig: T. de Boer", "naam: ...".
LIST_LABELS = frozenset(
    _words(
        """
    aanwezig afwezig aanwezigen afwezigen naam namen achternaam voornaam voornamen
    geslachtsnaam leden deelnemers notulist notulen verslag voorzitter secretaris klager
    klaagster verzoeker verzoekster melder betrokkene cc bcc gesprek contactpersoon
    behandelaar aanvrager cliënt client
    """
    )
)

# Tussenvoegsels and particles inside names ("van der", "El", "ten").
INTERFIXES = frozenset(
    _words(
        """
    van de der den het 't t ter ten te el al ben bin abu da dos du le la von vd v.d. op in uit
    aan di del lo zur d' l' 'l mc mac o' v oude olde
    """
    )
)

MONTHS = _words(
    """
    januari februari maart april mei juni juli augustus september oktober november december
    """
)
MONTH_ABBREVIATIONS = _words(
    """
    jan feb mrt apr jun jul aug sep sept okt nov dec
    """
)

# Capitalised words of the municipal and oversight world that are never a person's name on
# their own, even where a name list has them (Raad, Hof, Koning, Kamer, Burger, …).
TRADE_WORDS = frozenset(
    _words(
        """
    gemeente gemeenteraad raad raadslid raadsleden college wethouder wethouders burgemeester
    griffie griffier gemeentesecretaris secretaris concerndirectie directie directeur
    afdeling team teams wijkteam wijkteams loket werkplein stadskantoor stadhuis centrum
    klantcontactcentrum publiekszaken dienstverlening sociaal fysiek domein bedrijfsvoering
    informatievoorziening financien financiën vergunningen handhaving beheer openbare ruimte
    werk inkomen wmo jeugd jeugdzorg zorg participatiewet awb avg woo wob bag brp wet wetten
    rekenkamer klachtencommissaris klachtencommissie bezwarencommissie commissie ombudsman
    ombudsvrouw functionaris gegevensbescherming fg autoriteit persoonsgegevens nationale
    state staat hof rechtbank kamer rijksoverheid ministerie minister provincie provinciale
    staten gedeputeerde waterschap veiligheidsregio politie ggd uwv svb cak cjib duo
    belastingdienst kadaster saxion universiteit hogeschool twence twente stichting
    vereniging coöperatie cooperatie bv nv holding groep partner partners beraad rode draden
    draad signaal signalen memo rapport aanbeveling aanbevelingen bijlage hoofdstuk
    paragraaf artikel lid besluit verordening beleidsregel beleidsregels regeling nota brief
    notitie jaarverslag burgerjaarverslag jaarrekening begroting kadernota voorjaarsnota
    najaarsnota programma project plan noord oost zuid west centrum binnenstad stadsdeel
    wijk buurt dorp stad regio nederland nederlands nederlandse europese europa duitsland
    belgie belgië duits engels turks arabisch pools syrisch maandag dinsdag woensdag
    donderdag vrijdag zaterdag zondag klant klanten burger burgers inwoner inwoners bewoner
    bewoners cliënt client cliënten verzoeker verzoekster klager klaagster bezwaarmaker
    bezwaarde aanvrager aanvraagster melder betrokkene betrokkenen medewerker medewerkers
    behandelaar behandelaars ambtenaar consulent consulenten casemanager jurist juristen
    advocaat gemachtigde voorzitter lid leden tolk mantelzorger ouder ouders kind kinderen
    jongere jongeren oudere ouderen ondernemer ondernemers huurder huurders eigenaar
    eigenaren woningcorporatie datalek datalekken dpia inzageverzoek inzageverzoeken
    verwerkingsregister gegrond ongegrond bezwaar bezwaren klacht klachten beroep
    hoorzitting heer hoofd lijn fase versie bijlage pagina nummer bus postbus dienst recherche
    archief
    """
    )
)

# Frequent Dutch words (sentence starts, adverbs, adjectives, verbs) that also occur in the
# name lists. deduce's own common-word and stop-word lists are added to these.
COMMON_WORDS = frozenset(
    _words(
        """
    aan achter af al alle alleen alles als altijd ander andere anders bij binnen boven
    buiten daar daarbij daardoor daarna daarom daarmee daarnaast dan dat de deze die dit
    doch doen door dus echter een eens eerder eerst elk elke en enkele enige er ergens even
    evenals gaan geen gelukkig gemiddeld groot grote half hier hoe hoewel hun ieder iedere
    iets in intussen is jaar jaarlijks ja kort korter lang langer later laatst laatste maar
    meer meest meestal men met mede minder mogelijk na naar naast nadat niet niets nieuw
    nieuwe nog nooit nu of ofwel om omdat onder ondanks ons ook op opnieuw over overigens
    per rond samen sinds slechts snel sneller soms steeds te tegen ten ter tijdens toch toe
    toen tot totaal tussen uit uiteindelijk vaak van vanaf vanuit veel verder vervolgens via
    voor vooral voordat voorts vrijwel waar waardoor waarbij waarin waarna waarop wanneer
    want was wat weer wel welke wie wij zo zoals zonder zowel klein kleine goed beter best
    beste bos berg veld hoop wil ben dan lang kort snel recht slecht zwart wit rood groen
    blauw bruin vos haan jong oud oude jonge vroeg laat hard zacht sterk zwak rijk arm vrij
    blij boos ziek gezond vol leeg hoog laag breed smal eerste tweede derde vierde vijfde
    twee drie vier vijf zes zeven acht negen tien elf twaalf honderd duizend aantal meerdere
    diverse verschillende sommige weinig weinige meeste klein groot dikwijls zelden
    regelmatig direct daarentegen bovendien tevens eveneens ook hierbij hierdoor hiermee
    hierna hiervan daarvan daarover opvallend opmerkelijk bijvoorbeeld namelijk kortom
    samengevat conclusie tot slot ten slotte graaf winter zomer lente herfst voorjaar najaar
    kerst pasen pinksteren
    """
    )
)

STREET_SUFFIXES = (
    "straat",
    "weg",
    "laan",
    "plein",
    "singel",
    "gracht",
    "kade",
    "dijk",
    "markt",
    "hof",
    "pad",
    "steeg",
    "dreef",
    "park",
    "baan",
    "ring",
    "allee",
    "boulevard",
    "veld",
    "erf",
    "wal",
    "haven",
    "kamp",
    "esch",
    "es",
    "brink",
    "horst",
    "hoek",
    "dam",
    "dal",
    "berg",
    "akker",
    "oord",
    "plantsoen",
    "hagen",
    "maat",
    "maten",
    "veen",
    "kwartier",
    "zijde",
    "poort",
    "stede",
    "hoeve",
    "gaarde",
    "hout",
    "lanen",
    "vaart",
    "wetering",
    "burg",
    "rondeel",
    "promenade",
    "passage",
    "galerij",
    "terras",
    "stoep",
    "tuin",
    "tuinen",
    "heuvel",
    "broek",
    "molen",
    "hoven",
    "weide",
    "weiden",
    "kamp",
    "velden",
    "donk",
)

# Endings of Dutch nouns for organisations and things, not persons: "Tactus Verslavingszorg".
NOUN_SUFFIXES = (
    "zorg", "heid", "schap", "raad", "dienst", "centrum", "loket", "team", "beleid", "plan",
    "verzekeraar", "organisatie", "instituut", "bedrijf", "fonds", "wet", "regeling",
    "commissie", "afdeling", "stichting", "vereniging", "kantoor", "bureau", "punt", "plein",
    "groep", "partners", "school", "college", "academie", "museum", "bibliotheek", "theater",
    "ziekenhuis", "huisvesting", "wonen", "werk", "werken", "gemeente", "provincie", "ing",
    "ie", "iteit", "isme", "atie", "ment", "aal", "eel", "ief", "ijk", "isch", "lijk",
    "ale", "ele", "ische", "lijke", "ieve", "aire", "tie", "sie", "zaken",
)  # fmt: skip

# Words that introduce the name of a place or an organisation, not of a person.
PLACE_NOUNS = frozenset(
    _words(
        """
    wijk wijken buurt buurten stadsdeel dorp dorpen kern kernen woonwijk locatie vestiging
    school scholen stichting vereniging team wijkteam project programma gebouw complex
    straat weg plein park bedrijf organisatie instelling zorgaanbieder aanbieder
    """
    )
)

# Words before tussenvoegsels in the name of a street: "Dr. van Heesweg",
# "Burgemeester van Veenlaan", "Prins Bernhard van Lippe..." (lower case, without the dot).
STREET_TITLES = frozenset(
    _words(
        """
    dr prof mr ir ing burgemeester burg wethouder weth generaal gen koning koningin prins
    prinses graaf gravin hertog hertogin baron jonkheer pastoor pater dominee ds kardinaal
    bisschop kapitein admiraal luitenant kolonel majoor sint st meester mgr monseigneur
    """
    )
)

# Prepositions before a place: "in Berkum", "uit Sofia", "naar Zevenaar".
LOCATIVES = frozenset(_words("in uit te naar rond nabij vanuit richting tussen"))

# Tussenvoegsels that are also ordinary prepositions: part of a name only together with another
# tussenvoegsel ("op den Kamp", "in 't Veld", "uit de Bogaard").
LOOSE_PARTICLES = frozenset(_words("aan in op uit te"))

# Institutions named after people or saints: "Catharina Ziekenhuis", "Jan Ligthart School".
INSTITUTIONS = frozenset(
    _words(
        """
    ziekenhuis kliniek school basisschool college lyceum gymnasium stichting instituut fonds
    huis gasthuis centrum kerk parochie museum academie universiteit hogeschool prijs lezing
    zorg zorggroep groep kazerne hal stadion theater arena podium poppodium huizen molen
    kinderziekenhuis apotheek praktijk kerk moskee fabriek
    """
    )
)

# Capitalised words that stand before a number without being a street: "Artikel 7", "Fase 2".
NOT_STREETS = frozenset(
    _words(
        """
    artikel art hoofdstuk paragraaf bijlage lid fase versie pagina blz nummer nr week jaar
    kwartaal maand dag team zaal kamer bus lijn route stap ronde groep klas niveau categorie
    wet rapport rapporten memo besluit brief punt agendapunt item vraag vragen deel boek
    titel afdeling zaak dossier postbus hal verdieping etage gebouw blok unit periode
    tranche sprint release editie jaargang
    """
    )
)

# Surnames that follow tussenvoegsels and are ordinary words as well, which deduce's lists lack:
# "de Wit", "van Wijk", "de Groot" (the tussenvoegsel makes them a name).
PARTICLE_SURNAMES = frozenset(
    _words(
        """
    wit wijk jong groot boer bos berg dijk haan vos graaf bruin lange klein leeuw wolf meer
    brink ven veen heuvel laan beek kamp hoek horst poel velde zande linden haar ruiter
    bakker koning kok beer roos vries hoeven steen weerd water loo hout burg wal bosch rijn
    heide hof vliet zee dam kerk broek sluis bergh velden akker goor molen plas
    """
    )
)


def _read(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip()]


@dataclass(frozen=True)
class Lexicon:
    first_names: frozenset[str]
    surnames: frozenset[str]
    places: frozenset[str]
    place_words: frozenset[str]
    streets: frozenset[str]
    common_words: frozenset[str]
    trade_words: frozenset[str]
    # How often each word occurs in Dutch, as a share of all words, for the 29,000 words that
    # occur at least once in a million (wordfreq's small list); other words are absent.
    frequencies: Mapping[str, float] = field(default_factory=dict)

    def zipf(self, word: str) -> float:
        """The word's Zipf frequency in Dutch: 3 is once in a million words, 6 once in a
        thousand; 0 for a word rarer than 3."""
        frequency = self.frequencies.get(word.lower())
        return math.log10(frequency) + 9 if frequency else 0.0

    def is_first_name(self, word: str) -> bool:
        return word.lower() in self.first_names

    def is_surname(self, word: str) -> bool:
        return word.lower() in self.surnames

    def is_common(self, word: str) -> bool:
        """A common Dutch word or a word of the trade (places not included)."""
        lower = word.lower()
        return lower in self.common_words or lower in self.trade_words or lower in MONTHS

    def is_place(self, word: str) -> bool:
        return word.lower() in self.places

    def is_ordinary(self, word: str) -> bool:
        """A word that is not a name on its own: common Dutch, the trade, a place, a month."""
        lower = word.lower()
        return (
            lower in self.common_words
            or lower in self.trade_words
            or lower in self.place_words
            or lower in MONTHS
        )


@cache
def load_lexicon() -> Lexicon:
    root = DEDUCE_DIR
    names = root / "names"
    first_name_exceptions = {w.lower() for w in _read(names / "lst_first_name/exceptions.txt")}
    first_names = {w.lower() for w in _read(names / "lst_first_name/items.txt")}
    first_names -= first_name_exceptions
    surname_exceptions = {w.lower() for w in _read(names / "lst_surname/exceptions.txt")}
    surnames = {w.lower() for w in _read(names / "lst_surname/items.txt")}
    surnames |= {w.lower() for w in _read(names / "lst_interfix_surname/items.txt")}
    surnames -= surname_exceptions
    surnames |= PARTICLE_SURNAMES

    locations = root / "locations"
    places: set[str] = set()
    for kind in ("lst_residence", "lst_municipality", "lst_province", "lst_region"):
        places |= {w.lower() for w in _read(locations / "lst_placename" / kind / "items.txt")}
    # Every word of a multi-word place ("Noord-Brabant", "Den Haag") is a place word.
    place_words = set(places)
    for place in places:
        place_words.update(part for part in place.replace("-", " ").split() if len(part) > 2)
    place_words -= INTERFIXES

    streets = {w.lower() for w in _read(locations / "lst_street/streets_bag.txt")}

    whitelist = root / "whitelist"
    common = {w.lower() for w in _read(whitelist / "lst_common_word/items.txt")}
    common |= {w.lower() for w in _read(whitelist / "lst_stop_word/items.txt")}
    common |= COMMON_WORDS
    return Lexicon(
        first_names=frozenset(first_names),
        surnames=frozenset(surnames),
        places=frozenset(places),
        place_words=frozenset(place_words),
        streets=frozenset(streets),
        common_words=frozenset(common),
        trade_words=TRADE_WORDS,
        frequencies=read_frequencies(),
    )
