"""Static files as `make run` serves them: collected under hashed names, compressed, and
served by whitenoise cached for good; names that are not hashed briefly."""

import gzip
from typing import Any

from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

from intercoop.config import settings as project_settings


def test_collected_files_have_hashed_names_and_are_served_compressed_and_immutable(
    settings: Any, tmp_path: Any
) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = project_settings.STORAGES  # the conftest's plain storage undone
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", "--noinput", verbosity=0)
    url = static("core/site.css")
    assert url.startswith("/static/core/site.") and url.endswith(".css")
    assert url != "/static/core/site.css"
    assert (tmp_path / url.removeprefix("/static/")).with_suffix(".css.gz").exists()

    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == "max-age=31536000, public, immutable"  # a year
    body = gzip.decompress(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert b"--brand:" in body

    plain = Client().get("/static/core/site.css")
    assert plain.status_code == 200
    assert plain["Cache-Control"] == "max-age=86400, public"
