"""Forms of the lending pages. Presentation and parsing only: amounts typed in major units
become minor units here; the services check the fund's policy and the rules."""

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intercoop.capital.models import MAX_TERM_MONTHS, METHOD_CHOICES, LoanApplication
from intercoop.capital.writing import CHECKLIST, MAX_USES
from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT
from intercoop.core.money import MoneyError, major_units, minor_units
from intercoop.core.widgets import DateInput
from intercoop.directory.models import Organization

# What each way of repaying means, in plain words (shown beside the choice).
METHOD_HELP = {
    "annuity": _(
        "The same payment every month. Early payments are mostly interest, later ones "
        "mostly repay the loan."
    ),
    "equal-principal": _(
        "The same part of the loan is repaid every month, plus interest on what is still "
        "owed: payments start higher and get smaller."
    ),
    "interest-only": _(
        "Only the interest is paid every month; the whole loan is repaid with the last payment."
    ),
    "flat": _(
        "Interest on the whole amount borrowed every month, even as it is repaid: simple "
        "to follow, but it costs more than the others."
    ),
}
assert set(METHOD_HELP) == {code for code, _label in METHOD_CHOICES}

USE_ROWS = 3  # empty rows offered for uses of funds
USE_KEY = re.compile(r"^use_(\d{1,2})(?:_amount)?$")


def rate_field(label: Any, **options: Any) -> forms.DecimalField:
    """A rate in per cent a year (the service checks it against the fund's range)."""
    return forms.DecimalField(
        label=label, max_digits=6, decimal_places=3, min_value=0, max_value=100, **options
    )


def amount_field(label: Any, *, required: bool = True, **options: Any) -> forms.CharField:
    """An amount typed in major units ("12,000.50"); the form turns it into minor units."""
    return forms.CharField(
        label=label, required=required, max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **options,
    )  # fmt: skip


def to_minor(form: forms.Form, field: str, currency: str) -> int | None:
    """The field's amount in minor units (None when blank), or the field's error."""
    text = str(form.cleaned_data.get(field) or "").strip()
    if not text:
        return None
    try:
        return minor_units(text, currency)
    except MoneyError as error:
        form.add_error(field, error.message)
        return None


def shown_amount(amount: int | None, currency: str) -> str:
    """Minor units as a form shows them: "1200.50"."""
    return "" if amount is None else format(major_units(amount, currency), "f")


