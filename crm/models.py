from django.db import models
from django.utils.translation import gettext_lazy as _


class Client(models.Model):
    """A client of the company. Minimal here; the clients module completes it."""

    name = models.CharField(_("name or company name"), max_length=200)
    tax_id = models.CharField(_("RIF/NIT"), max_length=20, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
