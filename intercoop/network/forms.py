from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT
from intercoop.core.money import MoneyError, minor_units
from intercoop.core.widgets import DateInput
from intercoop.directory.widgets import OrganizationPicker
from intercoop.network.models import Relationship


class MajorUnitsField(forms.DecimalField):
    """An amount people type in major units ("1500.25"); the form turns it into minor
    units once it knows the currency (`to_minor_units`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_digits", 24)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)


def to_minor_units(form: forms.Form, field: str, currency: str) -> int | None:
    """The form's amount in `field` as minor units of `currency` (None when empty, or
    after adding the field's error: too big, too many decimals)."""
    amount = form.cleaned_data.get(field)
    if amount is None:
        return None
    try:
        return minor_units(amount, currency)
    except MoneyError as error:
        form.add_error(field, error.message)
        return None


class RelationshipForm(forms.Form):
    """Record a tie from an organisation's page. Presentation only: the values go to
    `services.relationship_claim`, which checks them (network/fields.py)."""

    other = forms.CharField(
        label=_("The other organisation"),
        help_text=_("Type its name or town and choose it, or type its slug or exact name"),
        max_length=SHORT_TEXT,
        widget=OrganizationPicker(),
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("out", _("from us to them")), ("in", _("from them to us"))],
        help_text=_("We supply them, are members of them, mentor, invest in or incubated them"),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Relationship.Kind.choices)
    formality = forms.ChoiceField(label=_("Formality"), choices=Relationship.Formality.choices)
    started_on = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    ended_on = forms.DateField(label=_("End"), required=False, widget=DateInput())
    annual_value = MajorUnitsField(label=_("Annual value"), required=False)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=Relationship.Visibility.choices,
        initial=Relationship.Visibility.NETWORK,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        currency = (cleaned.get("currency") or "").strip().upper()
        cleaned["annual_value"] = to_minor_units(self, "annual_value", currency)
        return cleaned

    def relationship_values(self) -> dict[str, Any]:
        """The values for `services.relationship_claim`, the amount in minor units."""
        return {k: v for k, v in self.cleaned_data.items() if k not in {"other", "direction"}}


PRINCIPLE_LABELS = {
    "institutionalisation": (
        _("Institutionalisation of relationships"),
        _("Ties move from informal collaboration to agreements, contracts and joint institutions."),
    ),
    "diversity": (
        _("Diversity of agents"),
        _("Members differ in structure, sector, size and age."),
    ),
    "intergenerational": (
        _("Inter-generational infrastructure"),
        _("Shared institutions (funds, education, central services) outlast any one member."),
    ),
    "self_reliance": (
        _("Self-reliance"),
        _("Members' trade stays inside the network."),
    ),
    "embeddedness": (
        _("Embeddedness in society"),
        _("The network reaches allies beyond co-operatives and across its territory."),
    ),
}
OUTCOME_LABELS = {
    "pool_resources": _("Pool resources"),
    "reduce_costs": _("Reduce costs"),
    "align_strategically": _("Align strategically"),
    "economies_of_scale": _("Economies of scale"),
    "public_goods": _("Public goods"),
    "awareness": _("Awareness"),
}
SCORES = [("", "—"), *[(str(n), str(n)) for n in range(1, 6)]]


class AssessmentForm(forms.Form):
    """The coordinator's self-assessment: a score and evidence per principle, evidence per
    outcome. The indicators are computed by the service."""

    as_of = forms.DateField(label=_("As of"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for principle, (title, _help) in PRINCIPLE_LABELS.items():
            self.fields[f"{principle}_score"] = forms.ChoiceField(
                label=title, choices=SCORES, required=False
            )
            self.fields[f"{principle}_evidence"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                max_length=LONG_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for outcome, label in OUTCOME_LABELS.items():
            self.fields[f"outcome_{outcome}"] = forms.CharField(
                label=label,
                required=False,
                max_length=LONG_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def ratings(self) -> dict[str, dict[str, str]]:
        return {
            p: {
                "score": self.cleaned_data[f"{p}_score"],
                "evidence": self.cleaned_data[f"{p}_evidence"],
            }
            for p in PRINCIPLE_LABELS
        }

    def outcomes(self) -> dict[str, str]:
        return {o: self.cleaned_data[f"outcome_{o}"] for o in OUTCOME_LABELS}

    def principle_fields(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [
            (labels, self[f"{p}_score"], self[f"{p}_evidence"])
            for p, labels in PRINCIPLE_LABELS.items()
        ]

    def outcome_fields(self) -> list[forms.BoundField]:
        return [self[f"outcome_{o}"] for o in OUTCOME_LABELS]


INDICATOR_LABELS = {
    "ties": _("Ties that count"),
    "formality_share": _("Share of ties by formality"),
    "formal_share": _("Share of formal ties"),
    "joint_institutions": _("Joint institutions"),
    "structure": _("Structure"),
    "sector": _("Sector"),
    "size": _("Size (members)"),
    "age": _("Age"),
    "shared_institutions": _("Shared institutions among members"),
    "shared_services": _("Shared-service ties"),
    "spin_offs": _("Spin-offs (incubation ties)"),
    "age_youngest": _("Youngest member (years)"),
    "age_oldest": _("Oldest member (years)"),
    "age_interquartile": _("Middle half of members' ages (years)"),
    "currency": _("Currency"),
    "inside": _("Known supply value between members"),
    "outside": _("Known supply value with others"),
    "share_inside": _("Share that stays inside"),
    "ally_ties": _("Ties with allies"),
    "ally_share": _("Share of ties with allies"),
    "localities": _("Localities"),
    "reach_km": _("Reach (km from the centre)"),
    "members_outside_ties": _("Members with ties outside"),
}


class BaselineForm(forms.Form):
    """A year of the region's economy, typed in or uploaded as a CSV."""

    file = forms.FileField(
        label=_("Or upload a CSV"),
        required=False,
        help_text=_("Columns year, businesses, employment, turnover, currency, source"),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1800, max_value=2200)
    businesses = forms.IntegerField(
        label=_("Businesses"), required=False, min_value=1, max_value=10**9
    )
    employment = forms.IntegerField(
        label=_("Employment"), required=False, min_value=0, max_value=10**9
    )
    turnover = MajorUnitsField(label=_("Turnover"), required=False)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    source = forms.CharField(label=_("Source"), required=False, max_length=300)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB")
                % {"mb": settings.UPLOAD_MAX_BYTES // 1_000_000}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("file"):
            currency = (cleaned.get("currency") or "").strip().upper()
            cleaned["turnover"] = to_minor_units(self, "turnover", currency)
        return cleaned

    def baseline_values(self) -> dict[str, Any]:
        """The values for `services.baseline_record`, turnover in minor units."""
        values = {k: v for k, v in self.cleaned_data.items() if k != "file"}
        return {k: ("" if v is None else v) for k, v in values.items()}
