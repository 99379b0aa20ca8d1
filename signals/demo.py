"""Demo data of the signals app: the five bodies of the source documents, a member each, and
their signals over three half-years (see ``demo_signals``)."""

from datetime import date

from django.utils import timezone

from rodedraden.accounts.demo import DemoLogin, demo_user
from rodedraden.accounts.models import Role

from .demo_signals import DEMO_SIGNALS
from .guard import ensure_no_personal_data
from .models import Aspect, Membership, OrganisationUnit, OversightBody, Signal
from .services import (
    body_create,
    membership_create,
    organisation_unit_create,
    signal_create,
    signal_submit,
)

BODIES = [
    # slug, name, kind, member username, first name, last name
    ("rekenkamer", "Rekenkamer", "rekenkamer", "lid-rekenkamer", "Pieter", "de Boer"),
    (
        "klachtencommissaris",
        "Klachtencommissaris",
        "klachtencommissaris",
        "lid-klachtencommissaris",
        "Sanne",
        "Mulder",
    ),
    (
        "bezwarencommissie",
        "Bezwarencommissie",
        "bezwarencommissie",
        "lid-bezwarencommissie",
        "Ahmed",
        "Yilmaz",
    ),
    ("fg", "Functionaris gegevensbescherming", "fg", "lid-fg", "Lotte", "Smit"),
    ("ombudsman", "Ombudsman", "ombudsman", "lid-ombudsman", "Hendrik", "Meijer"),
]


# A typical municipal organisation: directorates with a few of their teams.
ORGANISATION_UNITS = {
    "Dienstverlening": ["Publiekszaken", "Klantcontactcentrum"],
    "Sociaal domein": ["Werk en inkomen", "Wmo en jeugd"],
    "Fysiek domein": ["Vergunningen en handhaving", "Beheer openbare ruimte"],
    "Bedrijfsvoering": ["Informatievoorziening", "Financiën"],
}


def seed(*, password: str) -> list[DemoLogin]:
    for directorate, teams in ORGANISATION_UNITS.items():
        # Scanned before they are looked up: a refused text never reaches a query.
        ensure_no_personal_data({"name": directorate})
        for team in teams:
            ensure_no_personal_data({"name": team})
        parent = OrganisationUnit.objects.filter(
            name=directorate
        ).first() or organisation_unit_create(name=directorate)
        for team in teams:
            if not OrganisationUnit.objects.filter(name=team).exists():
                organisation_unit_create(name=team, parent=parent)
    logins = []
    for slug, name, kind, username, first_name, last_name in BODIES:
        body = OversightBody.objects.filter(slug=slug).first() or body_create(
            name=name, slug=slug, kind=kind
        )
        member = demo_user(
            username=username,
            role=Role.MEMBER,
            password=password,
            first_name=first_name,
            last_name=last_name,
            job_title=f"Secretaris {name.lower()}",
        )
        if not Membership.objects.filter(user=member, body=body).exists():
            membership_create(user=member, body=body, notify=False)
        logins.append(DemoLogin(username, f"{Role.MEMBER.label}: {name}"))
    seed_signals()
    return logins


def half_years(today: date | None = None) -> list[tuple[date, date]]:
    """The current half-year and the two before it, oldest first."""
    today = today or timezone.localdate()
    index = today.year * 2 + (0 if today.month <= 6 else 1)
    halves = []
    for offset in (2, 1, 0):
        year, half = divmod(index - offset, 2)
        halves.append(
            (date(year, 1, 1), date(year, 6, 30))
            if half == 0
            else (date(year, 7, 1), date(year, 12, 31))
        )
    return halves


def seed_signals() -> None:
    """Each demo signal once (by body and title), entered and submitted by the body's member,
    through the services and so through the anonymisation guard."""
    halves = half_years()
    aspects = {aspect.slug: aspect for aspect in Aspect.objects.all()}
    units = {unit.name: unit for unit in OrganisationUnit.objects.all()}
    for (slug, half, title, description, aspect_slugs, classification, details, cases, impact,
         positive, unit_names, submitted) in DEMO_SIGNALS:  # fmt: skip
        body = OversightBody.objects.get(slug=slug)
        # Scanned before it is looked up: a refused title never reaches a query.
        ensure_no_personal_data({"title": title})
        if Signal.objects.filter(body=body, title=title).exists():
            continue
        author = Membership.objects.filter(body=body).select_related("user").first().user
        start, end = halves[half]
        signal = signal_create(
            body=body,
            author=author,
            title=title,
            description=description,
            period_start=start,
            period_end=end,
            case_count=cases,
            impact=impact,
            is_positive=positive,
            aspects=[aspects[code] for code in aspect_slugs if code in aspects],
            organisation_units=[units[name] for name in unit_names if name in units],
            details={**details, "indeling": classification},
        )
        if submitted:
            signal_submit(signal=signal, user=author)
