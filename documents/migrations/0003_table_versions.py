"""Write versions (config.table_versions) for the documents, their versions and the
projects they may hang from, so that the Documentos lists' row counts go through the
aggregate cache like the other lists' (they read tables without a version, so they were
counted on every request)."""

from django.db import migrations

from config.table_versions import track, untrack

TABLES = ("documents_document", "documents_documentversion", "projects_ro_project")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_search_index"),
        ("crm", "0029_client_activity_sort_indexes"),
        ("projects_ro", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: track(schema_editor, TABLES),
            lambda apps, schema_editor: untrack(schema_editor, TABLES),
        )
    ]
