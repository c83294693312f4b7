from datetime import timedelta

from django.core import mail
from django.db.models import F
from django.test import Client

from intercoop.conftest import make_user
from intercoop.core.models import LoginFailure

RIGHT, WRONG = "pw-for-tests-1", "not-the-password"
LOCKED = "Too many failed sign-ins for this account. Try again in 15 minutes."


def sign_in(username: str, password: str, *, client_address: str = "203.0.113.7"):
    return Client(REMOTE_ADDR=client_address).post(
        "/accounts/login/", {"username": username, "password": password}
    )


def signed_in(response) -> bool:
    return response.status_code == 302


def fail(times: int, username: str = "ana", **where) -> None:
    for _ in range(times):
        response = sign_in(username, WRONG, **where)
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()


def test_ten_wrong_passwords_lock_the_account_for_that_client(db):
    make_user("ana")
    fail(10)
    response = sign_in("ana", RIGHT)
    assert not signed_in(response)
    assert response.context["form"].non_field_errors() == [LOCKED]
    assert LOCKED in response.content.decode()
    # the name is one account whatever its case, and refused attempts are not counted
    assert not signed_in(sign_in("ANA", RIGHT))
    assert LoginFailure.objects.count() == 10


def test_nine_wrong_passwords_do_not_lock_and_signing_in_forgets_them(db):
    make_user("ana")
    fail(9)
    assert signed_in(sign_in("ana", RIGHT))
    assert LoginFailure.objects.count() == 0
    fail(9)
    assert signed_in(sign_in("ana", RIGHT))


def test_the_lock_ends_after_fifteen_minutes(db):
    make_user("ana")
    fail(10)
    LoginFailure.objects.update(at=F("at") - timedelta(minutes=14))
    response = sign_in("ana", RIGHT)
    assert response.context["form"].non_field_errors() == [
        "Too many failed sign-ins for this account. Try again in 1 minute."
    ]
    LoginFailure.objects.update(at=F("at") - timedelta(minutes=1, seconds=1))
    assert signed_in(sign_in("ana", RIGHT))


def test_one_more_failure_after_the_lock_does_not_lock_again(db):
    make_user("ana")
    fail(10)
    LoginFailure.objects.update(at=F("at") - timedelta(minutes=16))
    fail(1)
    assert signed_in(sign_in("ana", RIGHT))


def test_another_client_and_another_account_are_not_locked(db):
    make_user("ana"), make_user("ben")
    fail(10)
    assert signed_in(sign_in("ana", RIGHT, client_address="198.51.100.9"))
    assert signed_in(sign_in("ben", RIGHT))
    assert not signed_in(sign_in("ana", RIGHT))


def test_unknown_accounts_are_throttled_too(db):
    fail(10, username="nobody")
    response = sign_in("nobody", WRONG)
    assert response.context["form"].non_field_errors() == [LOCKED]


def test_the_admin_sign_in_is_throttled(db):
    make_user("root", is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(10):
        client.post("/admin/login/", {"username": "root", "password": WRONG})
    response = client.post("/admin/login/", {"username": "root", "password": RIGHT})
    assert response.status_code == 200
    assert LOCKED in response.content.decode()


def test_password_reset_never_reveals_whether_an_account_exists(db):
    make_user("ana", email="ana@example.org")
    known = Client().post("/accounts/password-reset/", {"email": "ana@example.org"})
    unknown = Client().post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password-reset/done/"
    known_page = Client().get(known["Location"])
    unknown_page = Client().get(unknown["Location"])
    assert [t.name for t in known_page.templates] == [t.name for t in unknown_page.templates]
    assert known_page.content == unknown_page.content
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]


def test_behind_a_proxy_the_client_is_the_address_it_forwards(settings):
    from django.test import RequestFactory

    from intercoop.core.throttle import client_of

    request = RequestFactory().get("/", HTTP_X_REAL_IP="203.0.113.7", REMOTE_ADDR="10.0.0.1")
    assert client_of(request) == "10.0.0.1"
    settings.CLIENT_ADDRESS_HEADER = "X-Real-IP"
    assert client_of(request) == "203.0.113.7"
