"""Joint purchasing pages: a network's rounds; a round with orders or commitments, bids,
award, allocation and savings."""

import csv
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.forms import add_domain_errors
from intercoop.core.money import major_units, minor_units, unit_price
from intercoop.directory import permissions
from intercoop.directory.models import Network, Organization
from intercoop.directory.selectors import network_members, network_members_acting_for
from intercoop.purchasing import calendar, selectors, services
from intercoop.purchasing.forms import (
    AwardForm,
    BidForm,
    BillForm,
    CommitmentForm,
    OrderForm,
    PatronageForm,
    RoundForm,
)
from intercoop.purchasing.models import Bid, Patronage, PatronageAllocation, Round
from intercoop.purchasing.pricing import CRITERIA


def _round(request: HttpRequest, pk: int) -> Round:
    round = get_object_or_404(Round.objects.select_related("network", "coordinator"), pk=pk)
    if not selectors.can_view_round(request.user, round):
        raise Http404
    return round


def _valid(form: Any) -> Any:
    """The form's clean values, or its first error per field as the services' error."""
    if not form.is_valid():
        raise InvalidValues({field: str(errors[0]) for field, errors in form.errors.items()})
    return form.cleaned_data


@login_required
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = permissions.access_network(request.user, slug=slug, for_insiders=True)
    may_manage = permissions.can_manage_network(request.user, network)
    form = RoundForm(request.POST or None)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            values = {
                k: v
                for k, v in form.cleaned_data.items()
                if k != "articles" and v not in (None, "")
            }
            try:
                made = services.round_create(
                    network=network, coordinator=permissions.authenticated_user(request),
                    values=values, articles=form.cleaned_data["articles"],
                )  # fmt: skip
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                return redirect("purchasing:round", pk=made.pk)
    return render(
        request,
        "purchasing/round_list.html",
        {
            "network": network,
            "rounds": Round.objects.filter(network=network),
            "form": form,
            "may_manage": may_manage,
        },
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    context = selectors.round_page(user=request.user, round=round) | {
        "round": round,
        "next": services.NEXT[Round.Status(round.status)],
        "can_bid": round.status == Round.Status.BIDDING
        and bool(permissions.acting_organizations(request.user)),
        "contract": getattr(round, "contract", None),
    }
    return render(request, "purchasing/round.html", context)


def _acting_member(request: HttpRequest, round: Round) -> Organization:
    return selectors.member_for(user=request.user, round=round, slug=request.POST.get("member", ""))


@require_POST
@login_required
def order(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    member = _acting_member(request, round)
    article = get_object_or_404(round.articles, pk=request.POST.get("article") or 0)
    try:
        values = _valid(OrderForm(request.POST))
        services.order_set(
            actor=permissions.authenticated_user(request), article=article, member=member,
            quantity=values["quantity"], tolerance=values["tolerance"] or Decimal(0),
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Order saved."))
    return redirect("purchasing:round", pk=round.pk)


@require_POST
@login_required
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    member = _acting_member(request, round)
    try:
        values = _valid(CommitmentForm(request.POST))
        services.commitment_set(
            round=round, member=member, volume=values["volume"],
            current_price=unit_price(values["current_price"], round.currency),
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Commitment saved."))
    return redirect("purchasing:round", pk=round.pk)


def _coordinated(request: HttpRequest, pk: int) -> Round:
    round = _round(request, pk)
    if not selectors.can_coordinate(request.user, round):
        raise PermissionDenied(_("Only the round's coordinators do this"))
    return round


@require_POST
@login_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    round = _coordinated(request, pk)
    try:
        services.round_move(round=round, to=request.POST.get("to", ""))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("purchasing:round", pk=round.pk)


@require_POST
@login_required
def award(request: HttpRequest, pk: int) -> HttpResponse:
    round = _coordinated(request, pk)
    try:
        values = _valid(AwardForm(request.POST))
        bid = get_object_or_404(round.bids, pk=values["bid"])
        services.round_award(
            actor=permissions.authenticated_user(request), round=round, bid=bid,
            starts_on=values["starts_on"], ends_on=values["ends_on"],
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Awarded."))
    return redirect("purchasing:round", pk=round.pk)


@login_required
def bid(request: HttpRequest, pk: int) -> HttpResponse:
    """A supplier's bid, for one of the organisations the user speaks for."""
    round = _round(request, pk)
    suppliers = Organization.objects.filter(
        pk__in=permissions.acting_organizations(request.user)
    ).order_by("name")
    if not suppliers or round.status != Round.Status.BIDDING:
        raise PermissionDenied(_("The round is not taking bids"))
    articles = list(round.articles.all())
    form = BidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        supplier = suppliers.filter(slug=request.POST.get("supplier")).first() or suppliers[0]
        try:
            values = {
                "mode": form.cleaned_data["mode"],
                "evidence": form.cleaned_data["evidence"],
                "tiers": [
                    [line.split(";")[0].strip(), unit_price(line.split(";")[1], round.currency)]
                    for line in form.cleaned_data["tiers"].splitlines() if ";" in line
                ],
                "article_prices": {
                    a.pk: unit_price(request.POST.get(f"price-{a.pk}") or "0", round.currency)
                    for a in articles
                },
            }  # fmt: skip
            services.bid_submit(
                actor=permissions.authenticated_user(request), round=round, supplier=supplier,
                values=values,
            )  # fmt: skip
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Bid submitted."))
            return redirect("purchasing:round", pk=round.pk)
    return render(
        request,
        "purchasing/bid.html",
        {"round": round, "form": form, "suppliers": suppliers, "articles": articles,
         "volume": selectors.round_volume(round=round)},
    )  # fmt: skip


@require_POST
@login_required
def score(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator scores a bid's social criteria (0–5 each)."""
    bid = get_object_or_404(Bid.objects.select_related("round"), pk=pk)
    _coordinated(request, bid.round_id)
    try:
        services.bid_score(bid=bid, scores={k: request.POST.get(k, "") for k in CRITERIA})
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("purchasing:round", pk=bid.round_id)


@require_POST
@login_required
def delivery(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator records what arrived of each article and the transport cost."""
    round = _coordinated(request, pk)
    try:
        received = {
            article.pk: Decimal(request.POST[f"received-{article.pk}"])
            for article in round.articles.all()
            if request.POST.get(f"received-{article.pk}", "").strip()
        }
        services.delivery_record(
            round=round, received=received,
            transport_cost=minor_units(request.POST.get("transport_cost") or 0, round.currency),
        )  # fmt: skip
    except (ArithmeticError, ValueError):
        messages.error(request, _("Received amounts are numbers"))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Delivery recorded."))
    return redirect("purchasing:round", pk=round.pk)


@require_POST
@login_required
def override(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator sets one member's allocation of an article by hand."""
    round = _coordinated(request, pk)
    article = get_object_or_404(round.articles, pk=request.POST.get("article") or 0)
    member = get_object_or_404(
        network_members(network=round.network), slug=request.POST.get("member", "")
    )
    try:
        services.override_record(
            actor=permissions.authenticated_user(request), article=article, member=member,
            total=Decimal(request.POST.get("total") or "x"), reason=request.POST.get("reason", ""),
        )  # fmt: skip
    except ArithmeticError:
        messages.error(request, _("The allocation is a number"))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Allocation changed by hand; the change is shown."))
    return redirect("purchasing:round", pk=round.pk)


@require_POST
@login_required
def bill(request: HttpRequest, pk: int) -> HttpResponse:
    """A member (or a coordinator for it) records a bill under the round's contract."""
    round = _round(request, pk)
    member = _acting_member(request, round)
    try:
        values = _valid(BillForm(request.POST))
        services.bill_record(
            actor=permissions.authenticated_user(request), round=round, member=member,
            period_end=values["period_end"], volume=values["volume"],
            amount=minor_units(values["amount"], round.currency),
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Bill recorded."))
    return redirect("purchasing:round", pk=round.pk)


@login_required
def contracts(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's contracts and a calendar of the renewal decisions and ends ahead,
    with a private iCal feed address."""
    network = permissions.access_network(request.user, slug=slug, for_insiders=True)
    token = selectors.feed_token(user=request.user, network=network)
    feed = request.build_absolute_uri(
        reverse("purchasing:contracts_feed", args=[network.slug]) + f"?token={token}"
    )
    return render(
        request,
        "purchasing/contracts.html",
        {
            "network": network,
            "contracts": selectors.network_contracts(network=network),
            "calendar": selectors.contract_calendar(network=network, today=timezone.localdate()),
            "feed": feed,
            "webcal": "webcal://" + feed.split("://", 1)[1],
        },
    )


def contracts_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The iCal feed of the network's contract dates; calendar apps fetch it without a
    session, so it carries the signed token of the user it was made for."""
    network = get_object_or_404(Network, slug=slug)
    if selectors.feed_user(token=request.GET.get("token", ""), network=network) is None:
        raise Http404
    body = calendar.ics(
        name=_("Contracts of %(network)s") % {"network": network.name},
        events=selectors.contract_events(
            network=network, base_url=request.build_absolute_uri("/").rstrip("/")
        ),
        stamp=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{network.slug}-contracts.ics"'
    return response


@login_required
def patronage_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's patronage distributions, the capital accounts of the user's members,
    and (coordinators) a form to share a new rebate or surplus."""
    network = permissions.access_network(request.user, slug=slug, for_insiders=True)
    may_manage = permissions.can_manage_network(request.user, network)
    form = PatronageForm(
        request.POST or None,
        initial={"cash_percent": settings.PATRONAGE_MIN_CASH_PERCENT,
                 "currency": network.rounds.values_list("currency", flat=True).first() or "USD"},
    )  # fmt: skip
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(_("Only the network's coordinators share a surplus"))
        if form.is_valid():
            values = dict(form.cleaned_data)
            values["currency"] = values["currency"].upper()
            try:
                values["surplus"] = minor_units(values["surplus"], values["currency"])
                made = services.patronage_create(
                    actor=permissions.authenticated_user(request), network=network,
                    values=values,
                )  # fmt: skip
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                return redirect("purchasing:patronage", pk=made.pk)
    mine = network_members_acting_for(user=request.user, network=network)
    return render(
        request,
        "purchasing/patronage_list.html",
        {
            "network": network,
            "distributions": network.patronage.all(),
            "accounts": selectors.capital_accounts(network=network, members=list(mine)),
            "form": form,
            "may_manage": may_manage,
        },
    )


def _patronage(request: HttpRequest, pk: int) -> tuple[Patronage, list[PatronageAllocation]]:
    patronage = get_object_or_404(Patronage.objects.select_related("network"), pk=pk)
    if not selectors.can_view_patronage(request.user, patronage):
        raise Http404
    return patronage, selectors.patronage_lines(user=request.user, patronage=patronage)


@login_required
def patronage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A distribution's report: each member's purchases, share, cash and retained part,
    as a table and a chart; printable."""
    patronage, lines = _patronage(request, pk)
    return render(
        request,
        "purchasing/patronage.html",
        {
            "patronage": patronage,
            "lines": lines,
            "everyone": permissions.can_manage_network(request.user, patronage.network),
        }
        | selectors.patronage_report(lines=lines),
    )


@login_required
def patronage_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The lines the user may see, one row a member; amounts in major units."""
    patronage, lines = _patronage(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="patronage-{patronage.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["member", "purchases", "share", "cash", "retained", "currency"])
    for line in lines:
        writer.writerow(
            [line.member.name]
            + [major_units(getattr(line, key), patronage.currency)
               for key in ("purchases", "share", "cash", "retained")]
            + [patronage.currency]
        )  # fmt: skip
    return response
