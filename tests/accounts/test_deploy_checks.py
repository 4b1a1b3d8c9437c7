import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.checks import site_url_is_set, tasks_run_outside_requests


def test_production_needs_an_https_site_url(settings):
    settings.DEBUG = False
    settings.SITE_URL = ""
    assert [error.id for error in site_url_is_set(None)] == ["accounts.E001"]
    settings.SITE_URL = "http://crm.example.com"
    assert [error.id for error in site_url_is_set(None)] == ["accounts.E001"]
    settings.SITE_URL = "https://crm.example.com"
    assert site_url_is_set(None) == []


def test_an_empty_secret_key_is_refused_as_soon_as_it_is_needed(settings):
    settings.SECRET_KEY = ""
    from django.conf import settings as live

    with pytest.raises(ImproperlyConfigured):
        live.SECRET_KEY


def test_production_is_warned_when_tasks_run_inside_requests(settings):
    settings.DEBUG = False
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert [warning.id for warning in tasks_run_outside_requests(None)] == ["accounts.W001"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert tasks_run_outside_requests(None) == []
