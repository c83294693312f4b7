import re

import pytest
from django.core.management import call_command
from django.test import Client


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    names_and_values = (part.strip().partition(" ") for part in policy.split(";"))
    return {name: value for name, _, value in names_and_values if name}


@pytest.mark.parametrize("url", ["/", "/orgs/", "/accounts/login/", "/api/v1/organizations"])
def test_pages_deny_framing_and_inline_scripts(db, url):
    response = Client().get(url)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"]
    assert "unsafe-eval" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_embeddable_map_may_be_framed_anywhere(db):
    response = Client().get("/embed/map/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["frame-ancestors"] == "*"
    assert policy["script-src"] == "'self'"
    assert "X-Frame-Options" not in response
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_page_carries_an_inline_script(db):
    for url in ("/", "/map/", "/orgs/", "/embed/map/", "/accounts/login/"):
        content = Client().get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", content):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"\son[a-z]+=", content), url  # no onclick= and friends


HTTPS_SETTINGS = {
    "DEBUG": False,
    "SECRET_KEY": "k" * 20 + "-a-long-random-looking-secret-key-for-the-check-" + "x7Qz" * 5,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


def test_check_deploy_reports_nothing_behind_https(settings, capsys):
    for name, value in HTTPS_SETTINGS.items():
        setattr(settings, name, value)
    call_command("check", "--deploy", "--fail-level", "DEBUG")
    assert "System check identified no issues" in capsys.readouterr().out


def test_the_https_settings_are_those_of_https_true(tmp_path):
    """HTTPS=true in the environment gives the settings the check above passes with."""
    import subprocess
    import sys

    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER)"
    )
    env = {
        "HTTPS": "true",
        "INTERCOOP_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "intercoop.config.settings",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split(maxsplit=6) == [
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO', 'https')\n",
    ]
