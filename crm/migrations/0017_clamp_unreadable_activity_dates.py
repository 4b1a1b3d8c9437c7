"""Activities saved before dates were bounded with a date and time Python cannot represent
(PostgreSQL took 9999-12-31T23:59 in Caracas as year 10000 in UTC): every page that read them
answered 500. Move them onto the ends of the business range (config.forms.FIRST_DAY and
LAST_DAY) without reading them. A no-op where there are none (always on SQLite)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

FIELDS = ("scheduled_at", "done_at", "cancelled_at")


def clamp(apps, schema_editor):
    Activity = apps.get_model("crm", "Activity")
    zone = ZoneInfo(settings.TIME_ZONE)
    # A day inside Python's range on each side, so the local time of what stays is computable.
    too_late = datetime(9999, 12, 30, tzinfo=UTC)
    too_early = datetime(1, 1, 2, tzinfo=UTC)
    last = datetime(2100, 12, 31, 23, 59, tzinfo=zone)
    first = datetime(1990, 1, 1, 0, 0, tzinfo=zone)
    for name in FIELDS:
        Activity.objects.filter(**{f"{name}__gt": too_late}).update(**{name: last})
        Activity.objects.filter(**{f"{name}__lt": too_early}).update(**{name: first})


class Migration(migrations.Migration):
    dependencies = [("crm", "0016_report_covering_indexes")]

    operations = [migrations.RunPython(clamp, migrations.RunPython.noop)]
