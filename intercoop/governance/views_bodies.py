"""The pages of deciding together: the polls waiting for the user and their bodies; a
body with its voters and polls; its settings; committees; proxies; delegates.

Pages decide what to show (404 for a body the user may not see); every write is the
service's, which checks its own rule: a refused write is the service's 403. A network's
or an organisation's body is made (`services.body_ensure`) on its first write."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intercoop.core.errors import DomainError
from intercoop.core.forms import add_domain_errors, id_param
from intercoop.core.pagination import paginate
from intercoop.core.permissions import NotFoundReason
from intercoop.directory.models import Network, Organization, OrganizationRole
from intercoop.directory.permissions import coordinated_network_ids, organization_roles
from intercoop.governance import permissions, selectors, services, wording
from intercoop.governance.forms_bodies import (
    BodySettingsForm,
    CommitteeForm,
    DelegateForm,
    ProxyForm,
    members_initial,
    voter_key,
)
from intercoop.governance.models import Body, Poll, Proxy
from intercoop.governance.paths import BODY_KINDS, body_url, kind_path

PAGE_SIZE = 20


def _body(request: HttpRequest, kind: str, slug: str) -> Body:
    body = selectors.body_by_path(BODY_KINDS[kind], slug) if kind in BODY_KINDS else None
    if body is None or not permissions.can_view_body(request.user, body):
        raise NotFoundReason(_("No such decision-making body"))
    return body


def result_summary(poll: Poll) -> str:
    """A closed poll's result in a few words: passed or not, or who was elected or chosen."""
    result = poll.result or {}
    if not result:
        return ""
    if result.get("passed") is not None:
        if result["passed"]:
            return _("Passed")
        if not result.get("quorum_met"):
            return _("Not passed: quorum not met")
        return _("Not passed")
    if not result.get("voters"):
        return _("No votes cast")
    if not result.get("quorum_met"):
        return _("Quorum not met")
    names = ", ".join(result.get("winners") or [])
    if poll.is_election:
        return _("Elected: %(names)s") % {"names": names}
    return _("Chosen: %(names)s") % {"names": names}


def _committee_owners(user: Any) -> dict[str, Network | Organization]:
    """What the user may set up a committee for: the networks they coordinate and the
    organisations they administer, by form value."""
    administered = [
        pk for pk, role in organization_roles(user).items() if role == OrganizationRole.Role.ADMIN
    ]
    owners: dict[str, Network | Organization] = {}
    for network in Network.objects.filter(pk__in=coordinated_network_ids(user)).order_by("name"):
        owners[f"network:{network.slug}"] = network
    for organization in Organization.objects.filter(pk__in=administered).order_by("name"):
        owners[f"organization:{organization.slug}"] = organization
    return owners


def _owner_value(body: Body) -> str:
    if body.network is not None:
        return f"network:{body.network.slug}"
    assert body.organization is not None
    return f"organization:{body.organization.slug}"


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    needing = list(selectors.polls_needing_vote(user).select_related("body")[:100])
    bodies = selectors.bodies_of(user)
    counts = selectors.open_poll_counts(bodies)
    return render(
        request,
        "governance/index.html",
        {
            "needing": [(poll, body_url(poll.body)) for poll in needing],
            "bodies": [(b, body_url(b), counts.get(b.pk, 0)) for b in bodies],
            "may_create_committee": bool(_committee_owners(user)),
            "who_votes": list(wording.WHO_VOTES.values()),
        },
    )