class ApplicationForm(forms.Form):
    """A loan application: what it is for, how much, how long, at what rate, repaid how,
    and what the money will be spent on (a few rows of use and amount)."""

    organization = forms.TypedChoiceField(label=_("Who applies"), coerce=int)
    purpose = forms.CharField(
        label=_("What the loan is for"), max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you will do with it, and how it helps your co-op repay it."),
    )  # fmt: skip
    amount = amount_field(_("Amount"))
    term_months = forms.IntegerField(
        label=_("Term (months)"), min_value=1, max_value=MAX_TERM_MONTHS
    )
    requested_rate = rate_field(_("Rate you ask for (% a year)"), initial=Decimal(0))
    method = forms.ChoiceField(
        label=_("How you repay"), choices=METHOD_CHOICES, initial="annuity",
        widget=forms.RadioSelect,
    )  # fmt: skip
    grace_months = forms.IntegerField(
        label=_("Grace months"), min_value=0, max_value=MAX_TERM_MONTHS, initial=0,
        help_text=_("The first months pay interest only; the repayments start after them."),
    )  # fmt: skip

    def __init__(
        self,
        data: Any = None,
        *,
        currency: str,
        organizations: Sequence[Organization] | None = None,
        application: LoanApplication | None = None,
    ) -> None:
        initial: dict[str, Any] = {}
        uses: list[dict[str, Any]] = []
        if application is not None:
            initial = {
                "purpose": application.purpose,
                "amount": shown_amount(application.amount, currency),
                "term_months": application.term_months,
                "requested_rate": application.requested_rate,
                "method": application.method,
                "grace_months": application.grace_months,
            }
            uses = list(application.uses or [])
            for n, use in enumerate(uses, start=1):
                initial[f"use_{n}"] = use.get("use", "")
                initial[f"use_{n}_amount"] = shown_amount(use.get("amount"), currency)
        super().__init__(data, initial=initial)
        self.currency = currency
        choices = [(o.pk, o.name) for o in organizations or []]
        if organizations is None:
            del self.fields["organization"]
        else:
            field = self.fields["organization"]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = choices
            if len(choices) == 1:  # no choice to make: that one applies
                field.initial = choices[0][0]
                field.required = False
                field.widget = forms.HiddenInput()
        self.organization_names = dict(choices)
        self.use_rows = self._use_count(data, len(uses))
        for n in range(1, self.use_rows + 1):
            self.fields[f"use_{n}"] = forms.CharField(
                label=_("Use %(n)s") % {"n": n}, required=False, max_length=SHORT_TEXT
            )
            self.fields[f"use_{n}_amount"] = amount_field(_("Amount"), required=False)

    @staticmethod
    def _use_count(data: Any, existing: int) -> int:
        """Rows of uses: those posted, else the application's and a few empty ones."""
        if data is not None:
            posted = [int(m.group(1)) for key in data if (m := USE_KEY.match(key))]
            return min(MAX_USES, max(posted, default=0))
        return min(MAX_USES, max(existing + 1, USE_ROWS))

    @property
    def method_options(self) -> list[tuple[Any, Any]]:
        """Each repayment choice's radio button with what it means."""
        return [(radio, METHOD_HELP[radio.data["value"]]) for radio in self["method"]]

    @property
    def use_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"use_{n}"], self[f"use_{n}_amount"]) for n in range(1, self.use_rows + 1)]

    @property
    def chooses_organization(self) -> bool:
        """The user speaks for several member co-ops and chooses which applies."""
        return len(self.organization_names) > 1

    @property
    def applicant_name(self) -> str:
        """The one organisation that may apply, when there is only one."""
        names = list(self.organization_names.values())
        return names[0] if len(names) == 1 else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        if (
            "organization" in self.fields
            and data.get("organization") in (None, "")
            and self.applicant_name
        ):
            data["organization"] = next(iter(self.organization_names))
        if "amount" in data:
            amount = to_minor(self, "amount", self.currency)
            if amount is None:
                data.pop("amount", None)
                if "amount" not in self.errors:
                    self.add_error("amount", _("This field is required."))
            else:
                data["amount"] = amount
        uses = []
        for n in range(1, self.use_rows + 1):
            label = (data.get(f"use_{n}") or "").strip()
            amount = to_minor(self, f"use_{n}_amount", self.currency)
            if f"use_{n}_amount" in self.errors:
                continue
            if label and amount is None:
                self.add_error(f"use_{n}_amount", _("How much of the loan goes to this use?"))
            elif amount is not None and not label:
                self.add_error(f"use_{n}", _("What is this amount for?"))
            elif label and amount is not None:
                uses.append({"use": label, "amount": amount})
        data["uses"] = uses
        return data

    def values(self) -> dict[str, Any]:
        """The application's values as the services take them."""
        data = self.cleaned_data
        fields = ("purpose", "amount", "term_months", "requested_rate", "method", "grace_months")
        return {field: data[field] for field in fields} | {"uses": data["uses"]}


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A business plan, accounts or a forecast: at most 5 MB, 10 files."),
    )


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChecklistForm(forms.Form):
    """The reviewers' checklist: one tick box an item."""

    def __init__(self, data: Any = None, *, checklist: dict[str, bool]) -> None:
        super().__init__(data, initial={key: bool(checklist.get(key)) for key in CHECKLIST})
        for key, label in CHECKLIST.items():
            self.fields[key] = forms.BooleanField(label=label, required=False)

    def values(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(key)) for key in CHECKLIST}


