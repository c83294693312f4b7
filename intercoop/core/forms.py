from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.money import MoneyError, minor_units


class SignupForm(UserCreationForm):
    email = forms.EmailField(label=_("E-mail"), required=True)

    class Meta:
        model = User
        fields = ("username", "email")

    def clean_username(self) -> str:
        username: str = super().clean_username()
        if username.lower().startswith("intercoop-system"):
            raise forms.ValidationError(_("This username is reserved."))
        return username

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


class ImportForm(forms.Form):
    """Upload a file to import, in one of the formats the user may import."""

    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(label=_("Format"))
    network = forms.ChoiceField(label=_("Network"), required=False)
    skip_bad_rows = forms.BooleanField(
        label=_("Skip bad rows"),
        required=False,
        help_text=_("Import the good rows and list the bad ones; by default nothing is written."),
    )

    def __init__(
        self, *args: Any, importers: list[Any], networks: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        format_field = self.fields["format"]
        network_field = self.fields["network"]
        assert isinstance(format_field, forms.ChoiceField)
        assert isinstance(network_field, forms.ChoiceField)
        format_field.choices = [(i.format, i.label) for i in importers]
        network_field.choices = [("", _("(none)")), *networks]


def id_param(value: object) -> int:
    """A submitted id as an integer, or 0 (no such row) when it is not one: ids come from
    forms and links, and a mangled one is a missing object, never a server error."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0


class MoneyForm(forms.Form):
    """Turns the amounts in `money_fields` (major units) into minor units of `currency`,
    with the field's error when the currency has fewer decimals than were typed."""

    money_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, currency: str = "USD", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.money_in = currency

    def money_currency(self) -> str:
        return self.money_in

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        currency = self.money_currency()
        for field in self.money_fields:
            value = cleaned.get(field)
            if value is None:
                continue
            try:
                cleaned[field] = minor_units(value, currency)
            except MoneyError as error:
                self.add_error(field, error.message)
        return cleaned
