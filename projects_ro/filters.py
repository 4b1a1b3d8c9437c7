import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.forms import DateInput, FilterForm
from projects_ro.models import Project, ProjectStatus


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("Status"))
    started_from = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label=_("Started from"), widget=DateInput
    )
    started_until = django_filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label=_("Started until"), widget=DateInput
    )
    order = django_filters.OrderingFilter(
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

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name__icontains=value)
            | Q(client__name__icontains=value)
            | Q(client__tax_id__icontains=value)
            | Q(manager__icontains=value)
            | Q(location__icontains=value)
        )
