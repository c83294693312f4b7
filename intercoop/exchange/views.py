"""Exchange pages: an organisation's offers, needs, challenges and matches; the
catalogue; introductions; notice boards and their feeds; member deals and cards."""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intercoop.core.errors import DomainError
from intercoop.core.forms import add_domain_errors, id_param
from intercoop.core.pagination import paginate
from intercoop.core.permissions import authenticated_user
from intercoop.core.taxonomy import CATEGORIES
from intercoop.directory import permissions, vocab
from intercoop.directory.models import Network, Organization
from intercoop.directory.selectors import network_members_acting_for
from intercoop.exchange import cards, selectors, services
from intercoop.exchange import permissions as exchange_permissions
from intercoop.exchange.forms import (
    CardCodeForm,
    DealForm,
    IntroductionForm,
    ItemForm,
    NoticeForm,
)
from intercoop.exchange.models import Deal, ExchangeItem, Introduction, Notice

NOTICES_PER_PAGE = 50
DEALS_PER_PAGE = 50


def organization_exchange(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's offers, needs and challenges; to those who speak for it, its
    business and peer matches too."""
    organization = permissions.access_organization(request.user, slug=slug)
    may_act = permissions.can_act_for(request.user, organization)
    context: dict[str, Any] = {
        "organization": organization,
        "items": selectors.organization_items(organization=organization),
        "may_act": may_act,
        "deals": selectors.active_deals().filter(organization=organization),
    }
    if may_act:
        business = selectors.business_matches_for(organization=organization)
        peers = selectors.peer_matches_for(organization=organization)
        names = dict(
            Organization.objects.filter(
                slug__in={m.organization for m in [*business, *peers]}
            ).values_list("slug", "name")
        )
        context["business"] = [(m, names.get(m.organization, m.organization)) for m in business]
        context["peers"] = [(m, names.get(m.organization, m.organization)) for m in peers]
    return render(request, "exchange/organization.html", context)


@login_required
def item_add(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    if kind not in ExchangeItem.Kind.values:
        raise Http404
    organization = permissions.access_organization(request.user, slug=slug)
    if not exchange_permissions.can_manage_items(request.user, organization):
        raise PermissionDenied(_("You may not add offers, needs or challenges for it"))
    form = ItemForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.exchange_item_create(
                actor=authenticated_user(request),
                organization=organization,
                values=form.item_values(),
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("exchange:organization", slug=organization.slug)
    return render(
        request,
        "exchange/item_form.html",
        {"organization": organization, "form": form, "kind": ExchangeItem.Kind(kind)},
    )


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    if not exchange_permissions.can_change_item(request.user, item):
        raise PermissionDenied(_("You may not change this organisation's offers"))
    form = ItemForm(request.POST or None, kind=item.kind, initial=ItemForm.initial_of(item))
    if request.method == "POST" and form.is_valid():
        values = form.item_values()
        values.pop("kind")
        try:
            services.exchange_item_update(
                actor=authenticated_user(request), item=item, values=values
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("exchange:organization", slug=item.organization.slug)
    return render(
        request,
        "exchange/item_form.html",
        {
            "organization": item.organization,
            "form": form,
            "kind": ExchangeItem.Kind(item.kind),
            "item": item,
        },
    )


def _visible_item(request: HttpRequest, pk: int) -> ExchangeItem:
    item = get_object_or_404(ExchangeItem.objects.select_related("organization"), pk=pk)
    permissions.access_organization(request.user, slug=item.organization.slug)
    return item


@require_POST
@login_required
def item_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    services.exchange_item_withdraw(actor=authenticated_user(request), item=item)
    messages.success(request, _("Withdrawn."))
    return redirect("exchange:organization", slug=item.organization.slug)


def catalogue(request: HttpRequest) -> HttpResponse:
    """Goods and services of co-operatives everywhere, searchable and filterable."""
    params = request.GET
    offers = selectors.catalogue(
        q=params.get("q", ""),
        category=params.get("category", ""),
        country=params.get("country", ""),
        structure=params.get("structure", ""),
        coop_discount=bool(params.get("coop_discount")),
    )
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "exchange/catalogue.html",
        {
            "paged": paginate(offers, page=params.get("page", 1), page_size=30),
            "introducers": permissions.introducing_organizations(request.user),
            "params": params,
            "query": query.urlencode(),
            "categories": CATEGORIES.items(),
            "structures": vocab.choices("organisational_structure"),
        },
    )


@login_required
def introduction_request(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask the organisation `slug` for an introduction, for one of the organisations the
    user speaks for."""
    recipient = permissions.access_organization(request.user, slug=slug)
    mine = Organization.objects.filter(
        pk__in=permissions.introducing_organizations(request.user)
    ).exclude(pk=recipient.pk)
    if not mine:
        raise PermissionDenied(_("You do not speak for an organisation in the directory"))
    item = ExchangeItem.objects.filter(pk=id_param(request.GET.get("item")), active=True).first()
    form = IntroductionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        requester = _organization_named(request.POST.get("requester")) or mine[0]
        try:
            services.introduction_request(
                actor=authenticated_user(request),
                requester=requester,
                recipient=recipient,
                message=form.cleaned_data["message"],
                item=item,
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Sent. You will hear back in your inbox."))
            return redirect("exchange:introductions")
    return render(
        request,
        "exchange/introduction_form.html",
        {"recipient": recipient, "mine": mine, "form": form, "item": item},
    )


@login_required
def introduction_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exchange/introductions.html",
        selectors.introductions_for(user=request.user),
    )


@login_required
def introduction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    introduction = _introduction(request, pk)
    return render(
        request,
        "exchange/introduction.html",
        {
            "introduction": introduction,
            "contacts": selectors.introduction_contacts(introduction=introduction),
            "may_answer": exchange_permissions.can_answer_introduction(request.user, introduction),
        },
    )


def _organization_named(slug: str | None) -> Organization | None:
    """The organisation a form names (its rules are the service's)."""
    return Organization.objects.filter(slug=slug).first() if slug else None


def _introduction(request: HttpRequest, pk: int) -> Introduction:
    introduction = get_object_or_404(
        Introduction.objects.select_related("requester", "recipient", "item"), pk=pk
    )
    if not exchange_permissions.can_see_introduction(request.user, introduction):
        raise Http404
    return introduction


@require_POST
@login_required
def introduction_answer(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    introduction = _introduction(request, pk)
    actor = authenticated_user(request)
    try:
        if action == "block":
            services.introduction_block(
                actor=actor, organization=introduction.recipient, blocked=introduction.requester
            )
            messages.success(request, _("Blocked. They cannot send you requests any more."))
        elif action in ("accept", "decline"):
            services.introduction_answer(
                actor=actor, introduction=introduction, accept=action == "accept"
            )
            messages.success(
                request,
                _("Accepted: each side now sees the other's contact.")
                if action == "accept"
                else _("Declined."),
            )
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("exchange:introduction", pk=introduction.pk)


def _network_board_context(request: HttpRequest, network: Network) -> dict[str, Any]:
    kind = request.GET.get("kind", "")
    notices = selectors.notice_board(
        network_id=network.pk,
        kind=kind if kind in Notice.Kind.values else "",
        q=request.GET.get("q", ""),
    )
    paged = paginate(notices, page=request.GET.get("page", 1), page_size=NOTICES_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "network": network,
        "paged": paged,
        "notices": paged.page.object_list,
        "query": query.urlencode(),
        "geojson": selectors.notices_geojson(paged.page.object_list),
        "kinds": Notice.Kind.choices,
        "kind": kind,
        "q": request.GET.get("q", ""),
        "postable": network_members_acting_for(user=request.user, network=network),
        "today": timezone.localdate(),
    }


def notice_board(request: HttpRequest, slug: str) -> HttpResponse:
    network = permissions.access_network(request.user, slug=slug)
    return render(request, "exchange/notice_board.html", _network_board_context(request, network))


@login_required
def notice_add(request: HttpRequest, slug: str) -> HttpResponse:
    network = permissions.access_network(request.user, slug=slug)
    postable = network_members_acting_for(user=request.user, network=network)
    if not postable:
        raise PermissionDenied(_("Only people of the network's members post on its board"))
    form = NoticeForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        organization = _organization_named(request.POST.get("organization")) or postable[0]
        values = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            notice = services.notice_post(
                actor=authenticated_user(request),
                network=network,
                organization=organization,
                values=values,
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Posted."))
            return redirect("exchange:notice", pk=notice.pk)
    return render(
        request,
        "exchange/notice_form.html",
        {"network": network, "form": form, "postable": postable},
    )


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.select_related("organization", "network"), pk=pk)
    may_act = exchange_permissions.can_withdraw_notice(request.user, notice)
    if notice.withdrawn and not may_act:
        raise Http404
    return render(
        request,
        "exchange/notice.html",
        {
            "notice": notice,
            "may_act": may_act,
            "expired": notice.expires_on < timezone.localdate(),
            "may_edit": exchange_permissions.can_edit_notice(request.user, notice),
        },
    )


@login_required
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The poster's people change a notice (whether it is urgent stays as posted)."""
    notice = get_object_or_404(Notice.objects.select_related("organization", "network"), pk=pk)
    if notice.withdrawn or not exchange_permissions.can_edit_notice(request.user, notice):
        raise Http404
    form = NoticeForm(request.POST or None, instance=notice)
    del form.fields["urgent"]
    if request.method == "POST" and form.is_valid():
        values = {k: (None if v == "" else v) for k, v in form.cleaned_data.items()}
        try:
            services.notice_update(actor=authenticated_user(request), notice=notice, values=values)
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The notice is saved."))
            return redirect("exchange:notice", pk=notice.pk)
    return render(
        request,
        "exchange/notice_form.html",
        {"network": notice.network, "form": form, "notice": notice},
    )


@require_POST
@login_required
def notice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.select_related("organization", "network"), pk=pk)
    services.notice_withdraw(actor=authenticated_user(request), notice=notice)
    messages.success(request, _("Withdrawn."))
    return redirect("exchange:notices", slug=notice.network.slug)


class NoticeFeed(Feed):
    """Atom feed of a network's board, or of one type of notice on it."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str, kind: str = "") -> tuple[Network, str]:
        if kind and kind not in Notice.Kind.values:
            raise Http404
        return permissions.access_network(request.user, slug=slug), kind

    def title(self, obj: tuple[Network, str]) -> str:
        network, kind = obj
        return f"{network.name}: {Notice.Kind(kind).label if kind else _('Notices')}"

    def link(self, obj: tuple[Network, str]) -> str:
        network, kind = obj
        url = reverse("exchange:notices", args=[network.slug])
        return f"{url}?kind={kind}" if kind else url

    def subtitle(self, obj: tuple[Network, str]) -> str:
        return _("Notices of the network's members, until they expire")

    def items(self, obj: tuple[Network, str]) -> Any:
        network, kind = obj
        return selectors.notice_board(network_id=network.pk, kind=kind)[:100]

    def item_title(self, item: Notice) -> str:
        return f"{item.get_kind_display()}: {item.title}"

    def item_description(self, item: Notice) -> str:
        return item.body

    def item_link(self, item: Notice) -> str:
        return reverse("exchange:notice", args=[item.pk])

    def item_pubdate(self, item: Notice) -> Any:
        return item.created_at

    def item_author_name(self, item: Notice) -> str:
        return item.organization.name

    def item_categories(self, item: Notice) -> list[str]:
        return [item.kind]


def deal_list(request: HttpRequest) -> HttpResponse:
    audience = request.GET.get("audience", "")
    deals = selectors.active_deals(audience=audience if audience in Deal.Audience.values else "")
    paged = paginate(deals, page=request.GET.get("page", 1), page_size=DEALS_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "exchange/deals.html",
        {
            "paged": paged,
            "deals": paged.page.object_list,
            "query": query.urlencode(),
            "audiences": Deal.Audience.choices,
            "audience": audience,
        },
    )


@login_required
def organization_deals(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's deals, with how often each was used, and a form for a new one."""
    organization = permissions.access_organization(request.user, slug=slug)
    if not exchange_permissions.can_manage_deals(request.user, organization):
        raise PermissionDenied(_("You may not offer deals for this organisation"))
    form = DealForm(request.POST or None, networks=Network.objects.order_by("name"))
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            services.deal_create(
                actor=authenticated_user(request), organization=organization, values=values
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("exchange:organization_deals", slug=organization.slug)
    return render(
        request,
        "exchange/organization_deals.html",
        {
            "organization": organization,
            "deals": selectors.organization_deals(organization=organization),
            "form": form,
        },
    )


@require_POST
@login_required
def deal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    deal = get_object_or_404(Deal.objects.select_related("organization"), pk=pk)
    services.deal_withdraw(actor=authenticated_user(request), deal=deal)
    messages.success(request, _("Withdrawn."))
    return redirect("exchange:organization_deals", slug=deal.organization.slug)


@login_required
def member_card(request: HttpRequest) -> HttpResponse:
    """The user's member card: a signed code and its QR, valid for a few minutes."""
    organizations = selectors.card_organizations(user=request.user)
    chosen = next(
        (o for o in organizations if o.slug == request.GET.get("org")),
        organizations[0] if organizations else None,
    )
    context: dict[str, Any] = {"organizations": organizations, "chosen": chosen}
    if chosen is not None:
        user = authenticated_user(request)
        code = cards.card_code(user_id=user.pk, organization_id=chosen.pk)
        url = request.build_absolute_uri(
            reverse("exchange:verify") + "?" + urlencode({"code": code})
        )
        context |= {
            "code": code,
            "qr": cards.qr_svg(url),
            "verify_url": url,
            "seconds": settings.MEMBER_CARD_SECONDS,
            "expires_at": timezone.now() + dt.timedelta(seconds=settings.MEMBER_CARD_SECONDS),
        }
    return render(request, "exchange/card.html", context)


@login_required
def verify_card(request: HttpRequest) -> HttpResponse:
    """The offering co-op reads a member card and records a redemption of one of its
    deals."""
    acting = permissions.acting_organizations(request.user)
    if not acting:
        raise PermissionDenied(_("Only people who speak for an organisation verify cards"))
    deals = selectors.active_deals().filter(organization_id__in=acting)
    form = CardCodeForm(request.POST or request.GET or None)
    context: dict[str, Any] = {"form": form, "deals": deals}
    if form.is_bound and form.is_valid():
        try:
            card = cards.read_card(form.cleaned_data["code"])
        except DomainError as error:
            context["refusal"] = error.message
        else:
            context["card"] = card
            context["holder"] = selectors.card_holder(card=card)
            context["eligibility"] = [
                (deal, selectors.deal_eligibility(deal=deal, card=card)) for deal in deals
            ]
            deal_id = request.POST.get("deal")
            if request.method == "POST" and deal_id:
                deal = get_object_or_404(deals, pk=deal_id)
                try:
                    services.deal_redeem(actor=authenticated_user(request), deal=deal, card=card)
                except DomainError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(request, _("Recorded: %(deal)s.") % {"deal": deal.title})
                code = form.cleaned_data["code"].strip()
                return redirect(reverse("exchange:verify") + "?" + urlencode({"code": code}))
    return render(request, "exchange/verify.html", context)
