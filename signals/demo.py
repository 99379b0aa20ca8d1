"""Demo data of the signals app: the five bodies of the source documents, a member each."""

from rodedraden.accounts.demo import DemoLogin, demo_user
from rodedraden.accounts.models import Role

from .models import Membership, OrganisationUnit, OversightBody
from .services import body_create, membership_create, organisation_unit_create

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
    return logins
