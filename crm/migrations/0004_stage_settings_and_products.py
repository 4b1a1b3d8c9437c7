from django.db import migrations

# stage, default probability, follow-up every N days (the seed's FAQ)
STAGES = [
    ("prospecting", 10, 14),
    ("qualification", 25, 7),
    ("proposal", 50, 5),
    ("negotiation", 75, 3),
    ("closing", 90, 3),
    ("won", 100, 30),
    ("lost", 0, None),
]
PRODUCTS = [
    "Consultoría",
    "Mantenimiento industrial",
    "Obras civiles",
    "Instalaciones eléctricas",
    "Telecomunicaciones",
    "Suministro de equipos",
    "Servicio post-venta",
]


def create_defaults(apps, schema_editor):
    StageSetting = apps.get_model("crm", "StageSetting")
    ProductService = apps.get_model("crm", "ProductService")
    for stage, probability, days in STAGES:
        StageSetting.objects.get_or_create(
            stage=stage, defaults={"default_probability": probability, "follow_up_days": days}
        )
    for name in PRODUCTS:
        ProductService.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("crm", "0003_opportunities_activities")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
