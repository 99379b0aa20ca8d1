"""Demo data of the deliberation app: two sessions that are done (rode draden, analyses,
recommendations, responses) and a third one in session, on the demo signals of the three
half-years, all made through the services.

Idempotent: a session that exists (by year and season) is left as it is.
"""

from __future__ import annotations

from datetime import timedelta

from rodedraden.accounts.demo import DemoLogin
from rodedraden.accounts.models import Role, User
from signals.demo import half_years
from signals.guard import ensure_no_personal_data
from signals.models import Membership, OrganisationUnit, OversightBody

from . import services
from .models import Addressee, Beraad, BeraadSignal, Recommendation, Response, Season, Theme

TIJDIGHEID = "Tijdigheid in Wmo en jeugd"
BEREIKBAARHEID = "Bereikbaarheid en terugbellen"
BRIEVEN = "Begrijpelijke brieven en motivering"
PRIVACY = "Zorgvuldig omgaan met persoonsgegevens"
OPVOLGING = "Opvolging van aanbevelingen en toezeggingen"
HOREN = "Inwoners horen en betrekken"
INFORMEEL = "Informele aanpak werkt"

THEMES = {
    TIJDIGHEID: "Beslissingen over ondersteuning komen te laat en inwoners horen niets.",
    BEREIKBAARHEID: "Inwoners komen niet door of worden niet teruggebeld.",
    BRIEVEN: "Besluiten en brieven zijn niet te begrijpen of niet gemotiveerd.",
    PRIVACY: "Persoonsgegevens gaan naar de verkeerde ontvanger of worden te ruim gedeeld.",
    OPVOLGING: "Aanbevelingen en toezeggingen worden niet of traag uitgevoerd.",
    HOREN: "Inwoners krijgen geen gelegenheid hun kant van het verhaal te vertellen.",
    INFORMEEL: "Persoonlijk contact voorkomt klachten en procedures.",
}

# The themes of each demo signal (by title); signals of the session in progress are left
# partly untagged, so that the suggestions show.
TAGS = {
    "Wmo-aanvragen blijven lang liggen": [TIJDIGHEID],
    "Terugbelverzoeken van het Klantcontactcentrum niet opgevolgd": [BEREIKBAARHEID],
    "Besluiten Wmo onvoldoende gemotiveerd": [BRIEVEN],
    "Beslistermijn op bezwaar vaak overschreden": [TIJDIGHEID],
    "Datalekken door verkeerd geadresseerde post": [PRIVACY],
    "Inzageverzoeken niet binnen een maand afgehandeld": [TIJDIGHEID],
    "Inwoners van het kastje naar de muur": [BEREIKBAARHEID],
    "Toezegging over terugbellen niet nagekomen": [BEREIKBAARHEID, OPVOLGING],
    "Aanbevelingen over de Wmo niet opgevolgd": [OPVOLGING, TIJDIGHEID],
    "Sturing op het Klantcontactcentrum ontbreekt": [BEREIKBAARHEID],
    "Opnieuw lange wachttijden bij Wmo en jeugd": [TIJDIGHEID],
    "Toon in brieven over terugvordering": [BRIEVEN],
    "Bellen na een klacht werkt": [INFORMEEL],
    "Hoorzittingen zonder stukken": [HOREN],
    "Advies niet gevolgd zonder uitleg": [BRIEVEN],
    "Informeel overleg voorkomt procedures": [INFORMEEL],
    "Dossiers gedeeld met zorgaanbieders zonder grondslag": [PRIVACY],
    "Datalek: e-mail met beschikking naar verkeerde inwoner": [PRIVACY],
    "Onbegrijpelijke brieven over de Wmo": [BRIEVEN],
    "Eigen onderzoek: beslistermijnen jeugdhulp": [TIJDIGHEID],
    "Kosten jeugdhulp stijgen zonder zicht op resultaat": [TIJDIGHEID],
    # The session in progress: some tagged, the rest waits for the chair.
    "E-mail met gegevens naar verkeerde ontvanger": [PRIVACY],
    "Terugbelafspraken nog steeds niet nagekomen": [BEREIKBAARHEID],
    "Opvolging aanbevelingen nog steeds traag": [OPVOLGING],
}

