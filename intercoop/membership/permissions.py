"""Who may see or do what on a pathway and its applications. Each write service of
`pathways.py` and `mentors.py` checks one of these rules itself (`require`); pages ask
them only to decide what to show.

- A pathway's **coordinators** are its owner's: an organisation's admins (for its
  pathways, which admit people) or a network's coordinators (for its pathways, which
  admit organisations). They define the pathway (staff may too), act on applications
  (record attendance and vetting, complete steps, make candidates, admit, refuse) and
  pair mentors. The system actor of the demo, the CLI and tasks acts as a coordinator.
- The **candidate** is the applicant: the person, or the admins and editors of the
  applying organisation. They withdraw, sign the agreement, log hours, follow the
  course (marking lessons done in the curriculum) and answer the survey.
- A **mentor** is the mentor of an accepted mentorship of the application.
- An application is seen by its candidate, its mentors, the coordinators and staff. Its
  notes (interview notes, references, meeting and step notes) only by the candidate, its
  mentors and the coordinators: no one else, not staff, not the organisation's other
  members, not the network's other people.
"""

from typing import Any

from django.utils.translation import gettext as _

from intercoop.core.audit import SYSTEM_USERNAME
from intercoop.core.permissions import AnyUser, NotFoundReason, is_signed_in, is_staff, require
from intercoop.directory.models import Network, Organization, OrganizationRole
from intercoop.directory.permissions import (
    EDITING_ROLES,
    coordinated_network_ids,
    is_member_now,
    members_now,
    organization_roles,
)
from intercoop.membership.models import Application, Mentorship, Pathway, Step

Status = Application.Status
Kind = Step.Kind
OPEN = (Status.APPLICANT, Status.CANDIDATE, Status.PAUSED)
ACTIVE = (Status.APPLICANT, Status.CANDIDATE)
# who completes a step of each kind (besides the coordinators, who complete any of them
# but the admission): its automatic kinds complete when their condition holds
CANDIDATE_STEPS = {Kind.COURSE, Kind.AGREEMENT}
MENTOR_STEPS = {Kind.MENTORSHIP}
AUTOMATIC_STEPS = {Kind.COURSE, Kind.PROBATION, Kind.EQUITY}


def _signed_in(user: AnyUser | None) -> bool:
    return user is not None and is_signed_in(user)


def is_system(user: AnyUser | None) -> bool:
    """The system actor (demo, CLI, tasks): it cannot sign in, so no person acts as it."""
    return (
        _signed_in(user)
        and getattr(user, "username", None) == SYSTEM_USERNAME
        and not getattr(user, "is_active", True)
    )


def speaks_for(user: AnyUser | None, organization: Organization | int) -> bool:
    """An organisation's admins and editors (not staff: they do not speak for it)."""
    if not _signed_in(user):
        return False
    pk = organization if isinstance(organization, int) else organization.pk
    role = organization_roles(user).get(pk)  # type: ignore[arg-type]
    return role is not None and role in EDITING_ROLES


# the pathway -------------------------------------------------------------------------


def owner_coordinates(user: AnyUser | None, *, organization_id: Any, network_id: Any) -> bool:
    """Whether `user` is a coordinator of a pathway of this owner."""
    if not _signed_in(user):
        return False
    if is_system(user):
        return True
    assert user is not None
    if organization_id is not None:
        return organization_roles(user).get(organization_id) == OrganizationRole.Role.ADMIN
    return network_id in coordinated_network_ids(user)


def is_coordinator(user: AnyUser | None, pathway: Pathway) -> bool:
    """The pathway owner's admins (an organisation's pathway) or coordinators (a
    network's)."""
    return owner_coordinates(
        user, organization_id=pathway.organization_id, network_id=pathway.network_id
    )


def can_create_pathway(
    user: AnyUser | None,
    *,
    organization: Organization | None = None,
    network: Network | None = None,
) -> bool:
    """Define a pathway: the owner's coordinators, and staff."""
    if is_staff(user):
        return True
    return owner_coordinates(
        user,
        organization_id=organization.pk if organization else None,
        network_id=network.pk if network else None,
    )


def can_manage_pathway(user: AnyUser | None, pathway: Pathway) -> bool:
    """Change a pathway and its steps: its coordinators, and staff."""
    return is_staff(user) or is_coordinator(user, pathway)


def can_view_pathway(user: AnyUser | None, pathway: Pathway) -> bool:
    """An open pathway is public (people find their way in); a closed one is seen by those
    who manage it."""
    return pathway.open or can_manage_pathway(user, pathway)


