"""Forms of the exchange pages. Presentation only: the values go to the services, which
check them (exchange/fields.py and exchange/services.py)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, OutOfBounds, check_currency
from intercoop.core.money import MoneyError, major_units, minor_units
from intercoop.core.taxonomy import CATEGORIES, CHALLENGES
from intercoop.core.widgets import DateInput, DateTimeInput
from intercoop.directory.models import Network
from intercoop.exchange.fields import MAX_RADIUS_KM, MAX_TAG, MAX_TAGS, TEXT_LENGTHS
from intercoop.exchange.models import Deal, ExchangeItem, Notice

_KIND_FIELDS = {
    "offer": ["category", "title", "description", "tags", "unit", "price_hint",
              "service_radius_km", "service_regions", "coop_discount"],
    "need": ["category", "title", "description", "tags", "annual_spend", "currency",
             "supplier_is_cooperative"],
    "challenge": ["category", "title", "description", "contact"],
}  # fmt: skip


class ItemForm(forms.Form):
    """An offer, a need or a challenge: the fields of its kind only."""

    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=SHORT_TEXT)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=MAX_TAGS * (MAX_TAG + 2),
        help_text=_("Separated by commas"),
    )
    unit = forms.CharField(
        label=_("Unit"),
        required=False,
        max_length=TEXT_LENGTHS["unit"],
        help_text=_("kg, hour, box of 12…"),
    )
    price_hint = forms.CharField(
        label=_("Price hint"), required=False, max_length=TEXT_LENGTHS["price_hint"]
    )
    service_radius_km = forms.IntegerField(
        label=_("Service radius (km)"), required=False, min_value=0, max_value=MAX_RADIUS_KM
    )
    service_regions = forms.CharField(
        label=_("Service regions"), required=False, max_length=TEXT_LENGTHS["service_regions"]
    )
    coop_discount = forms.IntegerField(
        label=_("Discount for co-ops (%)"), required=False, min_value=0, max_value=100
    )
    annual_spend = forms.DecimalField(
        label=_("Estimated annual spend"), required=False, min_value=0, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    supplier_is_cooperative = forms.NullBooleanField(
        label=_("Is your current supplier a co-op?"),
        required=False,
        widget=forms.Select(choices=[("", _("Unknown")), ("true", _("Yes")), ("false", _("No"))]),
    )
    contact = forms.CharField(
        label=_("Who to talk to"),
        required=False,
        max_length=TEXT_LENGTHS["contact"],
        help_text=_("A name, a role or an e-mail"),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in set(self.fields) - set(_KIND_FIELDS[kind]):
            del self.fields[name]
        topics = CHALLENGES if kind == "challenge" else CATEGORIES
        self.fields["category"].choices = list(topics.items())  # type: ignore[attr-defined]
        if kind == "challenge":
            self.fields["category"].label = _("Topic")

    @classmethod
    def initial_of(cls, item: ExchangeItem) -> dict[str, Any]:
        """The form's values for an existing item (annual spend in major units)."""
        initial = {name: getattr(item, name) for name in _KIND_FIELDS[item.kind]}
        initial["tags"] = ", ".join(item.tags)
        if item.annual_spend is not None:
            initial["annual_spend"] = major_units(item.annual_spend, item.currency)
        return initial

    def clean_currency(self) -> str:
        currency = self.cleaned_data["currency"].strip().upper()
        if currency:
            try:
                check_currency(currency)
            except OutOfBounds:
                raise forms.ValidationError(_("Not an ISO 4217 currency code")) from None
        return currency

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        spend = cleaned.get("annual_spend")
        if spend is not None:
            try:
                cleaned["annual_spend"] = minor_units(spend, cleaned.get("currency") or "")
            except MoneyError as error:
                self.add_error("annual_spend", error.message)
        return cleaned

    def item_values(self) -> dict[str, Any]:
        """The values for the service: tags as a list, annual spend in minor units."""
        values = {"kind": self.kind, **self.cleaned_data}
        if "tags" in values:
            values["tags"] = [t.strip() for t in values["tags"].split(",") if t.strip()]
        return values


class IntroductionForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who you are, what you would like to talk about. They see it first."),
    )


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["kind", "title", "body", "place", "needed_by", "starts_at", "expires_on",
                  "contact", "urgent"]  # fmt: skip
        widgets = {
            "body": forms.Textarea(attrs={"rows": 4}),
            "needed_by": DateInput(),
            "starts_at": DateTimeInput(),
            "expires_on": DateInput(),
        }
        help_texts = {
            "needed_by": _("Calls for help"),
            "starts_at": _("Events"),
            "expires_on": _("Taken off the board after this day (30 days if empty)"),
            "urgent": _("Calls for help: alert the people of every member organisation at once"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].required = False

    def _post_clean(self) -> None:
        """The rules are the service's (notice_post), not the model form's."""


class DealForm(forms.ModelForm):
    discount_percent = forms.IntegerField(label=_("Discount (%)"), min_value=1, max_value=100)

    class Meta:
        model = Deal
        fields = ["title", "description", "discount_percent", "audience", "network",
                  "valid_until"]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "valid_until": DateInput(),
        }

    def __init__(self, *args: Any, networks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = (  # type: ignore[attr-defined]
            networks if networks is not None else Network.objects
        )
        self.fields["network"].label = _("Network")
        self.fields["network"].help_text = _("For a network's members")

    def _post_clean(self) -> None:
        """The rules are the service's (deal_create), not the model form's."""


class CardCodeForm(forms.Form):
    code = forms.CharField(label=_("Card code"), max_length=300)
