import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intercoop.core.bounds import SHORT_TEXT
from intercoop.core.csvfiles import upload_bytes
from intercoop.core.errors import DomainError, ImportFailed
from intercoop.core.forms import add_domain_errors, id_param
from intercoop.core.money import format_money
from intercoop.directory import permissions, vocab
from intercoop.directory.fields import FieldError
from intercoop.directory.models import Organization
from intercoop.directory.selectors import OrganizationFinder
from intercoop.network import assessment, charts, imports, selectors, services
from intercoop.network import permissions as network_permissions
from intercoop.network.engine import NODE_METRICS
from intercoop.network.forms import (
    INDICATOR_LABELS,
    OUTCOME_LABELS,
    PRINCIPLE_LABELS,
    AssessmentForm,
    BaselineForm,
    RelationshipForm,
)
from intercoop.network.models import Assessment, Relationship


def _metric_labels() -> dict[str, str]:
    """Each node metric's name for people, in the request's language."""
    return {
        "degree": _("Ties"),
        "in_degree": _("Ties in"),
        "out_degree": _("Ties out"),
        "betweenness": _("Betweenness"),
        "closeness": _("Closeness"),
        "pagerank": _("PageRank"),
        "coreness": _("Coreness"),
        "clustering": _("Clustering"),
        "community": _("Community"),
        "articulation_point": _("Single point of failure"),
    }


def _graph_labels() -> dict[str, Any]:
    """The graph page's words for its script, in the request's language."""
    return {
        "metrics": _metric_labels(),
        "kinds": dict(Relationship.Kind.choices),
        "formalities": dict(Relationship.Formality.choices),
        "structures": dict(vocab.choices("organisational_structure")),
        "activities": dict(vocab.choices("activity")),
        "open": str(_("Open the organisation's page")),
        "articulation": str(_("Single point of failure")),
        "figures": {
            "size": str(_("Organisations")),
            "ties": str(_("Ties")),
            "density": str(_("Density")),
            "components": str(_("Components")),
            "average_path_length": str(_("Average path length")),
            "reciprocity": str(_("Reciprocity")),
            "formal_share": str(_("Share of formal ties")),
            "communities": str(_("Communities")),
            "articulation_points": str(_("Single points of failure")),
        },
    }


def _graph_page(
    request: HttpRequest, *, title: str, back: str, api: str, export_query: str
) -> HttpResponse:
    return render(
        request,
        "network/graph.html",
        {
            "title": title,
            "back": back,
            "api": api,
            "export_query": export_query,
            "export_formats": ["csv", "graphml", "gexf", "kumu"],
            "kinds": Relationship.Kind.choices,
            "formalities": Relationship.Formality.choices,
            "activities": vocab.choices("activity"),
            "structures": vocab.choices("organisational_structure"),
            "metrics": [
                (m, _metric_labels()[m])
                for m in NODE_METRICS
                if m not in {"community", "articulation_point"}
            ],
            "labels": _graph_labels(),
        },
    )


def network_graph(request: HttpRequest, slug: str) -> HttpResponse:
    network = permissions.access_network(request.user, slug=slug)
    return _graph_page(
        request,
        title=network.name,
        back=reverse("directory:network", args=[network.slug]),
        api=f"/api/v1/networks/{network.slug}/graph",
        export_query=urlencode({"network": network.slug}),
    )


