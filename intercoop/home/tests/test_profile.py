"""The profile page: name shown, e-mail, language (pages after sign-in, e-mails) and
notification settings, changed through `profile_update` with an audit event."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from intercoop.conftest import client_for, make_user
from intercoop.core import services
from intercoop.core.models import AuditEvent, Profile
from intercoop.core.notifications import profile_for

pytestmark = pytest.mark.django_db

FORM = {
    "display_name": "Ana López",
    "email": "ana@example.org",
    "language": "es",
    "delivery": "daily",
    "delivery_invoices": "immediately",
    "delivery_notices": "",
}


def test_saving_the_page_changes_the_profile_and_the_language():
    user = make_user("ana", email="old@example.org")
    client = client_for(user)
    response = client.post(reverse("profile"), FORM)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    profile = Profile.objects.get(user=user)
    assert (profile.display_name, profile.language, profile.delivery, profile.deliveries) == (
        "Ana López", "es", "daily", {"invoices": "immediately"},
    )  # fmt: skip
    user.refresh_from_db()
    assert user.email == "ana@example.org"
    event = AuditEvent.objects.get(action="profile.update")
    assert (event.actor_name, event.summary) == ("ana", "ana: Ana López, es, daily")
    page = client.get(reverse("profile"))
    html = page.content.decode()
    assert "Tu perfil" in html or "Your profile" in html  # the lead translates later
    assert page.context["display_name"] == "Ana López"
    assert page.context["form"]["delivery_invoices"].value() == "immediately"


def test_bad_values_are_shown_beside_their_field_and_change_nothing():
    user = make_user("ben")
    response = client_for(user).post(reverse("profile"), FORM | {"language": "de"})
    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert not Profile.objects.filter(user=user, language="de").exists()
    assert not AuditEvent.objects.filter(action="profile.update").exists()


def test_only_the_person_or_staff_change_a_profile():
    owner, other, staff = make_user("cat"), make_user("dan"), make_user("eve", is_staff=True)
    values = {"display_name": "X", "email": "", "language": "", "delivery": "off",
              "deliveries": {}}  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=other, user=owner, **values)
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=None, user=owner, **values)
    assert not Profile.objects.filter(user=owner).exists()
    assert not AuditEvent.objects.filter(action="profile.update").exists()
    assert services.profile_update(actor=staff, user=owner, **values).display_name == "X"


def test_signing_in_applies_the_preferred_language_and_lands_on_the_dashboard(client):
    user = make_user("fay")
    profile = profile_for(user)
    profile.language, profile.display_name = "fr", "Fay"
    profile.save()
    response = client.post(reverse("login"), {"username": "fay", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get("/dashboard/")
    assert page.context["display_name"] == "Fay"
    assert page.context["LANGUAGE_CODE"] == "fr"


def test_sign_in_respects_next(client):
    make_user("gus")
    response = client.post(
        reverse("login") + "?next=/inbox-x/",
        {"username": "gus", "password": "pw-for-tests-1", "next": "/accounts/inbox/"},
    )
    assert response["Location"] == "/accounts/inbox/"


def test_password_change_from_the_profile():
    user = make_user("hal")
    client = client_for(user)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-for-tests-1", "new_password1": "a-New-one-42x",
         "new_password2": "a-New-one-42x"},
    )  # fmt: skip
    assert response["Location"] == "/accounts/profile/"
    user.refresh_from_db()
    assert user.check_password("a-New-one-42x")


def test_an_e_mail_address_belongs_to_one_account():
    make_user("kim", email="kim@example.org")
    user = make_user("lee")
    response = client_for(user).post(reverse("profile"), FORM | {"email": "KIM@example.org"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["An account with this e-mail exists."]}
    assert not Profile.objects.filter(user=user, display_name="Ana López").exists()
