from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import EventKind
from audit.services import record_security_event
from config.forms import BootstrapFormMixin


class LoginForm(BootstrapFormMixin, auth_forms.AuthenticationForm):
    required_css_class = "required"
    # At most what django-axes stores about a failed attempt (255): a longer one made
    # PostgreSQL refuse axes' row, a 500. (The security log keeps its first 150.)
    username = forms.CharField(
        label=_("Username"),
        max_length=255,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class PasswordResetForm(BootstrapFormMixin, auth_forms.PasswordResetForm):
    required_css_class = "required"


class SetPasswordForm(BootstrapFormMixin, auth_forms.SetPasswordForm):
    required_css_class = "required"

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        record_security_event(kind=EventKind.PASSWORD_RESET_DONE, user=user)
        return user


class PasswordChangeForm(BootstrapFormMixin, auth_forms.PasswordChangeForm):
    required_css_class = "required"

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        record_security_event(kind=EventKind.PASSWORD_CHANGED, user=user)
        return user


class PreferencesForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["reminder_minutes", "daily_digest"]

    def clean_reminder_minutes(self) -> int:
        minutes = self.cleaned_data["reminder_minutes"]
        if not 0 <= minutes <= 24 * 60:
            raise forms.ValidationError(_("Choose between 0 and 1440 minutes (one day)."))
        return minutes
