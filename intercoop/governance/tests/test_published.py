"""Scottish STV against the 21 Glasgow City Council wards of 2007 (the real ballots,
published by the council), as counted by Droop's Scottish STV rule (Droop's test data,
jklundell/droop on GitHub: test/blt/scotland/*.blt and test/ref/report/scotland/).

The files are not copied into this repository (Droop is GPL); set DROOP_TEST_DIR to a
checkout's `test` directory to run this. Every stage's totals and non-transferable value,
to five decimals, and the elected must agree (checked on 2026-11-26: all 21 wards). Meek
STV is checked the same way on Droop's own test elections (the elected only)."""

import os
import re
from pathlib import Path

import pytest

from intercoop.governance.blt import parse
from intercoop.governance.counting import meek_stv, scottish_stv

ROOT = Path(os.environ.get("DROOP_TEST_DIR", "/nonexistent"))
WARDS = sorted((ROOT / "blt" / "scotland").glob("*-2007.blt"))
pytestmark = pytest.mark.skipif(not WARDS, reason="DROOP_TEST_DIR not set to Droop's test/")
STATE = re.compile(r"\t(Pending|Hopeful|Elected|Defeated):\s+(.+) \((-?[\d.]+)\)")


def squeeze(name):
    return " ".join(name.split())


def reference(ward):
    """Droop's stages: ({candidate: votes}, non-transferable) after each transfer, and
    the elected."""
    text = ROOT / "ref" / "report" / "scotland" / f"{ward.stem}-scotland-fixed-p5-d5.txt"
    blocks = re.split(r"\nAction: ", text.read_text())
    stages = []
    for block in blocks:
        if block.startswith(("Begin Count", "Surplus transferred", "Transfer defeated")):
            votes = {}
            for state, names, value in STATE.findall(block):
                for name in names.split(", ") if state == "Defeated" else [names]:
                    votes[squeeze(name)] = round(float(value), 5)
            nontransferable = re.search(r"Nontransferable votes: ([\d.]+)", block)
            stages.append((votes, round(float(nontransferable.group(1)), 5)))
    elected = [squeeze(n) for s, n, _ in STATE.findall(blocks[-1]) if s == "Elected"]
    return stages, elected


@pytest.mark.parametrize("ward", WARDS, ids=lambda p: p.stem)
def test_glasgow_2007_ward_counts_as_droop_does(ward):
    result = scottish_stv(parse(ward.read_text()), seed=1)
    stages, elected = reference(ward)
    ours = [
        ({squeeze(n): round(v, 5) for n, v in s.totals.items()}, round(s.exhausted, 5))
        for s in result.stages
    ]
    assert ours == stages
    assert sorted(squeeze(n) for n in result.elected) == sorted(elected)
    assert result.lots == []


MEEK = ["42", "42u", "513", "M135", "SC", "SC-Vm-12", "SCw"]


@pytest.mark.parametrize("name", MEEK)
def test_meek_elects_whom_droop_elects(name):
    """Droop's Meek rule (ω = 10⁻⁹) on its test elections, among them M135, one of the
    ERS's validation elections for STV programs (Wichmann, 1999): the same elected."""
    text = (ROOT / "ref" / "report" / f"{name}-meek-o9-guarded-p18-g9-d18.txt").read_text()
    final = text.rsplit("Action: Count Complete", 1)[1]
    elected = [n for s, n, _ in STATE.findall(final) if s == "Elected"]
    result = meek_stv(parse((ROOT / "blt" / f"{name}.blt").read_text()), seed=1)
    assert sorted(result.elected) == sorted(elected)
