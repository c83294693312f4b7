"""The fund pages: the user's funds, loans and notes; setting up a network's fund and its
settings; the fund's page (capital in and out, arrears, what falls due); capital in
(pledges, contributions, member equity); investor notes and an investor's statement;
the books.

Pages decide what to show with the rules of capital.permissions (a fund is for the
network's insiders and its committee; a note for its investor and the managers); every
write is the service's to allow or refuse (a refusal is the 403 page), and bad values
come back as the form's field errors."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.capital import books as ledger
from intercoop.capital import permissions, selectors, services
from intercoop.capital.forms_funds import (
    ContributionForm,
    EquityForm,
    FundForm,
    NoteForm,
    PledgeForm,
    RepayForm,
    TierForm,
    fund_initial,
    localized_rate,
)
from intercoop.capital.models import (
    Contribution,
    EquityEntry,
    Fund,
    InvestorNote,
    Pledge,
)
from intercoop.capital.wording import BUCKET_AXIS, BUCKET_LABELS
from intercoop.core.errors import DomainError
from intercoop.core.forms import add_domain_errors
from intercoop.core.pagination import paginate
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.directory import permissions as directory_permissions
from intercoop.directory.models import Network, Organization
from intercoop.directory.selectors import network_members
from intercoop.governance.models import Body

PAGE_SIZE = 50
MAX_CHOICES = 500  # organisations offered in one select
MAX_LISTED = 100  # rows of each list of the index


def _fund(request: HttpRequest, slug: str) -> Fund:
    """The fund named by `slug` for those who may see it (404 when there is none, 403
    for those outside its network)."""
    fund = Fund.objects.select_related("network", "holder", "committee").filter(slug=slug).first()
    if fund is None:
        raise NotFoundReason(_("No such fund"))
    return permissions.access_fund(request.user, fund)


def _managed_fund(request: HttpRequest, slug: str) -> Fund:
    fund = _fund(request, slug)
    if not permissions.can_manage_fund(request.user, fund):
        raise PermissionDenied(_("Only the fund's managers may do this"))
    return fund


def _committees(network: Network) -> list[Body]:
    return list(Body.objects.filter(network=network, kind=Body.Kind.COMMITTEE).order_by("name"))


def _members(network: Network) -> list[Organization]:
    return list(network_members(network=network)[:MAX_CHOICES])


def _today() -> Any:
    return services.today()


# the user's funds ----------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    coordinated = directory_permissions.coordinated_network_ids(user)
    without_fund = (
        Network.objects.filter(pk__in=coordinated).exclude(funds__isnull=False).order_by("name")
    )
    return render(
        request,
        "capital/index.html",
        {
            "funds": list(selectors.my_funds(user).order_by("name")[:MAX_LISTED]),
            "applications": list(
                selectors.organization_applications(user)
                .filter(loan__isnull=True)
                .order_by("-created_at", "-pk")[:MAX_LISTED]
            ),
            "loans": list(
                selectors.organization_loans(user).order_by("-offered_at", "-pk")[:MAX_LISTED]
            ),
            "notes": list(selectors.my_notes(user).order_by("matures_on", "pk")[:MAX_LISTED]),
            "without_fund": list(without_fund),
        },
    )


# setting up a fund ---------------------------------------------------------------------------


@login_required
def fund_create(request: HttpRequest, network: str) -> HttpResponse:
    found = directory_permissions.access_network(request.user, slug=network, for_manage=True)
    form = FundForm(request.POST or None, committees=_committees(found), holders=_members(found))
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            fund = services.fund_create(
                actor=authenticated_user(request),
                network=found,
                holder=values["holder"],
                currency=values["currency"],
                values=form.values(),
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The fund is set up."))
            return redirect("capital:fund", slug=fund.slug)
    return render(request, "capital/fund_create.html", {"network": found, "form": form})


@login_required
def fund_settings(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _managed_fund(request, slug)
    posted = request.POST if request.method == "POST" else None
    policy = FundForm(
        posted if posted and "policy" in posted else None,
        committees=_committees(fund.network),
        currency=fund.currency,
        initial=fund_initial(fund),
    )
    tier = TierForm(posted if posted and "tier" in posted else None, currency=fund.currency)
    if posted is not None:
        actor = authenticated_user(request)
        try:
            if "policy" in posted and policy.is_valid():
                services.fund_update(actor=actor, fund=fund, values=policy.values())
                messages.success(request, _("Settings saved."))
                return redirect("capital:fund_settings", slug=fund.slug)
            if "tier" in posted and tier.is_valid():
                values = tier.cleaned_data
                services.tier_create(
                    actor=actor,
                    fund=fund,
                    name=values["name"],
                    description=values["description"],
                    amount=values["amount"],
                )
                messages.success(request, _("Tier added."))
                return redirect("capital:fund_settings", slug=fund.slug)
        except DomainError as error:
            add_domain_errors(policy if "policy" in posted else tier, error)
        fund.refresh_from_db()
    return render(
        request,
        "capital/fund_settings.html",
        {"fund": fund, "policy": policy, "tier": tier, "tiers": list(fund.tiers.all())},
    )


# the fund's page -----------------------------------------------------------------------------

CHART_WIDTH, BAR_AREA, CHART_TOP = 640, 150, 24


def bucket_bars(rows: list[Any]) -> list[dict[str, Any]]:
    """The chart of outstanding principal by ageing bucket: one bar per row of the ageing
    table, left to right, the largest BAR_AREA high (SVG coordinates)."""
    most = max((row.principal_outstanding for row in rows), default=0) or 1
    step = (CHART_WIDTH - 20) // max(1, len(rows))
    bars = []
    for i, row in enumerate(rows):
        height = round(BAR_AREA * row.principal_outstanding / most)
        x = 10 + i * step
        bars.append(
            {
                "row": row,
                "label": BUCKET_AXIS[row.bucket],
                "x": x + step // 8,
                "width": step * 3 // 4,
                "y": CHART_TOP + BAR_AREA - height,
                "height": height,
                "value_y": CHART_TOP + BAR_AREA - height - 6,
                "label_x": x + step // 2,
                "late": row.bucket != "current",
            }
        )
    return bars


def _rates(fund: Fund) -> dict[str, str]:
    fields = ("min_rate", "max_rate", "investor_min_rate", "investor_max_rate", "reserve_percent")
    return {field: localized_rate(getattr(fund, field)) for field in fields}


@login_required
def fund(request: HttpRequest, slug: str) -> HttpResponse:
    found = _fund(request, slug)
    user = request.user
    overview = selectors.fund_overview(found, on=_today())
    manages = permissions.can_manage_fund(user, found)
    committee = permissions.is_committee_member(user, found)
    acting = set(directory_permissions.acting_organizations(user))
    may_apply = bool(acting) and bool(directory_permissions.members_now(found.network, acting))
    return render(
        request,
        "capital/fund.html",
        {
            "fund": found,
            "o": overview,
            "ageing": [(row, BUCKET_LABELS.get(row.bucket, row.bucket)) for row in overview.ageing],
            "bars": bucket_bars(overview.ageing),
            "chart_width": CHART_WIDTH,
            "axis_y": CHART_TOP + BAR_AREA,
            "chart_height": CHART_TOP + BAR_AREA + 24,
            "manages": manages,
            "committee": committee,
            "reviews": manages or committee,
            "may_see_books": permissions.can_view_books(user, found),
            "may_apply": may_apply,
            "tiers": list(found.tiers.all()),
            "rates": _rates(found),
        },
    )


# capital in ----------------------------------------------------------------------------------


def _pledge_organizations(user: Any, fund: Fund) -> list[Organization]:
    """The member co-ops the user may pledge for: every member for the fund's managers,
    else the members the user speaks for."""
    if permissions.can_manage_fund(user, fund):
        return _members(fund.network)
    acting = set(directory_permissions.acting_organizations(user))
    members = directory_permissions.members_now(fund.network, acting) if acting else set()
    return list(Organization.objects.filter(pk__in=members).order_by("name"))


def _pledges(fund: Fund) -> Any:
    return (
        Pledge.objects.filter(fund=fund)
        .select_related("organization")
        .annotate(paid=Sum("contributions__amount"), payments=Count("contributions"))
        .order_by("-first_year", "organization__name", "pk")
    )


def _equity(fund: Fund) -> list[dict[str, Any]]:
    """Each member's equity held (purchases less redemptions) and the tiers it bought."""
    entries = EquityEntry.objects.filter(fund=fund)
    held = (
        entries.values("organization_id", "organization__name", "organization__slug")
        .annotate(held=Sum("amount"))
        .order_by("organization__name")
    )
    tiers: dict[int, list[str]] = {}
    for organization_id, name in (
        entries.filter(tier__isnull=False)
        .values_list("organization_id", "tier__name")
        .distinct()
        .order_by("organization_id", "tier__name")
    ):
        tiers.setdefault(organization_id, []).append(name)
    return [
        {
            "name": row["organization__name"],
            "slug": row["organization__slug"],
            "held": row["held"],
            "tiers": tiers.get(row["organization_id"], []),
        }
        for row in held
    ]


