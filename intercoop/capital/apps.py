from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapitalConfig(AppConfig):
    name = "intercoop.capital"
    label = "capital"
    verbose_name = _("Capital")

    def ready(self) -> None:
        from intercoop.capital.tasks import instalments_tick
        from intercoop.core.periodic import register_periodic

        register_periodic(
            "capital.instalments", every=timedelta(hours=1), run=instalments_tick.enqueue
        )
