import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.core.serializers import serialize

from rodedraden.accounts.models import Role, User
from signals.models import Membership, OversightBody


def snapshot() -> str:
    models = [
        m for m in apps.get_models() if m._meta.app_label in {"accounts", "signals", "deliberation"}
    ]
    return "\n".join(serialize("json", m.objects.order_by("pk")) for m in models)


@pytest.mark.django_db
def test_seed_demo_creates_the_bodies_and_a_user_per_role(capsys):
    call_command("seed_demo")
    assert sorted(OversightBody.objects.values_list("kind", flat=True)) == sorted(
        ["rekenkamer", "klachtencommissaris", "bezwarencommissie", "fg", "ombudsman"]
    )
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for body in OversightBody.objects.all():
        assert Membership.objects.filter(body=body, user__role=Role.MEMBER).count() == 1
    chair = User.objects.get(username="voorzitter")
    assert chair.check_password("rode-draden-demo")
    output = capsys.readouterr().out
    assert "voorzitter" in output
    assert "lid-fg" in output
    assert "rode-draden-demo" in output


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before


@pytest.mark.django_db
def test_seed_demo_leaves_changes_by_the_administrator_alone():
    call_command("seed_demo")
    User.objects.filter(username="voorzitter").update(first_name="Anders")
    call_command("seed_demo")
    assert User.objects.get(username="voorzitter").first_name == "Anders"


@pytest.mark.django_db
def test_seed_demo_refuses_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_adds_signals_of_every_body_over_three_half_years():
    from signals.models import Signal, SignalState

    call_command("seed_demo")
    signals = Signal.objects.all()
    assert signals.count() >= 25
    assert set(signals.values_list("body__slug", flat=True)) == {
        "rekenkamer",
        "klachtencommissaris",
        "bezwarencommissie",
        "fg",
        "ombudsman",
    }
    assert signals.values("period_start").distinct().count() == 3
    # Drafts of the current half-year; the rest went through the demo sessions.
    assert set(signals.values_list("state", flat=True)) == {
        SignalState.CONCEPT,
        SignalState.IN_BERAAD,
        SignalState.BESPROKEN,
    }
    # Themes recur across bodies: several bodies signal about timeliness.
    timeliness = signals.filter(aspects__slug="tijdigheid")
    assert timeliness.values("body").distinct().count() >= 3
