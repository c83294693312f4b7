"""What the management commands share: finding their file, and saying so clearly when
they cannot."""

from pathlib import Path

from django.core.management.base import CommandError


def existing_file(path: Path | str) -> Path:
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    return path
