"""Admission, and how an application ends. What the pathway services and the governance
poll listener carry out once a rule allowed it (these functions check no rule).

Admission is decided by a coordinator, or by a governance poll when the admission step
says `by_poll`: a proposal (purpose "membership") of the organisation's people (its
"organization" body), of the network's member organisations, or of the owner's committee
named in the step, closing in `poll_days`. A network whose members admit new members by
a poll (the directory's own rule, governance's `admission_by_poll`) admits through that
poll whatever the step says: the pathway puts the organisation's application to the
network then, and that poll decides. When the poll closes, `on_poll_closed` (a listener
wired in config) admits the applicant if the proposal passed with quorum and refuses the
application otherwise.

On admission an organisation's new member is entered in its register of members
(`registers.member_enter`) and given the organisation's member role; a network's new
member organisation is admitted to the network through the directory.
"""

import datetime as dt
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercoop.core.audit import audit_record, system_actor
from intercoop.core.bounds import LONG_TEXT, SHORT_TEXT
from intercoop.core.permissions import recorded_user
from intercoop.core.services import notify
from intercoop.directory import services as directory
from intercoop.directory.models import NetworkMembership, OrganizationRole
from intercoop.directory.permissions import can_manage_network, can_manage_people
from intercoop.governance.models import Body, Poll
from intercoop.membership import pathway_locks as locks
from intercoop.membership.links import application_link
from intercoop.membership.models import Application, Mentorship, Pathway, Step, StepRecord
from intercoop.membership.steps import (
    POLL_DAYS,
    applicant_name,
    candidates_of,
    coordinators_of_pathway,
    owner_name,
    owner_of,
    today,
)

Status = Application.Status
KIND = "membership"


def audit(
    actor: Any,
    action: str,
    target: Any,
    pathway: Pathway,
    summary: str,
    organizations: tuple[Any, ...] = (),
) -> None:
    """An audit event of a pathway's owner (its organisation, or its network)."""
    audit_record(
        actor=actor,
        action=action,
        target=target,
        summary=summary,
        organizations=[o for o in (pathway.organization_id, *organizations) if o],
        network=pathway.network_id,
    )


def admission_step(application: Application) -> Step | None:
    return application.pathway.steps.filter(kind=Step.Kind.ADMISSION).first()


# by poll ------------------------------------------------------------------------------------


def network_admits_by_poll(network_id: int) -> bool:
    """The directory's rule (governance.admission): the network's members vote on every
    admission, when it has members to vote."""
    return (
        Body.objects.filter(
            kind=Body.Kind.NETWORK, network_id=network_id, admission_by_poll=True
        ).exists()
        and NetworkMembership.objects.filter(
            network_id=network_id, status=NetworkMembership.Status.MEMBER
        ).exists()
    )


def decided_by_poll(application: Application) -> bool:
    """Whether the application's admission goes to a vote (else a coordinator decides)."""
    pathway = application.pathway
    if pathway.network_id is not None and network_admits_by_poll(pathway.network_id):
        return True
    step = admission_step(application)
    return step is not None and bool(step.settings.get("by_poll")) and _has_voters(pathway, step)


def _body(pathway: Pathway, step: Step) -> Body | None:
    """The body that votes: the step's committee, else the owner's own body (None when it
    has not been set up: it is made when the poll opens)."""
    committee = step.settings.get("committee")
    if committee:
        return Body.objects.filter(pk=committee, kind=Body.Kind.COMMITTEE).first()
    kind = Body.Kind.NETWORK if pathway.network_id else Body.Kind.ORGANIZATION
    return Body.objects.filter(kind=kind, **owner_of(pathway)).first()


def _has_voters(pathway: Pathway, step: Step) -> bool:
    body = _body(pathway, step)
    if body is not None and body.is_committee:
        return body.seats.exists()
    if pathway.network_id is not None:
        return NetworkMembership.objects.filter(
            network_id=pathway.network_id or 0, status=NetworkMembership.Status.MEMBER
        ).exists()
    return OrganizationRole.objects.filter(
        organization_id=pathway.organization_id or 0, user__is_active=True
    ).exists()


