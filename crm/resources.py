from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from tablib import Dataset

from accounts.models import User
from crm.imports.widgets import TaxIdWidget
from crm.models import CLIENT_FIELDS, Client, ExchangeRate, Industry, RateSource
from crm.services.currency import freeze_pending_amounts


class ClientResource(resources.ModelResource):
    """Clients in and out of Excel/CSV for the admin; rows match existing clients by RIF/NIT.

    The RIF/NIT is normalised as in the app ("J123456789" finds "J-12345678-9"), so an
    admin import never creates a second client for a RIF typed another way. The commercial
    roles' import (crm/imports/) goes through the services and records history.
    """

    tax_id = fields.Field(column_name="tax_id", attribute="tax_id", widget=TaxIdWidget())
    industry = fields.Field(
        column_name="industry",
        attribute="industry",
        widget=widgets.ForeignKeyWidget(Industry, field="name"),
    )
    owner = fields.Field(
        column_name="owner", attribute="owner", widget=widgets.ForeignKeyWidget(User, "username")
    )

    class Meta:
        model = Client
        fields = CLIENT_FIELDS
        import_id_fields = ("tax_id",)
        skip_unchanged = True


class RateWidget(widgets.Widget):
    """VES per USD as the BCV publishes it ("36,48950000") or as a spreadsheet stores it
    (a number): a comma or a point is the decimal separator; "1.234,56" is one thousand two
    hundred and thirty-four. Must be more than zero."""

    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> Decimal:
        if value is None or str(value).strip() == "":
            raise ValueError(_("Enter the rate (VES per USD)."))
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            rate = Decimal(str(value))
        else:
            text = str(value).strip().replace(" ", "")
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            try:
                rate = Decimal(text)
            except InvalidOperation:
                raise ValueError(
                    _("“%(value)s” is not a rate. Write it as 36,4895 (VES per USD).")
                    % {"value": value}
                ) from None
        if not rate.is_finite() or rate <= 0:
            raise ValueError(_("The rate must be more than zero."))
        return rate.quantize(Decimal("0.00000001"))

    def render(self, value: Any, obj: Model | None = None, **kwargs: Any) -> Any:
        return value


class RateDateWidget(widgets.DateWidget):
    """ISO dates, Venezuelan dd/mm/aaaa ones, or an Excel date; a clear error otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.formats = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")

    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> date | None:
        if value is None or str(value).strip() == "":
            raise ValueError(_("Enter the date."))
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date. Write it as 31/12/2026 or 2026-12-31.")
                % {"value": value}
            ) from None


class SourceWidget(widgets.Widget):
    """ "BCV" or "Manual" in any case; empty is BCV (the official rate)."""

    def clean(self, value: Any, row: Mapping[str, Any] | None = None, **kwargs: Any) -> str:
        text = str(value or "").strip().lower()
        if not text:
            return RateSource.BCV
        for source in RateSource:
            if text == source.value.lower():
                return source.value
        raise ValueError(_("The source is BCV or Manual, not “%(value)s”.") % {"value": value})

    def render(self, value: Any, obj: Model | None = None, **kwargs: Any) -> Any:
        return value


class ExchangeRateResource(resources.ModelResource):
    """Exchange rates in and out of Excel/CSV (columns date, ves_per_usd, source); a date
    already loaded is updated. Loading rates freezes the amounts still waiting for one
    (crm.services.currency.freeze_pending_amounts)."""

    date = fields.Field(column_name="date", attribute="date", widget=RateDateWidget())
    ves_per_usd = fields.Field(
        column_name="ves_per_usd", attribute="ves_per_usd", widget=RateWidget()
    )
    source = fields.Field(column_name="source", attribute="source", widget=SourceWidget())

    class Meta:
        model = ExchangeRate
        fields = ("date", "ves_per_usd", "source")
        import_id_fields = ("date",)
        skip_unchanged = True
        clean_model_instances = True

    def get_instance(self, instance_loader: Any, row: Mapping[str, Any]) -> ExchangeRate | None:
        # A date that cannot be read finds no row to update: the field's own validation then
        # reports it on its row, with the others (instead of stopping the whole import).
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def after_import(self, dataset: Dataset, result: Any, **kwargs: Any) -> None:
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run") and not result.has_errors():
            freeze_pending_amounts()
