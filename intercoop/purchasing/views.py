"""Joint purchasing pages: a network's rounds; a round with orders or commitments, bids,
award, allocation and savings; contracts and their calendar feed; patronage.

Pages decide what to show (404 for what the user may not see); every write is the
service's, which checks its own rule — a refused write is the service's 403."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intercoop.core.csvfiles import SafeWriter
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.forms import add_domain_errors
from intercoop.core.money import major_units, minor_units, unit_price
from intercoop.core.pagination import paginate
from intercoop.directory import permissions as roles
from intercoop.directory.models import Network, Organization
from intercoop.directory.selectors import network_members, network_members_acting_for
from intercoop.purchasing import calendar, permissions, selectors, services
from intercoop.purchasing.forms import (
    AwardForm,
    BidForm,
    BillForm,
    CommitmentForm,
    OrderForm,
    PatronageForm,
    RoundForm,
)
from intercoop.purchasing.models import Bid, Contract, Patronage, PatronageAllocation, Round
from intercoop.purchasing.pricing import CRITERIA

PAGE_SIZE = 50
MAX_ID = 2**63 - 1


def _id(value: Any) -> int:
    """A posted id as an int (0, which names nothing, when it is not one)."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_ID else 0


def _decimal(text: str) -> Decimal:
    """A number typed on a page (ValueError or InvalidOperation when it is not one)."""
    if len(text) > 40:
        raise ValueError(text[:40])
    return Decimal(text)


def _round(request: HttpRequest, pk: int) -> Round:
    round = get_object_or_404(Round.objects.select_related("network", "coordinator"), pk=pk)
    if not permissions.can_view_round(request.user, round):
        raise Http404
    return round


def _slug(text: str) -> str:
    """A posted slug; one no slug can be (too long, control characters) names nothing."""
    return "" if len(text) > 100 or any(ord(c) < 32 for c in text) else text


def _member(round: Round, slug: str) -> Organization:
    """The member of the round's network named by `slug` (else 404)."""
    return get_object_or_404(network_members(network=round.network), slug=_slug(slug) or "-")


def _valid(form: Any) -> Any:
    """The form's clean values, or its first error per field as the services' error."""
    if not form.is_valid():
        raise InvalidValues({field: str(errors[0]) for field, errors in form.errors.items()})
    return form.cleaned_data


def _minor(amount: Any, currency: str, field: str) -> int:
    """An amount typed in major units as minor units; a bad one is the field's error."""
    try:
        return minor_units(amount, currency)
    except DomainError as error:
        raise InvalidValues({field: error.message}) from None


def _per_unit(amount: Any, currency: str, field: str) -> Decimal:
    """A price per unit typed in major units as minor units (fractions kept)."""
    try:
        price = unit_price(amount, currency)
    except (DomainError, ArithmeticError, ValueError):
        raise InvalidValues({field: _("is not an amount of money")}) from None
    return price


def _show_errors(form: Any, error: DomainError) -> None:
    """A service's refusal on the form; errors of one line of a field (articles[2].name)
    beside that field."""
    if isinstance(error, InvalidValues):
        for key, reason in error.errors.items():
            base = key.split("[", 1)[0].split(".", 1)[0]
            if key in form.fields:
                form.add_error(key, reason)
            else:
                form.add_error(base if base in form.fields else None, f"{key}: {reason}")
        return
    add_domain_errors(form, error)


def _paged(request: HttpRequest, queryset: QuerySet[Any]) -> Any:
    return paginate(queryset, page=request.GET.get("page"), page_size=PAGE_SIZE)


