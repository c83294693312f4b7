"""Forms of the fund pages: setting up a fund and its policy, equity tiers, pledges,
contributions, member equity, investor notes. Presentation only: they turn what was
typed into values (amounts typed in major units become minor units of the fund's
currency) and choices into rows; the services check the rules and the bounds."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from intercoop.capital.models import EquityTier, Fund, Pledge
from intercoop.capital.writing import plain
from intercoop.core.bounds import LONG_TEXT, MAX_MONEY, SHORT_TEXT
from intercoop.core.forms import (
    MoneyForm,
    id_param,
)
from intercoop.core.money import major_units
from intercoop.core.widgets import DateInput
from intercoop.directory.models import Organization
from intercoop.directory.widgets import OrganizationPicker
from intercoop.governance.models import Body

# Amounts are typed in major units: at most 10^15 minor units of a two-decimal currency
# (the service checks the exact bound for the fund's currency).
MAX_MAJOR = MAX_MONEY // 100
MAX_WHOLE = 1_000_000  # a bound for whole numbers typed; the services check the real ones
Choices = Sequence[tuple[str, str]]


def _major(label: Any, **options: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=MAX_MAJOR, max_digits=20, decimal_places=3, **options
    )


def _rate(label: Any, **options: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=9, decimal_places=3, **options)


def _whole(label: Any, **options: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=MAX_WHOLE, **options)


def _text(label: Any, *, long: bool = False, **options: Any) -> forms.CharField:
    if long:
        options.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
    return forms.CharField(
        label=label, max_length=LONG_TEXT if long else SHORT_TEXT, required=False, **options
    )


def _choice(label: Any, choices: Choices, *, blank: Any = None, **options: Any) -> Any:
    field = forms.ChoiceField(label=label, **options)
    field.choices = ([("", blank)] if blank is not None else []) + list(choices)
    return field


def localized_rate(value: Decimal) -> str:
    """A rate for people on pages: 4.500 is "4.5", 10.000 is "10", in the language's
    decimal sign ("4,5" in Spanish); `writing.rate_text` is the same in every language."""
    return number_format(plain(value), use_l10n=True)


def major(amount: int | None, currency: str) -> Decimal | None:
    """Minor units as the amount a person types, for a form's initial value."""
    return None if amount is None else major_units(amount, currency)


# the fund ---------------------------------------------------------------------------------

DECIDE_CHOICES = [
    ("poll", _("By a poll of the committee")),
    ("record", _("By a decision the committee records")),
]


class FundForm(MoneyForm):
    """A fund's policy; when it is set up (`holders` given), also who holds it and its
    currency. `committees`: the network's committees (value: its id)."""

    money_fields = ("max_loan",)

    name = forms.CharField(label=_("Name"), max_length=SHORT_TEXT)
    holder = forms.ChoiceField(
        label=_("Held by"), help_text=_("The member organisation whose account holds the money")
    )
    currency = forms.CharField(
        label=_("Currency"), max_length=3, initial="USD", help_text=_("ISO 4217 code, such as EUR")
    )
    description = _text(_("Description"), long=True)
    max_loan = _major(_("Largest loan"))
    min_term_months = _whole(_("Shortest term (months)"), initial=6)
    max_term_months = _whole(_("Longest term (months)"), initial=84)
    min_rate = _rate(_("Lowest loan rate (% a year)"), initial=0)
    max_rate = _rate(_("Highest loan rate (% a year)"), initial=8)
    eligibility = _text(_("Who may borrow"), long=True)
    min_membership_months = _whole(_("Months a member before borrowing"), initial=0)
    investor_min_rate = _rate(_("Lowest investor rate (% a year)"), initial=0)
    investor_max_rate = _rate(
        _("Highest investor rate (% a year)"),
        initial=2,
        help_text=_("Investors choose their rate within this range"),
    )
    committee = forms.ChoiceField(label=_("Loan committee"), required=False)
    decide = forms.ChoiceField(
        label=_("The committee decides each loan"),
        choices=DECIDE_CHOICES,
        initial="record",
        widget=forms.RadioSelect,
    )
    decision_days = _whole(_("Days a committee poll is open"), initial=7)
    reserve_percent = _rate(_("Loss reserve (% of each loan disbursed)"), initial=5)

    def __init__(
        self,
        *args: Any,
        committees: Sequence[Body],
        holders: Sequence[Organization] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.committees = {str(body.pk): body for body in committees}
        committee = self.fields["committee"]
        assert isinstance(committee, forms.ChoiceField)
        committee.choices = [("", _("None: the network's coordinators decide"))] + [
            (key, body.name) for key, body in self.committees.items()
        ]
        if holders is None:
            del self.fields["holder"], self.fields["currency"]
            self.holders: dict[str, Organization] = {}
        else:
            self.holders = {str(o.pk): o for o in holders}
            holder = self.fields["holder"]
            assert isinstance(holder, forms.ChoiceField)
            holder.choices = [("", "—")] + [(k, o.name) for k, o in self.holders.items()]

    def money_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or self.money_in).strip().upper()

    def clean_holder(self) -> Organization:
        found = self.holders.get(self.cleaned_data["holder"])
        if found is None:
            raise forms.ValidationError(_("Choose one of the network's members"))
        return found

    def clean_committee(self) -> Body | None:
        key = self.cleaned_data["committee"]
        if not key:
            return None
        if key not in self.committees:
            raise forms.ValidationError(_("Choose one of the network's committees"))
        return self.committees[key]

    def values(self) -> dict[str, Any]:
        """The policy, as the services take it."""
        values = {
            k: v for k, v in self.cleaned_data.items() if k not in ("holder", "currency", "decide")
        }
        values["decide_by_poll"] = self.cleaned_data["decide"] == "poll"
        return values


