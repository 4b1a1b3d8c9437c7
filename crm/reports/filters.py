"""The filter bar every report shares: Período (with presets), Ejecutivo, Segmento de cliente
and Industria, read from the URL so that a report is shareable and bookmarkable.

`report_filters()` parses the query string and decides the user's scope: a manager sees the
team (or one executive); an executive sees their own figures, or the company's when the
opportunity visibility lets them see every record. The report selectors start from
`ReportFilters.opportunities()`, which starts from `opportunities_visible_to`.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Q, QuerySet, TextChoices
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import User
from accounts.roles import VIEW, module_rights
from accounts.selectors import assignable_executives
from config.forms import BootstrapFormMixin, LocalDateField
from crm.forms.base import form_field
from crm.models import Industry, Segment
from crm.models.opportunities import OpportunityQuerySet
from crm.money import display_currency
from crm.opportunities.selectors.visibility import (
    of_live_opportunities,
    opportunities_visible_to,
    sees_every_opportunity,
)


class Period(TextChoices):
    MONTH = "mes", _("This month")
    QUARTER = "trimestre", _("This quarter")
    YEAR = "anio", _("This year")
    LAST_12 = "12m", _("Last 12 months")
    CUSTOM = "personalizado", _("Custom")


DEFAULT_PERIOD = Period.QUARTER
# How many months each preset spans (the previous equivalent period is shifted by as many).
_PRESET_MONTHS = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12, Period.LAST_12: 12}


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    """The last day of `month`'s month."""
    return add_months(month, 1) - timedelta(days=1)


def preset_bounds(preset: str, today: date) -> tuple[date, date]:
    """First and last day of a preset period that contains `today`."""
    if preset == Period.MONTH:
        start = today.replace(day=1)
    elif preset == Period.QUARTER:
        start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    elif preset == Period.YEAR:
        start = date(today.year, 1, 1)
    else:  # the last 12 months, whole months, this one included
        start = add_months(today, -11)
    end = add_months(start, _PRESET_MONTHS[Period(preset)]) - timedelta(days=1)
    return start, end


def previous_bounds(preset: str, start: date, end: date) -> tuple[date, date]:
    """The previous equivalent period: the same number of months (presets) or days before."""
    if preset in _PRESET_MONTHS:
        months = _PRESET_MONTHS[Period(preset)]
        return add_months(start, -months), start - timedelta(days=1)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


