"""The profile page: name shown, e-mail, language (pages after sign-in, e-mails) and
notification settings, changed through `profile_update` with an audit event."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from intercoop.conftest import client_for, make_user
from intercoop.core import services
from intercoop.core.errors import InvalidValues
from intercoop.core.models import AuditEvent, Profile
from intercoop.core.notifications import profile_for

pytestmark = pytest.mark.django_db

FORM = {
    "display_name": "Ana López",
    "email": "ana@example.org",
    "current_password": "pw-for-tests-1",
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
    event = AuditEvent.objects.get(action="user.password_change")
    assert (event.actor_name, event.summary) == ("hal", "hal: password changed")
    assert "a-New-one-42x" not in event.summary and "pw-for-tests-1" not in event.summary
    assert client.get(reverse("profile")).status_code == 200  # still signed in


def test_password_change_with_a_wrong_password_changes_nothing():
    user = make_user("ida")
    response = client_for(user).post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "a-New-one-42x",
         "new_password2": "a-New-one-42x"},
    )  # fmt: skip
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("pw-for-tests-1")
    assert not AuditEvent.objects.filter(action="user.password_change").exists()


def test_password_change_service_refuses_others_and_a_wrong_password():
    owner, staff = make_user("jay"), make_user("kay", is_staff=True)
    with pytest.raises(PermissionDenied):
        services.password_change(actor=staff, user=owner, old="pw-for-tests-1", new="Zz-9-new-pw")
    with pytest.raises(InvalidValues) as refused:
        services.password_change(actor=owner, user=owner, old="nope", new="Zz-9-new-pw")
    assert refused.value.field == "old_password"
    with pytest.raises(InvalidValues) as refused:
        services.password_change(actor=owner, user=owner, old="pw-for-tests-1", new="123")
    assert refused.value.field == "new_password1"
    owner.refresh_from_db()
    assert owner.check_password("pw-for-tests-1")
    assert not AuditEvent.objects.filter(action="user.password_change").exists()


@pytest.mark.parametrize(
    ("password", "reason"),
    [("", "Enter your current password to change your e-mail."),
     ("a-wrong-one", "This is not your current password.")],
)  # fmt: skip
def test_a_new_e_mail_needs_the_current_password(password, reason):
    user = make_user("lou", email="lou@example.org")
    response = client_for(user).post(reverse("profile"), FORM | {"current_password": password})
    assert response.status_code == 200
    assert response.context["form"].errors == {"current_password": [reason]}
    user.refresh_from_db()
    assert user.email == "lou@example.org"
    assert not Profile.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="profile.update").exists()


def test_keeping_the_e_mail_needs_no_password():
    user = make_user("mia", email="ana@example.org")
    response = client_for(user).post(reverse("profile"), FORM | {"current_password": ""})
    assert response.status_code == 302
    assert Profile.objects.get(user=user).display_name == "Ana López"


def test_reading_the_profile_or_signing_in_writes_nothing(client):
    user = make_user("ned")
    client.post(reverse("login"), {"username": "ned", "password": "pw-for-tests-1"})
    page = client.get(reverse("profile"))
    assert page.status_code == 200
    assert page.context["form"]["delivery"].value() == "immediately"
    assert client_for(user).get("/api/v1/me/profile").status_code == 200
    assert not Profile.objects.filter(user=user).exists()


def test_an_e_mail_address_belongs_to_one_account():
    make_user("kim", email="kim@example.org")
    user = make_user("lee")
    response = client_for(user).post(reverse("profile"), FORM | {"email": "KIM@example.org"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["An account with this e-mail exists."]}
    assert not Profile.objects.filter(user=user, display_name="Ana López").exists()