ANALYSES = {
    TIJDIGHEID: (
        "Vier toezichtsorganen zien hetzelfde: aanvragen en bezwaren in het sociaal domein "
        "blijven liggen, zonder dat inwoners horen waarom. De oorzaak ligt niet bij één team: "
        "dossiers gaan heen en weer tussen toegang, uitvoering en juridische zaken."
    ),
    BEREIKBAARHEID: (
        "Inwoners komen niet door, worden niet teruggebeld en worden van loket naar loket "
        "gestuurd. De toezegging om binnen twee werkdagen terug te bellen wordt niet nagekomen."
    ),
    BRIEVEN: (
        "Besluiten zijn juridisch correct maar niet te begrijpen, en de afweging van de "
        "persoonlijke situatie ontbreekt. Dat leidt tot bezwaren die niet nodig waren."
    ),
    PRIVACY: (
        "Datalekken ontstaan vooral door verouderde adressen en door het delen van volledige "
        "dossiers waar minder volstaat."
    ),
    OPVOLGING: (
        "Aanbevelingen van de rekenkamer en toezeggingen aan de ombudsman worden aanvaard, "
        "maar niet gevolgd in de uitvoering. Niemand bewaakt de voortgang."
    ),
    INFORMEEL: (
        "Waar medewerkers inwoners snel persoonlijk benaderen, worden klachten en bezwaren "
        "vaker opgelost zonder procedure. Dat verdient navolging in de hele organisatie."
    ),
}

RECOMMENDATIONS = {
    TIJDIGHEID: [
        (
            "Stel per maatwerkvoorziening een doorlooptijd vast en bericht inwoners actief "
            "wanneer die niet wordt gehaald.",
            Addressee.DIRECTIE,
            "Sociaal domein",
        ),
        (
            "Laat de concerndirectie elk kwartaal sturen op de beslistermijnen in het sociaal "
            "domein.",
            Addressee.CONCERNDIRECTIE,
            None,
        ),
    ],
    BEREIKBAARHEID: [
        (
            "Maak één team eigenaar van elk terugbelverzoek en meet of het binnen twee "
            "werkdagen gebeurt.",
            Addressee.DIRECTIE,
            "Dienstverlening",
        ),
    ],
    BRIEVEN: [
        (
            "Herschrijf de standaardbrieven van de Wmo en de bijstand op B1-niveau en toets "
            "ze met inwoners.",
            Addressee.CONCERNDIRECTIE,
            None,
        ),
    ],
    PRIVACY: [
        (
            "Controleer het adres in het zaaksysteem voordat een besluit wordt verzonden.",
            Addressee.BURGEMEESTER,
            None,
        ),
    ],
    OPVOLGING: [
        (
            "Leg aanbevelingen en toezeggingen vast in één overzicht met eigenaar en termijn, "
            "en bespreek de voortgang twee keer per jaar met de toezichtsorganen.",
            Addressee.CONCERNDIRECTIE,
            None,
        ),
    ],
    INFORMEEL: [
        (
            "Maak de informele aanpak na ontvangst van een klacht of bezwaar de standaard in "
            "alle directies.",
            Addressee.BURGEMEESTER,
            None,
        ),
    ],
}

# A rode draad that comes back gets a sharper recommendation the second time.
RECOMMENDATIONS_AGAIN = {
    TIJDIGHEID: [
        (
            "Wijs binnen drie maanden één eigenaar aan voor de beslistermijnen in het sociaal "
            "domein en rapporteer elk halfjaar aan de raad.",
            Addressee.BURGEMEESTER,
            None,
        ),
    ],
}

# The responses, in the order of the recommendations (rode draden with most bodies first):
# (response, reason, status, owner). The first session has all of them, the second two.
RESPONSES = {
    0: [
        (Response.OVERGENOMEN, "", "in_uitvoering", "Directeur Sociaal domein"),
        (Response.DEELS, "Sturing gebeurt al via de P&C-cyclus.", "open", "Concerncontroller"),
        (Response.OVERGENOMEN, "", "afgerond", "Manager Klantcontactcentrum"),
        (Response.NIET, "De voortgang staat al in de P&C-cyclus.", "vervallen", ""),
    ],
    1: [
        (Response.OVERGENOMEN, "", "in_uitvoering", "Teamleider Communicatie"),
        (Response.OVERGENOMEN, "", "open", "Directeur Sociaal domein"),
    ],
}  # fmt: skip


def seed(*, password: str) -> list[DemoLogin]:
    chair = User.objects.filter(role=Role.CHAIR, is_active=True).order_by("pk").first()
    reader = User.objects.filter(role=Role.READER, is_active=True).order_by("pk").first()
    if chair is None or reader is None:
        return []
    themes = {}
    for name, description in THEMES.items():
        ensure_no_personal_data({"name": name})  # before the lookup, so never in a query
        themes[name] = Theme.objects.filter(name=name).first() or services.theme_create(
            user=chair, name=name, description=description
        )
    halves = half_years()
    for index, (start, end) in enumerate(halves):
        season = Season.VOORJAAR if start.month == 7 else Season.NAJAAR
        year = start.year + 1 if season == Season.VOORJAAR else start.year
        if Beraad.objects.filter(year=year, season=season).exists():
            continue
        _seed_session(
            chair=chair,
            reader=reader,
            themes=themes,
            season=season,
            year=year,
            start=start,
            end=end,
            finished=index < 2,
            responses=RESPONSES.get(index, []),
        )
    return []


