"""The demo region, built by every app's demo builder in turn (the composition root knows
them all; no app knows the others' demos)."""

from django.test.utils import override_settings

from intercoop.capital.demo import capital_build
from intercoop.clearing.demo import clearing_build
from intercoop.directory.demo import DEMO_PASSWORD, demo_build
from intercoop.directory.models import Network
from intercoop.exchange.demo import exchange_build
from intercoop.governance.demo import governance_build
from intercoop.home.demo import home_build
from intercoop.membership.demo import build_curriculum, build_pathways
from intercoop.network.demo import assessments_build, economy_build, relationships_build
from intercoop.purchasing.demo import purchasing_build

DEMO_ACCOUNTS = ["coordinator", "manager", "member", "lucia"]


def demo_region_build() -> str:
    """Build the whole demo into an empty database; returns what was built, in a sentence."""
    summary = demo_build()
    network = Network.objects.get(slug="valley-coop-network")
    ties = relationships_build(
        network=network, alliance=Network.objects.get(slug="valley-purchasing-alliance")
    )
    assessments_build(network=network)
    economy_build(network=network)
    # the demo's notifications reach demo accounts in the app, not by e-mail
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        items = exchange_build()
        rounds = purchasing_build()
        invoices = clearing_build()
        rounds += home_build()
        polls = governance_build()
        loans = capital_build()
        courses = build_curriculum()
        applications = build_pathways()
    return (
        f"Demo region: {summary.organizations} organisations, {summary.networks} networks, "
        f"{ties} relationships, 2 assessments, {items} offers, needs and challenges, "
        f"notices, member deals and introductions, {rounds} purchasing rounds, "
        f"{invoices} invoices and a committed clearing run, {polls} polls (a decided "
        f"proposal, a board election and an open poll), a solidarity fund with "
        f"pledges, investor notes, {loans} loans and an application before its committee's "
        f"poll, a library of {courses} courses (one translated, one adapted), a worker-owner "
        f"pathway with {applications} applications, the registers of members and shares, "
        f"and the worker-owners' internal capital accounts. "
        f"Sign in as {', '.join(DEMO_ACCOUNTS)} with password {DEMO_PASSWORD!r}."
    )
