"""What the demo leaves waiting on each persona's dashboard."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from intercoop.config.demo import DEMO_ACCOUNTS, demo_region_build
from intercoop.conftest import client_for
from intercoop.core.models import Profile
from intercoop.home.selectors import dashboard


@pytest.mark.django_db
def test_every_persona_finds_something_waiting():
    demo_region_build()

    def kinds(username):
        tasks = dashboard(user=User.objects.get(username=username))["tasks"]
        return sorted({task.kind for task in tasks})

    assert kinds("coordinator") == ["applications", "assessments"]
    assert kinds("manager") == [
        "assessments", "introductions", "invoices", "membership", "notices", "polls", "rounds"
    ]  # fmt: skip
    assert kinds("member") == ["assessments", "membership", "notices"]
    assert kinds("lucia") == ["assessments", "introductions", "invoices", "notices", "rounds"]
    personas = Profile.objects.filter(user__username__in=DEMO_ACCOUNTS)
    assert dict(personas.values_list("user__username", "display_name")) == {
        "coordinator": "Carmen Ortiz",
        "manager": "Mo Okafor",
        "member": "Sam Lee",
        "lucia": "Lucía Fernández",
    }
    assert Profile.objects.get(user__username="lucia").language == "es"
    page = client_for(User.objects.get(username="manager")).get(reverse("dashboard"))
    html = page.content.decode()
    assert "Welcome, Mo Okafor" in html
    assert "Introductions waiting for your answer" in html
    assert "Urgent calls for help on Valley Co-operative Network" in html
