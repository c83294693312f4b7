"""The network's capital-flow report, as a page (printable) and a CSV file: for its
coordinators and its members' people, as the network's other inside pages."""

from typing import TextIO, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from intercoop.capital import flows as selectors
from intercoop.core.csvfiles import SafeWriter
from intercoop.core.money import major_units
from intercoop.directory import permissions
from intercoop.directory.models import Network

CSV_COLUMNS = [
    "year",
    "fund_loans",
    "investment_ties",
    "purchasing_coop",
    "invoices_between_members",
    "purchasing_other",
    "invoices_other",
    "within_coop_economy",
    "leaving_coop_economy",
]


def _currency(request: HttpRequest, network: Network) -> tuple[str, list[str]]:
    """The currency asked for if the network has flows in it, else its first."""
    currencies = selectors.flow_currencies(network)
    asked = request.GET.get("currency", "").strip().upper()
    if asked in currencies:
        return asked, currencies
    return (currencies[0] if currencies else ""), currencies


@login_required
def flows(request: HttpRequest, network: str) -> HttpResponse:
    found = permissions.access_network(request.user, slug=network, for_insiders=True)
    currency, currencies = _currency(request, found)
    rows = selectors.capital_flows(found, currency=currency) if currency else []
    return render(
        request,
        "capital/flows.html",
        {
            "network": found,
            "currency": currency,
            "currencies": currencies,
            "rows": rows,
            "totals": selectors.flow_totals(rows),
            "chart": selectors.flow_chart(rows),
            "labels": selectors.LABELS,
        },
    )


@login_required
def flows_csv(request: HttpRequest, network: str) -> HttpResponse:
    found = permissions.access_network(request.user, slug=network, for_insiders=True)
    currency, _currencies = _currency(request, found)
    rows = selectors.capital_flows(found, currency=currency) if currency else []
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"capital-flows-{found.slug}-{currency or 'none'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = SafeWriter(cast(TextIO, response))  # a file-like response
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [row.year, *(major_units(getattr(row, c), currency) for c in CSV_COLUMNS[1:])]
        )
    return response
