"""Forms of the purchasing pages. Presentation only: the services check the rules."""

from decimal import InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intercoop.core.money import unit_price
from intercoop.exchange.taxonomy import CATEGORIES
from intercoop.purchasing.models import Bid, Round


class RoundForm(forms.ModelForm):
    articles = forms.CharField(
        label=_("Articles (goods rounds)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: name; unit; case size; price paid today per unit"),
    )

    class Meta:
        model = Round
        fields = ["title", "kind", "category", "currency", "volume_unit", "strategy",
                  "transport_split", "closes_on", "description"]  # fmt: skip
        widgets = {"closes_on": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 2})}  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = list(CATEGORIES.items())  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        """The rules are the service's (round_create)."""

    def clean_articles(self) -> list[dict[str, Any]]:
        articles = []
        currency = (self.data.get("currency") or "USD").upper()
        for n, line in enumerate(self.cleaned_data["articles"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            try:
                name, unit, case, price = (parts + ["", "", "1", "0"][len(parts) :])[:4]
                articles.append({
                    "name": name, "unit": unit or "piece", "case_size": int(case or 1),
                    "reference_price": unit_price(price or 0, currency),
                })  # fmt: skip
            except (ValueError, InvalidOperation, ArithmeticError):
                raise forms.ValidationError(
                    _("Line %(n)s: name; unit; case size; price") % {"n": n}
                ) from None
        return articles


class OrderForm(forms.Form):
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, decimal_places=3)
    tolerance = forms.DecimalField(
        label=_("Tolerance"), min_value=0, decimal_places=3, required=False,
        help_text=_("Extra you would take to fill the last case"),
    )  # fmt: skip


class CommitmentForm(forms.Form):
    volume = forms.DecimalField(label=_("Annual volume"), min_value=0, decimal_places=3)
    current_price = forms.DecimalField(
        label=_("Price you pay today per unit"), min_value=0, decimal_places=4
    )


class BidForm(forms.Form):
    mode = forms.ChoiceField(label=_("Tier pricing"), choices=Bid.Mode.choices)
    tiers = forms.CharField(
        label=_("Tiers (service rounds)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: from volume; price per unit. The first starts at 0."),
    )
    evidence = forms.CharField(
        label=_("Evidence for the social criteria"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Local, co-op or worker-owned, environmental and labour standards"),
    )


class AwardForm(forms.Form):
    bid = forms.IntegerField(widget=forms.HiddenInput)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))


class BillForm(forms.Form):
    period_end = forms.DateField(
        label=_("Period ending"), widget=forms.DateInput(attrs={"type": "date"})
    )
    volume = forms.DecimalField(label=_("Volume billed"), min_value=0, decimal_places=3)
    amount = forms.DecimalField(label=_("Amount billed"), min_value=0, decimal_places=2)


class PatronageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    surplus = forms.DecimalField(
        label=_("Rebate or surplus to share"), min_value=0, decimal_places=2
    )
    cash_percent = forms.IntegerField(
        label=_("Paid in cash (%)"), min_value=0, max_value=100,
        help_text=_("The rest is retained in members' capital accounts"),
    )  # fmt: skip
    period_start = forms.DateField(
        label=_("Purchases from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Purchases to"), widget=forms.DateInput(attrs={"type": "date"})
    )
