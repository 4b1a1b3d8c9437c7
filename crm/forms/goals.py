"""The Metas page: which period it shows, and the manager's targets per executive."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import AmountField
from crm.forms.base import CurrencyField
from crm.models import GoalPeriod
from crm.models.goals import period_start
from crm.services.goals import GoalInput


class GoalPeriodForm(forms.Form):
    """?periodo=mes|trimestre&inicio=AAAA-MM; anything else falls back to this month."""

    periodo = forms.ChoiceField(choices=GoalPeriod.choices, required=False)
    inicio = forms.DateField(input_formats=["%Y-%m"], required=False)

    def period(self) -> tuple[str, date]:
        today = timezone.localdate()
        if not self.is_valid():
            return GoalPeriod.MONTH, period_start(GoalPeriod.MONTH, today)
        period = self.cleaned_data["periodo"] or GoalPeriod.MONTH
        day = self.cleaned_data["inicio"] or today
        if not date(1990, 1, 1) <= day <= date(2100, 12, 31):
            day = today
        return period, period_start(period, day)


class GoalRowForm(forms.Form):
    executive = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    won_value = AmountField(label=_("Won value target"), required=False)
    won_value_currency = CurrencyField(label=_("Currency of the target"))
    new_opportunities = forms.IntegerField(
        label=_("New opportunities target"), required=False, min_value=0, max_value=100_000
    )
    activities = forms.IntegerField(
        label=_("Activities done target"), required=False, min_value=0, max_value=100_000
    )

    def goal_input(self) -> GoalInput:
        data = self.cleaned_data
        return GoalInput(
            executive_id=data["executive"],
            won_value=data["won_value"],
            won_value_currency=data["won_value_currency"],
            new_opportunities=data["new_opportunities"],
            activities=data["activities"],
        )


GoalFormSet = forms.formset_factory(GoalRowForm, extra=0, max_num=500, validate_max=True)
