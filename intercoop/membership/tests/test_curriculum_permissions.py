"""Who may do what with a course of `org` (the permission matrix): reading a published
course or a draft, editing, adopting it for `org`, following it, revoking its badges."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from intercoop.membership import permissions_curriculum as rules
from intercoop.membership.models import BadgeAssertion
from intercoop.membership.tests.courses import build_course

pytestmark = pytest.mark.django_db

PEOPLE = ["anonymous", "outsider", "member", "admin", "coordinator", "other_coordinator", "staff"]
SIGNED_IN = set(PEOPLE) - {"anonymous"}

MATRIX = {
    # rule → who may
    "read published": SIGNED_IN,
    "read draft": {"member", "admin", "staff"},
    "follow published": SIGNED_IN,
    "follow draft": {"member", "admin", "staff"},
    "edit": {"admin", "staff"},
    "create": {"admin", "staff"},
    "use published": {"admin", "staff"},
    "adapt into org": {"admin", "staff"},
    "revoke": {"admin", "staff"},
}


def _allowed(rule, user, org, published, draft):
    badge = BadgeAssertion(course=published)
    return {
        "read published": lambda: rules.can_read_course(user, published),
        "read draft": lambda: rules.can_read_course(user, draft),
        "follow published": lambda: rules.can_follow_course(user, published),
        "follow draft": lambda: rules.can_follow_course(user, draft),
        "edit": lambda: rules.can_edit_course(user, published),
        "create": lambda: rules.can_create_course(user, org),
        "use published": lambda: rules.can_use_course(user, published, org),
        "adapt into org": lambda: rules.can_adapt_course(user, published, org),
        "revoke": lambda: rules.can_revoke_badge(user, badge),
    }[rule]()


@pytest.mark.parametrize("rule", sorted(MATRIX))
def test_permission_matrix(people, org, rule):
    published = build_course(org)
    draft = build_course(org, title="Draft", published=False)
    allowed = {who for who in PEOPLE if _allowed(rule, people[who], org, published, draft)}
    assert allowed == MATRIX[rule]


def test_access_hides_drafts_and_asks_strangers_to_sign_in(people, org):
    published = build_course(org)
    draft = build_course(org, title="Draft", published=False)
    with pytest.raises(Http404):
        rules.access_course(people["outsider"], draft)
    with pytest.raises(Http404):
        rules.access_course(people["outsider"], None)
    with pytest.raises(PermissionDenied):
        rules.access_course(people["anonymous"], published)
    with pytest.raises(PermissionDenied):
        rules.access_course(people["member"], published, for_edit=True)
    assert rules.access_course(people["member"], draft) == draft
    assert rules.access_course(people["admin"], draft, for_edit=True) == draft


def test_all_rights_reserved_is_copied_only_by_its_publisher(people, org):
    from intercoop.conftest import make_org

    reserved = build_course(org, licence="all-rights-reserved")
    assert rules.can_adapt_course(people["admin"], reserved, org)
    elsewhere = make_org(name="Elsewhere Co-op")
    assert not rules.can_adapt_course(people["staff"], reserved, elsewhere)
    assert rules.may_derive(build_course(org, title="Open", licence="CC0-1.0"), elsewhere)
