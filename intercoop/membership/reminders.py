"""Reminders of overdue steps: once a step is past its due date and not complete, whoever
must act on it hears of it, once (the record keeps the day it was reminded). A course,
probation or equity step whose condition holds is completed instead."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy

from intercoop.core.services import notify
from intercoop.membership import permissions
from intercoop.membership.links import application_link, board_link
from intercoop.membership.models import Mentorship, StepRecord
from intercoop.membership.pathways import settle
from intercoop.membership.steps import (
    CANDIDATE,
    COORDINATORS,
    MENTOR,
    applicant_name,
    candidates_of,
    coordinators_of_pathway,
    mentors_of,
    who_acts,
)

KIND = "membership"
BATCH = 500


def _people(who: str, record: StepRecord) -> list[Any]:
    application = record.application
    if who == CANDIDATE:
        return candidates_of(application)
    if who == MENTOR:
        mentors = mentors_of(application)
        if mentors:
            return mentors
        return [
            m.mentor
            for m in Mentorship.objects.filter(
                application=application, status=Mentorship.Status.PROPOSED
            ).select_related("mentor")
        ]
    if who == COORDINATORS:
        return list(coordinators_of_pathway(application.pathway))
    return []  # the members vote: governance reminds its voters


def steps_remind(*, on: dt.date) -> int:
    """Remind who must act on each overdue step of an open application not reminded yet;
    how many steps were reminded."""
    overdue = (
        StepRecord.objects.filter(
            completed_at__isnull=True,
            due_on__lt=on,
            application__status__in=permissions.ACTIVE,
        )
        .exclude(data__has_key="reminded")
        .select_related(
            "step", "application__pathway__organization", "application__pathway__network",
            "application__user", "application__organization",
        )
        .order_by("due_on", "pk")
    )  # fmt: skip
    reminded = 0
    settled: set[int] = set()
    for record in overdue[:BATCH]:
        application = record.application
        with transaction.atomic():
            if record.step.kind in permissions.AUTOMATIC_STEPS and application.pk not in settled:
                settled.add(application.pk)
                if any(r.pk == record.pk for r in settle(application, on)):
                    continue
            proposed = Mentorship.objects.filter(
                application=application, status__in=[Mentorship.Status.PROPOSED]
            ).exists()
            who = who_acts(
                record.step.kind,
                mentor=bool(mentors_of(application)),
                proposed=proposed,
                poll=application.poll_id is not None,
            )
            people = _people(who, record)
            if people:
                link = (
                    board_link(application.pathway_id)
                    if who == COORDINATORS
                    else application_link(application.pk)
                )
                notify(
                    users=people,
                    subject=gettext_lazy("Overdue: %(step)s (%(name)s)"),
                    body=gettext_lazy(
                        "The step “%(step)s” of %(name)s on %(pathway)s was due on %(due)s "
                        "and waits for you."
                    ),
                    params={
                        "step": record.step.title,
                        "name": applicant_name(application),
                        "pathway": application.pathway.name,
                        "due": record.due_on.isoformat() if record.due_on else "",
                    },
                    link=link,
                    kind=KIND,
                )
            record.data = record.data | {"reminded": on.isoformat()}
            record.save(update_fields=["data"])
            reminded += 1
    return reminded