class ReportFilterForm(BootstrapFormMixin, forms.Form):
    periodo = forms.ChoiceField(label=_("Period"), choices=Period.choices, required=False)
    desde = LocalDateField(label=_("From"), required=False)
    hasta = LocalDateField(label=_("Until"), required=False)
    ejecutivo = forms.ModelChoiceField(
        label=_("Executive"), queryset=User.objects.none(), required=False
    )
    segmento = forms.ChoiceField(
        label=_("Client segment"), choices=[("", _("All")), *Segment.choices], required=False
    )
    industria = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(
        self,
        *args: Any,
        executives: QuerySet[User],
        empty_label: StrOrPromise | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        executive = form_field(self, "ejecutivo", forms.ModelChoiceField)
        executive.queryset = executives
        executive.empty_label = empty_label
        if empty_label is None:
            executive.required = True
        industry = form_field(self, "industria", forms.ModelChoiceField)
        industry.queryset = Industry.objects.filter(is_active=True)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("periodo") == Period.CUSTOM:
            if not data.get("desde") or not data.get("hasta"):
                raise forms.ValidationError(_("A custom period needs both dates."))
            if data["desde"] > data["hasta"]:
                raise forms.ValidationError(_("The period cannot end before it starts."))
            if (data["hasta"] - data["desde"]).days > 3 * 366:
                raise forms.ValidationError(_("A period spans at most three years."))
        return data


@dataclass(frozen=True)
class ReportFilters:
    """What a report is computed for: its period, the previous equivalent period and the
    filters, resolved for one user."""

    # Whose visibility scopes the figures. None only for filters that have no user and
    # scope the rows themselves (crm.services.forecasts.CompanyFilters, the scheduled
    # snapshot of the company's figures): they override `opportunities()` and `narrowed()`.
    user: User | None
    preset: str
    start: date
    end: date
    previous_start: date
    previous_end: date
    executive: User | None
    segment: str
    industry: Industry | None
    company_wide: bool  # no executive chosen: the team's (or company's) figures
    # The amounts' currency: the user's display currency (crm.money), not a URL filter.
    currency: str = "USD"

    def viewer(self) -> User:
        """The user whose visibility scopes the figures; filters without one (see `user`)
        cannot compute what depends on a user's visibility."""
        if self.user is None:
            raise TypeError(f"{type(self).__name__} has no user to scope the figures to")
        return self.user

    def opportunities(self) -> OpportunityQuerySet:
        """The user's opportunities narrowed by the executive, segment and industry filters
        (not by dates: each figure applies its own date column to the period)."""
        rows = opportunities_visible_to(user=self.viewer())
        if self.executive is not None:
            rows = rows.filter(owner=self.executive)
        if self.segment:
            rows = rows.filter(client__segment=self.segment)
        if self.industry is not None:
            rows = rows.filter(client__industry=self.industry)
        return rows

    def narrowed(self) -> bool:
        """Whether the figures are a part of what the user sees (an executive, a segment, an
        industry, or the user's own scope), not every live opportunity."""
        return (
            self.executive is not None
            or bool(self.segment)
            or self.industry is not None
            or not sees_every_opportunity(user=self.viewer())
        )

    def opportunity_condition(self, column: str = "opportunity") -> Q:
        """`opportunities()` as a condition on another table's rows (stage changes) whose
        `column` points to the opportunity: a semi-join against the opportunities in the
        filter, or, when nothing narrows them, the cheaper anti-join of the live ones."""
        if self.narrowed():
            return Q(**{f"{column}__in": self.opportunities().order_by().values("pk")})
        return of_live_opportunities(column)

    def query_string(self) -> str:
        """The filters as URL parameters (what the exports, the plan and links carry)."""
        params: dict[str, str | int] = {"periodo": self.preset}
        if self.preset == Period.CUSTOM:
            params |= {"desde": self.start.isoformat(), "hasta": self.end.isoformat()}
        params["ejecutivo"] = self.executive.pk if self.executive else ""
        if self.segment:
            params["segmento"] = self.segment
        if self.industry is not None:
            params["industria"] = self.industry.pk
        return urlencode(params)

    def list_params(self) -> dict[str, str | int]:
        """The same filters in the opportunity list's parameter names (its filters have no
        industry: a link opened from an industry-filtered report shows every industry)."""
        params: dict[str, str | int] = {}
        if self.executive is not None:
            params["owner"] = self.executive.pk
        if self.segment:
            params["segment"] = self.segment
        return params

    def labels(self) -> list[tuple[str, str]]:
        """(name, value) of every filter, for the header of the page, Excel and PDF."""
        period = f"{date_format(self.start, 'SHORT_DATE_FORMAT')} – "
        period += date_format(self.end, "SHORT_DATE_FORMAT")
        return [
            (str(_("Period")), f"{Period(self.preset).label} ({period})"),
            (
                str(_("Executive")),
                str(self.executive) if self.executive else str(_("Whole team")),
            ),
            (str(_("Client segment")), self.segment or str(_("All"))),
            (str(_("Industry")), self.industry.name if self.industry else str(_("All"))),
            (str(_("Amounts in")), self.currency),
        ]


def sees_every_executive(user: User) -> bool:
    """Managers (the "team" module) always; executives when the company lets them see every
    opportunity (never in "own" mode, even for records shared with them)."""
    return sees_every_opportunity(user=user)


def report_filters(
    *, user: User, params: QueryDict, today: date | None = None
) -> tuple["ReportFilterForm", "ReportFilters"]:
    """(form, filters): the bound filter form for display and the filters it resolves to.

    An invalid input keeps what the user typed in the form and computes the report for the
    default period instead of failing. An executive who may not see others' figures is
    always filtered to themselves, whatever the URL says.
    """
    today = today or timezone.localdate()
    team = VIEW in module_rights(user, "team")
    if sees_every_executive(user):
        executives = assignable_executives()
        empty_label = _("Whole team") if team else _("Whole company")
    else:
        executives = User.objects.filter(pk=user.pk)
        empty_label = None
    data = params.copy()
    if not data.get("periodo"):
        data["periodo"] = DEFAULT_PERIOD  # so that the select shows the period computed
    if empty_label is None or (not team and "ejecutivo" not in data):
        data["ejecutivo"] = str(user.pk)  # an executive opens on (or is kept to) their own figures
    form = ReportFilterForm(data, executives=executives, empty_label=empty_label)
    form.is_valid()
    # Each valid field counts; a wrong period falls back to the default one.
    cleaned = form.cleaned_data
    period_errors = form.non_field_errors() or {"periodo", "desde", "hasta"} & set(form.errors)
    preset = cleaned.get("periodo") or DEFAULT_PERIOD
    if preset == Period.CUSTOM and not period_errors:
        start, end = cleaned["desde"], cleaned["hasta"]
    else:
        preset = DEFAULT_PERIOD if preset == Period.CUSTOM else preset
        start, end = preset_bounds(preset, today)
    previous_start, previous_end = previous_bounds(preset, start, end)
    executive = cleaned.get("ejecutivo")
    if empty_label is None:
        executive = user
    return form, ReportFilters(
        user=user,
        preset=preset,
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        executive=executive,
        segment=cleaned.get("segmento") or "",
        industry=cleaned.get("industria"),
        company_wide=executive is None,
        currency=display_currency(user),
    )
