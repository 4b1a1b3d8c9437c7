from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Roles are Django groups (see accounts.roles)."""

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Visibility(models.TextChoices):
    ALL = "all", _("All the company's records")
    OWN = "own", _("Only own records and those shared with them")


class CompanySettings(models.Model):
    """The company's run-time settings: one row, edited by the Administrador in admin."""

    company_name = models.CharField(_("company name"), max_length=200, default="Rumbo")
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    client_visibility = models.CharField(
        _("visibility of other executives' clients"),
        max_length=3,
        choices=Visibility.choices,
        default=Visibility.ALL,
    )
    opportunity_visibility = models.CharField(
        _("visibility of other executives' opportunities"),
        max_length=3,
        choices=Visibility.choices,
        default=Visibility.ALL,
    )

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")

    def __str__(self) -> str:
        return str(_("Company settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "CompanySettings":
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings
