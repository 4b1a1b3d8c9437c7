"""Reference data every installation needs, created on migrate when missing.

Stage settings must exist for every stage (probability defaults, follow-up frequency);
the industry and product catalogues get a starting list only while they are empty, so an
administrator's edits are never undone. Tests that flush the database get them back too.
"""

from django.apps import apps as global_apps
from django.apps.registry import Apps

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
# stage, default probability, follow up every N days (the seed's FAQ; post-sale monthly)
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


def ensure_reference_data(apps: Apps | None = None) -> None:
    if apps is None:
        apps = global_apps
    Industry = apps.get_model("crm", "Industry")
    StageSetting = apps.get_model("crm", "StageSetting")
    ProductService = apps.get_model("crm", "ProductService")
    for stage, probability, days in STAGES:
        StageSetting.objects.get_or_create(
            stage=stage, defaults={"default_probability": probability, "follow_up_days": days}
        )
    if not Industry.objects.exists():
        Industry.objects.bulk_create(Industry(name=name) for name in INDUSTRIES)
    if not ProductService.objects.exists():
        ProductService.objects.bulk_create(ProductService(name=name) for name in PRODUCTS)
