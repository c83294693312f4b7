"""Bodies (a network's, an organisation's, committees) and the delegates who vote for
organisations in a network's polls."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intercoop.core.audit import audit_record
from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT, check_text
from intercoop.core.errors import DomainError
from intercoop.core.permissions import recorded_user, require
from intercoop.directory.models import Network, Organization, OrganizationRole
from intercoop.directory.services import unique_slug
from intercoop.governance import permissions
from intercoop.governance.auditing import governance_audit as _audit
from intercoop.governance.models import Body, Delegate, Seat

Actor = Any


@transaction.atomic
def body_ensure(
    *, actor: Actor, network: Network | None = None, organization: Organization | None = None
) -> Body:
    """The body of a network (its member organisations) or of an organisation (its
    people), made the first time one of its people starts a poll there."""
    if (network is None) == (organization is None):
        raise DomainError(_("A body belongs to one network or one organisation"), field="body")
    kind = Body.Kind.NETWORK if network is not None else Body.Kind.ORGANIZATION
    owner: Any = network or organization
    found = Body.objects.filter(kind=kind, network=network, organization=organization).first()
    if found is not None:
        return found
    body = Body(
        kind=kind, slug=owner.slug, name=owner.name, network=network, organization=organization
    )
    require(permissions.can_view_body(actor, body), _("Only its people may decide here"))
    body.created_at = timezone.now()
    body.created_by = recorded_user(actor)
    body.save()
    _audit(actor, "body.create", body, body.name)
    return body


@transaction.atomic
def committee_create(
    *,
    actor: Actor,
    name: str,
    network: Network | None = None,
    organization: Organization | None = None,
    description: str = "",
    users: Iterable[Any] = (),
    organizations: Iterable[Organization] = (),
) -> Body:
    """A committee of a network or an organisation (e.g. a fund's loan committee), run
    by its owner's coordinators or administrators, with named members."""
    if (network is None) == (organization is None):
        raise DomainError(_("A committee belongs to one network or one organisation"), field="body")
    body = Body(
        kind=Body.Kind.COMMITTEE,
        name=check_text(name, field="name", max_length=SHORT_TEXT),
        description=check_text(description, field="description", max_length=LONG_TEXT),
        network=network,
        organization=organization,
    )
    require(
        permissions.can_manage_body(actor, body),
        _("Only the coordinators or administrators of its owner may set up a committee"),
    )
    if not body.name:
        raise DomainError(_("Give the committee a name"), field="name")
    body.slug = unique_slug(
        body.name, lambda s: Body.objects.filter(kind=Body.Kind.COMMITTEE, slug=s).exists()
    )
    body.created_at = timezone.now()
    body.created_by = recorded_user(actor)
    body.save()
    _set_seats(body, users, organizations)
    _audit(actor, "body.create", body, body.name)
    return body


def _set_seats(body: Body, users: Iterable[Any], organizations: Iterable[Organization]) -> None:
    body.seats.all().delete()
    Seat.objects.bulk_create(
        [Seat(body=body, user=user) for user in {u.pk: u for u in users}.values()]
        + [Seat(body=body, organization=o) for o in {o.pk: o for o in organizations}.values()]
    )


@transaction.atomic
def committee_seats_set(
    *, actor: Actor, body: Body, users: Iterable[Any], organizations: Iterable[Organization]
) -> Body:
    require(body.is_committee, _("Only a committee has named members"))
    require(permissions.can_manage_body(actor, body), _("Only the body's managers may do this"))
    _set_seats(body, users, organizations)
    count = body.seats.count()
    _audit(actor, "body.seats", body, _("%(n)s members") % {"n": count})
    return body


@transaction.atomic
def body_update(
    *,
    actor: Actor,
    body: Body,
    description: str | None = None,
    admission_by_poll: bool | None = None,
    ratify_awards: bool | None = None,
) -> Body:
    require(permissions.can_manage_body(actor, body), _("Only the body's managers may do this"))
    changes: list[str] = []  # the audit says what changed, in the audit trail's English
    if description is not None:
        description = check_text(description, field="description", max_length=LONG_TEXT)
        if description != body.description:
            changes.append("description changed")
        body.description = description
    for name, value, label in (
        ("admission_by_poll", admission_by_poll, "admission by poll"),
        ("ratify_awards", ratify_awards, "awards ratified by poll"),
    ):
        if value is not None:
            if value and not body.is_network:
                raise DomainError(_("Only a network's body decides this"), field=name)
            if bool(value) != getattr(body, name):
                changes.append(f"{label}: {'on' if value else 'off'}")
            setattr(body, name, bool(value))
    body.save()
    _audit(actor, "body.update", body, f"{body.name}: {', '.join(changes) or 'no change'}")
    return body


def body_saved(*, actor: Actor, body: Body) -> Body:
    """The body in the database: a network's or organisation's body (shown unsaved until
    then) is made on its first write, by `body_ensure` and its rule."""
    if body.pk is not None:
        return body
    return body_ensure(actor=actor, network=body.network, organization=body.organization)


@transaction.atomic
def delegate_set(
    *, actor: Actor, network: Network, organization: Organization, user: Any | None
) -> Delegate | None:
    """Name the person who votes for an organisation in a network's polls (None: any of
    its administrators, the first to vote counting). The delegate is one of its people."""
    require(
        permissions.can_manage_delegate(actor, organization.pk),
        _("Only the organisation's administrators may name its delegate"),
    )
    Delegate.objects.filter(network=network, organization=organization).delete()
    delegate = None
    if user is not None:
        if not OrganizationRole.objects.filter(organization=organization, user=user).exists():
            raise DomainError(
                _("The delegate must be one of the organisation's people"), field="user"
            )
        delegate = Delegate.objects.create(network=network, organization=organization, user=user)
    audit_record(
        actor=actor,
        action="delegate.set",
        target=organization,
        summary=f"{network.name}: {user.get_username() if user else '-'}",
        network=network,
        organizations=[organization],
    )
    return delegate
