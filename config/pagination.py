"""Server-side pagination shared by every list page."""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


def paginate(request, queryset, *, per_page: int = PAGE_SIZE) -> Page:
    """The requested page; a missing, bad or too large page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
