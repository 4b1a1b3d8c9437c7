import pytest


@pytest.fixture(autouse=True)
def _documents_in_tmp(private_storage):
    """Each test stores its documents in its own folder (tests/conftest.py)."""
    return private_storage