@login_required
def capital_in(request: HttpRequest, slug: str) -> HttpResponse:
    found = _fund(request, slug)
    user = request.user
    records = permissions.can_record_capital(user, found)
    posted = request.POST if request.method == "POST" else None
    members = _members(found.network) if records else []
    pledgers = _pledge_organizations(user, found)
    pledges = _pledges(found)
    tiers = list(found.tiers.all())

    # which form was sent: the name of its button (`pledge` is also a field's name)
    sent = str(posted.get("record", "")) if posted is not None else ""

    def bound(name: str) -> Any:
        return posted if sent == name else None

    forms = {
        "pledge": PledgeForm(bound("pledge"), organizations=pledgers, currency=found.currency),
        "contribution": ContributionForm(
            bound("contribution"),
            organizations=members,
            pledges=list(pledges[:MAX_CHOICES]) if records or posted else [],
            currency=found.currency,
            initial={"received_on": _today()},
        ),
        "equity": EquityForm(
            bound("equity"),
            organizations=members,
            tiers=tiers,
            currency=found.currency,
            initial={"on": _today()},
        ),
    }
    if posted is not None:
        form = forms.get(sent)
        if form is not None and form.is_valid():
            try:
                done = _record_capital(authenticated_user(request), found, sent, form)
            except DomainError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("capital:capital_in", slug=found.slug)
    paged = paginate(pledges, page=request.GET.get("page"), page_size=PAGE_SIZE)
    return render(
        request,
        "capital/capital_in.html",
        {
            "fund": found,
            "pledges": [_pledge_row(p) for p in paged.page.object_list],
            "paged": paged,
            "contributions": list(
                Contribution.objects.filter(fund=found)
                .select_related("organization", "pledge")
                .order_by("-received_on", "-pk")[:20]
            ),
            "equity": _equity(found),
            "tiers": tiers,
            "records": records,
            "pledge_form": forms["pledge"] if pledgers else None,
            "contribution_form": forms["contribution"],
            "equity_form": forms["equity"],
        },
    )


