"""The seven shared aspects (invalshoeken) of the rode-dradenberaad.

They are data, managed in the admin afterwards: this migration only creates the ones that are
missing, and its reverse leaves aspects alone once signals may refer to them.
"""

from django.db import migrations

ASPECTS = [
    (
        "geschilbeslechting",
        "Geschilbeslechting",
        "Hoe klachten en bezwaren worden behandeld en opgelost.",
    ),
    (
        "doelmatigheid-doeltreffendheid",
        "Doelmatigheid en doeltreffendheid",
        "Of het werk bereikt wat het moet bereiken, tegen redelijke kosten.",
    ),
    (
        "kennis-wet-regelgeving",
        "Kennis van wet- en regelgeving",
        "Of regels bekend zijn en juist worden toegepast.",
    ),
    (
        "rolvaardigheid-bejegening",
        "Rolvaardigheid en bejegening",
        "Hoe medewerkers hun rol vervullen en inwoners tegemoet treden.",
    ),
    (
        "communicatie-informatievoorziening",
        "Communicatie en informatievoorziening",
        "Of inwoners op tijd begrijpelijke en juiste informatie krijgen.",
    ),
    (
        "privacy-gegevensbescherming",
        "Privacy en gegevensbescherming",
        "Hoe zorgvuldig met persoonsgegevens wordt omgegaan.",
    ),
    ("tijdigheid", "Tijdigheid", "Of termijnen en afspraken over tijd worden gehaald."),
]


def seed(apps, schema_editor):
    Aspect = apps.get_model("signals", "Aspect")
    for order, (slug, name, description) in enumerate(ASPECTS, start=1):
        Aspect.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("signals", "0002_aspects_and_organisation_units")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
