"""`intercoop count-votes`: count BLT ballot files without a database (the web
application is never started).

Each file is counted on its own; with `--format json` each gives one JSON object on one
line, in the order of the files. A file that cannot be read or parsed is reported on
stderr (file and line) and skipped; the other files are still counted, and the exit
status is then 1."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from intercoop.governance.blt import MAX_BYTES, BltError, parse
from intercoop.governance.counting import METHODS, Result, count

HELP = "Count ranked ballots in BLT files (Scottish STV, Meek STV, IRV, Borda, Schulze)"


def sheet(result: Result) -> str:
    """A stage-by-stage result sheet: candidates down, stages across, with each stage's
    change beside its total and the elected marked."""
    quota = "—" if result.quota is None else _n(result.quota)
    lines = [
        result.title or "(untitled)",
        f"Method: {result.method}   Seats: {result.seats}   Valid papers: {_n(result.valid)}   "
        f"Quota: {quota}   Seed: {result.seed}",
        "",
    ]
    names = list(result.stages[0].totals) if result.stages else []
    width = max([len(n) for n in names] + [len("Non-transferable"), 9])
    values = [v for s in result.stages for v in (*s.totals.values(), s.exhausted)]
    places = 0 if all(round(v, 5) == int(v) for v in values) else 5
    head = f"{'Candidate':<{width}}  " + "  ".join(
        f"{'Stage ' + str(i):>25}" for i in range(1, len(result.stages) + 1)
    )
    lines.append(head)
    rows = [*names, "Non-transferable"]
    for row, name in enumerate(rows):
        cells, before = [], None
        for stage in result.stages:
            now = stage.totals[name] if row < len(names) else stage.exhausted
            change = "" if before is None or now == before else f"{now - before:+.{places}f}"
            cells.append(f"{change:>12} {now:>12.{places}f}")
            before = now
        mark = " *" if row < len(names) and name in result.elected else ""
        lines.append(f"{name + mark:<{width}}  " + "  ".join(cells))
    lines += ["", "Stages:"]
    lines += [f"  {i}. {stage.action}" for i, stage in enumerate(result.stages, 1)]
    lines += [f"  lot: {entry}" for entry in result.lots]
    lines.append("Elected (* above), in order: " + ", ".join(result.elected))
    return "\n".join(lines) + "\n"


def _n(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="intercoop count-votes", description=HELP)
    parser.add_argument("files", nargs="+", metavar="FILE", help="BLT ballot files")
    parser.add_argument("--method", choices=METHODS, default="scottish-stv")
    parser.add_argument("--seats", type=int, help="seats to fill (default: the file's)")
    parser.add_argument("--seed", type=int, help="seed of the lot (default: drawn, and printed)")
    parser.add_argument("--format", choices=("json", "text"), default="text")
    args = parser.parse_args(argv)
    if args.seats is not None and args.seats < 1:
        parser.error("--seats must be at least 1")
    status = 0
    for path in args.files:
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as error:
            print(f"intercoop count-votes: {path}: {error.strerror}", file=sys.stderr)
            status = 1
            continue
        try:
            election = parse(data.decode("utf-8-sig"))
        except BltError as error:
            print(f"intercoop count-votes: {path}: line {error.line}: {error.reason}",
                  file=sys.stderr)  # fmt: skip
            status = 1
            continue
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            print(f"intercoop count-votes: {path}: line {line}: not UTF-8 text", file=sys.stderr)
            status = 1
            continue
        result = count(election, args.method, seats=args.seats, seed=args.seed)
        if args.format == "json":
            print(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            print(sheet(result))
        sys.stdout.flush()
    return status
