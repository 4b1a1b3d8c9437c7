"""Filters of CRM → Documentos: search by title, quote number or original file name;
Tipo, Cliente, Oportunidad, Proyecto, Subido por and upload dates."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.selectors import assignable_executives
from config.filtering import BusinessDateFilter, CachedModelChoiceFilter
from config.forms import DateInput, FilterForm
from crm.filters.clients import clients_matching
from crm.models import Opportunity
from crm.search import search_q, search_terms
from documents.models import Document, DocumentKind


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices, label=_("Type"))
    client = django_filters.CharFilter(method="filter_client", label=_("Client"))
    opportunity = django_filters.CharFilter(method="filter_opportunity", label=_("Opportunity"))
    project = django_filters.CharFilter(method="filter_project", label=_("Project"))
    uploaded_by = CachedModelChoiceFilter(
        queryset=lambda request: assignable_executives(), label=_("Uploaded by")
    )
    uploaded_from = BusinessDateFilter(
        field_name="uploaded_at__date", lookup_expr="gte", label=_("From"), widget=DateInput
    )
    uploaded_to = BusinessDateFilter(
        field_name="uploaded_at__date", lookup_expr="lte", label=_("Until"), widget=DateInput
    )

    class Meta:
        model = Document
        form = FilterForm
        fields = ["q", "kind", "client", "opportunity", "project", "uploaded_by"]

    def search(self, queryset: QuerySet[Document], name: str, value: str) -> QuerySet[Document]:
        if not value.strip():
            return queryset
        return queryset.filter(search_q(Document, search_terms(value)))

    def filter_client(
        self, queryset: QuerySet[Document], name: str, value: str
    ) -> QuerySet[Document]:
        if not value.strip():
            return queryset
        return queryset.filter(clients_matching(value))

    def filter_opportunity(
        self, queryset: QuerySet[Document], name: str, value: str
    ) -> QuerySet[Document]:
        if not value.strip():
            return queryset
        return queryset.filter(search_q(Opportunity, search_terms(value), prefix="opportunity__"))

    def filter_project(
        self, queryset: QuerySet[Document], name: str, value: str
    ) -> QuerySet[Document]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(project__code__icontains=value) | Q(project__name__icontains=value)
        )
