import pytest
from django.core.exceptions import ValidationError

from signals.models import Aspect, OrganisationUnit
from signals.services import organisation_unit_create

SEVEN = [
    "Geschilbeslechting",
    "Doelmatigheid en doeltreffendheid",
    "Kennis van wet- en regelgeving",
    "Rolvaardigheid en bejegening",
    "Communicatie en informatievoorziening",
    "Privacy en gegevensbescherming",
    "Tijdigheid",
]


@pytest.mark.django_db
def test_the_seven_shared_aspects_come_with_the_database():
    assert list(Aspect.objects.values_list("name", flat=True)) == SEVEN
    assert all(Aspect.objects.values_list("description", flat=True))


@pytest.mark.django_db
def test_organisation_units_nest_but_never_in_themselves():
    domain = organisation_unit_create(name="Sociaal domein")
    team = organisation_unit_create(name="Werk en inkomen", parent=domain)
    assert str(team) == "Sociaal domein – Werk en inkomen"
    domain.parent = team
    with pytest.raises(ValidationError, match=r"part of itself|deel zijn van zichzelf"):
        domain.full_clean()


@pytest.mark.django_db
def test_unit_names_are_unique():
    organisation_unit_create(name="Publiekszaken")
    with pytest.raises(ValidationError):
        organisation_unit_create(name="Publiekszaken")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/signals/aspect/", "/admin/signals/organisationunit/"])
def test_the_administrator_manages_them(client, admin_user, url):
    organisation_unit_create(name="Dienstverlening")
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    assert client.get(url + "?q=dienst").status_code == 200
    assert client.get(url + "add/").status_code == 200


@pytest.mark.django_db
def test_the_demo_has_an_organisation():
    from django.core.management import call_command

    call_command("seed_demo")
    assert OrganisationUnit.objects.filter(parent__isnull=True).count() == 4
    assert OrganisationUnit.objects.filter(name="Werk en inkomen", parent__name="Sociaal domein")
