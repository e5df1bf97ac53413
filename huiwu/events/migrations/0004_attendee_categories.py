"""Attendee categories per event; the events made before keep the 2021 notice's list (the one every
event offered until now), so the people already filed keep their categories."""

from django.db import migrations, models


def legacy(apps, schema_editor):
    from huiwu.events.categories import LEGACY

    apps.get_model("events", "Event").objects.update(attendee_categories=LEGACY)


class Migration(migrations.Migration):
    dependencies = [("events", "0003_unit_per_authority")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="attendee_categories",
            field=models.JSONField(blank=True, default=list, verbose_name="参会人员类别"),
        ),
        migrations.RunPython(legacy, migrations.RunPython.noop),
    ]