class DecisionForm(forms.Form):
    """The committee's recorded decision, its vote count, and terms it changed."""

    DECISIONS = [("approve", _("Approve: offer the loan")), ("decline", _("Decline"))]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why, and any conditions: the applicant reads it."),
    )  # fmt: skip
    votes_for = forms.IntegerField(label=_("Votes for"), required=False, min_value=0)
    votes_against = forms.IntegerField(label=_("Votes against"), required=False, min_value=0)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), required=False, min_value=0)
    amount = amount_field(
        _("Amount offered"), required=False, help_text=_("Blank: the amount asked for.")
    )
    requested_rate = rate_field(
        _("Rate offered (% a year)"), required=False, help_text=_("Blank: the rate asked for.")
    )
    term_months = forms.IntegerField(
        label=_("Term offered (months)"), required=False, min_value=1, max_value=MAX_TERM_MONTHS,
        help_text=_("Blank: the term asked for."),
    )  # fmt: skip

    def __init__(self, data: Any = None, *, currency: str) -> None:
        super().__init__(data)
        self.currency = currency

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        data["amount"] = to_minor(self, "amount", self.currency)
        return data

    @property
    def approved(self) -> bool:
        return self.cleaned_data["decision"] == "approve"

    def votes(self) -> tuple[int, int, int] | None:
        counts = [self.cleaned_data.get(f) for f in ("votes_for", "votes_against", "votes_abstain")]
        if all(count is None for count in counts):
            return None
        return (counts[0] or 0, counts[1] or 0, counts[2] or 0)

    def terms(self) -> dict[str, Any]:
        """The terms the committee changed (the service checks them against the policy)."""
        fields = ("amount", "requested_rate", "term_months")
        return {f: self.cleaned_data[f] for f in fields if self.cleaned_data.get(f) is not None}


class DisburseForm(forms.Form):
    on = forms.DateField(label=_("Paid out on"), widget=DateInput())
    settle_by_clearing = forms.BooleanField(
        label=_("Repay through clearing"), required=False,
        help_text=_(
            "Each instalment becomes an invoice from the fund to the borrower, which "
            "clearing may set off against what other co-ops owe the borrower."
        ),
    )  # fmt: skip


class RepaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    amount = amount_field(_("Amount"))
    reference = forms.CharField(label=_("Reference"), required=False, max_length=SHORT_TEXT)

    def __init__(self, data: Any = None, *, currency: str, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.currency = currency

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        if "amount" in data:
            amount = to_minor(self, "amount", self.currency)
            if amount is None:
                data.pop("amount", None)
            else:
                data["amount"] = amount
        return data


class RestructureForm(forms.Form):
    start = forms.DateField(
        label=_("New schedule starts on"), widget=DateInput(),
        help_text=_("The first new instalment is due a month after."),
    )  # fmt: skip
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=MAX_TERM_MONTHS)
    annual_rate = rate_field(_("Rate (% a year)"))
    method = forms.ChoiceField(label=_("How it is repaid"), choices=METHOD_CHOICES)
    grace_months = forms.IntegerField(
        label=_("Grace months"), min_value=0, max_value=MAX_TERM_MONTHS, initial=0
    )
    reason = forms.CharField(label=_("Reason"), max_length=SHORT_TEXT)
    capitalise_interest = forms.BooleanField(
        label=_("Add the overdue interest to the new principal"), required=False, initial=True
    )


class WriteOffForm(forms.Form):
    """Shown on the loan's page beside the restructuring form: ids of its own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_write_off_%s")
        super().__init__(*args, **kwargs)

    reason = forms.CharField(label=_("Reason"), max_length=SHORT_TEXT)
    confirm = forms.BooleanField(
        label=_("I understand: what is left of the loan is recorded as a loss, for good."),
        required=True,
    )
