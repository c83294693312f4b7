"""A goods round's own pages: the order form (every article, saved together), changing
the round and its articles until it closes, and the pick lists of its suppliers.

As in `views`: pages decide what to show (404 for what the user may not see, 403 with the
reason where it is safe to say); every write is the service's, which checks its rule."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.csvfiles import SafeWriter
from intercoop.core.errors import DomainError, InvalidValues
from intercoop.core.money import unit_price_major
from intercoop.directory.models import Organization
from intercoop.directory.selectors import network_members, network_members_acting_for
from intercoop.purchasing import permissions, selectors, services
from intercoop.purchasing.checks import plain
from intercoop.purchasing.forms import ArticleRows, RoundEditForm
from intercoop.purchasing.models import Round
from intercoop.purchasing.views import _decimal, _id, _round, _show_errors, _slug

# the columns of an article's row on the edit page, as its errors name them
ARTICLE_FIELDS = {
    "name": gettext_lazy("Name"), "unit": gettext_lazy("Unit"),
    "case_size": gettext_lazy("Case size"),
    "reference_price": gettext_lazy("Price paid today per unit"),
}  # fmt: skip


@login_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator changes a round (and its articles) until it closes."""
    round = _round(request, pk)
    if not permissions.can_coordinate(request.user, round):
        raise Http404
    if not round.takes_orders:
        raise PermissionDenied(_("A round is changed only while it takes orders"))
    form = RoundEditForm(request.POST or None, instance=round)
    del form.fields["volume_unit" if round.is_goods else "articles"]
    articles_shown = list(round.articles.all())
    rows = ArticleRows(articles_shown, request.POST, round.currency)
    row_errors: dict[int, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in RoundEditForm.Meta.fields if k in form.fields}
        try:
            articles = None
            if round.is_goods:
                articles = rows.values() + form.cleaned_data["articles"]
            services.round_update(actor=request.user, round=round, values=values, articles=articles)
        except InvalidValues as error:  # a row's error beside its row; the others, the form's
            rest = {}
            for key, reason in error.errors.items():
                article = rows.article_of(key)
                if article is None:
                    rest[key] = reason
                else:
                    field = key.rsplit(".", 1)[-1]
                    row_errors.setdefault(article.pk, []).append(
                        f"{ARTICLE_FIELDS.get(field, field)}: {reason}"
                    )
            _show_errors(form, InvalidValues(rest) if rest else error)
            if not rest:
                form.add_error(None, _("Nothing was saved: correct the rows marked below."))
        except DomainError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The round is saved."))
            return redirect("purchasing:round", pk=round.pk)
    for article in articles_shown:
        article.price_major = plain(unit_price_major(article.reference_price, round.currency))  # type: ignore[attr-defined]
        errors = article.errors = row_errors.get(article.pk, [])  # type: ignore[attr-defined]
        if errors:  # the row shown as typed, to correct
            article.name = request.POST.get(f"name-{article.pk}", "")
            article.unit = request.POST.get(f"unit-{article.pk}", "")
            article.case_size = request.POST.get(f"case-{article.pk}", "")
            article.price_major = request.POST.get(f"price-{article.pk}", "")  # type: ignore[attr-defined]
    return render(
        request,
        "purchasing/round_edit.html",
        {"round": round, "form": form, "articles": articles_shown},
    )


def _order_members(request: HttpRequest, round: Round) -> list[Organization]:
    """The members the user may order for: those it speaks for; a coordinator, all."""
    if permissions.can_coordinate(request.user, round):
        return list(network_members(network=round.network))
    return list(network_members_acting_for(user=request.user, network=round.network))


@login_required
def order_form(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's whole order of a goods round: every article with its current quantity
    and tolerance, saved together (all or nothing), and the order's estimated cost."""
    round = _round(request, pk)
    members = _order_members(request, round)
    if not round.is_goods or not members:
        raise Http404
    wanted = _slug(request.POST.get("member") or request.GET.get("member") or "")
    member = next((m for m in members if m.slug == wanted), None) if wanted else members[0]
    if member is None:  # a member the user may not order for: never another one's order
        raise Http404
    errors: dict[int, list[str]] = {}
    posted: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        articles = list(round.articles.all())
        lines: dict[int, tuple[Decimal, Decimal]] = {}
        for article in articles:
            raw = (request.POST.get(f"quantity-{article.pk}", "").strip() or "0",
                   request.POST.get(f"tolerance-{article.pk}", "").strip() or "0")  # fmt: skip
            posted[article.pk] = raw
            try:
                lines[article.pk] = (_decimal(raw[0]), _decimal(raw[1]))
            except (ArithmeticError, ValueError):
                errors.setdefault(article.pk, []).append(
                    _("%(article)s: the quantity and tolerance are numbers")
                    % {"article": article.name}
                )
        if not errors:
            try:
                services.order_set_many(actor=request.user, round=round, member=member, lines=lines)
            except InvalidValues as error:
                for key, reason in error.errors.items():
                    found = _id(key.removeprefix("orders[").split("]", 1)[0])
                    errors.setdefault(found, []).append(reason)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("The order of %(member)s is saved.") % {"member": member.name}
                )
                return redirect(f"{reverse('purchasing:order_form', args=[round.pk])}"
                                f"?member={member.slug}")  # fmt: skip
        if errors:
            messages.error(request, _("Nothing was saved: correct the rows marked below."))
    lines_now = selectors.order_lines(round=round, member=member)
    rows = [
        (line, posted.get(line.article.pk), errors.get(line.article.pk, [])) for line in lines_now
    ]
    ordered = [line for line in lines_now if line.quantity]
    return render(
        request,
        "purchasing/order_form.html",
        {"round": round, "member": member, "members": members, "rows": rows,
         "summary": ordered, "total": sum(line.estimate for line in ordered),
         "takes_orders": round.takes_orders},
    )  # fmt: skip


def _pick_lists(request: HttpRequest, pk: int) -> tuple[Round, list[selectors.PickList]]:
    """The pick lists the user may see: a coordinator, every supplier's; the people of an
    awarded supplier, their supplier's only."""
    round = _round(request, pk)
    if not round.is_goods:
        raise Http404
    lists = selectors.pick_lists(round=round)
    if not lists and permissions.can_coordinate(request.user, round):
        raise PermissionDenied(_("The round is not awarded yet: it has pick lists once it is."))
    lists = [p for p in lists if permissions.can_view_pick_list(request.user, round, p.supplier)]
    if not lists:
        raise Http404
    return round, lists


@login_required
def pick_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Per supplier of an awarded goods round, what each member gets of each article;
    printable."""
    round, lists = _pick_lists(request, pk)
    return render(request, "purchasing/pick_list.html", {"round": round, "lists": lists})


@login_required
def pick_list_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The pick lists, one row per supplier, member and article."""
    round, lists = _pick_lists(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pick-list-{round.pk}.csv"'
    writer = SafeWriter(response)
    writer.writerow(["supplier", "member", "article", "unit", "quantity"])
    for picks in lists:
        for member, lines in picks.members:
            for article, units in lines:
                writer.writerow([picks.supplier.name, member.name, article.name, article.unit,
                                 plain(units)])  # fmt: skip
    return response