def _pledge_row(pledge: Any) -> dict[str, Any]:
    """A pledge with what was paid towards it, and the share of what it promised when it
    promised an amount a year."""
    paid = pledge.paid or 0
    promised = pledge.yearly_amount * pledge.years if pledge.yearly_amount else None
    percent = min(100, round(100 * paid / promised)) if promised else None
    share = ""
    if pledge.percent_of_surplus is not None:
        share = localized_rate(pledge.percent_of_surplus)
    return {
        "pledge": pledge,
        "share": share,
        "paid": paid,
        "promised": promised,
        "percent": percent,
    }


def _record_capital(actor: Any, fund: Fund, name: str, form: Any) -> str:
    values = form.cleaned_data
    if name == "pledge":
        services.pledge_make(
            actor=actor,
            fund=fund,
            organization=values["organization"],
            percent_of_surplus=values["percent_of_surplus"],
            yearly_amount=values["yearly_amount"],
            first_year=values["first_year"],
            years=values["years"],
            note=values["note"],
        )
        return _("Pledge recorded. Thank you.")
    if name == "contribution":
        services.contribution_record(
            actor=actor,
            fund=fund,
            organization=values["organization"],
            amount=values["amount"],
            received_on=values["received_on"],
            pledge=values["pledge"],
            surplus_year=values["surplus_year"],
        )
        return _("Contribution recorded.")
    services.equity_record(
        actor=actor,
        fund=fund,
        organization=values["organization"],
        amount=form.signed_amount(),
        on=values["on"],
        tier=values["tier"],
    )
    return _("Member equity recorded.")


# investor notes ------------------------------------------------------------------------------


