import factory
from factory.django import DjangoModelFactory

from rodedraden.accounts.models import Role, User
from signals.models import Membership, OversightBody

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
