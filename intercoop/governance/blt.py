"""BLT ballot files, as OpenSTV, Droop and election administrators write them.

    4 2            candidates seats
    -2             withdrawn candidates as negative numbers (optional line)
    3 1 3 4 0      a ballot: weight, then candidate numbers in order of preference, then 0
    1 2 0
    0              end of ballots
    "Ana"          one name per candidate, in double quotes
    ...
    "Board 2026"   the title

Blank lines are ignored, and so is anything after the title (test files such as the ERS
ones carry a source and comments there). Weights are whole numbers ≥ 1; a ballot names
each candidate at most once (a repeated preference is an error, not silently dropped).
Every error is a `BltError` carrying the line number and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_CANDIDATES = 1000
MAX_WEIGHT = 10**9
MAX_BYTES = 256 * 1024 * 1024
MAX_NAME = 200


class BltError(ValueError):
    """A malformed BLT file: `line` (1-based) and `reason`."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


@dataclass
class Election:
    """A BLT file's content; candidates are numbered from 0 here (from 1 in the file)."""

    candidates: list[str]
    seats: int
    ballots: list[tuple[int, tuple[int, ...]]]  # (weight, preferences)
    title: str = ""
    withdrawn: set[int] = field(default_factory=set)


def _quoted(text: str, number: int, what: str) -> str:
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')) or '"' in text[1:-1]:
        raise BltError(number, f"expected the {what} in double quotes, found {text[:40]!r}")
    if len(text) - 2 > MAX_NAME:
        raise BltError(number, f"the {what} is longer than {MAX_NAME} characters")
    return text[1:-1]


def _int(token: str, number: int, what: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise BltError(number, f"{what} {token[:20]!r} is not a whole number") from None


def parse(text: str) -> Election:
    """The election in a BLT file's text; a BltError naming the line if it is malformed."""
    if len(text) > MAX_BYTES:
        raise BltError(1, f"the file is larger than {MAX_BYTES // 2**20} MiB")
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise BltError(1, "the file is empty")
    lines.reverse()  # pop() from the end walks the file from the top
    number, line = lines.pop()
    head = line.split()
    if len(head) != 2:
        raise BltError(number, "the first line must be 'candidates seats'")
    count, seats = _int(head[0], number, "candidates"), _int(head[1], number, "seats")
    if not 1 <= count <= MAX_CANDIDATES:
        raise BltError(number, f"candidates must be between 1 and {MAX_CANDIDATES}")
    if not 1 <= seats <= count:
        raise BltError(number, f"seats must be between 1 and the number of candidates ({count})")
    withdrawn: set[int] = set()
    if lines and lines[-1][1].startswith("-"):
        number, line = lines.pop()
        for token in line.split():
            value = _int(token, number, "withdrawn candidate")
            if not -count <= value <= -1:
                raise BltError(
                    number, f"withdrawn candidate {value} is not between -1 and -{count}"
                )
            withdrawn.add(-value - 1)
    ballots: list[tuple[int, tuple[int, ...]]] = []
    while True:
        if not lines:
            raise BltError(number + 1, "the file ends before the line '0' that closes the ballots")
        number, line = lines.pop()
        tokens = line.split()
        weight = _int(tokens[0], number, "weight")
        if weight == 0 and len(tokens) == 1:
            break
        if not 1 <= weight <= MAX_WEIGHT:
            raise BltError(number, f"weight {weight} is not between 1 and {MAX_WEIGHT}")
        if tokens[-1] != "0":
            raise BltError(number, "a ballot must end with 0")
        prefs = [_int(t, number, "preference") for t in tokens[1:-1]]
        seen: set[int] = set()
        for pref in prefs:
            if not 1 <= pref <= count:
                raise BltError(number, f"candidate {pref} is not between 1 and {count}")
            if pref in seen:
                raise BltError(number, f"candidate {pref} appears twice on the ballot")
            seen.add(pref)
        ballots.append((weight, tuple(p - 1 for p in prefs)))
    names = []
    for index in range(count):
        if not lines:
            raise BltError(number + 1, f"expected {count} candidate names, found {index}")
        number, line = lines.pop()
        names.append(_quoted(line, number, "candidate name"))
    if not lines:
        raise BltError(number + 1, "the title (in double quotes) is missing")
    number, line = lines.pop()
    title = _quoted(line, number, "title")
    return Election(names, seats, ballots, title, withdrawn)


def _name(text: str) -> str:
    """A name as BLT can quote it: no double quote (made a single one), on one line."""
    return text.replace('"', "'").replace("\r", " ").replace("\n", " ")


def write(election: Election) -> str:
    """The BLT text of an election (parse(write(e)) == e for names without double quotes
    or line breaks, which BLT cannot carry: they become single quotes and spaces)."""
    out = [f"{len(election.candidates)} {election.seats}"]
    if election.withdrawn:
        out.append(" ".join(f"-{c + 1}" for c in sorted(election.withdrawn)))
    for weight, prefs in election.ballots:
        out.append(" ".join([str(weight), *(str(p + 1) for p in prefs), "0"]))
    out.append("0")
    out += [f'"{_name(name)}"' for name in election.candidates]
    out.append(f'"{_name(election.title)}"')
    return "\n".join(out) + "\n"
