# ruff: noqa: E501  (a table of demo data, one signal per entry)
"""The demo signals: what five oversight bodies of a Dutch municipality might record over three
half-years. Fictitious and anonymised, with themes that recur across bodies (late decisions in
the Wmo and youth care, a contact centre that does not call back, letters nobody understands,
personal data sent to the wrong address, recommendations that are not followed up), so that the
beraad has rode draden to find.

Each entry: body, half-year (0 = two half-years ago, 2 = the current one), title, description,
aspects (short names), classification (codes of the body's yardstick), details, cases, impact,
positive, organisation units, submitted.
"""

DEMO_SIGNALS = [
    # --- Klachtencommissaris ---------------------------------------------------------------
    ("klachtencommissaris", 0, "Wmo-aanvragen blijven lang liggen",
     "Een groot deel van de klachten over de Wmo gaat over aanvragen waarop na acht weken nog "
     "geen beslissing is genomen. Inwoners horen niets over de voortgang en moeten zelf "
     "navragen hoe het staat.",
     ["tijdigheid", "communicatie-informatievoorziening"], ["voortvarendheid", "informatieverstrekking"],
     {"uitkomst": "gegrond", "behandelduur_dagen": 41}, 23, "hoog", False, ["Wmo en jeugd"], True),
    ("klachtencommissaris", 0, "Terugbelverzoeken van het Klantcontactcentrum niet opgevolgd",
     "Inwoners die om een terugbelafspraak vragen, worden vaak niet teruggebeld. Sommigen "
     "bellen drie of vier keer voordat zij iemand van het vakteam spreken.",
     ["communicatie-informatievoorziening", "rolvaardigheid-bejegening"], ["bereikbaarheid", "afspraken"],
     {"uitkomst": "deels_gegrond", "behandelduur_dagen": 28}, 17, "midden", False,
     ["Klantcontactcentrum"], True),
    ("klachtencommissaris", 1, "Opnieuw lange wachttijden bij Wmo en jeugd",
     "Ook dit halfjaar gaan de meeste gegronde klachten over beslistermijnen in de Wmo en de "
     "jeugdhulp. Een verdaging wordt zelden gemeld en een ingebrekestelling wordt niet altijd "
     "herkend.",
     ["tijdigheid", "kennis-wet-regelgeving"], ["voortvarendheid"],
     {"uitkomst": "gegrond", "behandelduur_dagen": 38}, 19, "hoog", False, ["Wmo en jeugd"], True),
    ("klachtencommissaris", 1, "Toon in brieven over terugvordering",
     "Klagers ervaren brieven over terugvordering van bijstand als beschuldigend. De brieven "
     "noemen bedragen en artikelen, maar leggen niet uit wat de inwoner kan doen.",
     ["communicatie-informatievoorziening", "rolvaardigheid-bejegening"], ["bejegening", "motivering"],
     {"uitkomst": "deels_gegrond", "behandelduur_dagen": 33}, 9, "midden", False,
     ["Werk en inkomen"], True),
    ("klachtencommissaris", 1, "Bellen na een klacht werkt",
     "Waar een medewerker binnen twee werkdagen belt na ontvangst van een klacht, wordt de "
     "klacht in ruim de helft van de gevallen informeel opgelost. Inwoners waarderen dat zeer.",
     ["geschilbeslechting"], ["bejegening"],
     {"uitkomst": "bemiddeld", "behandelduur_dagen": 9}, 31, "midden", True,
     ["Publiekszaken", "Werk en inkomen"], True),
    ("klachtencommissaris", 2, "E-mail met gegevens naar verkeerde ontvanger",
     "Drie klachten gaan over een e-mail met een beschikking die naar een andere inwoner is "
     "gestuurd. De afdeling bood excuses aan, maar meldde het niet aan de FG.",
     ["privacy-gegevensbescherming"], ["zorgvuldigheid"],
     {"uitkomst": "gegrond", "behandelduur_dagen": 21}, 3, "hoog", False, ["Wmo en jeugd"], True),
    ("klachtencommissaris", 2, "Terugbelafspraken nog steeds niet nagekomen",
     "Het aantal klachten over niet nagekomen terugbelafspraken is gelijk gebleven. Het nieuwe "
     "klantvolgsysteem laat niet zien wie een verzoek moet oppakken.",
     ["communicatie-informatievoorziening"], ["bereikbaarheid", "afspraken"],
     {"uitkomst": "gegrond", "behandelduur_dagen": 25}, 14, "midden", False,
     ["Klantcontactcentrum"], True),
    # --- Bezwarencommissie -------------------------------------------------------------------
    ("bezwarencommissie", 0, "Besluiten Wmo onvoldoende gemotiveerd",
     "In bezwaarzaken over de Wmo ontbreekt vaak een kenbare afweging van de persoonlijke "
     "situatie. Het onderzoeksverslag wordt niet meegestuurd, zodat de inwoner niet kan zien "
     "waarop het besluit rust (artikel 3:46 Awb).",
     ["kennis-wet-regelgeving", "communicatie-informatievoorziening"], ["motivering", "zorgvuldigheid"],
     {"uitkomst": "gegrond", "advies_niet_gevolgd": "nee"}, 27, "hoog", False, ["Wmo en jeugd"], True),
    ("bezwarencommissie", 0, "Beslistermijn op bezwaar vaak overschreden",
     "Bij een derde van de bezwaren wordt de termijn van artikel 7:10 Awb overschreden, vooral "
     "doordat dossiers laat worden aangeleverd door de vakafdeling.",
     ["tijdigheid"], ["termijnen"],
     {"uitkomst": "ongegrond"}, 48, "midden", False, ["Vergunningen en handhaving"], True),
    ("bezwarencommissie", 1, "Hoorzittingen zonder stukken",
     "Bij handhavingszaken krijgt de bezwaarmaker de stukken soms pas op de hoorzitting te "
     "zien. Daarmee wordt niet voldaan aan artikel 7:4 Awb.",
     ["kennis-wet-regelgeving", "geschilbeslechting"], ["hoorplicht", "zorgvuldigheid"],
     {"uitkomst": "gegrond", "advies_niet_gevolgd": "nee"}, 11, "midden", False,
     ["Vergunningen en handhaving"], True),
    ("bezwarencommissie", 1, "Advies niet gevolgd zonder uitleg",
     "In vier zaken volgde het college het advies van de commissie niet, zonder in de "
     "beslissing op bezwaar uit te leggen waarom (artikel 7:13 lid 7 Awb).",
     ["kennis-wet-regelgeving"], ["motivering"],
     {"uitkomst": "gegrond", "advies_niet_gevolgd": "ja"}, 4, "hoog", False, ["Werk en inkomen"], True),
    ("bezwarencommissie", 1, "Informeel overleg voorkomt procedures",
     "Na een telefonisch gesprek trok een kwart van de bezwaarmakers tegen WOZ-beschikkingen "
     "het bezwaar in, omdat de waardebepaling alsnog werd uitgelegd.",
     ["geschilbeslechting", "communicatie-informatievoorziening"], ["zorgvuldigheid"],
     {"uitkomst": "niet_ontvankelijk"}, 62, "laag", True, ["Financiën"], True),
    ("bezwarencommissie", 2, "Wmo-besluiten: motivering blijft achter",
     "Ondanks de werkinstructie van vorig jaar blijven besluiten over maatwerkvoorzieningen "
     "summier gemotiveerd. De commissie ziet hetzelfde patroon als in eerdere halfjaren.",
     ["kennis-wet-regelgeving"], ["motivering"],
     {"uitkomst": "gegrond", "advies_niet_gevolgd": "nee"}, 22, "hoog", False, ["Wmo en jeugd"], True),
    # --- Functionaris gegevensbescherming ----------------------------------------------------
    ("fg", 0, "Datalekken door verkeerd geadresseerde post",
     "De meeste gemelde datalekken ontstaan doordat brieven of e-mails naar een verkeerd adres "
     "gaan. De oorzaak is meestal een verouderd adres in het zaaksysteem.",
     ["privacy-gegevensbescherming"], ["beveiliging", "juistheid"],
     {"onderwerp": "datalek", "gemeld_bij_ap": "nee"}, 34, "midden", False,
     ["Informatievoorziening", "Werk en inkomen"], True),
    ("fg", 0, "Inzageverzoeken niet binnen een maand afgehandeld",
     "Een deel van de verzoeken om inzage onder artikel 15 AVG wordt later dan de wettelijke "
     "termijn van een maand afgehandeld, zonder bericht aan de verzoeker.",
     ["tijdigheid", "privacy-gegevensbescherming"], ["transparantie", "verantwoording"],
     {"onderwerp": "verzoek_betrokkene"}, 12, "midden", False, ["Publiekszaken"], True),
    ("fg", 1, "Dossiers gedeeld met zorgaanbieders zonder grondslag",
     "Bij de toegang tot jeugdhulp worden volledige dossiers gedeeld met zorgaanbieders, ook "
     "waar een samenvatting volstaat. De FG adviseert dataminimalisatie.",
     ["privacy-gegevensbescherming", "kennis-wet-regelgeving"], ["minimalisatie", "doelbinding"],
     {"onderwerp": "advies"}, 6, "hoog", False, ["Wmo en jeugd"], True),
    ("fg", 1, "Datalek: e-mail met beschikking naar verkeerde inwoner",
     "Een beschikking met medische informatie werd per e-mail naar een verkeerde ontvanger "
     "gestuurd. Het lek is gemeld bij de Autoriteit Persoonsgegevens.",
     ["privacy-gegevensbescherming"], ["beveiliging"],
     {"onderwerp": "datalek", "gemeld_bij_ap": "ja"}, 2, "hoog", False, ["Wmo en jeugd"], True),
    ("fg", 2, "DPIA's bij nieuwe systemen te laat gestart",
     "Voor twee nieuwe systemen in het sociaal domein is de DPIA pas gestart na de aanschaf. "
     "Aanpassingen zijn daardoor duur of niet meer mogelijk.",
     ["privacy-gegevensbescherming", "doelmatigheid-doeltreffendheid"], ["verantwoording"],
     {"onderwerp": "dpia"}, 2, "midden", False, ["Informatievoorziening"], True),
    ("fg", 2, "Minder datalekken na adrescontrole",
     "Sinds het zaaksysteem het adres controleert voordat een brief wordt verstuurd, is het "
     "aantal datalekken door verkeerde adressering gehalveerd.",
     ["privacy-gegevensbescherming"], ["juistheid"],
     {"onderwerp": "datalek", "gemeld_bij_ap": "nee"}, 15, "laag", True, ["Informatievoorziening"], False),
    # --- Ombudsman -----------------------------------------------------------------------------
    ("ombudsman", 0, "Inwoners van het kastje naar de muur",
     "Inwoners met vragen over zowel bijstand als de Wmo worden tussen teams doorverwezen. "
     "Niemand voelt zich eigenaar van de vraag.",
     ["rolvaardigheid-bejegening", "communicatie-informatievoorziening"], ["samenwerken", "maatwerk"],
     {"soort_zaak": "klacht"}, 15, "hoog", False, ["Werk en inkomen", "Wmo en jeugd"], True),
    ("ombudsman", 0, "Toezegging over terugbellen niet nagekomen",
     "De gemeente zegde vorig jaar toe dat inwoners binnen twee werkdagen worden teruggebeld. "
     "Het onderzoek van de ombudsman laat zien dat dit in de helft van de gevallen niet gebeurt.",
     ["communicatie-informatievoorziening"], ["betrouwbaarheid", "voortvarendheid"],
     {"soort_zaak": "toezegging", "toezegging_nagekomen": "nee"}, 1, "midden", False,
     ["Klantcontactcentrum"], True),
    ("ombudsman", 1, "Onbegrijpelijke brieven over de Wmo",
     "Brieven over de eigen bijdrage en over de herindicatie zijn voor veel inwoners niet te "
     "begrijpen. Zij bellen daarna het Klantcontactcentrum, dat het ook niet kan uitleggen.",
     ["communicatie-informatievoorziening"], ["informatie", "transparant"],
     {"soort_zaak": "klacht"}, 21, "midden", False, ["Wmo en jeugd", "Klantcontactcentrum"], True),
    ("ombudsman", 1, "Eigen onderzoek: beslistermijnen jeugdhulp",
     "In het eigen onderzoek naar de jeugdhulp bleek dat een op de vier aanvragen buiten de "
     "termijn wordt beslist. Ouders krijgen geen bericht over de vertraging.",
     ["tijdigheid", "doelmatigheid-doeltreffendheid"], ["voortvarendheid", "informatie"],
     {"soort_zaak": "onderzoek"}, 1, "hoog", False, ["Wmo en jeugd"], True),
    ("ombudsman", 2, "Handhaving: inwoners niet gehoord",
     "Bij handhaving op bouwwerken krijgen inwoners geen gelegenheid hun kant te vertellen "
     "voordat een last onder dwangsom wordt opgelegd.",
     ["geschilbeslechting", "rolvaardigheid-bejegening"], ["luisteren", "fair-play"],
     {"soort_zaak": "klacht"}, 7, "midden", False, ["Vergunningen en handhaving"], True),
    ("ombudsman", 2, "Maatwerk bij schulden werkt",
     "Waar consulenten de ruimte nemen om af te wijken van de standaardregeling, worden "
     "schulden sneller geregeld en komen minder klachten binnen.",
     ["doelmatigheid-doeltreffendheid"], ["maatwerk"],
     {"soort_zaak": "klacht"}, 5, "laag", True, ["Werk en inkomen"], False),
    # --- Rekenkamer --------------------------------------------------------------------------
    ("rekenkamer", 0, "Aanbevelingen over de Wmo niet opgevolgd",
     "Van de aanbevelingen uit het rapport over de Wmo is twee jaar later minder dan de helft "
     "uitgevoerd. De raad is daarover niet geïnformeerd.",
     ["doelmatigheid-doeltreffendheid"], ["opvolging", "doeltreffendheid"],
     {"rapport": "Zorg op maat, tijd op maat (2023)", "opvolging": "niet"}, 6, "hoog", False,
     ["Wmo en jeugd"], True),
    ("rekenkamer", 0, "Sturing op het Klantcontactcentrum ontbreekt",
     "Er zijn geen doelen vastgesteld voor de bereikbaarheid en het terugbellen. Daardoor kan "
     "niet worden beoordeeld of de extra formatie iets oplevert.",
     ["doelmatigheid-doeltreffendheid", "communicatie-informatievoorziening"], ["doelmatigheid"],
     {"rapport": "Goed bereikbaar? (2024)", "opvolging": "deels"}, 4, "midden", False,
     ["Klantcontactcentrum"], True),
    ("rekenkamer", 1, "Kosten jeugdhulp stijgen zonder zicht op resultaat",
     "De uitgaven aan jeugdhulp stegen met 18% terwijl de gemeente niet meet of de hulp werkt. "
     "Wachttijden zijn niet in beeld.",
     ["doelmatigheid-doeltreffendheid", "tijdigheid"], ["doeltreffendheid", "doelmatigheid"],
     {"rapport": "Jeugdhulp in beeld (2025)", "opvolging": "onbekend"}, 1, "hoog", False,
     ["Wmo en jeugd", "Financiën"], True),
    ("rekenkamer", 2, "Opvolging aanbevelingen nog steeds traag",
     "Bij de jaarlijkse monitor blijkt opnieuw dat aanbevelingen over tijdigheid in het sociaal "
     "domein niet zijn uitgevoerd. Het college zegde in 2024 verbetering toe.",
     ["doelmatigheid-doeltreffendheid", "tijdigheid"], ["opvolging"],
     {"rapport": "Monitor opvolging aanbevelingen 2026", "opvolging": "niet"}, 9, "hoog", False,
     ["Wmo en jeugd"], True),
    ("rekenkamer", 2, "Rechtmatigheid subsidies op orde",
     "De steekproef naar subsidieverstrekking laat zien dat de regels goed worden toegepast en "
     "verantwoordingen op tijd worden beoordeeld.",
     ["kennis-wet-regelgeving"], ["rechtmatigheid"],
     {"rapport": "Subsidies onder de loep (2026)", "opvolging": "opgevolgd"}, 40, "laag", True,
     ["Financiën"], True),
]  # fmt: skip
