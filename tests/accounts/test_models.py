import pytest
from django.core.exceptions import ValidationError

from rodedraden.accounts.models import Role, User
from rodedraden.accounts.services import user_create
from tests.factories import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "admin_access"),
    [(Role.MEMBER, False), (Role.CHAIR, False), (Role.READER, False), (Role.ADMIN, True)],
)
def test_admin_access_follows_the_role(role, admin_access):
    user = UserFactory(role=role)
    user.refresh_from_db()
    assert user.is_staff is admin_access
    assert user.is_superuser is admin_access


@pytest.mark.django_db
def test_taking_the_admin_role_away_takes_admin_access_away():
    user = UserFactory(role=Role.ADMIN)
    user.role = Role.READER
    user.save(update_fields=["role"])
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)


@pytest.mark.django_db
def test_createsuperuser_makes_an_administrator():
    user = User.objects.create_superuser("root", "root@example.org", "een-lang-wachtwoord")
    assert user.role == Role.ADMIN
    assert user.is_staff
    assert user.is_superuser


@pytest.mark.django_db
def test_user_create_without_password_cannot_sign_in():
    user = user_create(username="nieuw", role=Role.READER, email="Nieuw@EXAMPLE.org")
    assert user.role == Role.READER
    assert user.email == "Nieuw@example.org"
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_user_create_validates():
    with pytest.raises(ValidationError, match="username"):
        user_create(username="met spatie!", role=Role.READER)


@pytest.mark.django_db
def test_admin_rights_cannot_drift_from_the_role_even_with_update():
    from django.db import IntegrityError, transaction

    user = UserFactory(role=Role.READER)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_staff=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(role=Role.ADMIN)
