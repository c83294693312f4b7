from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from intercoop.core.errors import DomainError
from intercoop.core.forms import add_domain_errors, id_param
from intercoop.core.pagination import COUNT_LIMIT, paginate
from intercoop.core.selectors import audit_events
from intercoop.directory import permissions, selectors, services, vocab
from intercoop.directory.exporters.murmurations import ADDON_SCHEMA_NAME, addon_schema, profile
from intercoop.directory.exporters.values import organization_values
from intercoop.directory.forms import AddOrganizationForm, OrganizationForm, PersonRoleForm
from intercoop.directory.models import Network, Organization
from intercoop.directory.selectors import OrganizationFilters, parse_filters

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 50


def _filters_and_error(request: HttpRequest) -> tuple[OrganizationFilters, str | None]:
    try:
        return parse_filters(request.GET), None
    except DomainError as error:
        return OrganizationFilters(), f"{error.field}: {error.message}"


def _filter_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "structures": vocab.choices("organisational_structure"),
        "activities": vocab.choices("activity"),
        "membership_types": vocab.choices("base_membership_type"),
        "networks": selectors.network_list(),
        "params": request.GET,
        "query_string": request.GET.urlencode(),
    }


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/home.html",
        {"counts": selectors.directory_counts(), "networks": selectors.network_list()},
    )


def organization_list(request: HttpRequest) -> HttpResponse:
    filters, error = _filters_and_error(request)
    paged = paginate(
        selectors.organization_search(filters=filters),
        page=request.GET.get("page"),
        page_size=PAGE_SIZE,
        count_limit=COUNT_LIMIT,
    )
    context = _filter_context(request) | {"paged": paged, "page": paged.page, "filter_error": error}
    if request.headers.get("HX-Request"):
        return render(request, "directory/_results.html", context)
    return render(request, "directory/organization_list.html", context)


