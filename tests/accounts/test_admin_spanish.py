"""Django admin speaks Spanish too: every model name, column and field label an
Administrador reads in admin is translated, our apps' and the third-party ones' alike."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.test import RequestFactory
from django.utils import translation

from tests.factories import UserFactory

# Labels that read the same in Spanish.
SAME_IN_SPANISH = {"email", "id", "ID", "RIF", "RIF/NIT", "URL", "CRM", "roles", "SHA-256"}


def english_labels(request) -> dict[str, list[str]]:
    """Per ModelAdmin, the labels admin shows (model names, list columns, form fields) that
    come out of the Spanish catalogue unchanged."""
    untranslated: dict[str, list[str]] = {}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        labels: list[object] = [opts.verbose_name, opts.verbose_name_plural]
        for name in model_admin.get_list_display(request):
            if name != "__str__":
                labels.append(label_for_field(name, model, model_admin))
        for field_name in model_admin.get_fields(request):
            assert isinstance(field_name, str)  # no fieldsets-style groups in our admins
            try:
                labels.append(label_for_field(field_name, model, model_admin))
            except AttributeError:  # a form-only field (Django's own password fields)
                continue
        labels.append(apps.get_app_config(opts.app_label).verbose_name)
        with translation.override("en"):
            english = [str(label) for label in labels]
        with translation.override("es"):
            spanish = [str(label) for label in labels]
        same = [
            en
            for en, es in zip(english, spanish, strict=True)
            if en == es and en not in SAME_IN_SPANISH and any(c.isalpha() for c in en)
        ]
        if same:
            untranslated[f"{opts.app_label}.{opts.model_name}"] = same
    return untranslated


@pytest.mark.django_db
def test_every_admin_label_is_in_spanish():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True)
    assert english_labels(request) == {}


@pytest.mark.django_db
def test_the_admin_list_speaks_spanish_where_django_does_not_yet(client, administrator):
    client.force_login(administrator)
    page = client.get("/admin/accounts/user/").content.decode()
    assert ">Ejecutar<" in page
    assert ">Run<" not in page
