"""Demo data of the signals app: the five bodies of the source documents, a member each."""

from rodedraden.accounts.demo import DemoLogin, demo_user
from rodedraden.accounts.models import Role

from .models import Membership, OversightBody
from .services import body_create, membership_create

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


def seed(*, password: str) -> list[DemoLogin]:
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