def map_page(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/map.html", _filter_context(request))


@xframe_options_exempt
def embed_map(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/embed_map.html", _filter_context(request))


def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = permissions.access_organization(request.user, slug=slug)
    show_private = permissions.can_see_private_fields(request.user, organization)
    return render(
        request,
        "directory/organization_detail.html",
        {
            "organization": organization,
            "values": organization_values(organization, None if show_private else set()),
            "can_edit": permissions.can_edit_organization(request.user, organization),
            "can_introduce": permissions.can_request_introduction(request.user, organization),
            "can_manage_people": permissions.can_manage_people(request.user, organization),
            "can_apply": permissions.can_apply_to_network(request.user, organization),
            "can_see_history": permissions.can_view_organization_history(
                request.user, organization
            ),
            "belongs": permissions.belongs_to(request.user, organization),
            "can_review": organization.approval == Organization.Approval.PENDING
            and permissions.can_review_organization(request.user, organization),
            "memberships": selectors.organization_networks(organization=organization),
            "open_networks": selectors.networks_open_to(organization=organization),
        },
    )


@login_required
def organization_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = permissions.access_organization(request.user, slug=slug, for_edit=True)
    form = OrganizationForm(
        request.POST or None, initial=OrganizationForm.initial_for(organization)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request.user,
                organization=organization,
                values=form.cleaned_data,
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("directory:detail", slug=organization.slug)
    return render(
        request, "directory/organization_form.html", {"form": form, "organization": organization}
    )


@login_required
def organization_add(request: HttpRequest) -> HttpResponse:
    form = AddOrganizationForm(request.POST or None, initial={"status": "active"})
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(
                actor=request.user,
                values=form.organization_values(),
                apply_to=form.cleaned_data["network"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            if organization.approval == Organization.Approval.PENDING:
                messages.success(
                    request, _("Thank you. A coordinator will review your organisation soon.")
                )
            else:
                messages.success(request, _("Added."))
            return redirect("directory:detail", slug=organization.slug)
    return render(request, "directory/organization_form.html", {"form": form, "adding": True})


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    permissions.access_review_queue(request.user)
    pending = selectors.organizations_pending_review(user=request.user)
    return render(request, "directory/review.html", {"pending": pending})


@require_POST
@login_required
def organization_review(request: HttpRequest, slug: str) -> HttpResponse:
    organization = permissions.access_organization(request.user, slug=slug)
    approve = request.POST.get("decision") == "approve"
    try:
        services.organization_review(
            actor=request.user,
            organization=organization,
            approve=approve,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Approved.") if approve else _("Rejected."))
    return redirect("directory:review")


def murmurations_profile(request: HttpRequest, slug: str) -> JsonResponse:
    organization = permissions.access_organization(request.user, slug=slug)
    if organization.approval != Organization.Approval.APPROVED:
        raise Http404
    return JsonResponse(profile(organization, set()), json_dumps_params={"ensure_ascii": False})


def schema(request: HttpRequest, name: str) -> JsonResponse:
    if name != ADDON_SCHEMA_NAME:
        raise Http404(_("No such schema"))
    return JsonResponse(addon_schema(), json_dumps_params={"indent": 2})


def network_list(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/network_list.html", {"networks": selectors.network_list()})


def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = permissions.access_network(request.user, slug=slug)
    members = selectors.organization_search(filters=OrganizationFilters(network=network.slug))
    can_manage = permissions.can_manage_network(request.user, network)
    return render(
        request,
        "directory/network_detail.html",
        {
            "network": network,
            "members": members,
            "applicants": selectors.network_applicants(network=network) if can_manage else [],
            "can_manage": can_manage,
            "can_see_history": permissions.can_view_network_history(request.user, network),
            "is_insider": permissions.is_network_insider(request.user, network),
        },
    )


@login_required
def organization_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Who changed what about an organisation, newest first: all of it for its people and
    staff; what happened in their networks for the coordinators of networks it is in."""
    organization = permissions.access_organization_history(request.user, slug=slug)
    paged = paginate(
        audit_events(
            organization_id=organization.pk,
            visible=permissions.organization_history_visible(request.user, organization),
        ),
        page=request.GET.get("page"),
        page_size=HISTORY_PAGE_SIZE,
    )
    return render(
        request,
        "directory/history.html",
        {"organization": organization, "paged": paged},
    )


@login_required
def network_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Who changed what in a network, newest first: for its coordinators and staff."""
    network = permissions.access_network_history(request.user, slug=slug)
    paged = paginate(
        audit_events(network_id=network.pk),
        page=request.GET.get("page"),
        page_size=HISTORY_PAGE_SIZE,
    )
    return render(request, "directory/history.html", {"network": network, "paged": paged})


@require_POST
@login_required
def organization_apply(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's admins ask for it to join a network."""
    organization = permissions.access_organization(request.user, slug=slug)
    network = Network.objects.filter(pk=id_param(request.POST.get("network"))).first()
    if network is None:
        messages.error(request, _("Choose a network."))
    else:
        try:
            services.network_member_apply(
                actor=request.user, network=network, organization=organization
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Application sent to %(network)s.") % {"network": network})
    return redirect("directory:detail", slug=organization.slug)


@require_POST
@login_required
def network_member_decide(
    request: HttpRequest, slug: str, organization_slug: str, action: str
) -> HttpResponse:
    """A coordinator admits an applicant, declines it, or removes a member; an
    organisation's admins may take it out of a network."""
    if action not in {"admit", "leave"}:
        raise Http404
    network = permissions.access_network(request.user, slug=slug)
    organization = permissions.access_organization(request.user, slug=organization_slug)
    decide = services.network_member_admit if action == "admit" else services.network_member_leave
    try:
        decide(actor=request.user, network=network, organization=organization)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        names = {"organization": organization.name, "network": network.name}
        messages.success(
            request,
            _("%(organization)s is a member of %(network)s now.") % names
            if action == "admit"
            else _("%(organization)s is no longer in %(network)s.") % names,
        )
    if request.POST.get("back") == "organization":
        return redirect("directory:detail", slug=organization.slug)
    return redirect("directory:network", slug=network.slug)


@login_required
def organization_people(request: HttpRequest, slug: str) -> HttpResponse:
    """The people of an organisation and their roles; its admins add, change and remove."""
    organization = permissions.access_organization_people(request.user, slug=slug)
    form = PersonRoleForm(request.POST or None)
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                person = User.objects.filter(pk=id_param(request.POST["remove"])).first()
                if person is not None:
                    services.organization_role_remove(
                        actor=request.user, organization=organization, user=person
                    )
                done = _("The role is taken away.")
            elif form.is_valid():
                services.organization_role_assign(
                    actor=request.user,
                    organization=organization,
                    user=form.cleaned_data["person"],
                    role=form.cleaned_data["role"],
                )
                done = _("The role is given.")
            else:
                raise DomainError(form.errors.as_text())
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
            return redirect("directory:people", slug=organization.slug)
    return render(
        request,
        "directory/people.html",
        {
            "organization": organization,
            "people": selectors.organization_people(organization=organization),
            "form": form,
        },
    )
