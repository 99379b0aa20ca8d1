import datetime

import factory
from factory.django import DjangoModelFactory

from rodedraden.accounts.models import Role, User
from signals.models import Membership, OversightBody, Signal, SignalState

PASSWORD = "een-lang-testwachtwoord"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    role = Role.MEMBER
    password = factory.django.Password(PASSWORD)


class OversightBodyFactory(DjangoModelFactory):
    class Meta:
        model = OversightBody
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Rekenkamer {n}")
    slug = factory.Sequence(lambda n: f"orgaan-{n}")
    kind = "rekenkamer"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    body = factory.SubFactory(OversightBodyFactory)


class SignalFactory(DjangoModelFactory):
    """Test data without personal data, saved directly (the services are tested on their own)."""

    class Meta:
        model = Signal

    body = factory.SubFactory(OversightBodyFactory)
    title = factory.Sequence(lambda n: f"Beslistermijnen overschreden ({n})")
    description = "Bij een derde van de aanvragen werd de wettelijke termijn overschreden."
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 6, 30)
    case_count = 4
    state = SignalState.CONCEPT
