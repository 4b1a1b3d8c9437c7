"""The project's URLs plus one view that crashes with an ordinary bug (for the 500 test)."""

from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as project_urls


def crash(request):
    raise ZeroDivisionError("an ordinary bug")


urlpatterns = [*project_urls, path("crash/", crash)]
__all__ = ["handler500", "urlpatterns"]
