"""Demo data of the accounts app: one user for every role that is not tied to a body.

Every app may have a ``demo`` module with ``seed(*, password) -> list[DemoLogin]``;
``python manage.py seed_demo`` runs them in the order of ``INSTALLED_APPS``. Each seeder is
idempotent: what exists already is left exactly as it is.
"""

from dataclasses import dataclass

from django.utils.functional import Promise

from .models import Role, User
from .services import user_create


@dataclass(frozen=True)
class DemoLogin:
    username: str
    description: str | Promise


def demo_user(
    *, username: str, role: Role, password: str, first_name: str, last_name: str, job_title: str
) -> User:
    """The demo user with this username: created the first time, untouched afterwards."""
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    return user_create(
        username=username,
        role=role,
        password=password,
        email=f"{username}@demo.rodedraden.local",
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
    )


def seed(*, password: str) -> list[DemoLogin]:
    users = [
        ("voorzitter", Role.CHAIR, "Marieke", "Jansen", "Voorzitter rode-dradenberaad"),
        ("burgemeester", Role.READER, "Willem", "Bakker", "Burgemeester"),
        ("concerndirectie", Role.READER, "Fatima", "El Amrani", "Lid concerndirectie"),
        ("beheerder", Role.ADMIN, "Joost", "Visser", "Functioneel beheerder"),
    ]
    logins = []
    for username, role, first_name, last_name, job_title in users:
        demo_user(
            username=username,
            role=role,
            password=password,
            first_name=first_name,
            last_name=last_name,
            job_title=job_title,
        )
        same = str(role.label).lower() == job_title.lower()
        logins.append(DemoLogin(username, role.label if same else f"{role.label} ({job_title})"))
    return logins
