from django.db import migrations

INDUSTRIES = [
    "Alimentos y bebidas",
    "Banca y seguros",
    "Comercio y distribución",
    "Construcción",
    "Educación",
    "Gobierno y sector público",
    "Manufactura",
    "Petróleo y gas",
    "Salud",
    "Servicios profesionales",
    "Tecnología y telecomunicaciones",
    "Transporte y logística",
    "Otra",
]


def create_industries(apps, schema_editor):
    Industry = apps.get_model("crm", "Industry")
    for name in INDUSTRIES:
        Industry.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]

    operations = [migrations.RunPython(create_industries, migrations.RunPython.noop)]
