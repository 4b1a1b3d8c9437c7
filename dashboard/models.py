from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    """No table: only carries the dashboard's permissions so the roles matrix can grant them."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboard", _("Can view the commercial dashboard")),
            ("view_team_dashboard", _("Can view the whole team's figures")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