def fund_initial(fund: Fund) -> dict[str, Any]:
    fields = [
        "name", "description", "min_term_months", "max_term_months", "min_rate", "max_rate",
        "eligibility", "min_membership_months", "investor_min_rate", "investor_max_rate",
        "decision_days", "reserve_percent",
    ]  # fmt: skip
    initial: dict[str, Any] = {field: getattr(fund, field) for field in fields}
    initial["max_loan"] = major(fund.max_loan, fund.currency)
    initial["committee"] = str(fund.committee_id or "")
    initial["decide"] = "poll" if fund.decide_by_poll else "record"
    return initial


class TierForm(MoneyForm):
    money_fields = ("amount",)

    name = forms.CharField(label=_("Tier"), max_length=SHORT_TEXT)
    description = _text(_("Who it is for"))
    amount = _major(_("Equity share"))


# capital in --------------------------------------------------------------------------------


def _organization_field(label: Any) -> forms.CharField:
    """An organisation, chosen among those shown; the service decides whom the user may
    name (a posted organisation is not limited to the choices shown)."""
    return forms.CharField(label=label, max_length=24, widget=forms.Select)


def _show(form: forms.Form, field: str, organizations: Sequence[Organization]) -> None:
    widget = form.fields[field].widget
    assert isinstance(widget, forms.Select)
    widget.choices = [(str(o.pk), o.name) for o in organizations]


def _organization(key: str) -> Organization:
    found = Organization.objects.filter(pk=id_param(key)).first()
    if found is None:
        raise forms.ValidationError(_("No such organisation"))
    return found


