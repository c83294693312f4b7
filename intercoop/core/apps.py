from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "intercoop.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from collections.abc import Callable
        from datetime import timedelta

        from intercoop.core.periodic import register_periodic
        from intercoop.core.tasks import digests_run

        def digests(period: str) -> Callable[[], object]:
            return lambda: digests_run.enqueue(period)

        for period, every in (("daily", timedelta(days=1)), ("weekly", timedelta(days=7))):
            register_periodic(f"core.digests.{period}", every=every, run=digests(period))
