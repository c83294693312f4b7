from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intercoop.network.models import Relationship


class RelationshipForm(forms.Form):
    """Record a tie from an organisation's page. Presentation only: the values go to
    `services.relationship_record`, which checks them (network/fields.py)."""

    other = forms.CharField(
        label=_("The other organisation"), help_text=_("Its slug, identifier or exact name")
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("out", _("from us to them")), ("in", _("from them to us"))],
        help_text=_("We supply them, are members of them, mentor, invest in or incubated them"),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Relationship.Kind.choices)
    formality = forms.ChoiceField(label=_("Formality"), choices=Relationship.Formality.choices)
    started_on = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ended_on = forms.DateField(
        label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    annual_value = forms.DecimalField(
        label=_("Annual value"), required=False, min_value=0, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=Relationship.Visibility.choices,
        initial=Relationship.Visibility.NETWORK,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def relationship_values(self) -> dict[str, Any]:
        values = {k: v for k, v in self.cleaned_data.items() if k not in {"other", "direction"}}
        values["annual_value"] = (
            None if values["annual_value"] in (None, "") else values["annual_value"]
        )
        return values
