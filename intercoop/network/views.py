from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intercoop.core import permissions
from intercoop.core.errors import DomainError
from intercoop.directory import vocab
from intercoop.directory.fields import FieldError
from intercoop.directory.models import Organization
from intercoop.directory.selectors import OrganizationFinder
from intercoop.network import selectors, services
from intercoop.network.engine import NODE_METRICS
from intercoop.network.fields import minor_units
from intercoop.network.forms import RelationshipForm
from intercoop.network.models import Relationship


def network_graph(request: HttpRequest, slug: str) -> HttpResponse:
    network = permissions.access_network(request.user, slug=slug)
    return render(
        request,
        "network/graph.html",
        {
            "network": network,
            "kinds": Relationship.Kind.choices,
            "formalities": Relationship.Formality.choices,
            "activities": vocab.choices("activity"),
            "structures": vocab.choices("organisational_structure"),
            "metrics": [m for m in NODE_METRICS if m not in {"community", "articulation_point"}],
            "labels": {
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
            },
        },
    )


def organization_relationships(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's ties: see them, record one, confirm or dispute them."""
    organization = permissions.access_organization(request.user, slug=slug)
    may_act = permissions.can_act_for(request.user, organization)
    form = RelationshipForm(request.POST or None)
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied
        if form.is_valid():
            try:
                _record_from_form(request, organization, form)
            except FieldError as error:
                form.add_error("other", str(error))
            except DomainError as error:
                for field, reason in (
                    getattr(error, "errors", None) or {None: error.message}
                ).items():
                    form.add_error(field if field in form.fields else None, reason)
            else:
                messages.success(
                    request, _("Recorded. The other organisation is asked to confirm it.")
                )
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
    values = form.relationship_values()
    if values["annual_value"] is not None:
        values["annual_value"] = minor_units(values["annual_value"], values["currency"].upper())
    services.relationship_record(
        actor=permissions.authenticated_user(request),
        source=source,
        target=target,
        values=values,
        on_behalf_of=organization,
    )


@require_POST
@login_required
def relationship_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One side of a tie confirms or disputes it."""
    tie = selectors.relationships_visible(user=request.user).filter(pk=pk).first()
    if tie is None or action not in {"confirm", "dispute"}:
        raise Http404
    side = permissions.access_organization(request.user, slug=request.POST.get("by", ""))
    if not permissions.can_act_for(request.user, side):
        raise PermissionDenied
    try:
        if action == "confirm":
            services.relationship_confirm(relationship=tie, by=side)
        else:
            services.relationship_dispute(
                relationship=tie, by=side, reason=request.POST.get("reason", "")
            )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("network:organization", slug=side.slug)
