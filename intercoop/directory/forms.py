"""The organisation form: presentation only. Its values go to the services, which apply
the field rules (fields.clean_organization) and report errors back per field."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from intercoop.core.money import MoneyError, major_units, minor_units
from intercoop.core.widgets import DateInput
from intercoop.directory import vocab
from intercoop.directory.fields import MAX_COUNT, MAX_TAG, MAX_TAGS, TEXT_LENGTHS
from intercoop.directory.models import Network, Organization, OrganizationRole

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _coded(scheme: vocab.Scheme, label: "StrOrPromise") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=False, choices=lambda: [("", "—"), *vocab.choices(scheme)]
    )


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=TEXT_LENGTHS["name"])
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_LENGTHS["description"],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_cooperative = forms.BooleanField(
        label=_("This organisation is a co-operative"), required=False, initial=True
    )
    organisational_structure = _coded("organisational_structure", _("Organisational structure"))
    base_membership_type = _coded("base_membership_type", _("Base membership type"))
    primary_activity = _coded("activity", _("Primary activity"))
    other_activities = forms.MultipleChoiceField(
        label=_("Other activities"),
        required=False,
        choices=lambda: vocab.choices("activity"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    legal_form = forms.CharField(
        label=_("Legal form"), required=False, max_length=TEXT_LENGTHS["legal_form"]
    )
    registrar = forms.CharField(
        label=_("Registrar"), required=False, max_length=TEXT_LENGTHS["registrar"]
    )
    registration_number = forms.CharField(
        label=_("Registration number"),
        required=False,
        max_length=TEXT_LENGTHS["registration_number"],
    )
    founded_on = forms.DateField(label=_("Founded on"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=Organization.Status.choices)
    number_of_members = forms.IntegerField(
        label=_("Number of members"), required=False, min_value=0, max_value=MAX_COUNT
    )
    employees = forms.IntegerField(
        label=_("Employees"), required=False, min_value=0, max_value=MAX_COUNT
    )
    turnover = forms.DecimalField(
        label=_("Annual turnover"), required=False, min_value=0, decimal_places=2
    )
    turnover_currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    website = forms.CharField(
        label=_("Website"), required=False, max_length=TEXT_LENGTHS["website"]
    )
    website_public = forms.BooleanField(
        label=_("Show the website publicly"), required=False, initial=True
    )
    email = forms.CharField(label=_("E-mail"), required=False, max_length=TEXT_LENGTHS["email"])
    email_public = forms.BooleanField(label=_("Show the e-mail publicly"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=TEXT_LENGTHS["phone"])
    phone_public = forms.BooleanField(label=_("Show the phone publicly"), required=False)
    street = forms.CharField(
        label=_("Street address"), required=False, max_length=TEXT_LENGTHS["street"]
    )
    locality = forms.CharField(
        label=_("Locality"), required=False, max_length=TEXT_LENGTHS["locality"]
    )
    region = forms.CharField(label=_("Region"), required=False, max_length=TEXT_LENGTHS["region"])
    postcode = forms.CharField(
        label=_("Postcode"), required=False, max_length=TEXT_LENGTHS["postcode"]
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=lambda: [("", "—"), *countries]
    )
    latitude = forms.FloatField(label=_("Latitude"), required=False)
    longitude = forms.FloatField(label=_("Longitude"), required=False)
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=200,
        help_text=_("ISO codes, e.g. en, es"),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=MAX_TAGS * (MAX_TAG + 2),
        help_text=_("Separated by semicolons"),
    )

    FIELDSETS = [
        (_("About"), ["name", "description", "is_cooperative", "status", "founded_on",
                      "number_of_members", "employees", "turnover", "turnover_currency"]),
        (_("Classification"), ["organisational_structure", "base_membership_type",
                               "primary_activity", "other_activities", "legal_form",
                               "registrar", "registration_number"]),
        (_("Contact"), ["website", "website_public", "email", "email_public", "phone",
                        "phone_public"]),
        (_("Place"), ["street", "locality", "region", "postcode", "country", "latitude",
                      "longitude"]),
        (_("Languages and tags"), ["languages", "tags"]),
    ]  # fmt: skip

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.FIELDSETS]

    def clean(self) -> dict[str, Any]:
        """People type the turnover in major units; the record keeps minor units."""
        cleaned = super().clean() or {}
        if cleaned.get("turnover") is not None:
            currency = (cleaned.get("turnover_currency") or "").upper()
            try:
                cleaned["turnover"] = minor_units(cleaned["turnover"], currency)
            except MoneyError as error:
                self.add_error("turnover", error.message)
        return cleaned

    @classmethod
    def initial_for(cls, organization: Organization) -> dict[str, Any]:
        initial = {name: getattr(organization, name) for name in cls.base_fields}
        if organization.turnover is not None:
            initial["turnover"] = major_units(organization.turnover, organization.turnover_currency)
        initial["other_activities"] = organization.other_activity_codes
        initial["languages"] = ", ".join(organization.languages)
        initial["tags"] = "; ".join(organization.tags)
        return initial


class AddOrganizationForm(OrganizationForm):
    network = forms.ModelChoiceField(
        label=_("Apply to join a network"),
        queryset=Network.objects.all(),
        required=False,
        empty_label=_("No network for now"),
    )

    FIELDSETS = [*OrganizationForm.FIELDSETS, (_("Network"), ["network"])]

    def organization_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("network", None)
        return values


class PersonRoleForm(forms.Form):
    """Give a person (named by username or e-mail) a role in an organisation."""

    person = forms.CharField(label=_("Username or e-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=OrganizationRole.Role.choices)

    def clean_person(self) -> User:
        name = self.cleaned_data["person"].strip()
        user = User.objects.filter(Q(username=name) | Q(email__iexact=name)).first()
        if user is None:
            raise forms.ValidationError(_("Nobody with this username or e-mail has an account."))
        return user
