"""Tags left on a merged theme by a merge that raced with tagging (issue 17, point 6, before
the fix) move to the theme it lives on in, as the merge would have moved them; a signal that
has that theme already keeps its one tag. The card showed such a tag and could not take it off.
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


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0008_theme_name_unique_in_any_case"),
    ]

    operations = [
        migrations.RunPython(move_tags_off_merged_themes, migrations.RunPython.noop),
    ]