class PledgeForm(MoneyForm):
    """A member co-op's pledge: a share of its annual surplus or an amount a year."""

    money_fields = ("yearly_amount",)

    organization = _organization_field(_("Member co-op"))
    percent_of_surplus = forms.DecimalField(
        label=_("% of annual surplus"), required=False, max_digits=9, decimal_places=2
    )
    yearly_amount = _major(_("Or an amount a year"), required=False)
    first_year = _whole(_("First year"))
    years = _whole(_("Years"), initial=3)
    note = _text(_("Note"))

    def __init__(self, *args: Any, organizations: Sequence[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _show(self, "organization", organizations)
        self.fields["first_year"].initial = timezone.localdate().year

    def clean_organization(self) -> Organization:
        return _organization(self.cleaned_data["organization"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        nothing = cleaned.get("percent_of_surplus") is None and cleaned.get("yearly_amount") is None
        if nothing and "yearly_amount" not in self.errors:
            self.add_error(
                "percent_of_surplus", _("Give a share of the surplus or an amount a year")
            )
        return cleaned


class ContributionForm(MoneyForm):
    """Money a member co-op paid in, perhaps fulfilling one of its pledges."""

    money_fields = ("amount",)

    organization = _organization_field(_("From"))
    pledge = forms.ChoiceField(label=_("Fulfilling the pledge"), required=False)
    amount = _major(_("Amount"))
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    surplus_year = forms.IntegerField(
        label=_("From the surplus of (year)"), required=False, min_value=0, max_value=MAX_WHOLE
    )

    def __init__(
        self,
        *args: Any,
        organizations: Sequence[Organization],
        pledges: Sequence[Pledge],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pledges = {str(p.pk): p for p in pledges}
        _show(self, "organization", organizations)
        pledge = self.fields["pledge"]
        assert isinstance(pledge, forms.ChoiceField)
        pledge.choices = [("", _("None"))] + [
            (k, f"{p.organization.name}: {p.first_year}–{p.last_year}")
            for k, p in self.pledges.items()
        ]

    def clean_organization(self) -> Organization:
        return _organization(self.cleaned_data["organization"])

    def clean_pledge(self) -> Pledge | None:
        key = self.cleaned_data["pledge"]
        if not key:
            return None
        if key not in self.pledges:
            raise forms.ValidationError(_("Choose one of the fund's pledges"))
        return self.pledges[key]


class EquityForm(MoneyForm):
    """Member equity bought or redeemed."""

    money_fields = ("amount",)
    DIRECTIONS = [("buy", _("Bought (paid in)")), ("redeem", _("Redeemed (paid back)"))]

    organization = _organization_field(_("Member co-op"))
    direction = forms.ChoiceField(label=_("Equity"), choices=DIRECTIONS)
    amount = _major(_("Amount"))
    on = forms.DateField(label=_("Date"), widget=DateInput())
    tier = forms.ChoiceField(label=_("Tier"), required=False)

    def __init__(
        self,
        *args: Any,
        organizations: Sequence[Organization],
        tiers: Sequence[EquityTier],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tiers = {str(t.pk): t for t in tiers}
        _show(self, "organization", organizations)
        tier = self.fields["tier"]
        assert isinstance(tier, forms.ChoiceField)
        tier.choices = [("", _("None"))] + [(k, t.name) for k, t in self.tiers.items()]

    def clean_organization(self) -> Organization:
        return _organization(self.cleaned_data["organization"])

    def clean_tier(self) -> EquityTier | None:
        key = self.cleaned_data["tier"]
        if not key:
            return None
        if key not in self.tiers:
            raise forms.ValidationError(_("Choose one of the fund's tiers"))
        return self.tiers[key]

    def signed_amount(self) -> int:
        amount = int(self.cleaned_data["amount"])
        return -amount if self.cleaned_data["direction"] == "redeem" else amount


# investor notes ------------------------------------------------------------------------------


class NoteForm(MoneyForm):
    """An investor's note: the investor is an organisation (by its address name) or a
    person (by user name or e-mail)."""

    money_fields = ("amount",)

    organization = forms.CharField(
        label=_("Investor: an organisation"),
        required=False,
        max_length=200,
        widget=OrganizationPicker(),
        help_text=_("Type its name or town and choose it, or type its address name"),
    )
    person = forms.CharField(
        label=_("Or a person"),
        required=False,
        max_length=254,
        help_text=_("Their user name or e-mail"),
    )
    amount = _major(_("Amount"))
    rate = _rate(_("Rate (% a year)"))
    term_months = _whole(_("Term (months)"))
    notice_days = _whole(_("Notice to withdraw (days)"), initial=90)
    issued_on = forms.DateField(label=_("Received on"), widget=DateInput())
    first_loss = forms.BooleanField(
        label=_("First-loss capital"),
        required=False,
        help_text=_("Bears losses before the fund's other capital"),
    )

    def __init__(self, *args: Any, fund: Fund, **kwargs: Any) -> None:
        super().__init__(*args, currency=fund.currency, **kwargs)
        self.fields["rate"].help_text = _("The investor chooses from %(low)s%% to %(high)s%%") % {
            "low": localized_rate(fund.investor_min_rate),
            "high": localized_rate(fund.investor_max_rate),
        }

    def clean_organization(self) -> Organization | None:
        slug = self.cleaned_data["organization"].strip().strip("/").rsplit("/", 1)[-1]
        if not slug:
            return None
        found = Organization.objects.filter(slug=slug).first()
        if found is None:
            raise forms.ValidationError(_("No organisation has this address name"))
        return found

    def clean_person(self) -> Any:
        name = self.cleaned_data["person"].strip()
        if not name:
            return None
        found = list(
            get_user_model().objects.filter(
                Q(username__iexact=name) | Q(email__iexact=name), is_active=True
            )[:2]
        )
        if len(found) != 1:
            raise forms.ValidationError(_("No one has this user name or e-mail"))
        return found[0]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "organization" in self.errors or "person" in self.errors:
            return cleaned
        if (cleaned.get("organization") is None) == (cleaned.get("person") is None):
            raise forms.ValidationError(_("Name one investor: an organisation or a person"))
        return cleaned


class RepayForm(forms.Form):
    on = forms.DateField(label=_("Repaid on"), widget=DateInput())
