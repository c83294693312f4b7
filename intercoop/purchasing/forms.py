"""Forms of the purchasing pages. Presentation only: the services check the rules."""

from decimal import InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import LONG_TEXT, MAX_MONEY, SHORT_TEXT
from intercoop.core.errors import DomainError
from intercoop.core.money import unit_price
from intercoop.core.taxonomy import CATEGORIES
from intercoop.core.widgets import DateInput
from intercoop.purchasing.models import (
    MAX_ARTICLES,
    MAX_TIERS,
    MAX_UNIT_PRICE,
    MAX_UNITS,
    Article,
    Bid,
    Round,
)

# Amounts typed in major units: at most 10^15 minor units of a two-decimal currency (the
# service checks the exact bound for the round's currency).
MAX_MAJOR = MAX_MONEY // 100


def _units(label: Any, **options: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=MAX_UNITS, max_digits=14, decimal_places=3,
        **options,
    )  # fmt: skip


def _major(label: Any, **options: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=MAX_MAJOR, decimal_places=2, **options
    )


class RoundForm(forms.ModelForm):
    articles = forms.CharField(
        label=_("Articles (goods rounds)"),
        required=False,
        max_length=MAX_ARTICLES * 100,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: name; unit; case size; price paid today per unit"),
    )

    class Meta:
        model = Round
        fields = ["title", "kind", "category", "currency", "volume_unit", "strategy",
                  "transport_split", "closes_on", "description"]  # fmt: skip
        widgets = {"closes_on": DateInput(),
                   "description": forms.Textarea(attrs={"rows": 2})}  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = list(CATEGORIES.items())  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        """The rules are the service's (round_create)."""

    def clean_articles(self) -> list[dict[str, Any]]:
        articles: list[dict[str, Any]] = []
        currency = str(self.data.get("currency") or "USD").upper()
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
            except (ValueError, InvalidOperation, ArithmeticError, DomainError):
                raise forms.ValidationError(
                    _("Line %(n)s: name; unit; case size; price") % {"n": n}
                ) from None
        return articles


class OrderForm(forms.Form):
    quantity = _units(_("Quantity"))
    tolerance = _units(
        _("Tolerance"), required=False, help_text=_("Extra you would take to fill the last case")
    )


class CommitmentForm(forms.Form):
    volume = _units(_("Annual volume"))
    current_price = forms.DecimalField(
        label=_("Price you pay today per unit"), min_value=0, max_value=MAX_UNIT_PRICE // 100,
        decimal_places=4,
    )  # fmt: skip


class BidForm(forms.Form):
    mode = forms.ChoiceField(label=_("Tier pricing"), choices=Bid.Mode.choices)
    tiers = forms.CharField(
        label=_("Tiers (service rounds)"),
        required=False,
        max_length=MAX_TIERS * 60,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: from volume; price per unit. The first starts at 0."),
    )
    evidence = forms.CharField(
        label=_("Evidence for the social criteria"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Local, co-op or worker-owned, environmental and labour standards"),
    )


class AwardForm(forms.Form):
    bid = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())


class BillForm(forms.Form):
    period_end = forms.DateField(label=_("Period ending"), widget=DateInput())
    volume = _units(_("Volume billed"))
    amount = _major(_("Amount billed"))


class PatronageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=SHORT_TEXT)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    surplus = _major(_("Rebate or surplus to share"))
    cash_percent = forms.IntegerField(
        label=_("Paid in cash (%)"), min_value=0, max_value=100,
        help_text=_("The rest is retained in members' capital accounts"),
    )  # fmt: skip
    period_start = forms.DateField(label=_("Purchases from"), widget=DateInput())
    period_end = forms.DateField(label=_("Purchases to"), widget=DateInput())


class RoundEditForm(RoundForm):
    """A round's fields that may still change while it takes orders; `articles` adds
    new ones (the page lists the existing ones row by row)."""

    class Meta(RoundForm.Meta):
        fields = ["title", "category", "volume_unit", "strategy", "transport_split",
                  "closes_on", "description"]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["articles"].label = _("New articles")
        if self.is_bound and self.instance.pk:  # new articles are priced in its currency
            self.data = {**dict(self.data.items()), "currency": self.instance.currency}


class ArticleRows:
    """The round's existing articles as the edit page posts them (name-<id>, unit-<id>,
    case-<id>, price-<id>, remove-<id>), read without judging them: the service checks
    each row and names it articles[n], n counting the rows kept, in this order. A value
    that is not a number is passed as typed, for the service to refuse."""

    def __init__(self, articles: list[Article], data: Any, currency: str) -> None:
        self.kept = [a for a in articles if not data.get(f"remove-{a.pk}")]
        self.data, self.currency = data, currency

    def _price(self, article: Article) -> Any:
        typed = str(self.data.get(f"price-{article.pk}") or "0").strip()
        try:
            return unit_price(typed, self.currency)
        except (DomainError, ArithmeticError, ValueError):
            return typed

    def values(self) -> list[dict[str, Any]]:
        """The kept rows, with the id of each, as `round_update` takes them."""
        rows = []
        for article in self.kept:
            case = str(self.data.get(f"case-{article.pk}", "")).strip()
            rows.append({
                "id": article.pk, "name": self.data.get(f"name-{article.pk}", ""),
                "unit": self.data.get(f"unit-{article.pk}", ""),
                "case_size": int(case) if case.isascii() and case.isdigit() and len(case) < 10
                else case,
                "reference_price": self._price(article),
                "minimum": article.minimum, "by_weight": article.by_weight,
            })  # fmt: skip
        return rows

    def article_of(self, key: str) -> Article | None:
        """The existing article an error key (articles[n].field) is about, if any."""
        if not key.startswith("articles["):
            return None
        number = key.removeprefix("articles[").split("]", 1)[0]
        n = int(number) if number.isascii() and number.isdigit() else 0
        return self.kept[n - 1] if 1 <= n <= len(self.kept) else None
