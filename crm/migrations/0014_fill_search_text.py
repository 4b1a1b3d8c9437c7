"""Fills the `search_text` columns of the rows that existed before them (see
crm.models.base.SearchTextModel): each row's parts, as the models list them at this
migration, through the one normaliser."""

from django.db import migrations

from crm.models.base import compact_tax_id, name_key, search_document
from crm.phones import phone_key

BATCH = 2_000


def _parts(model_name, row):
    if model_name == "client":
        return (
            row.name,
            name_key(row.name),
            compact_tax_id(row.tax_id),
            row.email,
            phone_key(row.phone),
        )
    if model_name == "contact":
        return (row.name, row.email, phone_key(row.phone))
    if model_name == "opportunity":
        return (row.name,)
    return (row.subject, row.description)  # complaint


SOURCES = {
    "client": ("name", "tax_id", "email", "phone"),
    "contact": ("name", "email", "phone"),
    "opportunity": ("name",),
    "complaint": ("subject", "description"),
}


def fill(apps, schema_editor):
    for model_name, fields in SOURCES.items():
        model = apps.get_model("crm", model_name)
        rows = model._base_manager.using(schema_editor.connection.alias).only("pk", *fields)
        changed = []
        for row in rows.order_by("pk").iterator(chunk_size=BATCH):
            row.search_text = search_document(_parts(model_name, row))
            changed.append(row)
            if len(changed) == BATCH:
                model._base_manager.db_manager(schema_editor.connection.alias).bulk_update(changed, ["search_text"])
                changed = []
        if changed:
            model._base_manager.db_manager(schema_editor.connection.alias).bulk_update(changed, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("crm", "0013_search_text")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
