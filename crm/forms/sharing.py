"""The forms of a record's "Compartir" page (a client or an opportunity, crm.views.sharing):
add a colleague at a level, stop sharing with one."""

from collections.abc import Iterable
from typing import cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import assignable_executives
from config.forms import BootstrapFormMixin
from crm.models import Client, Opportunity
from crm.services.shares import ShareLevel


class ShareAddForm(BootstrapFormMixin, forms.Form):
    """ "Compartir" (an opportunity or a client): a commercial colleague who was not given it
    yet, and the level ("Ver" or "Editar")."""

    colleague = forms.ModelChoiceField(
        label=_("Colleague"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choose a colleague."),
            "invalid_choice": _("Choose a colleague with a commercial role."),
        },
    )

    level = forms.ChoiceField(
        label=_("Access"),
        choices=ShareLevel.choices,
        required=False,
        help_text=_("With “Edit” they may also make changes."),
    )

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        record: Client | Opportunity,
        shared_with: Iterable[User],
        level: str = ShareLevel.VIEW,
    ) -> None:
        super().__init__(data, initial={"level": level})
        self.default_level = level
        colleague = cast(forms.ModelChoiceField, self.fields["colleague"])
        colleague.queryset = (
            assignable_executives()
            .exclude(pk=record.owner_id)
            .exclude(pk__in=[user.pk for user in shared_with])
        )

    def clean_level(self) -> str:
        return self.cleaned_data["level"] or self.default_level


class ShareRemoveForm(forms.Form):
    """Stop sharing with one of the colleagues it is shared with."""

    colleague = forms.ModelChoiceField(queryset=User.objects.none())

    def __init__(self, data: QueryDict | None = None, *, shared_with: Iterable[User]) -> None:
        super().__init__(data)
        colleague = cast(forms.ModelChoiceField, self.fields["colleague"])
        colleague.queryset = User.objects.filter(pk__in=[user.pk for user in shared_with])