@login_required
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = roles.access_network(request.user, slug=slug, for_insiders=True)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {
            k: v for k, v in form.cleaned_data.items() if k != "articles" and v not in (None, "")
        }
        try:
            made = services.round_create(
                actor=request.user, network=network, values=values,
                articles=form.cleaned_data["articles"],
            )  # fmt: skip
        except DomainError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The round is open for orders."))
            return redirect("purchasing:round", pk=made.pk)
    return render(
        request,
        "purchasing/round_list.html",
        {
            "network": network,
            "paged": _paged(request, Round.objects.filter(network=network)),
            "form": form,
            "may_manage": permissions.can_open_round(request.user, network),
        },
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    contract = Contract.objects.filter(round=round).select_related("bid__supplier").first()
    context = selectors.round_page(user=request.user, round=round) | {
        "round": round,
        "next": services.NEXT[Round.Status(round.status)],
        "can_bid": round.takes_bids and bool(roles.acting_organizations(request.user)),
        "contract": contract,
        "sees_pick_list": round.is_goods
        and contract is not None
        and permissions.can_view_pick_list(request.user, round, contract.bid.supplier),
        "transport_major": major_units(round.transport_cost, round.currency),
    }
    return render(request, "purchasing/round.html", context)


@require_POST
@login_required
def order(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    member = _member(round, request.POST.get("member", ""))
    article = get_object_or_404(round.articles, pk=_id(request.POST.get("article")))
    try:
        values = _valid(OrderForm(request.POST))
        services.order_set(
            actor=request.user, article=article, member=member,
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
    member = _member(round, request.POST.get("member", ""))
    try:
        values = _valid(CommitmentForm(request.POST))
        services.commitment_set(
            actor=request.user, round=round, member=member, volume=values["volume"],
            current_price=_per_unit(values["current_price"], round.currency, "current_price"),
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Commitment saved."))
    return redirect("purchasing:round", pk=round.pk)


@require_POST
@login_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    try:
        moved = services.round_move(actor=request.user, round=round, to=request.POST.get("to", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The round is now: %(status)s.") % {"status": moved.get_status_display()}
        )
    return redirect("purchasing:round", pk=round.pk)


@require_POST
@login_required
def award(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    try:
        values = _valid(AwardForm(request.POST))
        bid = get_object_or_404(round.bids, pk=values["bid"])
        services.round_award(
            actor=request.user, round=round, bid=bid,
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
        pk__in=roles.acting_organizations(request.user)
    ).order_by("name")
    if not suppliers:
        raise Http404
    if not round.takes_bids:
        raise PermissionDenied(_("The round is not taking bids"))
    articles = list(round.articles.all())
    form = BidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        slug = request.POST.get("supplier")
        supplier = Organization.objects.filter(slug=_slug(slug)).first() if slug else suppliers[0]
        try:
            if supplier is None:
                raise InvalidValues({"supplier": _("No such organisation")})
            lines = [line.split(";") for line in form.cleaned_data["tiers"].splitlines()]
            values = {
                "mode": form.cleaned_data["mode"],
                "evidence": form.cleaned_data["evidence"],
                "tiers": [
                    [parts[0].strip(), _per_unit(parts[1], round.currency, f"tiers[{n}].price")]
                    for n, parts in enumerate((p for p in lines if len(p) > 1), start=1)
                ],
                "article_prices": {
                    a.pk: _per_unit(request.POST.get(f"price-{a.pk}") or "0", round.currency,
                                    f"article_prices[{a.pk}]")
                    for a in articles
                },
            }  # fmt: skip
            services.bid_submit(
                actor=request.user, round=round, supplier=supplier, values=values,
            )  # fmt: skip
        except DomainError as error:
            _show_errors(form, error)
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
    _round(request, bid.round_id)
    try:
        services.bid_score(
            actor=request.user, bid=bid, scores={k: request.POST.get(k, "") for k in CRITERIA}
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Scores saved."))
    return redirect("purchasing:round", pk=bid.round_id)


def _delivered(request: HttpRequest, round: Round) -> dict[str, Any]:
    """What the delivery form says arrived: quantities received by article, and the
    transport cost in minor units (ValueError on a bad number)."""
    return {
        "received": {
            article.pk: _decimal(request.POST[f"received-{article.pk}"])
            for article in round.articles.all()
            if request.POST.get(f"received-{article.pk}", "").strip()
        },
        "transport_cost": _minor(
            request.POST.get("transport_cost") or 0, round.currency, "transport_cost"
        ),
    }


@require_POST
@login_required
def delivery(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator records what arrived of each article and the transport cost."""
    round = _round(request, pk)
    try:
        services.delivery_record(actor=request.user, round=round, **_delivered(request, round))
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
    round = _round(request, pk)
    article = get_object_or_404(round.articles, pk=_id(request.POST.get("article")))
    member = _member(round, request.POST.get("member", ""))
    try:
        services.override_record(
            actor=request.user, article=article, member=member,
            total=_decimal(request.POST.get("total") or "x"),
            reason=request.POST.get("reason", ""),
        )  # fmt: skip
    except (ArithmeticError, ValueError):
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
    member = _member(round, request.POST.get("member", ""))
    try:
        values = _valid(BillForm(request.POST))
        services.bill_record(
            actor=request.user, round=round, member=member,
            period_end=values["period_end"], volume=values["volume"],
            amount=_minor(values["amount"], round.currency, "amount"),
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Bill recorded."))
    return redirect("purchasing:round", pk=round.pk)


def _feed_url(request: HttpRequest, network: Network, key: str) -> str:
    path = reverse("purchasing:contracts_feed", args=[network.slug])
    return request.build_absolute_uri(f"{path}?token={key}")


@login_required
def contracts(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's contracts and a calendar of the renewal decisions and ends ahead,
    with the user's private iCal feed address (made, replaced or revoked on request)."""
    network = roles.access_network(request.user, slug=slug, for_insiders=True)
    token = selectors.feed_token_of(user=request.user, network=network)
    feed = _feed_url(request, network, selectors.feed_key(token)) if token else ""
    return render(
        request,
        "purchasing/contracts.html",
        {
            "network": network,
            "paged": _paged(request, selectors.network_contracts(network=network)),
            "calendar": selectors.contract_calendar(network=network, today=timezone.localdate()),
            "feed": feed,
            "webcal": "webcal://" + feed.split("://", 1)[1] if feed else "",
        },
    )


@require_POST
@login_required
def contracts_feed_address(request: HttpRequest, slug: str) -> HttpResponse:
    """Make a new private feed address (revoking the old one) or revoke it."""
    network = get_object_or_404(Network, slug=slug)
    if request.POST.get("action") == "revoke":
        token = selectors.feed_token_of(user=request.user, network=network)
        if token is not None:
            services.feed_token_revoke(actor=request.user, token=token)
            messages.success(request, _("The calendar address no longer works."))
    else:
        services.feed_token_issue(actor=request.user, network=network)
        messages.success(request, _("A new calendar address; the old one no longer works."))
    return redirect("purchasing:contracts", slug=network.slug)


def contracts_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The iCal feed of the network's contract dates; calendar apps fetch it without a
    session, so it carries the private address of the user it was made for."""
    network = get_object_or_404(Network, slug=slug)
    if selectors.feed_user(token=request.GET.get("token", ""), network=network) is None:
        raise Http404
    body = calendar.ics(
        name=_("Contracts of %(network)s") % {"network": network.name},
        events=selectors.contract_events(
            network=network,
            url_of=lambda r: request.build_absolute_uri(reverse("purchasing:round", args=[r.pk])),
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
    network = roles.access_network(request.user, slug=slug, for_insiders=True)
    form = PatronageForm(
        request.POST or None,
        initial={"cash_percent": settings.PATRONAGE_MIN_CASH_PERCENT,
                 "currency": network.rounds.values_list("currency", flat=True).first() or "USD"},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["currency"] = values["currency"].upper()
        try:
            values["surplus"] = _minor(values["surplus"], values["currency"], "surplus")
            made = services.patronage_distribute(actor=request.user, network=network, values=values)
        except DomainError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The surplus is shared; each member's part is below."))
            return redirect("purchasing:patronage", pk=made.pk)
    mine = network_members_acting_for(user=request.user, network=network)
    return render(
        request,
        "purchasing/patronage_list.html",
        {
            "network": network,
            "paged": _paged(request, network.patronage.all()),
            "accounts": selectors.capital_accounts(network=network, members=list(mine)),
            "form": form,
            "may_manage": permissions.can_distribute_patronage(request.user, network),
        },
    )


def _patronage(request: HttpRequest, pk: int) -> tuple[Patronage, list[PatronageAllocation]]:
    patronage = get_object_or_404(Patronage.objects.select_related("network"), pk=pk)
    if not permissions.can_view_patronage(request.user, patronage):
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
            "everyone": permissions.sees_every_member(request.user, patronage.network),
        }
        | selectors.patronage_report(lines=lines),
    )


@login_required
def patronage_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The lines the user may see, one row a member; amounts in major units. Names that
    begin like a formula are written so that spreadsheets show them as text."""
    patronage, lines = _patronage(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="patronage-{patronage.pk}.csv"'
    writer = SafeWriter(response)
    writer.writerow(["member", "purchases", "share", "cash", "retained", "currency"])
    for line in lines:
        writer.writerow(
            [line.member.name]
            + [major_units(getattr(line, key), patronage.currency)
               for key in ("purchases", "share", "cash", "retained")]
            + [patronage.currency]
        )  # fmt: skip
    return response


@require_POST
@login_required
def delivery_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator corrects a recorded delivery by a new entry."""
    round = _round(request, pk)
    try:
        services.delivery_correct(
            actor=request.user, round=round, reason=request.POST.get("reason", ""),
            **_delivered(request, round),
        )  # fmt: skip
    except (ArithmeticError, ValueError):
        messages.error(request, _("Received amounts are numbers"))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Delivery corrected; each member's difference is invoiced or credited.")
        )
    return redirect("purchasing:round", pk=round.pk)