def can_view_board(user: AnyUser | None, pathway: Pathway) -> bool:
    """Every application on the pathway, its current step and who must act (no notes):
    the coordinators and staff."""
    return can_manage_pathway(user, pathway)


def can_view_survey_summary(user: AnyUser | None, pathway: Pathway) -> bool:
    return can_manage_pathway(user, pathway)


# applying ------------------------------------------------------------------------------


def can_apply(
    user: AnyUser | None, pathway: Pathway, organization: Organization | None = None
) -> bool:
    """An open pathway. An organisation's: anyone signed in, for themselves. A network's:
    an organisation's admins and editors, for their organisation while it is not a
    member of the network."""
    if not _signed_in(user) or not pathway.open or is_system(user):
        return False
    if pathway.network_id is None:
        return organization is None
    return (
        organization is not None
        and speaks_for(user, organization)
        and not is_member_now(pathway.network_id, organization)
    )


# an application --------------------------------------------------------------------------


def is_candidate(user: AnyUser | None, application: Application) -> bool:
    """The applicant: the person, or the applying organisation's admins and editors."""
    if not _signed_in(user) or is_system(user):
        return False
    assert user is not None
    if application.user_id is not None:
        return bool(application.user_id == user.pk)
    return application.organization_id is not None and speaks_for(user, application.organization_id)


def mentor_ids(application: Application) -> set[int]:
    """The mentors of the application's accepted mentorships (read once per object)."""
    cached: set[int] | None = getattr(application, "_mentor_ids", None)
    if cached is None:
        cached = set(
            Mentorship.objects.filter(
                application=application, status=Mentorship.Status.ACCEPTED
            ).values_list("mentor_id", flat=True)
        )
        setattr(application, "_mentor_ids", cached)  # noqa: B010 - a per-object cache
    return cached


def is_mentor(user: AnyUser | None, application: Application) -> bool:
    return _signed_in(user) and user is not None and user.pk in mentor_ids(application)


def is_application_coordinator(user: AnyUser | None, application: Application) -> bool:
    return is_coordinator(user, application.pathway)


def can_view_application(user: AnyUser | None, application: Application) -> bool:
    """The candidate, its mentors, the coordinators and staff."""
    if not _signed_in(user):
        return False
    return (
        is_candidate(user, application)
        or is_application_coordinator(user, application)
        or is_staff(user)
        or is_mentor(user, application)
    )


def can_view_notes(user: AnyUser | None, application: Application) -> bool:
    """Interview notes, references, meeting and step notes: the candidate, its mentors and
    the coordinators. No one else (not staff)."""
    return (
        is_candidate(user, application)
        or is_application_coordinator(user, application)
        or is_mentor(user, application)
    )


def can_act_on(user: AnyUser | None, application: Application) -> bool:
    """Record attendance and vetting, complete steps, pair mentors: the coordinators,
    while the application is open and not paused."""
    return application.status in ACTIVE and is_application_coordinator(user, application)


def can_complete_step(user: AnyUser | None, application: Application, kind: str) -> bool:
    """Who completes a step of `kind`, while the application is open and not paused:
    - orientation, vetting, agreement (a signature on paper), equity, probation: the
      coordinators (probation, equity and courses also complete by themselves when
      their condition holds);
    - mentorship: the mentor, or the coordinators;
    - course: the candidate (who follows it in the curriculum), or the coordinators;
    - admission: nobody here: it is decided (`admission_decide`) or voted."""
    if application.status not in ACTIVE or kind == Kind.ADMISSION:
        return False
    if is_application_coordinator(user, application):
        return True
    if kind in MENTOR_STEPS:
        return is_mentor(user, application)
    if kind == Kind.COURSE:
        return is_candidate(user, application)
    return False


def can_sign_agreement(user: AnyUser | None, application: Application) -> bool:
    return application.status in ACTIVE and is_candidate(user, application)


def can_log_hours(user: AnyUser | None, application: Application) -> bool:
    """The candidate logs their hours of work; the coordinators record or correct them."""
    return application.status in ACTIVE and (
        is_candidate(user, application) or is_application_coordinator(user, application)
    )


def can_make_candidate(user: AnyUser | None, application: Application) -> bool:
    return application.status == Status.APPLICANT and is_application_coordinator(user, application)


def can_admit(user: AnyUser | None, application: Application) -> bool:
    """Start the admission (a poll, or their own decision) or record it: the coordinators,
    once the application is a candidacy, and not while the members vote on it."""
    return (
        application.status == Status.CANDIDATE
        and application.poll_id is None
        and is_application_coordinator(user, application)
    )


def can_withdraw(user: AnyUser | None, application: Application) -> bool:
    return application.status in OPEN and is_candidate(user, application)


