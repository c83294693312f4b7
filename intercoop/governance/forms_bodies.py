"""Forms of the body pages: settings, a new committee, giving a proxy, naming a delegate.
Presentation only: they turn what was typed into people, organisations and polls; the
services check the rules."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT
from intercoop.core.forms import id_param
from intercoop.directory.models import Organization
from intercoop.governance.models import Poll

MAX_LISTED = 200  # members named in one box
Choices = Sequence[tuple[str, str]]


def _lines(text: str) -> list[str]:
    names = list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
    if len(names) > MAX_LISTED:
        raise forms.ValidationError(_("Name at most %(n)s, one a line") % {"n": MAX_LISTED})
    return names


def _missing(names: list[str], found: set[str], message: Any) -> None:
    missing = [name for name in names if name not in found]
    if missing:
        shown = ", ".join(missing[:5]) + ("…" if len(missing) > 5 else "")
        raise forms.ValidationError(message % {"names": shown})


def _members_box(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_LISTED * 160,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
    )


class MembersMixin(forms.Form):
    """A committee's members: people by user name and organisations by their address
    name (slug), one a line."""

    users = _members_box(_("Members: people"), _("One user name a line"))
    organizations = _members_box(
        _("Members: organisations"),
        _("One organisation a line, by the short name in its address (/orgs/short-name/)"),
    )

    def clean_users(self) -> list[Any]:
        names = _lines(self.cleaned_data["users"])
        users = list(get_user_model().objects.filter(username__in=names, is_active=True))
        _missing(names, {u.get_username() for u in users}, _("Unknown user names: %(names)s"))
        return users

    def clean_organizations(self) -> list[Organization]:
        lines = _lines(self.cleaned_data["organizations"])
        slugs = [line.strip("/").rsplit("/", 1)[-1] for line in lines]
        found = list(Organization.objects.filter(slug__in=slugs))
        _missing(slugs, {o.slug for o in found}, _("No such organisation: %(names)s"))
        return found


def members_initial(users: Sequence[Any], organizations: Sequence[Organization]) -> dict[str, str]:
    return {
        "users": "\n".join(sorted(u.get_username() for u in users)),
        "organizations": "\n".join(sorted(o.slug for o in organizations)),
    }


class BodySettingsForm(MembersMixin):
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What this body decides, and how it works"),
    )
    admission_by_poll = forms.BooleanField(
        label=_("Admit new member organisations by a poll of the members"), required=False
    )
    ratify_awards = forms.BooleanField(
        label=_("Ratify purchasing awards by a poll of the round's members"), required=False
    )

    def __init__(self, *args: Any, network: bool, committee: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not network:
            del self.fields["admission_by_poll"], self.fields["ratify_awards"]
        if not committee:
            del self.fields["users"], self.fields["organizations"]
        self.order_fields(["description", "admission_by_poll", "ratify_awards"])


class CommitteeForm(MembersMixin):
    name = forms.CharField(label=_("Name"), max_length=SHORT_TEXT)
    owner = forms.ChoiceField(
        label=_("Run by"),
        help_text=_("Its coordinators or administrators manage the committee"),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, owners: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = list(owners)
        self.order_fields(["name", "owner", "description"])


def voter_key(user_id: int | None, organization_id: int | None) -> str:
    """A voter of a body as a form value: `u<id>` for a person, `o<id>` for an
    organisation."""
    return f"u{user_id}" if user_id else f"o{organization_id}"


def voter_of_key(value: str) -> tuple[Any, Organization | None]:
    """(person, None) or (None, organisation) for a form value; ValidationError when it
    names nobody."""
    text = str(value or "")
    pk = id_param(text[1:])
    found: Any = None
    if text[:1] == "u" and pk:
        found = get_user_model().objects.filter(pk=pk, is_active=True).first()
        if found is not None:
            return found, None
    elif text[:1] == "o" and pk:
        found = Organization.objects.filter(pk=pk).first()
        if found is not None:
            return None, found
    raise forms.ValidationError(_("No such voter"))


class ProxyForm(forms.Form):
    """Whose vote (one of the user's) goes to whom, for how long. The giver is not limited
    to the choices shown: the service decides who may give which vote."""

    giver = forms.CharField(label=_("My vote, or the vote I cast for"), max_length=24)
    holder = forms.CharField(label=_("Give it to"), max_length=24)
    poll = forms.CharField(label=_("For"), max_length=24, required=False)

    def __init__(
        self, *args: Any, givers: Choices, holders: Choices, polls: Sequence[Poll], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.polls = {str(p.pk): p for p in polls}
        self.fields["giver"].widget = forms.Select(choices=givers)
        self.fields["holder"].widget = forms.Select(choices=holders)
        self.fields["poll"].widget = forms.Select(
            choices=[("", _("Every poll, until I revoke it"))]
            + [(key, poll.title) for key, poll in self.polls.items()]
        )

    def clean_giver(self) -> tuple[Any, Organization | None]:
        return voter_of_key(self.cleaned_data["giver"])

    def clean_holder(self) -> tuple[Any, Organization | None]:
        return voter_of_key(self.cleaned_data["holder"])

    def clean_poll(self) -> Poll | None:
        key = self.cleaned_data["poll"]
        if not key:
            return None
        if key not in self.polls:
            raise forms.ValidationError(_("Choose an open poll of this body"))
        return self.polls[key]


class DelegateForm(forms.Form):
    """The person who votes for one organisation in the network's polls."""

    organization = forms.CharField(widget=forms.HiddenInput, max_length=24)
    user = forms.CharField(label=_("Delegate"), max_length=24, required=False)

    def __init__(self, *args: Any, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].widget = forms.Select(
            choices=[("", _("Any administrator (the first to vote counts)")), *people]
        )

    def clean_user(self) -> Any:
        key = self.cleaned_data["user"]
        if not key:
            return None
        found = get_user_model().objects.filter(pk=id_param(key), is_active=True).first()
        if found is None:
            raise forms.ValidationError(_("No such person"))
        return found