@login_required
def body_detail(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    body = _body(request, kind, slug)
    user = request.user
    polls = selectors.body_polls(user, body).select_related("created_by")
    open_polls = list(polls.filter(status=Poll.Status.OPEN).order_by("closes_at", "pk"))
    states = selectors.my_vote_states(user, body, open_polls)
    closed = paginate(
        polls.filter(status=Poll.Status.CLOSED).order_by("-closed_at", "-pk"),
        page=request.GET.get("page"),
        page_size=PAGE_SIZE,
    )
    voters = selectors.body_voters(body)
    delegates = selectors.network_delegates(body.network_id) if body.is_network else {}
    names = selectors.people_names(delegates.values())
    manages = permissions.can_manage_body(user, body)
    owner = _owner_value(body) if manages and not body.is_committee else ""
    return render(
        request,
        "governance/body_detail.html",
        {
            "body": body,
            "kind_path": kind_path(body),
            "who_votes": wording.who_votes(body),
            "voters": [
                (voter, names.get(delegates.get(voter.organization_id or 0, 0), ""))
                for voter in voters
            ],
            "open_polls": [(poll, states.get(poll.pk)) for poll in open_polls],
            "drafts": list(polls.filter(status=Poll.Status.DRAFT).order_by("-created_at", "-pk")),
            "paged": closed,
            "closed_polls": [(poll, result_summary(poll)) for poll in closed.page],
            "may_propose": permissions.can_propose(user, body),
            "poll_kinds": Poll.Kind.choices,
            "manages": manages,
            "committee_owner": owner if owner and owner in _committee_owners(user) else "",
        },
    )


@login_required
def body_settings(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    body = _body(request, kind, slug)
    if not permissions.can_manage_body(request.user, body):
        raise PermissionDenied(_("Only the body's coordinators or administrators may do this"))
    seats = list(body.seats.select_related("user", "organization")) if body.pk else []
    initial = {
        "description": body.description,
        "admission_by_poll": body.admission_by_poll,
        "ratify_awards": body.ratify_awards,
    } | members_initial(
        [s.user for s in seats if s.user], [s.organization for s in seats if s.organization]
    )
    form = BodySettingsForm(
        request.POST or None, initial=initial, network=body.is_network, committee=body.is_committee
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            with transaction.atomic():
                saved = services.body_saved(actor=request.user, body=body)
                services.body_update(
                    actor=request.user,
                    body=saved,
                    description=values["description"],
                    admission_by_poll=values.get("admission_by_poll"),
                    ratify_awards=values.get("ratify_awards"),
                )
                if saved.is_committee:
                    services.committee_seats_set(
                        actor=request.user,
                        body=saved,
                        users=values["users"],
                        organizations=values["organizations"],
                    )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect(body_url(saved))
    return render(
        request,
        "governance/body_settings.html",
        {"body": body, "kind_path": kind_path(body), "form": form},
    )


@login_required
def committee_create(request: HttpRequest) -> HttpResponse:
    owners = _committee_owners(request.user)
    if not owners:
        raise PermissionDenied(
            _("A network's coordinators or an organisation's administrators set up committees")
        )
    choices = [(value, owner.name) for value, owner in owners.items()]
    form = CommitteeForm(
        request.POST or None, owners=choices, initial={"owner": request.GET.get("owner", "")}
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        owner = owners[values["owner"]]
        try:
            body = services.committee_create(
                actor=request.user,
                name=values["name"],
                network=owner if isinstance(owner, Network) else None,
                organization=owner if isinstance(owner, Organization) else None,
                description=values["description"],
                users=values["users"],
                organizations=values["organizations"],
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The committee is set up."))
            return redirect(body_url(body))
    return render(request, "governance/committee_create.html", {"form": form})


@login_required
def proxies(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    body = _body(request, kind, slug)
    user = request.user
    mine = permissions.identities_in(user, body)
    voters = selectors.body_voters(body)
    voter_names = {v.key: v.name for v in voters}
    polls = (
        list(body.polls.filter(status=Poll.Status.OPEN, anonymous=False).order_by("closes_at"))
        if body.pk
        else []
    )
    form = ProxyForm(
        request.POST or None,
        givers=[(voter_key(*key), voter_names.get(key, "")) for key in mine],
        holders=[(voter_key(*v.key), v.name) for v in voters],
        polls=polls,
    )
    if request.method == "POST" and form.is_valid():
        (giver_user, giver_organization) = form.cleaned_data["giver"]
        (holder_user, holder_organization) = form.cleaned_data["holder"]
        try:
            with transaction.atomic():
                services.proxy_give(
                    actor=user,
                    body=services.body_saved(actor=request.user, body=body),
                    giver_user=giver_user,
                    giver_organization=giver_organization,
                    holder_user=holder_user,
                    holder_organization=holder_organization,
                    poll=form.cleaned_data["poll"],
                )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Your proxy is given."))
            return redirect(body_url(body, "governance:proxies"))
    active = list(selectors.proxies_of(body))
    people = selectors.people_names(
        [p.giver_user_id for p in active] + [p.holder_user_id for p in active]
    )
    manages = permissions.can_manage_body(user, body)

    def name(user_id: int | None, organization: Organization | None) -> str:
        if user_id:
            return people.get(user_id, "")
        return organization.name if organization else ""

    return render(
        request,
        "governance/proxies.html",
        {
            "body": body,
            "kind_path": kind_path(body),
            "form": form if mine else None,
            "max_proxies": selectors.max_proxies_per_holder(),
            "proxies": [
                {
                    "proxy": p,
                    "giver": name(p.giver_user_id, p.giver_organization),
                    "holder": name(p.holder_user_id, p.holder_organization),
                    "revocable": manages or (p.giver_user_id, p.giver_organization_id) in mine,
                }
                for p in active
            ],
        },
    )


@require_POST
@login_required
def proxy_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    proxy = Proxy.objects.select_related("body").filter(pk=pk).first()
    if proxy is None or not permissions.can_view_body(request.user, proxy.body):
        raise NotFoundReason(_("No such proxy"))
    services.proxy_revoke(actor=request.user, proxy=proxy)
    messages.success(request, _("The proxy is revoked."))
    return redirect(body_url(proxy.body, "governance:proxies"))


@login_required
def delegates(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    body = _body(request, kind, slug)
    if not body.is_network or body.network is None:
        raise NotFoundReason(_("Only a network's members name delegates"))
    network = body.network
    user = request.user
    members = selectors.body_voters(body)
    chosen = selectors.network_delegates(network.pk)
    names = selectors.people_names(chosen.values())
    managed = [m for m in members if permissions.can_manage_delegate(user, m.organization_id or 0)]
    people = selectors.organization_people(m.organization_id or 0 for m in managed)
    posted = id_param(request.POST.get("organization")) if request.method == "POST" else 0
    if posted and posted not in {m.organization_id for m in members}:
        raise NotFoundReason(_("No such member organisation"))
    forms = []
    for member in managed:
        pk = member.organization_id or 0
        form = DelegateForm(
            request.POST if pk == posted else None,
            auto_id=f"id_%s_{pk}",
            people=[(str(u), n) for u, n in people.get(pk, [])],
            initial={"organization": pk, "user": chosen.get(pk, "")},
        )
        forms.append((member, form))
    if posted:
        bound = next((f for m, f in forms if m.organization_id == posted), None)
        bound = bound or DelegateForm(request.POST, people=[])
        if bound.is_valid():
            try:
                services.delegate_set(
                    actor=user,
                    network=network,
                    organization=Organization.objects.get(pk=posted),
                    user=bound.cleaned_data["user"],
                )
            except DomainError as error:
                add_domain_errors(bound, error)
            else:
                messages.success(request, _("Delegate saved."))
                return redirect(body_url(body, "governance:delegates"))
    return render(
        request,
        "governance/delegates.html",
        {
            "body": body,
            "kind_path": kind_path(body),
            "members": [(m, names.get(chosen.get(m.organization_id or 0, 0), "")) for m in members],
            "forms": forms,
        },
    )