def open_poll(application: Application) -> int:
    """Put the admission to the vote (see the module's docstring); the poll's id."""
    from intercoop.governance.bodies import body_ensure
    from intercoop.governance.services import admission_poll_start, poll_create, poll_open

    pathway = application.pathway
    step = admission_step(application)
    days = int(step.settings.get("poll_days") or POLL_DAYS) if step else POLL_DAYS
    closes_at = timezone.now() + timedelta(days=days)
    system = system_actor()
    name = applicant_name(application)
    if pathway.network is not None and network_admits_by_poll(pathway.network.pk):
        organization = application.organization
        assert organization is not None
        # the organisation applies to the network now: its members' poll decides
        directory.network_member_apply(
            actor=system, network=pathway.network, organization=organization
        )
        poll = admission_poll_start(
            actor=system, network=pathway.network, organization=organization, closes_at=closes_at
        )
        return poll.pk
    assert step is not None
    body = _body(pathway, step) or body_ensure(
        actor=system, network=pathway.network, organization=pathway.organization
    )
    poll = poll_create(
        actor=system,
        body=body,
        kind=Poll.Kind.PROPOSAL,
        title=(
            _("Admit %(name)s as a member of %(owner)s?")
            % {"name": name, "owner": owner_name(pathway)}
        )[:SHORT_TEXT],
        details=(
            _(
                "%(name)s has walked the pathway “%(pathway)s” and every step before the "
                "admission is complete. If the proposal passes, %(name)s becomes a member; "
                "otherwise the application is refused."
            )
            % {"name": name, "pathway": pathway.name}
        )[:LONG_TEXT],
        closes_at=closes_at,
        purpose=Poll.Purpose.MEMBERSHIP,
        subject_id=application.pk,
        rule=Poll.Rule.MAJORITY,
    )
    poll_open(actor=system, poll=poll, closes_at=closes_at)
    return poll.pk


def on_poll_closed(poll: Poll) -> None:
    """Carry out a closed poll on an application's admission (a governance listener)."""
    if poll.purpose == Poll.Purpose.MEMBERSHIP:
        rows = Application.objects.filter(pk=poll.subject_id or 0, poll_id=poll.pk)
    elif poll.purpose == Poll.Purpose.ADMISSION:
        # a network that admits by its members' poll: the poll the pathway asked for
        rows = Application.objects.filter(poll_id=poll.pk, pathway__network__isnull=False)
    else:
        return
    application = rows.select_related("pathway", "user", "organization").first()
    if application is None:
        return
    locks.lock_application(application)
    if application.status != Status.CANDIDATE or application.poll_id != poll.pk:
        return
    result = poll.result or {}
    passed = bool(result.get("passed")) and bool(result.get("quorum_met"))
    system = system_actor()
    on = timezone.localtime(poll.closed_at).date() if poll.closed_at else today()
    if poll.purpose == Poll.Purpose.ADMISSION and not _applying_to_network(application):
        # the co-op withdrew its application in the directory while the members voted
        end(
            actor=system,
            application=application,
            status=Status.WITHDRAWN,
            reason=_("The co-op withdrew its application to the network"),
            on=on,
        )
        poll.outcome = _("Not carried out: the applicant withdrew before the vote closed")
    elif passed:
        admit(actor=system, application=application, on=on)
        poll.outcome = _("Admitted by the members' vote")
    else:
        end(
            actor=system,
            application=application,
            status=Status.REFUSED,
            reason=_("Not admitted by the members' vote"),
            on=on,
        )
        poll.outcome = _("Refused by the members' vote")
    poll.outcome_at = poll.closed_at
    poll.save(update_fields=["outcome", "outcome_at"])


# carrying it out --------------------------------------------------------------------------


def admit(*, actor: Any, application: Application, on: dt.date) -> Application:
    """The applicant becomes a member on `on`: the admission step is complete, the
    register (or the network) has them, the candidate and coordinators are told."""
    pathway = application.pathway
    application.status = Status.MEMBER
    application.member_since = on
    application.save(update_fields=["status", "member_since"])
    step = admission_step(application)
    if step is not None:
        StepRecord.objects.filter(
            application=application, step=step, completed_at__isnull=True
        ).update(completed_at=timezone.now(), completed_by=recorded_user(actor))
    if pathway.organization is not None:
        _enter_register(actor, application, on)
    else:
        _join_network(actor, application, on)
    name, owner = applicant_name(application), owner_name(pathway)
    audit(
        actor,
        "membership_application.admit",
        application,
        pathway,
        f"{name} admitted to {owner} on {on.isoformat()}",
        (application.organization_id,),
    )
    link = application_link(application.pk)
    notify(
        users=candidates_of(application),
        subject=gettext_lazy("Welcome: you are a member of %(owner)s"),
        body=gettext_lazy("Your application on the pathway “%(pathway)s” is complete."),
        params={"owner": owner, "pathway": pathway.name},
        link=link,
        kind=KIND,
    )
    notify(
        users=coordinators_of_pathway(pathway),
        subject=gettext_lazy("%(name)s is now a member of %(owner)s"),
        params={"name": name, "owner": owner},
        link=link,
        kind=KIND,
    )
    return application


