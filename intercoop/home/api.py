"""The signed-in user's home in the API: `GET /api/v1/me/dashboard` (what needs them, as
on the dashboard), `GET /api/v1/me/profile` (name shown, e-mail, language and
notification settings), `PATCH` it (the fields given; the others keep their value) or
`PUT` it (every field); the same service as the profile page. A new e-mail address needs
the caller's `current_password`."""

from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema

from intercoop.core import services
from intercoop.core.api import WRITE_AUTH
from intercoop.core.bounds import Text
from intercoop.core.models import Delivery, Profile
from intercoop.core.notifications import profile_for
from intercoop.core.permissions import authenticated_user
from intercoop.home import selectors

router = Router(tags=["home"])

DeliveryChoice = Literal[tuple(Delivery.values)]  # type: ignore[valid-type]
LanguageChoice = Literal[("", *(code for code, _name in settings.LANGUAGES))]  # type: ignore[valid-type]


class TaskOut(Schema):
    kind: str
    label: str
    count: int
    url: str


class ProfileOut(Schema):
    username: str
    display_name: str
    email: str
    language: str
    delivery: str
    deliveries: dict[str, str]


PASSWORD_HELP = "the caller's current password: needed only to change the e-mail address"


class ProfileIn(Schema):
    """The whole profile (PUT): every field is given."""

    display_name: Text(100)  # type: ignore[valid-type]
    email: Text(254)  # type: ignore[valid-type]
    language: LanguageChoice = Field(description="'' for the site's language")  # type: ignore[valid-type]
    delivery: DeliveryChoice  # type: ignore[valid-type]
    deliveries: dict[Text(30), DeliveryChoice] = Field(  # type: ignore[valid-type]
        description="per kind of notification, where not the default"
    )
    current_password: Text(128) = Field("", description=PASSWORD_HELP)  # type: ignore[valid-type]


class ProfilePatch(Schema):
    """Some of the profile (PATCH): the fields left out keep their value."""

    display_name: Text(100) | None = None  # type: ignore[valid-type]
    email: Text(254) | None = None  # type: ignore[valid-type]
    language: LanguageChoice | None = Field(None, description="'' for the site's language")  # type: ignore[valid-type]
    delivery: DeliveryChoice | None = None  # type: ignore[valid-type]
    deliveries: dict[Text(30), DeliveryChoice] | None = Field(  # type: ignore[valid-type]
        None, description="per kind of notification, where not the default"
    )
    current_password: Text(128) = Field("", description=PASSWORD_HELP)  # type: ignore[valid-type]


def _profile_out(profile: Profile) -> dict[str, Any]:
    user = profile.user
    return {
        "username": user.get_username(),
        "display_name": profile.display_name,
        "email": user.email,
        "language": profile.language,
        "delivery": profile.delivery,
        "deliveries": profile.deliveries,
    }


@router.get("/me/dashboard", auth=WRITE_AUTH, response=list[TaskOut],
            summary="What needs the signed-in user")  # fmt: skip
def dashboard(request: HttpRequest) -> list[dict[str, Any]]:
    user = authenticated_user(request)
    return [
        {"kind": t.kind, "label": t.label, "count": t.count, "url": t.url}
        for t in selectors.dashboard(user=user)["tasks"]
    ]


@router.get("/me/profile", auth=WRITE_AUTH, response=ProfileOut,
            summary="The signed-in user's profile")  # fmt: skip
def profile(request: HttpRequest) -> dict[str, Any]:
    return _profile_out(profile_for(authenticated_user(request)))


def _profile_save(request: HttpRequest, values: dict[str, Any]) -> dict[str, Any]:
    user = authenticated_user(request)
    current = _profile_out(profile_for(user))
    changed = {key: value for key, value in values.items() if value is not None}
    merged = {key: current[key] for key in ProfileIn.model_fields if key in current} | changed
    saved = services.profile_update(
        actor=user, user=user, display_name=merged["display_name"], email=merged["email"],
        language=merged["language"], delivery=merged["delivery"],
        deliveries=dict(merged["deliveries"]),
        current_password=merged.get("current_password", ""),
    )  # fmt: skip
    return _profile_out(saved)


@router.put("/me/profile", auth=WRITE_AUTH, response=ProfileOut,
            summary="Replace the signed-in user's profile (every field)")  # fmt: skip
def profile_replace(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    return _profile_save(request, payload.dict())


@router.patch("/me/profile", auth=WRITE_AUTH, response=ProfileOut,
              summary="Change some of the signed-in user's profile")  # fmt: skip
def profile_change(request: HttpRequest, payload: ProfilePatch) -> dict[str, Any]:
    return _profile_save(request, payload.dict(exclude_unset=True))
