from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "intercoop.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from datetime import timedelta

        from intercoop.core.periodic import register_periodic
        from intercoop.governance.tasks import polls_tick

        register_periodic(
            "governance.polls", every=timedelta(minutes=1), run=lambda: polls_tick.enqueue()
        )
