"""The signed-in user's home in the API: `GET /api/v1/me/dashboard` (what needs them, as
on the dashboard), `GET` and `PUT /api/v1/me/profile` (name shown, e-mail, language and
notification settings; the same service as the profile page)."""

from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
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


class ProfileIn(Schema):
    display_name: Text(100) = ""  # type: ignore[valid-type]
    email: Text(254) = ""  # type: ignore[valid-type]
    language: LanguageChoice = Field("", description="'' for the site's language")  # type: ignore[valid-type]
    delivery: DeliveryChoice = Delivery.IMMEDIATELY  # type: ignore[valid-type]
    deliveries: dict[Text(30), DeliveryChoice] = Field(  # type: ignore[valid-type]
        default_factory=dict, description="per kind of notification, where not the default"
    )


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


def _url(link: tuple[str, list[Any]]) -> str:
    try:
        return reverse(link[0], args=link[1])
    except NoReverseMatch:
        return ""


@router.get("/me/dashboard", auth=WRITE_AUTH, response=list[TaskOut],
            summary="What needs the signed-in user")  # fmt: skip
def dashboard(request: HttpRequest) -> list[dict[str, Any]]:
    user = authenticated_user(request)
    return [
        {"kind": t.kind, "label": t.label, "count": t.count, "url": _url(t.link)}
        for t in selectors.dashboard(user=user)["tasks"]
    ]


@router.get("/me/profile", auth=WRITE_AUTH, response=ProfileOut,
            summary="The signed-in user's profile")  # fmt: skip
def profile(request: HttpRequest) -> dict[str, Any]:
    return _profile_out(profile_for(authenticated_user(request)))


@router.put("/me/profile", auth=WRITE_AUTH, response=ProfileOut,
            summary="Change the signed-in user's profile")  # fmt: skip
def profile_change(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    user = authenticated_user(request)
    saved = services.profile_update(
        actor=user, user=user, display_name=payload.display_name, email=payload.email,
        language=payload.language, delivery=payload.delivery,
        deliveries=dict(payload.deliveries),
    )  # fmt: skip
    return _profile_out(saved)
