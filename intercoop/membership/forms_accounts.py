"""Forms of the internal capital accounts: a patronage line allocated among the members
(by hours worked or wages paid, one figure per member) and a payout from an account.
Presentation only: the services check the rules and the bounds."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import MAX_QUANTITY, SHORT_TEXT
from intercoop.core.forms import MoneyForm
from intercoop.core.values import KEY_LENGTH
from intercoop.core.widgets import DateInput
from intercoop.membership.forms_registers import MAX_MAJOR
from intercoop.membership.models import CapitalAllocation, Member
from intercoop.membership.selectors_accounts import AccountRow


def weight_field(member: Member) -> str:
    return f"weight_{member.pk}"


def logged_hours_help(hours: Decimal | None) -> str:
    if hours is None:
        return ""
    return str(_("%(hours)s hours logged on their pathway in the period") % {"hours": hours})


class AllocateForm(forms.Form):
    """The basis, the date, and a figure (hours or wages) per member of the period."""

    basis = forms.ChoiceField(label=_("In proportion to"), choices=CapitalAllocation.Basis.choices)
    on = forms.DateField(label=_("Allocated on"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        members: Sequence[Member],
        hours: Mapping[int, Decimal],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[weight_field(member)] = forms.DecimalField(
                label=member.name,
                help_text=logged_hours_help(hours.get(member.pk)),
                min_value=0,
                max_value=MAX_QUANTITY,
                max_digits=15,
                decimal_places=2,
                required=False,
            )

    def head_fields(self) -> list[Any]:
        return [self["basis"], self["on"]]

    def member_fields(self) -> list[Any]:
        return [self[weight_field(m)] for m in self.members]

    def weights(self) -> dict[int, Decimal]:
        """Member id → their figure (a blank one counts as zero), in the register's order."""
        return {m.pk: self.cleaned_data.get(weight_field(m)) or Decimal(0) for m in self.members}


class PayoutForm(MoneyForm):
    money_fields = ("amount",)

    account = forms.ChoiceField(label=_("Account"))
    amount = forms.DecimalField(
        label=_("Amount"), min_value=0, max_value=MAX_MAJOR, max_digits=20, decimal_places=3
    )
    on = forms.DateField(label=_("Paid on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=SHORT_TEXT, required=False)
    # the form's one-time name for its payout: sent twice, it is recorded once
    key = forms.CharField(max_length=KEY_LENGTH, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, accounts: Sequence[AccountRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accounts = {f"{row.member.pk}-{row.currency}": row for row in accounts}
        field = self.fields["account"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *((key, row.label) for key, row in self.accounts.items())]

    def money_currency(self) -> str:
        row = self.accounts.get(str(self.data.get("account", "")))
        return row.currency if row is not None else self.money_in

    def clean_account(self) -> AccountRow:
        row = self.accounts.get(self.cleaned_data["account"])
        if row is None:
            raise forms.ValidationError(_("Choose an account with a balance"))
        return row


class ReverseForm(forms.Form):
    # the allocation the page showed (a stale page never reverses a newer one)
    allocation = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Why"), max_length=SHORT_TEXT)
