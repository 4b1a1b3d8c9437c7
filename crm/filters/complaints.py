import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.forms import FilterForm
from crm.models import Complaint, ComplaintArea, ComplaintPriority, ComplaintStatus
from crm.selectors.complaints import OPEN_STATUSES


class ComplaintFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(
        choices=[("pending", _("Open or in progress")), *ComplaintStatus.choices],
        method="filter_status",
        label=_("Status"),
        empty_label=_("All"),
    )
    area = django_filters.ChoiceFilter(choices=ComplaintArea.choices, label=_("Area"))
    priority = django_filters.ChoiceFilter(choices=ComplaintPriority.choices, label=_("Priority"))
    order = django_filters.OrderingFilter(
        fields=(("created_at", "created"), ("priority", "priority"), ("client__name", "client")),
        label=_("Order by"),
    )

    class Meta:
        model = Complaint
        form = FilterForm
        fields = ["q", "status", "area", "priority"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(subject__icontains=value)
            | Q(description__icontains=value)
            | Q(client__name__icontains=value)
            | Q(client__tax_id__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        if value == "pending":
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)