@login_required
def notes(request: HttpRequest, slug: str) -> HttpResponse:
    found = _managed_fund(request, slug)
    form = NoteForm(request.POST or None, fund=found, initial={"issued_on": _today()})
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            note = services.note_record(
                actor=authenticated_user(request),
                fund=found,
                amount=values["amount"],
                rate=values["rate"],
                term_months=values["term_months"],
                issued_on=values["issued_on"],
                organization=values["organization"],
                user=values["person"],
                notice_days=values["notice_days"],
                first_loss=values["first_loss"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Note recorded."))
            return redirect("capital:note", pk=note.pk)
    listed = (
        InvestorNote.objects.filter(fund=found)
        .select_related("organization", "user")
        .order_by("status", "matures_on", "pk")
    )
    paged = paginate(listed, page=request.GET.get("page"), page_size=PAGE_SIZE)
    return render(
        request,
        "capital/notes.html",
        {
            "fund": found,
            "form": form,
            "paged": paged,
            "rows": [(n, localized_rate(n.rate)) for n in paged.page.object_list],
            "rates": _rates(found),
            "outstanding": listed.exclude(status=InvestorNote.Status.REPAID).aggregate(
                total=Sum("amount")
            )["total"]
            or 0,
        },
    )


def _note(request: HttpRequest, pk: int) -> InvestorNote:
    note = (
        InvestorNote.objects.select_related("fund__network", "organization", "user")
        .filter(pk=pk)
        .first()
    )
    if note is None:
        raise NotFoundReason(_("No such note"))
    return permissions.access_note(request.user, note)


@login_required
def note(request: HttpRequest, pk: int) -> HttpResponse:
    found = _note(request, pk)
    user = request.user
    repay = RepayForm(request.POST if "repay" in request.POST else None, initial={"on": _today()})
    if request.method == "POST":
        actor = authenticated_user(request)
        if "notice" in request.POST:
            try:
                services.note_give_notice(actor=actor, note=found)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your notice to withdraw is given."))
            return redirect("capital:note", pk=found.pk)
        if "repay" in request.POST and repay.is_valid():
            try:
                services.note_repay(actor=actor, note=found, on=repay.cleaned_data["on"])
            except DomainError as error:
                add_domain_errors(repay, error)
            else:
                messages.success(request, _("The note is repaid."))
                return redirect("capital:note", pk=found.pk)
        found.refresh_from_db()
    return render(
        request,
        "capital/note.html",
        {
            "note": found,
            "fund": found.fund,
            "s": selectors.note_statement(found, on=_today()),
            "rate": localized_rate(found.rate),
            "may_view_fund": permissions.can_view_fund(user, found.fund),
            "manages": permissions.can_manage_fund(user, found.fund),
            "may_give_notice": permissions.can_give_notice(user, found)
            and found.status == InvestorNote.Status.ACTIVE,
            "repay": repay
            if found.is_open and permissions.can_record_capital(user, found.fund)
            else None,
        },
    )


@login_required
def note_csv(request: HttpRequest, pk: int) -> HttpResponse:
    found = _note(request, pk)
    response = HttpResponse(
        selectors.note_csv(found, on=_today()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="note-{found.pk}.csv"'
    return response


# the books -----------------------------------------------------------------------------------

ACCOUNT_LABELS = {
    "cash": gettext_lazy("Cash"),
    "loans_receivable": gettext_lazy("Loans receivable"),
    "interest_receivable": gettext_lazy("Interest receivable"),
    "investor_notes": gettext_lazy("Investor notes"),
    "member_equity": gettext_lazy("Member equity"),
    "contributions": gettext_lazy("Contributions"),
    "loss_reserve": gettext_lazy("Loss reserve"),
    "interest_income": gettext_lazy("Interest income"),
    "interest_expense": gettext_lazy("Interest paid to investors"),
    "loan_losses": gettext_lazy("Loan losses"),
}
assert set(ACCOUNT_LABELS) == set(ledger.ACCOUNTS)


def _entry_rows(entries: Any) -> list[tuple[Any, int, int]]:
    """A transaction's entries as (account, debit, credit)."""
    return [
        (ACCOUNT_LABELS.get(e.account, e.account), max(0, e.amount), max(0, -e.amount))
        for e in entries
    ]


@login_required
def books(request: HttpRequest, slug: str) -> HttpResponse:
    found = _fund(request, slug)
    if not permissions.can_view_books(request.user, found):
        raise PermissionDenied(_("The books are for the fund's managers"))
    trial, transactions = selectors.books_view(found)
    paged = paginate(transactions, page=request.GET.get("page"), page_size=PAGE_SIZE)
    return render(
        request,
        "capital/books.html",
        {
            "fund": found,
            "trial": [(row, ACCOUNT_LABELS[row.account]) for row in trial],
            "debits": sum(row.debit for row in trial),
            "credits": sum(row.credit for row in trial),
            "paged": paged,
            "transactions": [(t, _entry_rows(t.entries.all())) for t in paged.page.object_list],
        },
    )
