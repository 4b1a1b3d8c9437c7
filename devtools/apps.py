from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Commands for developers and operators that use every other app (the benchmark, the
    demo data of seed_demo).

    Nothing imports this app: it sits on top of the others, so that no feature app depends
    on a tool."""

    name = "devtools"
    verbose_name = "Herramientas de desarrollo"
