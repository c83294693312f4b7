"""What management commands share about the directory: finding a network by slug."""

from django.core.management.base import CommandError

from intercoop.directory.models import Network


def network_named(slug: str) -> Network:
    network = Network.objects.filter(slug=slug).first()
    if network is None:
        raise CommandError(f"no network with slug {slug!r}")
    return network
