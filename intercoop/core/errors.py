"""One exception family for domain errors, rendered by one handler per surface."""

from collections.abc import Callable
from dataclasses import dataclass


class DomainError(Exception):
    """A request that the rules refuse. `field` names the input at fault, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidValues(DomainError):
    """Bad values for a record, by field: {field: reason}. The first names the error."""

    def __init__(self, errors: dict[str, str]) -> None:
        field, reason = next(iter(errors.items()))
        super().__init__(f"{field}: {reason}", field=field)
        self.errors = errors


@dataclass(frozen=True)
class RowError:
    """What is wrong with one row of an imported file."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.reason}"


class ImportFailed(DomainError):
    """An all-or-nothing import refused: nothing was written. Carries every bad row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} bad row(s); nothing was imported")
        self.errors = errors


def report_row_errors(
    write: Callable[[str], object], errors: list[RowError], limit: int = 50
) -> None:
    """Write the first `limit` row errors, one a line, and how many more there are."""
    for error in errors[:limit]:
        write(str(error))
    if len(errors) > limit:
        write(f"... and {len(errors) - limit} more")
