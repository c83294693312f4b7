"""The pathway editor, for its coordinators (and staff): its name, description and
whether it takes applications; its steps added, changed, moved and removed, each kind
with its own settings (orientation sessions, a course of the library, mentorship
meetings, the probation's days and hours, the share class of the buy-in, the vetting's
checklist, the documents to sign, admission by poll or by a coordinator) and its days to
complete.

Those who may not manage the pathway get a 404 (a closed pathway) or a 403 before
anything is read; every change is the pathway service's to allow or refuse, and bad
values come back as the form's field errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intercoop.core.errors import DomainError
from intercoop.core.forms import add_domain_errors, id_param
from intercoop.core.permissions import NotFoundReason, authenticated_user
from intercoop.membership import pathways, permissions
from intercoop.membership.forms_pathways import (
    PathwayForm,
    StepForm,
    StepKindForm,
    pathway_initial,
    step_initial,
)
from intercoop.membership.models import Pathway, Step
from intercoop.membership.permissions_registers import can_keep_registers
from intercoop.membership.views_pathways import described_steps, find_pathway, owner_slug

Kind = Step.Kind


def _managed(request: HttpRequest, pk: int) -> Pathway:
    found = find_pathway(request, pk)
    if not permissions.can_manage_pathway(request.user, found):
        raise PermissionDenied(_("Only the pathway's coordinators change it"))
    return found


def _step(pathway: Pathway, pk: int) -> Step:
    found = pathway.steps.select_related("course").filter(pk=id_param(pk)).first()
    if found is None:
        raise NotFoundReason(_("No such step"))
    return found


def _steps_url(pathway: Pathway) -> str:
    return reverse("membership:pathway_edit", args=[pathway.pk]) + "#steps"


def _context(request: HttpRequest, pathway: Pathway) -> dict[str, object]:
    organization = pathway.organization
    return {
        "pathway": pathway,
        "owner": organization or pathway.network,
        "owner_slug": owner_slug(pathway),
        "shares_url": reverse("membership:shares", args=[organization.slug])
        if organization is not None and can_keep_registers(request.user, organization)
        else "",
    }


@login_required
def pathway_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _managed(request, pk)
    form = PathwayForm(
        request.POST if request.method == "POST" else None, initial=pathway_initial(found)
    )
    if request.method == "POST" and form.is_valid():
        try:
            pathways.pathway_update(
                actor=authenticated_user(request), pathway=found, values=form.cleaned_data
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("membership:pathway_edit", pk=found.pk)
        found.refresh_from_db()
    steps = described_steps(found)
    return render(
        request,
        "membership/pathway_edit.html",
        {
            **_context(request, found),
            "form": form,
            "steps": steps,
            "count": len(steps),
            "kind_form": StepKindForm(),
        },
    )


@login_required
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A new step of the kind chosen on the editor (`kind`), with its settings."""
    found = _managed(request, pk)
    kind = str(request.POST.get("kind") or request.GET.get("kind") or "")
    if kind not in Kind.values:
        messages.error(request, _("Choose the kind of step to add."))
        return redirect(_steps_url(found))
    form = StepForm(
        request.POST if request.method == "POST" else None, kind=kind, pathway=found, adding=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            added = pathways.step_add(
                actor=authenticated_user(request),
                pathway=found,
                kind=kind,
                position=form.cleaned_data.get("position"),
                **form.values(),
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Step “%(title)s” added.") % {"title": added.title})
            return redirect(_steps_url(found))
    return render(
        request,
        "membership/pathway_step.html",
        {
            **_context(request, found),
            "form": form,
            "kind": kind,
            "kind_label": Kind(kind).label,
            "step": None,
        },
    )


@login_required
def step_edit(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    found = _managed(request, pk)
    current = _step(found, step)
    form = StepForm(
        request.POST if request.method == "POST" else None,
        kind=current.kind,
        pathway=found,
        initial=step_initial(current),
    )
    if request.method == "POST" and form.is_valid():
        try:
            pathways.step_update(
                actor=authenticated_user(request), step=current, values=form.values()
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Step saved."))
            return redirect(_steps_url(found))
        current.refresh_from_db()
    return render(
        request,
        "membership/pathway_step.html",
        {
            **_context(request, found),
            "form": form,
            "kind": current.kind,
            "kind_label": current.get_kind_display(),
            "step": current,
        },
    )


@login_required
@require_POST
def step_change(request: HttpRequest, pk: int) -> HttpResponse:
    """A step moved up or down, or removed (the service allows it or refuses it)."""
    found = find_pathway(request, pk)
    current = _step(found, id_param(request.POST.get("step")))
    action = str(request.POST.get("action", ""))[:20]
    actor = authenticated_user(request)
    try:
        if action in ("up", "down"):
            position = current.position + (-1 if action == "up" else 1)
            pathways.step_move(actor=actor, step=current, position=position)
            messages.success(request, _("Step moved."))
        elif action == "remove":
            pathways.step_remove(actor=actor, step=current)
            messages.success(request, _("Step removed."))
        else:
            messages.error(request, _("Nothing to do."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(_steps_url(found))
