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

    # Not "Rekenkamer 3": a capitalised word and a number is how an address is written.
    name = factory.Sequence(lambda n: f"Rekenkamer ({n})")
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


def _beraad_dates(season: str, year: int) -> dict:
    """The dates of a session as services.beraad_propose plans them."""
    if season == "voorjaar":
        meeting = datetime.date(year, 3, 15)
        period = (datetime.date(year - 1, 7, 1), datetime.date(year - 1, 12, 31))
    else:
        meeting = datetime.date(year, 10, 15)
        period = (datetime.date(year, 1, 1), datetime.date(year, 6, 30))
    return {
        "date": meeting,
        "period_start": period[0],
        "period_end": period[1],
        "submission_deadline": meeting - datetime.timedelta(days=21),
    }


class BeraadFactory(DjangoModelFactory):
    """A session, saved directly in the state asked for; ``bodies=[...]`` sets who takes part.
    By default najaar 2026, over the first half of 2026 (where SignalFactory's signals are)."""

    class Meta:
        model = "deliberation.Beraad"
        skip_postgeneration_save = True

    title = factory.LazyAttribute(lambda b: f"Rode-dradenberaad {b.season} {b.year}")
    season = "najaar"
    year = 2026
    date = factory.LazyAttribute(lambda b: _beraad_dates(b.season, b.year)["date"])
    period_start = factory.LazyAttribute(lambda b: _beraad_dates(b.season, b.year)["period_start"])
    period_end = factory.LazyAttribute(lambda b: _beraad_dates(b.season, b.year)["period_end"])
    submission_deadline = factory.LazyAttribute(
        lambda b: _beraad_dates(b.season, b.year)["submission_deadline"]
    )
    chair = factory.SubFactory(UserFactory, role=Role.CHAIR)

    @factory.post_generation
    def bodies(self, create, extracted, **kwargs):
        if create and extracted:
            self.bodies.set(extracted)


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = "deliberation.Theme"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Thema {n}")
    description = ""
