from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from intercoop.core.errors import DomainError, InvalidValues


class SignupForm(UserCreationForm):
    email = forms.EmailField(label=_("E-mail"), required=True)

    class Meta:
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail exists."))
        return email


def add_domain_errors(form: forms.BaseForm, error: DomainError) -> None:
    """Show a service's refusal on the form: each field's reason beside that field, the
    rest above the form."""
    if not isinstance(error, InvalidValues):
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return
    for field, reason in error.errors.items():
        form.add_error(field if field in form.fields else None, reason)
