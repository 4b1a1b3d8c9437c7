from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_visibility_levels"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="list_columns",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
    ]
