import django_filters
from django.db.models import F, OrderBy, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from config.filtering import BusinessDateFilter
from config.forms import DateInput, FilterForm
from crm.filters.clients import clients_matching
from projects_ro.models import Project, ProjectStatus


class ProjectOrderingFilter(django_filters.OrderingFilter):
    """Sorts by the chosen columns, undated projects last, then by the unique code.

    Without a unique last key, rows that share a value (same status, client or date) come
    back in any order, and PostgreSQL does shuffle them between one LIMIT/OFFSET and the
    next: a page would repeat some projects and never show others. Nulls go last in both
    directions so that SQLite and PostgreSQL (which disagree by default) list alike.
    """

    NULLABLE = frozenset({"start_date", "end_date"})

    def get_ordering_value(self, param: str) -> str | OrderBy:
        value = super().get_ordering_value(param)
        name = value.removeprefix("-")
        if name not in self.NULLABLE:
            return value
        return (
            F(name).desc(nulls_last=True) if value.startswith("-") else F(name).asc(nulls_last=True)
        )

    def filter(self, qs: QuerySet[Project], value: list[str] | None) -> QuerySet[Project]:
        ordered = super().filter(qs, value)
        if value in EMPTY_VALUES:
            return ordered
        return ordered.order_by(*ordered.query.order_by, "code")


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("Status"))
    started_from = BusinessDateFilter(
        field_name="start_date", lookup_expr="gte", label=_("Started from"), widget=DateInput
    )
    started_until = BusinessDateFilter(
        field_name="start_date", lookup_expr="lte", label=_("Started until"), widget=DateInput
    )
    order = ProjectOrderingFilter(
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("client__name", "client"),
            ("status", "status"),
            ("start_date", "start"),
            ("end_date", "end"),
        ),
        label=_("Order by"),
    )

    class Meta:
        model = Project
        form = FilterForm
        fields = ["q", "status", "started_from", "started_until"]

    def search(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        value = value.strip()
        if not value:
            return queryset
        # A hidden client's name or RIF/NIT must not find its projects (`client_visible`,
        # see projects_ro.selectors); without the annotation every client counts as shown.
        on_client = clients_matching(value)
        if "client_visible" in queryset.query.annotations:
            on_client &= Q(client_visible=True)
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name__icontains=value)
            | on_client
            | Q(manager__icontains=value)
            | Q(location__icontains=value)
        )
