from typing import Any

from django.contrib import admin, messages
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin

from crm.models import CONTACT_FIELDS, Client, Contact, ExchangeRate, ForecastSnapshot, Industry
from crm.resources import ClientResource, ExchangeRateResource
from crm.selectors.exchange_rates import rate_on_or_before
from crm.services.currency import freeze_pending_amounts, pending_amount_count


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = CONTACT_FIELDS


@admin.register(Client)
class ClientAdmin(ImportExportModelAdmin):
    resource_classes = [ClientResource]
    list_display = ("name", "tax_id", "segment", "owner", "updated_at")
    list_filter = ("segment", "kind", "industry")
    search_fields = ("name", "tax_id")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)
    inlines = [ContactInline]
    readonly_fields = ("version",)


@admin.register(ForecastSnapshot)
class ForecastSnapshotAdmin(admin.ModelAdmin):
    """Frozen forecasts are evidence: readable by the Administrador, never edited."""

    list_display = ("taken_on", "month", "executive", "weighted", "best_case", "commit")
    list_filter = ("taken_on", "executive")
    date_hierarchy = "taken_on"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ImportExportModelAdmin):
    """Tasas de cambio: typed one by one or imported from CSV/Excel (date, ves_per_usd,
    source). The changelist warns about what needs the administrator: no rate for today
    (the latest one is used) and amounts still without a rate."""

    resource_classes = [ExchangeRateResource]
    list_display = ("date", "ves_per_usd", "source", "created_at")
    list_filter = ("source",)
    date_hierarchy = "date"

    def save_model(
        self, request: HttpRequest, obj: ExchangeRate, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        freeze_pending_amounts()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET":
            self._warn(request)
        return super().changelist_view(request, extra_context)

    def _warn(self, request: HttpRequest) -> None:
        today = timezone.localdate()
        latest = rate_on_or_before(today)
        if latest is None:
            messages.warning(
                request,
                _(
                    "There is no exchange rate yet: amounts in VES are refused until you load "
                    "the rate of their date."
                ),
            )
        elif latest.date < today:
            messages.warning(
                request,
                _("There is no exchange rate for today: the one of %(date)s is used.")
                % {"date": date_format(latest.date, "SHORT_DATE_FORMAT")},
            )
        pending = pending_amount_count()
        if pending:
            messages.warning(
                request,
                ngettext(
                    "%(count)d amount in USD has no VES value: load a rate on or before its date.",
                    "%(count)d amounts in USD have no VES value: load a rate on or before "
                    "their dates.",
                    pending,
                )
                % {"count": pending},
            )
