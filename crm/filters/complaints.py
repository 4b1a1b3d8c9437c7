import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from config.forms import FilterForm
from crm.filters.clients import clients_matching
from crm.models import Complaint, ComplaintArea, ComplaintPriority, ComplaintStatus
from crm.models.complaints import ComplaintQuerySet
from crm.search import search_q, search_terms


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

    def search(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        """Subject or description (without accents or case), or the client's name or
        RIF/NIT: each through its search index (crm.search)."""
        if not value.strip():
            return queryset
        return queryset.filter(search_q(Complaint, search_terms(value)) | clients_matching(value))

    def filter_status(
        self, queryset: ComplaintQuerySet, name: str, value: str
    ) -> ComplaintQuerySet:
        if value == "pending":
            return queryset.open()
        return queryset.filter(status=value)
