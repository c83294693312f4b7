from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "intercoop.membership"
    label = "membership"
    verbose_name = _("Membership")

    def ready(self) -> None:
        from intercoop.core.periodic import register_periodic
        from intercoop.membership.completion import register_course_completed_listener
        from intercoop.membership.pathways import course_completed
        from intercoop.membership.tasks import reminders_tick

        register_periodic(
            "membership.reminders", every=timedelta(hours=6), run=reminders_tick.enqueue
        )
        # a pathway's course step completes when its person completes the course
        register_course_completed_listener(course_completed)