def _enter_register(actor: Any, application: Application, on: dt.date) -> None:
    from intercoop.membership.registers import member_enter

    organization = application.pathway.organization
    user = application.user
    assert organization is not None and user is not None
    keeper = actor if can_manage_people(actor, organization) else system_actor()
    member_enter(
        actor=keeper,
        organization=organization,
        name=applicant_name(application),
        user=user,
        email=user.email,
        entered_on=on,
        application=application,
    )
    if not OrganizationRole.objects.filter(organization=organization, user=user).exists():
        directory.organization_role_assign(
            actor=keeper, organization=organization, user=user, role=OrganizationRole.Role.MEMBER
        )


def _applying_to_network(application: Application) -> bool:
    return NetworkMembership.objects.filter(
        network=application.pathway.network_id,
        organization=application.organization_id,
        status=NetworkMembership.Status.APPLICANT,
    ).exists()


def _join_network(actor: Any, application: Application, on: dt.date) -> None:
    network, organization = application.pathway.network, application.organization
    assert network is not None and organization is not None
    system = system_actor()
    membership = NetworkMembership.objects.filter(network=network, organization=organization)
    if not membership.filter(status=NetworkMembership.Status.APPLICANT).exists():
        directory.network_member_apply(actor=system, network=network, organization=organization)
    directory.network_member_admit(
        actor=actor if can_manage_network(actor, network) else system,
        network=network,
        organization=organization,
        joined_on=on,
    )


def end(*, actor: Any, application: Application, status: str, reason: str, on: dt.date) -> None:
    """The application ends (withdrawn, refused) or the member leaves: its mentorships end,
    an organisation's application to the network is withdrawn, and the register says when
    the member ceased."""
    pathway = application.pathway
    was = application.status
    application.status = status
    application.ended_on = on
    application.reason = reason[:SHORT_TEXT]
    application.paused_from = ""
    application.paused_on = None
    application.save(update_fields=["status", "ended_on", "reason", "paused_from", "paused_on"])
    if was != Status.MEMBER and application.poll_id is not None:
        _poll_not_carried_out(application.poll_id, withdrawn=status == Status.WITHDRAWN)
    Mentorship.objects.filter(
        application=application,
        status__in=[Mentorship.Status.PROPOSED, Mentorship.Status.ACCEPTED],
    ).update(status=Mentorship.Status.ENDED, answered_at=timezone.now())
    if pathway.network is not None:
        organization = application.organization
        assert organization is not None
        left = NetworkMembership.objects.filter(network=pathway.network, organization=organization)
        wanted = (
            NetworkMembership.Status.MEMBER
            if was == Status.MEMBER
            else (NetworkMembership.Status.APPLICANT)
        )
        if left.filter(status=wanted).exists():
            directory.network_member_leave(
                actor=system_actor(), network=pathway.network, organization=organization
            )
    elif was == Status.MEMBER:
        _cease(actor, application, on, reason)


def _poll_not_carried_out(poll_id: int, *, withdrawn: bool) -> None:
    """The admission vote still open on an application that ended closes, its count
    kept and nothing carried out."""
    from intercoop.governance.services import poll_withdraw

    poll = Poll.objects.filter(pk=poll_id, status=Poll.Status.OPEN).first()
    if poll is None:
        return
    outcome = (
        _("Not carried out: the applicant withdrew before the vote closed")
        if withdrawn
        else _("Not carried out: the application ended before the vote closed")
    )
    poll_withdraw(actor=system_actor(), poll=poll, outcome=outcome)


def _cease(actor: Any, application: Application, on: dt.date, reason: str) -> None:
    from intercoop.membership.models import Member
    from intercoop.membership.registers import member_cease

    member = Member.objects.filter(application=application, ceased_on__isnull=True).first()
    if member is None:
        return
    organization = application.pathway.organization
    assert organization is not None
    keeper = actor if can_manage_people(actor, organization) else system_actor()
    member_cease(actor=keeper, member=member, on=on, reason=reason)
