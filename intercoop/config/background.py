"""The background work each app offers, registered by the composition root (core knows
no app): the formats of the imports page and `POST /api/v1/imports`, and the jobs that
services queue as background tasks."""

import io
from typing import Any

from django.utils.translation import gettext_lazy as _

from intercoop.clearing.services import clearing_run_propose_job
from intercoop.core.background import register_job
from intercoop.core.imports import Importer, ImportOutcome, register
from intercoop.directory import permissions as directory_permissions
from intercoop.directory.importers import FORMATS
from intercoop.directory.imports import organizations_import
from intercoop.directory.models import Network
from intercoop.exchange.imports import exchange_import_job
from intercoop.exchange.imports import may_import as may_import_items
from intercoop.network.imports import (
    baselines_import_job,
    may_import_baselines,
    may_import_relationships,
    relationships_import_job,
    survey_networks,
)

ORGANIZATION_FORMATS = {
    "sea": _("Organisations: SEA standard CSV"),
    "plain": _("Organisations: plain CSV"),
    "murmurations": _("Organisations: Murmurations JSON"),
}


def _may_import_organizations(user: Any, network_slug: str) -> bool:
    """Offered to staff and coordinators; a coordinator imports into a network they
    coordinate (the service's rule, `can_import_organizations`, decides)."""
    if not network_slug:
        return directory_permissions.is_staff(user) or directory_permissions.is_coordinator(user)
    network = Network.objects.filter(slug=network_slug).first()
    return network is not None and directory_permissions.can_import_organizations(user, network)


def _organizations_job(format: str) -> Any:
    def run(*, actor: Any, text: str, network_slug: str, skip_bad_rows: bool) -> ImportOutcome:
        network = Network.objects.filter(slug=network_slug).first() if network_slug else None
        report = organizations_import(
            records=FORMATS[format](io.StringIO(text, newline="")),
            format=format,
            filename=f"upload.{format}",
            network=network,
            skip_bad_rows=skip_bad_rows,
            actor=actor,
        )
        counts = {"created": report.created, "updated": report.updated}
        return ImportOutcome(counts | {"unchanged": report.unchanged}, report.skipped)

    return run


def register_importers() -> None:
    for format, label in ORGANIZATION_FORMATS.items():
        register(
            Importer(
                format=format,
                label=label,
                run=_organizations_job(format),
                may_import=_may_import_organizations,
                networks_for=survey_networks,
                needs_network=True,
            )
        )
    register(
        Importer(
            format="relationships",
            label=_("Relationships (survey ties): CSV"),
            run=relationships_import_job,
            may_import=may_import_relationships,
            networks_for=survey_networks,
        )
    )
    register(
        Importer(
            format="economy",
            label=_("Economy baselines: CSV"),
            run=baselines_import_job,
            may_import=may_import_baselines,
            needs_network=True,
            networks_for=survey_networks,
        )
    )
    register(
        Importer(
            format="exchange",
            label=_("Offers, needs and challenges: CSV"),
            run=exchange_import_job,
            may_import=may_import_items,
        )
    )


def register_jobs() -> None:
    register_job("clearing.run_propose", clearing_run_propose_job)
