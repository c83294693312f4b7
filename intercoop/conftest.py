"""Shared fixtures: the people of the permission matrix and a small directory."""

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from intercoop.core.audit import system_actor
from intercoop.directory import services
from intercoop.directory.models import Network, NetworkRole, Organization, OrganizationRole

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def pytest_configure(config: Any) -> None:
    # Close database connections after every request, also in live servers' threads:
    # a browser's kept-alive socket must not keep a connection to the test database.
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """With INTERCOOP_DATABASE_TESTS_ONLY=1 (`.ci/run` on its second database), only the
    tests that use a database run: the others (pure engines, command lines, files) do not
    depend on it and ran on the first."""
    if os.environ.get("INTERCOOP_DATABASE_TESTS_ONLY") != "1":
        return
    keep: list[Any] = []
    drop: list[Any] = []
    for item in items:
        uses_database = item.get_closest_marker("django_db") is not None or bool(
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        (keep if uses_database else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    # Tests never load map tiles from a remote server, and hash passwords fast.
    settings.MAP_TILE_URL = ""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run in the process, once the transaction that queued them commits.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Static files under their own names, found where they are (live servers serve them
    # through whitenoise's finders): tests do not run collectstatic, which the manifest of
    # hashed names needs.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    settings.WHITENOISE_USE_FINDERS = True
    cache.clear()


def make_org(**values: Any) -> Organization:
    defaults: dict[str, Any] = {
        "name": "Riverside Bakery Co-op",
        "organisational_structure": "OS60",
        "base_membership_type": "BMT30",
        "primary_activity": "ICA120",
        "country": "GB",
        "locality": "Leeds",
        "latitude": 53.8,
        "longitude": -1.55,
        "email": "hello@riverside.example",
        "email_public": False,
        "phone": "+44 113 000 0000",
        "phone_public": False,
        "website": "https://riverside.example",
    }
    return services.organization_create(actor=system_actor(), values=defaults | values)


def make_user(username: str, **extra: Any) -> User:
    return User.objects.create_user(username=username, password="pw-for-tests-1", **extra)


@pytest.fixture
def network(db: Any) -> Network:
    return services.network_create(actor=system_actor(), slug="valley", name="Valley Network")


@pytest.fixture
def org(db: Any) -> Organization:
    return make_org()


@pytest.fixture
def people(db: Any, org: Organization, network: Network) -> dict[str, User | None]:
    """anonymous, outsider (signed in, no role), member and admin of `org`, coordinator of
    a network `org` belongs to, coordinator of another network, staff."""
    system = system_actor()
    services.network_member_join(actor=system, network=network, organization=org)
    other_network = services.network_create(actor=system, slug="elsewhere", name="Elsewhere")
    member, admin = make_user("member"), make_user("admin")
    services.organization_role_assign(
        actor=system, organization=org, user=member, role=OrganizationRole.Role.MEMBER
    )
    services.organization_role_assign(
        actor=system, organization=org, user=admin, role=OrganizationRole.Role.ADMIN
    )
    coordinator, other_coordinator = make_user("coordinator"), make_user("other_coordinator")
    services.network_role_assign(
        actor=system, network=network, user=coordinator, role=NetworkRole.Role.COORDINATOR
    )
    services.network_role_assign(
        actor=system,
        network=other_network,
        user=other_coordinator,
        role=NetworkRole.Role.COORDINATOR,
    )
    return {
        "anonymous": None,
        "outsider": make_user("outsider"),
        "member": member,
        "admin": admin,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "staff": make_user("staff", is_staff=True),
    }


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def in_parallel(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs in threads started together; each one's result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def work(n: int) -> None:
        from django.db import connection as own

        barrier.wait()
        try:
            results[n] = jobs[n]()
        except Exception as error:
            results[n] = error
        finally:
            own.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
