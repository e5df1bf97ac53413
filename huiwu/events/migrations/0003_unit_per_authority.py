"""One unit per region and authority: a region's unique key becomes (region code, name).

Beijing's venue of a health commission's notice is hosted by 北京市卫生健康委员会, not by the
education commission the data migration made for region 110000. Existing rows stay valid (a unique
region code makes unique pairs); going back fails while a region has units of two authorities.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0002_regional_units'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='unit',
            name='unit_region_code_unique',
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.UniqueConstraint(condition=models.Q(('region_code', ''), _negated=True), fields=('region_code', 'name'), name='unit_region_code_name_unique'),
        ),
    ]
