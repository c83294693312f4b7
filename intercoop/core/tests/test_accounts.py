import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from intercoop.conftest import client_for, make_user


def test_sign_up_logs_in(db):
    client = client_for(None)
    response = client.post(
        "/accounts/signup/",
        {
            "username": "ana",
            "email": "ana@example.org",
            "password1": "a-long-pass-77",
            "password2": "a-long-pass-77",
        },
    )
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "ana"


def test_sign_up_refuses_a_taken_email(db):
    make_user("ana", email="ana@example.org")
    response = client_for(None).post(
        "/accounts/signup/",
        {
            "username": "ana2",
            "email": "ANA@example.org",
            "password1": "a-long-pass-77",
            "password2": "a-long-pass-77",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["An account with this e-mail exists."]}
    assert User.objects.count() == 1


def test_log_in_and_out(db):
    make_user("ana")
    client = client_for(None)
    response = client.post("/accounts/login/", {"username": "ana", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.get("/").context["user"].is_authenticated
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


def test_password_reset_by_mail(db):
    make_user("ana", email="ana@example.org")
    client = client_for(None)
    client.post("/accounts/password-reset/", {"email": "ana@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "another-pass-88", "new_password2": "another-pass-88"},
    )
    assert done.status_code == 302
    assert client.login(username="ana", password="another-pass-88")


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/signup/", "/accounts/password-reset/"]
)
def test_account_pages_render(db, url):
    assert client_for(None).get(url).status_code == 200
