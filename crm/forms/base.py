"""What the CRM's forms share: a service's ValidationError shown on the field it names, and
reading a submitted id that may be missing or not a number."""

from django.core.exceptions import ValidationError


class ServiceErrorsMixin:
    """For forms whose data a service validates (services raise ValidationError keyed by
    model field): `service_fields` maps a service's key to the form field that shows it."""

    service_fields: dict[str, str] = {}

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's ValidationError on its field, or above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            name = self.service_fields.get(key, key)
            self.add_error(name if name in self.fields else None, errors)


def int_or_none(value) -> int | None:
    """A submitted id or count ("12"), or None when it is missing or not a whole number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
