import pytest

from intercoop.conftest import make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.core.errors import DomainError
from intercoop.directory import services
from intercoop.directory.models import NetworkMembership, Organization
from intercoop.directory.services import OrganizationInvalid


def test_slugs_are_unique_and_made_from_the_name(db):
    first, second = make_org(name="Bread & Roses"), make_org(name="Bread & Roses")
    assert (first.slug, second.slug) == ("bread-roses", "bread-roses-2")


def test_a_requested_slug_that_is_taken_is_refused(db):
    make_org(name="A", slug="taken")
    with pytest.raises(OrganizationInvalid) as refused:
        make_org(name="B", slug="taken")
    assert refused.value.errors == {"slug": "is already used by another organisation"}


def test_update_changes_only_the_given_fields_and_checks_the_whole_record(db):
    organization = make_org(name="Mill", locality="Leeds", slug="mill")
    make_org(name="Other", slug="other", external_id="X1")
    services.organization_update(
        actor=system_actor(), organization=organization, values={"locality": "York"}
    )
    organization.refresh_from_db()
    assert (organization.name, organization.locality) == ("Mill", "York")
    assert organization.search_text == "Mill\nYork"
    for values, errors in [
        ({"slug": "other"}, {"slug": "is already used by another organisation"}),
        ({"external_id": "X1"}, {"external_id": "another organisation has this identifier"}),
        ({"latitude": None}, {"latitude": "latitude and longitude go together"}),
    ]:
        with pytest.raises(OrganizationInvalid) as refused:
            services.organization_update(
                actor=system_actor(), organization=organization, values=values
            )
        assert refused.value.errors == errors
    organization.refresh_from_db()
    assert (organization.slug, organization.external_id, organization.latitude) == (
        "mill",
        "",
        53.8,
    )


def test_review_only_pending_organisations(db, network):
    pending = services.organization_create(
        actor=make_user("founder"), values={"name": "New"}, apply_to=network
    )
    assert pending.approval == "pending"
    services.organization_review(actor=system_actor(), organization=pending, approve=True)
    assert pending.network_memberships.get().status == "member"
    with pytest.raises(DomainError, match="not waiting for review"):
        services.organization_review(actor=system_actor(), organization=pending, approve=False)


def test_apply_admit_leave_and_apply_again(db, network, org):
    system = system_actor()
    membership = services.network_member_apply(actor=system, network=network, organization=org)
    assert (membership.status, membership.joined_on) == ("applicant", None)
    membership = services.network_member_admit(actor=system, network=network, organization=org)
    assert membership.status == "member" and membership.joined_on is not None
    with pytest.raises(DomainError, match="already a member"):
        services.network_member_apply(actor=system, network=network, organization=org)
    membership = services.network_member_leave(actor=system, network=network, organization=org)
    assert membership.status == "left" and membership.left_on is not None
    with pytest.raises(DomainError, match="not in the network"):
        services.network_member_leave(actor=system, network=network, organization=org)
    again = services.network_member_apply(actor=system, network=network, organization=org)
    assert again.status == "applicant"
    assert NetworkMembership.objects.count() == 1


def test_only_an_applicant_is_admitted(db, network, org):
    system = system_actor()
    with pytest.raises(DomainError, match="has not applied"):
        services.network_member_admit(actor=system, network=network, organization=org)
    assert NetworkMembership.objects.count() == 0
    services.network_member_join(actor=system, network=network, organization=org)
    services.network_member_leave(actor=system, network=network, organization=org)
    with pytest.raises(DomainError, match="has not applied"):  # leaving ends the application
        services.network_member_admit(actor=system, network=network, organization=org)
    assert NetworkMembership.objects.get().status == "left"


def test_network_slugs_are_unique(db, network):
    with pytest.raises(DomainError, match="A network with slug 'valley' exists"):
        services.network_create(actor=system_actor(), slug="valley", name="Again")
    assert Organization.objects.count() == 0
