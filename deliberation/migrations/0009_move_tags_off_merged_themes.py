"""What a merge that raced with tagging (or with an analysis or a recommendation) left on the
merged theme before issue 17 (point 6) was fixed moves to the theme it lives on in, as the
merge would have moved it: a tag (a signal that has that theme already keeps its one tag), a
recommendation, an analysis (joined to the analysis of that theme in the same beraad, if there
is one, with its examples). The card showed such a tag and could not take it off.
"""

from django.db import migrations


def move_tags_off_merged_themes(apps, schema_editor):
    Theme = apps.get_model("deliberation", "Theme")
    Tag = apps.get_model("deliberation", "Tag")
    merged_into = dict(
        Theme.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into")
    )

    def surviving(pk: int) -> int:
        seen = set()
        while pk in merged_into and pk not in seen:  # merged more than once: the last one
            seen.add(pk)
            pk = merged_into[pk]
        return pk

    for pk, inclusion_id, theme_id in (
        Tag.objects.filter(theme_id__in=list(merged_into))
        .order_by("pk")
        .values_list("pk", "inclusion_id", "theme_id")
    ):
        target = surviving(theme_id)
        if Tag.objects.filter(inclusion_id=inclusion_id, theme_id=target).exists():
            Tag.objects.filter(pk=pk).delete()
        else:
            Tag.objects.filter(pk=pk).update(theme_id=target)
    Recommendation = apps.get_model("deliberation", "Recommendation")
    for pk, theme_id in Recommendation.objects.filter(theme_id__in=list(merged_into)).values_list(
        "pk", "theme_id"
    ):
        Recommendation.objects.filter(pk=pk).update(theme_id=surviving(theme_id))
    Analysis = apps.get_model("deliberation", "Analysis")
    text = Analysis._meta.get_field("text")
    for analysis in Analysis.objects.filter(theme_id__in=list(merged_into)).order_by("pk"):
        target = surviving(analysis.theme_id)
        existing = Analysis.objects.filter(beraad_id=analysis.beraad_id, theme_id=target).first()
        if existing is None:
            Analysis.objects.filter(pk=analysis.pk).update(theme_id=target)
            continue
        joined = "\n\n".join(part for part in (existing.text, analysis.text) if part)
        existing.text = text.redact_personal_data(joined)
        existing.version += 1
        existing.save(update_fields=["text", "version", "updated_at"])
        existing.examples.add(*analysis.examples.all())
        analysis.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0008_theme_name_unique_in_any_case"),
    ]

    operations = [
        migrations.RunPython(move_tags_off_merged_themes, migrations.RunPython.noop),
    ]
