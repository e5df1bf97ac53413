"""Load the 37 regional units (31 provincial divisions, 5 state-plan cities, the XPCC)."""

from django.db import migrations


def load(apps, schema_editor):
    from huiwu.events.regions import REGIONS

    Unit = apps.get_model("events", "Unit")
    for order, (code, region, kind, name) in enumerate(REGIONS, start=1):
        Unit.objects.update_or_create(
            region_code=code, defaults={"name": name, "region_name": region, "kind": kind, "order": order}
        )


def unload(apps, schema_editor):
    from huiwu.events.regions import BRANCH_CODES

    apps.get_model("events", "Unit").objects.filter(region_code__in=BRANCH_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
