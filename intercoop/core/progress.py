"""Progress bars for long CLI commands (rich); silent when stderr is not a terminal."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

T = TypeVar("T")


@contextmanager
def progress_bar(*, total: int | None, description: str) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)`. Shows a bar on an interactive terminal only."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda n: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


def tracked(items: Iterable[T], *, total: int, description: str) -> Iterator[T]:
    """Yields the items while a progress bar counts them."""
    with progress_bar(total=total, description=description) as advance:
        for item in items:
            yield item
            advance(1)
