"""The one CompanySettings row, created with the schema rather than by the first request
that reads it (CompanySettings.load still creates it if it is ever missing)."""

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("accounts", "CompanySettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_display_currency")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
