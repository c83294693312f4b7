"""Member deals and cards: who may offer a deal, the card's signature and expiry, who
is eligible, one use per code, and the redemption counts."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import signing
from django.utils import timezone

from intercoop.conftest import client_for, make_org, make_user
from intercoop.core.audit import system_actor
from intercoop.directory import services as directory_services
from intercoop.directory.models import OrganizationRole
from intercoop.exchange import cards, selectors
from intercoop.exchange.models import Deal, Redemption


def add_deal(user, org_slug, **values):
    data = {"title": "10% off bread", "discount_percent": 10, "audience": "cooperators"} | values
    return client_for(user).post(f"/orgs/{org_slug}/deals/", data)


@pytest.fixture
def shopper(db):
    """A member of another co-op, with her card's code."""
    housing = make_org(name="Oak Housing Co-op", slug="oak-housing")
    person = make_user("ines", first_name="Inés")
    directory_services.organization_role_assign(
        actor=system_actor(), organization=housing, user=person, role=OrganizationRole.Role.MEMBER
    )
    return person, housing


def card_of(user):
    page = client_for(user).get("/card/")
    assert page.status_code == 200
    return page.context["code"], page


def test_an_admin_offers_a_deal_and_everyone_sees_it(people, org):
    response = add_deal(people["admin"], org.slug)
    assert response.status_code == 302
    listed = client_for(None).get("/deals/").context["deals"]
    assert [(d.title, d.redemption_count) for d in listed] == [("10% off bread", 0)]


@pytest.mark.parametrize("who", ["outsider", "member", "coordinator"])
def test_others_may_not_offer_deals(people, org, who):
    assert add_deal(people[who], org.slug).status_code == 403
    assert not Deal.objects.exists()


def test_bad_deals_name_the_field(people, org):
    response = add_deal(people["admin"], org.slug, audience="network")
    assert "network" in response.context["form"].errors
    response = add_deal(people["admin"], org.slug, valid_until="2000-01-01")
    assert "valid_until" in response.context["form"].errors
    assert not Deal.objects.exists()


def test_the_card_shows_a_signed_code_and_its_qr(shopper):
    person, housing = shopper
    code, page = card_of(person)
    card = cards.read_card(code)
    assert (card.user_id, card.organization_id) == (person.pk, housing.pk)
    html = page.content.decode()
    assert "<svg" in html and "Oak Housing Co-op" in html
    verify = urlparse(page.context["verify_url"])
    assert verify.path == "/card/verify/" and parse_qs(verify.query)["code"] == [code]


def test_people_without_an_organisation_get_no_card(people):
    page = client_for(people["outsider"]).get("/card/")
    assert "code" not in page.context
    assert client_for(None).get("/card/").status_code == 302


def test_a_forged_or_altered_code_is_refused(shopper):
    person, housing = shopper
    code, _page = card_of(person)
    value, stamp, signature = code.rsplit(":", 2)
    forged = f"{person.pk + 1}.{housing.pk}.{value.split('.')[2]}:{stamp}:{signature}"
    with pytest.raises(cards.CardRefused, match="not a valid"):
        cards.read_card(forged)
    unsigned = signing.TimestampSigner(salt="other").sign(value)
    with pytest.raises(cards.CardRefused, match="not a valid"):
        cards.read_card(unsigned)


def test_a_code_expires(shopper, settings, monkeypatch):
    person, _housing = shopper
    code, _page = card_of(person)
    later = timezone.now().timestamp() + settings.MEMBER_CARD_SECONDS + 5
    monkeypatch.setattr(signing.time, "time", lambda: later)
    with pytest.raises(cards.CardRefused, match="expired"):
        cards.read_card(code)


def test_verify_and_redeem_once_per_code(people, org, shopper):
    person, housing = shopper
    add_deal(people["admin"], org.slug)
    deal = Deal.objects.get()
    code, _page = card_of(person)
    verifier = client_for(people["admin"])
    page = verifier.get("/card/verify/", {"code": code})
    assert page.context["holder"]["organization"] == housing
    assert page.context["eligibility"] == [(deal, "")]
    verifier.post("/card/verify/", {"code": code, "deal": deal.pk})
    verifier.post("/card/verify/", {"code": code, "deal": deal.pk})  # the same code again
    assert Redemption.objects.count() == 1
    redemption = Redemption.objects.get()
    assert (redemption.holder, redemption.holder_organization) == (person, housing)
    second, _page = card_of(person)  # a new code: a new visit
    verifier.post("/card/verify/", {"code": second, "deal": deal.pk})
    assert [d.redemption_count for d in selectors.active_deals()] == [2]


