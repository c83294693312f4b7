"""One module per import format. Each turns a file into `SourceRecord`s keyed by our
field names; `services.organizations_import` checks and writes them."""

from collections.abc import Callable, Iterator
from typing import TextIO

from intercoop.directory.importers import murmurations, plain, sea
from intercoop.directory.importers.base import SourceRecord

FORMATS: dict[str, Callable[[TextIO], Iterator[SourceRecord]]] = {
    "sea": sea.parse,
    "plain": plain.parse,
    "murmurations": murmurations.parse,
}

__all__ = ["FORMATS", "SourceRecord"]
