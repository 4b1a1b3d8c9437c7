"""The filters of "Mis actividades": type, client, opportunity and, for managers, whose
agenda ("Ejecutivo": my own by default, one executive or the whole team)."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import User
from accounts.roles import is_manager
from accounts.selectors import assignable_executives
from config.forms import FilterForm
from crm.filters.clients import clients_matching
from crm.models import WHOLE_TEAM, Activity, ActivityType, Opportunity
from crm.models.activities import ActivityQuerySet
from crm.search import search_q, search_terms

SEARCH_INPUT = forms.TextInput(attrs={"type": "search", "autocomplete": "off"})


def executive_choices(user: User) -> list[tuple[str, StrOrPromise]]:
    """The "Ejecutivo" choices of a manager (the empty choice is their own agenda)."""
    people = [(str(person.pk), str(person)) for person in assignable_executives()]
    return [(WHOLE_TEAM, _("Whole team")), *[c for c in people if c[0] != str(user.pk)]]


class ActivityFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(
        choices=ActivityType.choices, label=_("Type"), empty_label=_("All types")
    )
    client = django_filters.CharFilter(
        method="filter_client", label=_("Client"), widget=SEARCH_INPUT
    )
    opportunity = django_filters.CharFilter(
        method="filter_opportunity", label=_("Opportunity"), widget=SEARCH_INPUT
    )
    # Applied in filter_queryset: the empty choice (the user's own agenda) filters too.
    executive = django_filters.ChoiceFilter(
        method="filter_nothing", label=_("Executive"), empty_label=_("My activities")
    )

    class Meta:
        model = Activity
        form = FilterForm
        fields = ["type", "client", "opportunity", "executive"]

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet[Activity] | None = None,
        *,
        user: User,
        **kwargs: Any,
    ) -> None:
        self.user = user
        super().__init__(data, queryset, **kwargs)
        if is_manager(user):
            self.filters["executive"].extra["choices"] = executive_choices(user)
        else:
            del self.filters["executive"]

    def filter_client(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return queryset
        return queryset.filter(clients_matching(value))

    def filter_opportunity(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return queryset
        return queryset.filter(search_q(Opportunity, search_terms(value), prefix="opportunity__"))

    def filter_nothing(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset

    def filter_queryset(self, queryset: ActivityQuerySet) -> ActivityQuerySet:
        queryset = super().filter_queryset(queryset)
        executive = self.form.cleaned_data.get("executive") or ""
        return queryset.owned_by(user=self.user, executive=executive)

    @property
    def is_team_view(self) -> bool:
        """Whether rows belong to other people, so that they show whose they are."""
        return bool(self.is_valid() and self.form.cleaned_data.get("executive"))
