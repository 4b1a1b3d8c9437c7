"""Forms of action plans: the plan with its actions, and turning an action into an activity."""

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.forms import BootstrapFormMixin, LocalDateField, LocalDateTimeField
from crm.forms.base import form_field
from crm.models import ActivityType, Client

ACTION_ROWS = 5


class ActionPlanForm(BootstrapFormMixin, forms.Form):
    """The objective and up to ACTION_ROWS actions (each: action, owner, date); a row left
    blank is ignored, a row half filled is an error."""

    objective = forms.CharField(
        label=_("Objective"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("What the plan should improve in the pipeline, e.g. double Prospección."),
    )

    def __init__(
        self, *args: Any, owners: QuerySet[User], default_owner: User | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for index in range(ACTION_ROWS):
            self.fields[f"action_{index}"] = forms.CharField(
                label=_("Action %(n)s") % {"n": index + 1}, max_length=200, required=False
            )
            self.fields[f"owner_{index}"] = forms.ModelChoiceField(
                label=_("Owner"), queryset=owners, required=False, initial=default_owner
            )
            self.fields[f"date_{index}"] = LocalDateField(label=_("Date"), required=False)
        # The mixin styled the fields that existed before; style the rows added here.
        for name, field in self.fields.items():
            if name != "objective" and "class" not in field.widget.attrs:
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = css

    def action_rows(self) -> list[tuple[BoundField, BoundField, BoundField]]:
        """(action, owner, date) bound fields per row, for the template."""
        return [
            (self[f"action_{i}"], self[f"owner_{i}"], self[f"date_{i}"]) for i in range(ACTION_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        actions = []
        for index in range(ACTION_ROWS):
            text = (data.get(f"action_{index}") or "").strip()
            owner, due = data.get(f"owner_{index}"), data.get(f"date_{index}")
            if not text and due is None:
                continue
            if not text:
                self.add_error(f"action_{index}", _("Describe the action."))
            if owner is None:
                self.add_error(f"owner_{index}", _("Choose who does it."))
            if due is None:
                self.add_error(f"date_{index}", _("Give it a date."))
            if text and owner is not None and due is not None:
                actions.append((text, owner, due))
        if not actions and not self.errors:
            raise forms.ValidationError(_("Add at least one action, with its owner and date."))
        data["actions"] = actions
        return data


class ScheduleActionForm(BootstrapFormMixin, forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    type = forms.ChoiceField(label=_("Type"), choices=ActivityType.choices)
    scheduled_at = LocalDateTimeField(label=_("Scheduled for"))

    def __init__(
        self, *args: Any, clients: QuerySet[Client], due_date: date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "client", forms.ModelChoiceField).queryset = clients.order_by("name")
        self.fields["type"].initial = ActivityType.TASK
        if due_date is not None:
            self.fields["scheduled_at"].initial = datetime.combine(
                due_date, time(9, 0), tzinfo=timezone.get_current_timezone()
            )

    def clean_scheduled_at(self) -> datetime:
        value = self.cleaned_data["scheduled_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("The activity must be scheduled in the future."))
        return value