def can_refuse(user: AnyUser | None, application: Application) -> bool:
    """Not while the members vote on it: the vote decides."""
    return (
        application.status in OPEN
        and application.poll_id is None
        and is_application_coordinator(user, application)
    )


def can_pause(user: AnyUser | None, application: Application) -> bool:
    """The candidate (taking a break) or the coordinators."""
    return (
        application.status in ACTIVE
        and application.poll_id is None
        and (is_candidate(user, application) or is_application_coordinator(user, application))
    )


def can_resume(user: AnyUser | None, application: Application) -> bool:
    return application.status == Status.PAUSED and (
        is_candidate(user, application) or is_application_coordinator(user, application)
    )


def can_leave(user: AnyUser | None, application: Application) -> bool:
    """A member leaves: the member (the person, the organisation's admins and editors),
    or the coordinators record it."""
    return application.status == Status.MEMBER and (
        is_candidate(user, application) or is_application_coordinator(user, application)
    )


def can_answer_survey(user: AnyUser | None, application: Application) -> bool:
    return application.status == Status.MEMBER and is_candidate(user, application)


# mentors -------------------------------------------------------------------------------


def can_offer_mentoring(user: AnyUser | None, organization: Organization) -> bool:
    """A person of the organisation (any role) offers to mentor for it."""
    return _signed_in(user) and organization.pk in organization_roles(user)  # type: ignore[arg-type]


def can_mentor(user: AnyUser | None, application: Application) -> bool:
    """Whether `user` may be a mentor of the application: a person of the pathway's
    organisation (of one of the network's member organisations, on a network's pathway)
    who is not its candidate."""
    if not _signed_in(user) or is_system(user) or is_candidate(user, application):
        return False
    assert user is not None
    if application.user_id is not None and application.user_id == user.pk:
        return False
    pathway = application.pathway
    mine = set(organization_roles(user))
    if pathway.organization_id is not None:
        return pathway.organization_id in mine
    mine.discard(application.organization_id)  # type: ignore[arg-type]
    return bool(mine) and bool(members_now(pathway.network_id, mine))  # type: ignore[arg-type]


def can_propose_mentor(user: AnyUser | None, application: Application) -> bool:
    return can_act_on(user, application)


def can_answer_mentorship(user: AnyUser | None, mentorship: Mentorship) -> bool:
    """The proposed mentor accepts or declines, while the application is open."""
    return (
        _signed_in(user)
        and user is not None
        and mentorship.status == Mentorship.Status.PROPOSED
        and mentorship.mentor_id == user.pk
        and mentorship.application.status in OPEN
    )


def can_log_meeting(user: AnyUser | None, mentorship: Mentorship) -> bool:
    """The mentor or the candidate, on an accepted mentorship of an open application."""
    if not _signed_in(user) or mentorship.status != Mentorship.Status.ACCEPTED:
        return False
    assert user is not None
    application = mentorship.application
    return application.status in ACTIVE and (
        mentorship.mentor_id == user.pk or is_candidate(user, application)
    )


def can_view_mentorship(user: AnyUser | None, mentorship: Mentorship) -> bool:
    """The proposed or accepted mentor, and whoever sees the application's notes."""
    if not _signed_in(user):
        return False
    assert user is not None
    return mentorship.mentor_id == user.pk or can_view_notes(user, mentorship.application)


# reading ---------------------------------------------------------------------------------


def access_pathway(user: AnyUser | None, pathway: Pathway | None) -> Pathway:
    if pathway is None or not can_view_pathway(user, pathway):
        raise NotFoundReason(_("No such pathway"))
    return pathway


def access_board(user: AnyUser | None, pathway: Pathway) -> Pathway:
    require(can_view_board(user, pathway), _("The board is for the pathway's coordinators"))
    return pathway


def access_application(user: AnyUser | None, application: Application) -> Application:
    require(
        can_view_application(user, application),
        _("An application is for its candidate, its mentors and the coordinators"),
    )
    return application


def access_notes(user: AnyUser | None, application: Application) -> Application:
    require(
        can_view_notes(user, application),
        _("An application's notes are for its candidate, its mentors and the coordinators"),
    )
    return application


def access_mentorship(user: AnyUser | None, mentorship: Mentorship) -> Mentorship:
    require(
        can_view_mentorship(user, mentorship),
        _("A mentorship is for its mentor, its candidate and the coordinators"),
    )
    return mentorship


def access_survey_summary(user: AnyUser | None, pathway: Pathway) -> Pathway:
    require(
        can_view_survey_summary(user, pathway),
        _("The survey's results are for the pathway's coordinators"),
    )
    return pathway