def organization_graph(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole directory around one organisation (two ties deep)."""
    organization = permissions.access_organization(request.user, slug=slug)
    return _graph_page(
        request,
        title=organization.name,
        back=reverse("directory:detail", args=[organization.slug]),
        api=f"/api/v1/organizations/{organization.slug}/graph",
        export_query=urlencode({"organization": organization.slug}),
    )


def organization_relationships(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's ties: see them, record one, confirm, dispute or withdraw them.
    Who may record is the service's rule; `may_act` only decides what to show."""
    organization = permissions.access_organization(request.user, slug=slug)
    may_act = network_permissions.can_speak_for(request.user, organization)
    form = RelationshipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _record_from_form(request, organization, form)
        except FieldError as error:
            form.add_error("other", str(error))
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Recorded. The other organisation is asked to confirm it."))
            return redirect("network:organization", slug=organization.slug)
    ties = selectors.organization_relationships(organization=organization, user=request.user)
    return render(
        request,
        "network/organization_relationships.html",
        {"organization": organization, "ties": ties, "form": form, "may_act": may_act},
    )


def _record_from_form(request: HttpRequest, organization: Any, form: RelationshipForm) -> None:
    other_pk = OrganizationFinder(text=form.cleaned_data["other"]).find(form.cleaned_data["other"])
    other = permissions.access_organization(
        request.user, slug=Organization.objects.get(pk=other_pk).slug
    )
    source, target = (organization, other)
    if form.cleaned_data["direction"] == "in":
        source, target = target, source
    services.relationship_claim(
        actor=request.user,
        source=source,
        target=target,
        values=form.relationship_values(),
        on_behalf_of=organization,
    )


@require_POST
@login_required
def relationship_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One side of a tie confirms, disputes or withdraws it (the services decide who may)."""
    tie = selectors.relationships_visible(user=request.user).filter(pk=pk).first()
    if tie is None or action not in {"confirm", "dispute", "withdraw"}:
        raise Http404
    by = request.POST.get("by", "")
    if not by.isprintable() or len(by) > SHORT_TEXT:  # no such slug (and no NUL to the database)
        raise Http404
    side = permissions.access_organization(request.user, slug=by)
    try:
        if action == "confirm":
            services.relationship_confirm(actor=request.user, relationship=tie, by=side)
            done = _("Confirmed: the tie counts in the network's graph.")
        elif action == "dispute":
            services.relationship_dispute(
                actor=request.user,
                relationship=tie,
                by=side,
                reason=request.POST.get("reason", ""),
            )
            done = _("Disputed: the tie no longer counts until it is confirmed.")
        else:
            services.relationship_withdraw(actor=request.user, relationship=tie)
            done = _("Withdrawn.")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("network:organization", slug=side.slug)


def _assessments_network(request: HttpRequest, slug: str) -> Any:
    return permissions.access_network(request.user, slug=slug, for_insiders=True)


def assessment_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A network's assessments, newest first; its coordinators add one."""
    network = _assessments_network(request, slug)
    can_assess = network_permissions.can_assess_network(request.user, network)
    form = AssessmentForm(request.POST or None, initial={"as_of": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.assessment_create(
                actor=request.user,
                network=network,
                as_of=form.cleaned_data["as_of"],
                ratings=form.ratings(),
                outcomes=form.outcomes(),
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The assessment is computed and kept."))
            return redirect("network:assessment", slug=network.slug, pk=created.pk)
    return render(
        request,
        "network/assessment_list.html",
        {
            "network": network,
            "assessments": network.assessments.select_related("created_by"),
            "form": form,
            "can_assess": can_assess,
        },
    )


def _part_labels() -> dict[str, str]:
    """The words for the parts of an indicator made of several figures."""
    return {
        "shannon": _("Shannon H"),
        "simpson": _("Simpson D"),
        "categories": _("categories"),
        "known": _("known"),
        **{str(k): str(label) for k, label in Relationship.Formality.choices},
    }


def _readable(principle: str, values: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(label, value) for each indicator, in the request's language: the parts of a
    composite indicator named too, money formatted with its currency."""
    parts = _part_labels()
    rows = []
    for key, value in values.items():
        if key == "formula":
            continue
        if principle == "self_reliance" and key in {"inside", "outside"} and values["currency"]:
            value = format_money(value, values["currency"])
        if isinstance(value, dict):
            value = {parts.get(k, k): v for k, v in value.items() if k != "counts"}
        rows.append((INDICATOR_LABELS.get(key, key), value))
    return rows


def _principles(item: Assessment) -> list[dict[str, Any]]:
    notes = assessment.reading(item.indicators)
    return [
        {
            "key": key,
            "title": title,
            "help": help_text,
            "indicators": _readable(key, item.indicators.get(key, {})),
            "formula": _(assessment.FORMULAS[key]) if key in assessment.FORMULAS else "",
            "rating": item.ratings.get(key, {}),
            "notes": [(kind, _(text)) for kind, text in notes.get(key, [])],
        }
        for key, (title, help_text) in PRINCIPLE_LABELS.items()
    ]


def assessment_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _assessments_network(request, slug)
    item = get_object_or_404(Assessment, network=network, pk=pk)
    return render(
        request,
        "network/assessment_report.html",
        {
            "network": network,
            "assessment": item,
            "principles": _principles(item),
            "outcomes": [(OUTCOME_LABELS[k], item.outcomes.get(k, "")) for k in OUTCOME_LABELS],
            "others": network.assessments.exclude(pk=item.pk),
            "can_assess": network_permissions.can_assess_network(request.user, network),
        },
    )


@login_required
def assessment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The coordinators change the self-assessment of a kept assessment."""
    network = _assessments_network(request, slug)
    item = get_object_or_404(Assessment, network=network, pk=pk)
    if not network_permissions.can_assess_network(request.user, network):
        raise Http404
    initial = {f"outcome_{k}": v for k, v in item.outcomes.items()}
    for principle, rating in item.ratings.items():
        initial[f"{principle}_score"] = rating.get("score") or ""
        initial[f"{principle}_evidence"] = rating.get("evidence", "")
    form = AssessmentForm(request.POST or None, initial=initial)
    del form.fields["as_of"]
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_update(
                actor=request.user, assessment=item, ratings=form.ratings(),
                outcomes=form.outcomes(),
            )  # fmt: skip
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The self-assessment is saved."))
            return redirect("network:assessment", slug=network.slug, pk=item.pk)
    return render(
        request,
        "network/assessment_edit.html",
        {"network": network, "assessment": item, "form": form},
    )


def assessment_compare(request: HttpRequest, slug: str) -> HttpResponse:
    """Two assessments side by side: a radar of the self-assessment and the indicators."""
    network = _assessments_network(request, slug)
    first, second = (
        get_object_or_404(Assessment, network=network, pk=id_param(request.GET.get(k)))
        for k in ("a", "b")
    )
    older, newer = sorted([first, second], key=lambda a: (a.as_of, a.created_at))
    scores = [
        [(a.ratings.get(p) or {}).get("score") for p in PRINCIPLE_LABELS] for a in (older, newer)
    ]
    return render(
        request,
        "network/assessment_compare.html",
        {
            "network": network,
            "older": older,
            "newer": newer,
            "radar": [charts.radar_points(s, maximum=5) for s in scores],
            "rings": [charts.radar_points([r] * 5, maximum=5) for r in range(1, 6)],
            "axes": list(zip(charts.radar_axes(len(PRINCIPLE_LABELS)),
                             [title for title, _h in PRINCIPLE_LABELS.values()], strict=True)),
            "rows": _comparison_rows(older, newer),
            "scores": list(zip([t for t, _h in PRINCIPLE_LABELS.values()], *scores, strict=True)),
        },
    )  # fmt: skip


def _comparison_rows(older: Assessment, newer: Assessment) -> list[tuple[Any, Any, Any]]:
    """The headline indicator of each principle, then and now."""
    picks = [
        (_("Share of formal ties"), "institutionalisation", ("formal_share",)),
        (_("Ties"), "institutionalisation", ("ties",)),
        (_("Structure diversity (Simpson)"), "diversity", ("structure", "simpson")),
        (_("Sector diversity (Simpson)"), "diversity", ("sector", "simpson")),
        (_("Shared institutions"), "intergenerational", ("shared_institutions",)),
        (_("Spin-offs"), "intergenerational", ("spin_offs",)),
        (_("Trade inside the network"), "self_reliance", ("share_inside",)),
        (_("Ties to allies"), "embeddedness", ("ally_share",)),
        (_("Localities"), "embeddedness", ("localities",)),
    ]

    def pick(item: Assessment, principle: str, path: tuple[str, ...]) -> Any:
        value: Any = item.indicators.get(principle, {})
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    return [(label, pick(older, p, path), pick(newer, p, path)) for label, p, path in picks]


def network_economy(request: HttpRequest, slug: str) -> HttpResponse:
    """The share of the region's economy that is co-operative; coordinators record the
    region's figures by hand or from a CSV."""
    network = permissions.access_network(request.user, slug=slug)
    can_manage = network_permissions.can_record_economy(request.user, network)
    form = BaselineForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["file"]:
                imports.baselines_import(
                    actor=request.user,
                    stream=imports.read_upload(upload_bytes(form.cleaned_data["file"])),
                    network=network,
                )
            else:
                services.baseline_record(
                    actor=request.user, network=network, values=form.baseline_values()
                )
        except ImportFailed as failure:
            for error in failure.errors[:20]:
                form.add_error(None, str(error))
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("network:economy", slug=network.slug)
    template = (
        "network/_economy_share.html" if request.GET.get("partial") else "network/economy.html"
    )
    return render(
        request,
        template,
        {
            "network": network,
            "share": selectors.cooperative_share(network=network),
            "baselines": network.baselines.all(),
            "form": form,
            "can_manage": can_manage,
        },
    )
