"""Forms of the clearing pages. Presentation only: the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intercoop.core.widgets import DateInput
from intercoop.directory.widgets import OrganizationPicker


class ObligationForm(forms.Form):
    DIRECTIONS = [("owed_to_us", _("They owe us (we invoice them)")),
                  ("we_owe", _("We owe them"))]  # fmt: skip
    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTIONS)
    other = forms.CharField(
        label=_("The other organisation (its address name)"),
        max_length=200,
        widget=OrganizationPicker(),
        help_text=_("Type its name or town and choose it, or type its address name"),
    )
    amount = forms.DecimalField(label=_("Amount"), min_value=0, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns debtor, creditor (organisation address names), amount, currency; "
                    "due_on and reference optional"),
    )  # fmt: skip


class RunForm(forms.Form):
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    use_credit = forms.BooleanField(
        label=_("Then settle what remains in mutual credit"), required=False
    )


class CreditSystemForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=8)
    name = forms.CharField(label=_("Name"), max_length=100)
    currency = forms.CharField(label=_("One unit is worth one"), max_length=3, initial="USD")
    default_limit = forms.DecimalField(
        label=_("Default credit limit"), min_value=0, decimal_places=2
    )


class PaymentForm(forms.Form):
    payer = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    payee = forms.CharField(label=_("Pay"), max_length=200, widget=OrganizationPicker())
    amount = forms.DecimalField(label=_("Amount"), min_value=0, decimal_places=2)
    memo = forms.CharField(label=_("Memo"), max_length=200, required=False)
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
