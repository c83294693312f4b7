from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from intercoop.core.models import Delivery, Profile
from intercoop.core.notifications import KINDS

AS_DEFAULT = ""


def kind_field(kind: str) -> str:
    return f"delivery_{kind}"


class ProfileForm(forms.Form):
    """The profile page: name shown, e-mail, language, and notifications, with a default
    and a choice per kind of event."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=100,
        required=False,
        help_text=_("Shown instead of your username"),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only to change your e-mail address"),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        required=False,
        help_text=_("For the pages once you sign in, and for e-mails"),
    )
    delivery = forms.ChoiceField(
        label=_("Notifications by e-mail"),
        choices=Delivery.choices,
        help_text=_("Every notification is in your inbox too"),
    )

    def __init__(self, data: Any = None, *, profile: Profile, email: str) -> None:
        initial = {
            "display_name": profile.display_name,
            "email": email,
            "language": profile.language,
            "delivery": profile.delivery,
        } | {kind_field(kind): profile.deliveries.get(kind, AS_DEFAULT) for kind in KINDS}
        super().__init__(data, initial=initial)
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            (AS_DEFAULT, _("The site's language")),
            *settings.LANGUAGES,
        ]
        for kind, label in KINDS.items():
            self.fields[kind_field(kind)] = forms.ChoiceField(
                label=str(label),
                required=False,
                choices=[(AS_DEFAULT, _("As above")), *Delivery.choices],
            )

    def about_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("display_name", "email", "current_password", "language")]

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[kind_field(kind)] for kind in KINDS]

    def deliveries(self) -> dict[str, str]:
        """{kind: choice} for the kinds chosen otherwise than 'as above'."""
        default = self.cleaned_data["delivery"]
        return {
            kind: self.cleaned_data[kind_field(kind)] or default
            for kind in KINDS
            if self.cleaned_data.get(kind_field(kind))
        }
