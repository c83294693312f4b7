"""Every screen, for the demo's manager and member (see test_screens.py)."""

from typing import Any

import pytest

from intercoop.config.tests.test_screens import check_screens
from intercoop.core.browser import browser_page, live_url

__all__ = ["browser_page", "live_url"]  # fixtures


@pytest.mark.browser
@pytest.mark.parametrize("persona", ["manager", "member"])
def test_main_pages_fit_a_phone_and_axe_finds_nothing_serious(
    live_url: str, browser_page: Any, persona: str
) -> None:
    check_screens(live_url, browser_page, persona)
