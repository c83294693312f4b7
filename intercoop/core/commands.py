"""What the management commands share: finding their file and their network, and saying
so clearly when they cannot."""

from pathlib import Path

from django.core.management.base import CommandError

from intercoop.directory.models import Network


def existing_file(path: Path | str) -> Path:
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    return path


def network_named(slug: str) -> Network:
    network = Network.objects.filter(slug=slug).first()
    if network is None:
        raise CommandError(f"no network with slug {slug!r}")
    return network
