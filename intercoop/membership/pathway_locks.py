"""The row locks the pathway services take, in one order: a mentor's offer, then an
application. On SQLite the locks are no-ops: its single writer serialises the writes."""

from intercoop.membership.models import Application, MentorOffer


def lock_application(application: Application) -> None:
    """Lock it and read again what transitions change (a withdrawal and a poll's close,
    or two coordinators, may race)."""
    row = (
        Application.objects.select_for_update()
        .values(
            "status",
            "poll_id",
            "candidate_since",
            "member_since",
            "paused_from",
            "paused_on",
            "days_paused",
        )
        .get(pk=application.pk)
    )
    for field, value in row.items():
        setattr(application, field, value)


def lock_offer(offer: MentorOffer) -> None:
    """Lock a mentor's offer and read its capacity again (two acceptances may race)."""
    offer.capacity = (
        MentorOffer.objects.select_for_update().values_list("capacity", flat=True).get(pk=offer.pk)
    )