def _seed_session(*, chair, reader, themes, season, year, start, end, finished, responses):
    proposal_date = end + timedelta(days=75)
    label = "voorjaar" if season == Season.VOORJAAR else "najaar"
    beraad = services.beraad_create(
        user=chair,
        title=f"Rode-dradenberaad {label} {year}",
        season=season,
        year=year,
        date=proposal_date,
        period_start=start,
        period_end=end,
        submission_deadline=proposal_date - timedelta(days=21),
        bodies=OversightBody.objects.filter(is_active=True),
        agenda=(
            "1. Opening en mededelingen\n2. Terugblik op de aanbevelingen van het vorige "
            "beraad\n3. Signalen per orgaan\n4. Rode draden benoemen\n5. Aanbevelingen\n"
            "6. Rondvraag en sluiting"
        ),
    )
    services.beraad_open_intake(beraad=beraad, user=chair)
    for body in beraad.bodies.all():
        member = Membership.objects.filter(body=body, user__role=Role.MEMBER).first()
        if member is not None:
            services.intake_complete(beraad=beraad, body=body, user=member.user)
    beraad = services.beraad_start(beraad=beraad, user=chair)
    for inclusion in BeraadSignal.objects.filter(beraad=beraad).select_related("signal"):
        for name in TAGS.get(inclusion.signal.title, []):
            services.tag_set(
                beraad=beraad, inclusion=inclusion, theme=themes[name], user=chair, tagged=True
            )
    if not finished:
        return
    beraad = services.beraad_update(
        beraad=beraad,
        user=chair,
        version=beraad.version,
        title=beraad.title,
        date=beraad.date,
        period_start=beraad.period_start,
        period_end=beraad.period_end,
        submission_deadline=beraad.submission_deadline,
        bodies=beraad.bodies.all(),
        agenda=beraad.agenda,
        attendance=(
            "Voorzitter; secretarissen van de rekenkamer, de klachtencommissaris, de "
            "bezwarencommissie, de functionaris gegevensbescherming en de ombudsman."
        ),
        minutes="De signalen zijn per orgaan toegelicht en de rode draden zijn benoemd.",
        summary=(
            "De toezichtsorganen zien vooral dat inwoners lang moeten wachten en slecht "
            "bereikbaar zijn voor de gemeente. Zij doen aanbevelingen om daarop te sturen."
        ),
        min_bodies=beraad.min_bodies,
    )
    from .selectors import theme_statuses

    directorates = {unit.name: unit for unit in OrganisationUnit.objects.filter(parent=None)}
    for status in theme_statuses(beraad):
        name = status.theme.name
        if not status.is_rode_draad or name not in ANALYSES:
            continue
        examples = BeraadSignal.objects.filter(beraad=beraad, tags__theme=status.theme)[:2]
        services.analysis_save(
            beraad=beraad,
            theme=status.theme,
            user=chair,
            version=0,
            text=ANALYSES[name],
            example_ids=[example.pk for example in examples],
        )
        recommendations = RECOMMENDATIONS.get(name, [])
        if Recommendation.objects.filter(theme=status.theme).exclude(beraad=beraad).exists():
            recommendations = RECOMMENDATIONS_AGAIN.get(name, recommendations)
        for text, addressee, directorate in recommendations:
            services.recommendation_create(
                beraad=beraad,
                theme=status.theme,
                user=chair,
                text=text,
                addressee=addressee,
                directorate=directorates.get(directorate) if directorate else None,
            )
    beraad = services.beraad_draft_memo(beraad=beraad, user=chair)
    beraad = services.beraad_adopt(beraad=beraad, user=chair)
    beraad = services.beraad_share(beraad=beraad, user=chair)
    for recommendation, (response, reason, status, owner) in zip(
        beraad.recommendations.order_by("pk"), responses, strict=False
    ):
        services.recommendation_respond(
            recommendation=recommendation,
            user=reader,
            version=recommendation.version,
            response=response,
            response_reason=reason,
            owner=owner,
            due_date=beraad.date + timedelta(days=240),
            progress="Plan van aanpak is vastgesteld." if status != "vervallen" else "",
            status=status,
        )
