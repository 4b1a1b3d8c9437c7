import pytest
from django.utils.functional import empty

from documents.models import PRIVATE_STORAGE


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test stores its documents in its own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "privado", "base_url": None},
        },
    }
    PRIVATE_STORAGE._wrapped = empty
    yield tmp_path / "privado"
    PRIVATE_STORAGE._wrapped = empty
