"""Forms of the register pages: members entered, corrected and ceased; share classes;
subscriptions, payments, transfers and redemptions. Presentation only: they turn what
was typed into values (amounts in major units become minor units of the register's
currency) and choices into rows of the organisation; the services check the rules and
the bounds."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import MAX_MONEY, SHORT_TEXT
from intercoop.core.forms import MoneyForm, id_param
from intercoop.core.money import major_units
from intercoop.core.widgets import DateInput
from intercoop.directory.models import Organization
from intercoop.membership.models import Member, ShareClass, Subscription
from intercoop.membership.plans import MAX_INSTALMENTS
from intercoop.membership.registers import MAX_ADDRESS, MAX_SHARES, PAYMENT_METHODS

MAX_MAJOR = MAX_MONEY // 100


def _major(label: Any, **options: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=MAX_MAJOR, max_digits=20, decimal_places=3, **options
    )


def _whole(label: Any, *, low: int = 1, high: int = MAX_SHARES, **options: Any) -> Any:
    return forms.IntegerField(label=label, min_value=low, max_value=high, **options)


def _pick(label: Any) -> forms.CharField:
    """A row chosen among those shown (the form resolves it within the organisation)."""
    return forms.CharField(label=label, max_length=24, widget=forms.Select)


def _show(form: forms.Form, field: str, choices: Sequence[tuple[Any, str]]) -> None:
    widget = form.fields[field].widget
    assert isinstance(widget, forms.Select)
    widget.choices = [("", "—"), *((str(key), label) for key, label in choices)]


class RegisterForm(MoneyForm):
    """A form about one organisation's registers: it resolves chosen members, classes
    and subscriptions to that organisation's rows."""

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def _member(self, field: str) -> Member:
        found = Member.objects.filter(
            organization=self.organization, pk=id_param(self.cleaned_data[field])
        ).first()
        if found is None:
            raise forms.ValidationError(_("Choose a member on the register"))
        return found

    def _share_class(self) -> ShareClass:
        found = ShareClass.objects.filter(
            organization=self.organization, pk=id_param(self.cleaned_data["share_class"])
        ).first()
        if found is None:
            raise forms.ValidationError(_("Choose one of the organisation's share classes"))
        return found


# the register of members ---------------------------------------------------------------


class MemberForm(forms.Form):
    """Enter a member: a person or an organisation, with the register's particulars."""

    name = forms.CharField(label=_("Name"), max_length=SHORT_TEXT)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(
        label=_("Address"),
        max_length=MAX_ADDRESS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    entered_on = forms.DateField(label=_("Date entered"), widget=DateInput())


class MemberUpdateForm(MoneyForm):
    """Correct a row of the register; loans in major units of the register's currency."""

    money_fields = ("loans",)

    name = forms.CharField(label=_("Name"), max_length=SHORT_TEXT)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(
        label=_("Address"),
        max_length=MAX_ADDRESS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    loans = _major(_("Loans to the society"))


def member_initial(member: Member, currency: str) -> dict[str, Any]:
    return {
        "name": member.name,
        "email": member.email,
        "address": member.address,
        "loans": major_units(member.loans, currency or "USD"),
    }


class CeaseForm(forms.Form):
    on = forms.DateField(label=_("Date ceased"), widget=DateInput())
    reason = forms.CharField(label=_("Why"), max_length=SHORT_TEXT)


# share classes -------------------------------------------------------------------------------


class ShareClassForm(MoneyForm):
    money_fields = ("price",)

    name = forms.CharField(label=_("Name"), max_length=SHORT_TEXT)
    price = _major(_("Price of a share"))
    currency = forms.CharField(
        label=_("Currency"), max_length=3, initial="USD", help_text=_("ISO 4217 code, such as EUR")
    )
    minimum = _whole(_("Shares needed to be a member"), initial=1)
    transferable = forms.BooleanField(label=_("Members may transfer them"), required=False)
    redemption_months = _whole(
        _("Months from a request to the payout of a redemption"), low=0, high=600, initial=0
    )

    def money_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or self.money_in).strip().upper()


def share_class_initial(share_class: ShareClass) -> dict[str, Any]:
    return {
        "name": share_class.name,
        "price": major_units(share_class.price, share_class.currency),
        "currency": share_class.currency,
        "minimum": share_class.minimum,
        "transferable": share_class.transferable,
        "redemption_months": share_class.redemption_months,
    }


# the share ledger ------------------------------------------------------------------------------


class SubscribeForm(RegisterForm):
    member = _pick(_("Member"))
    share_class = _pick(_("Share class"))
    shares = _whole(_("Shares"))
    instalments = _whole(
        _("Monthly instalments"),
        high=MAX_INSTALMENTS,
        initial=1,
        help_text=_("1 to pay at once; the last instalment pays what rounding leaves"),
    )
    first_due_on = forms.DateField(label=_("First payment due on"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        members: Sequence[Member],
        classes: Sequence[ShareClass],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _show(self, "member", [(m.pk, m.name) for m in members])
        _show(self, "share_class", [(c.pk, c.name) for c in classes])

    def clean_member(self) -> Member:
        return self._member("member")

    def clean_share_class(self) -> ShareClass:
        return self._share_class()


class PaymentForm(RegisterForm):
    money_fields = ("amount",)

    subscription = _pick(_("Subscription"))
    amount = _major(_("Amount"))
    on = forms.DateField(label=_("Paid on"), widget=DateInput())
    method = forms.ChoiceField(label=_("How"), required=False)

    def __init__(self, *args: Any, subscriptions: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _show(self, "subscription", [(s.pk, label) for s, label in subscriptions])
        method = self.fields["method"]
        assert isinstance(method, forms.ChoiceField)
        method.choices = [("", "—"), *PAYMENT_METHODS.items()]

    def clean_subscription(self) -> Subscription:
        found = (
            Subscription.objects.filter(
                share_class__organization=self.organization,
                pk=id_param(self.cleaned_data["subscription"]),
            )
            .select_related("share_class__organization", "member")
            .first()
        )
        if found is None:
            raise forms.ValidationError(_("Choose one of the subscriptions"))
        return found


class TransferForm(RegisterForm):
    from_member = _pick(_("From"))
    to_member = _pick(_("To"))
    share_class = _pick(_("Share class"))
    shares = _whole(_("Shares"))
    on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        members: Sequence[Member],
        classes: Sequence[ShareClass],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _show(self, "from_member", [(m.pk, m.name) for m in members])
        _show(self, "to_member", [(m.pk, m.name) for m in members])
        _show(self, "share_class", [(c.pk, c.name) for c in classes])

    def clean_from_member(self) -> Member:
        return self._member("from_member")

    def clean_to_member(self) -> Member:
        return self._member("to_member")

    def clean_share_class(self) -> ShareClass:
        return self._share_class()


class RedeemForm(RegisterForm):
    member = _pick(_("Member"))
    share_class = _pick(_("Share class"))
    shares = _whole(_("Shares"))
    on = forms.DateField(label=_("Asked on"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        members: Sequence[Member],
        classes: Sequence[ShareClass],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _show(self, "member", [(m.pk, m.name) for m in members])
        _show(self, "share_class", [(c.pk, c.name) for c in classes])

    def clean_member(self) -> Member:
        return self._member("member")

    def clean_share_class(self) -> ShareClass:
        return self._share_class()