def test_verify_refuses_expired_codes_on_the_page(people, org, shopper, settings):
    person, _housing = shopper
    add_deal(people["admin"], org.slug)
    code, _page = card_of(person)
    settings.MEMBER_CARD_SECONDS = -1
    page = client_for(people["admin"]).get("/card/verify/", {"code": code})
    assert "expired" in page.context["refusal"]
    client_for(people["admin"]).post("/card/verify/", {"code": code, "deal": Deal.objects.get().pk})
    assert not Redemption.objects.exists()


def test_only_people_who_speak_for_an_organisation_verify(people, shopper):
    person, _housing = shopper
    code, _page = card_of(person)
    assert client_for(people["outsider"]).get("/card/verify/", {"code": code}).status_code == 403
    assert client_for(people["member"]).get("/card/verify/", {"code": code}).status_code == 403


def test_a_verifier_redeems_only_its_own_deals(people, org, shopper):
    person, _housing = shopper
    elsewhere = make_org(name="Elsewhere Bikes", slug="bikes")
    deal = Deal.objects.create(
        organization=elsewhere, title="Free repair", discount_percent=100,
        audience="cooperators", created_at=timezone.now(),
    )  # fmt: skip
    code, _page = card_of(person)
    response = client_for(people["admin"]).post("/card/verify/", {"code": code, "deal": deal.pk})
    assert response.status_code == 404
    assert not Redemption.objects.exists()


def test_eligibility_by_audience(people, org, network, shopper):
    person, housing = shopper
    code, _page = card_of(person)
    card = cards.read_card(code)
    make = lambda **v: Deal(organization=org, title="d", discount_percent=5, **v)  # noqa: E731
    assert selectors.deal_eligibility(deal=make(audience="cooperators"), card=card) == ""
    assert selectors.deal_eligibility(deal=make(audience="social"), card=card) == ""
    refusal = selectors.deal_eligibility(deal=make(audience="network", network=network), card=card)
    assert refusal == "This deal is for members of Valley Network"
    directory_services.network_member_join(
        actor=system_actor(), network=network, organization=housing
    )
    assert (
        selectors.deal_eligibility(deal=make(audience="network", network=network), card=card) == ""
    )
    ended = make(audience="social", valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert selectors.deal_eligibility(deal=ended, card=card) == "This deal has ended"
    # members of the offering co-op itself are not "other co-ops"
    own_code, _page = card_of(people["member"])
    assert "other co-ops" in selectors.deal_eligibility(
        deal=make(audience="cooperators"), card=cards.read_card(own_code)
    )
    # an ally (not a co-op) is welcome under "social" but not under "cooperators"
    ally = make_org(name="Food Bank", slug="food-bank", is_cooperative=False)
    volunteer = make_user("vol")
    directory_services.organization_role_assign(
        actor=system_actor(), organization=ally, user=volunteer, role=OrganizationRole.Role.MEMBER
    )
    ally_card = cards.read_card(card_of(volunteer)[0])
    assert selectors.deal_eligibility(deal=make(audience="social"), card=ally_card) == ""
    assert selectors.deal_eligibility(deal=make(audience="cooperators"), card=ally_card)


def test_a_card_stops_working_when_the_person_leaves(people, org, shopper):
    person, housing = shopper
    code, _page = card_of(person)
    directory_services.organization_role_remove(
        actor=system_actor(), organization=housing, user=person
    )
    deal = Deal(organization=org, title="d", discount_percent=5, audience="social")
    assert "no longer belongs" in selectors.deal_eligibility(deal=deal, card=cards.read_card(code))


def test_the_qr_is_an_svg(db):
    svg = cards.qr_svg("https://example.org/card/verify/?code=abc")
    assert re.match(r"^<svg", svg) and "path" in svg


@pytest.mark.parametrize("who", ["outsider", "member", "coordinator"])
def test_only_the_organisations_speakers_withdraw_a_deal(people, org, who):
    add_deal(people["admin"], org.slug)
    deal = Deal.objects.get()
    assert client_for(people[who]).post(f"/deals/{deal.pk}/withdraw/").status_code == 403
    assert Deal.objects.get().active
    client_for(people["admin"]).post(f"/deals/{deal.pk}/withdraw/")
    assert not Deal.objects.get().active
    assert not client_for(None).get("/deals/").context["deals"]
