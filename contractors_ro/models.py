from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ContractorStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    SUSPENDED = "suspended", _("Suspended")


class Contractor(models.Model):
    """A contractor the company works with. Read-only for commercial roles."""

    name = models.CharField(_("name"), max_length=200)
    tax_id = models.CharField(_("RIF"), max_length=20, unique=True)
    specialty = models.CharField(_("specialty"), max_length=120, db_index=True)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ContractorStatus.choices,
        default=ContractorStatus.ACTIVE,
        db_index=True,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contractor")
        verbose_name_plural = _("contractors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contractors:detail", args=[self.pk])
