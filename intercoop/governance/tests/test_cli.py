"""`intercoop count-votes`: JSON lines, the text sheet, errors naming file and line, and
no Django."""

import json
import subprocess
import sys

from intercoop.governance.cli import main

DEMO = """4 2
4 1 2 0
2 2 3 0
3 3 0
1 4 3 0
0
"Ana"
"Ben"
"Cai"
"Dee"
"Demo"
"""
WITHDRAWN = DEMO.replace("4 2\n", "4 1\n-3\n", 1)


def run(tmp_path, capsys, *args, files=(DEMO,)):
    paths = []
    for i, text in enumerate(files):
        path = tmp_path / f"e{i}.blt"
        path.write_text(text)
        paths.append(str(path))
    status = main([*paths, *args])
    out, err = capsys.readouterr()
    return status, out, err, paths


def test_json_one_object_per_file_in_order(tmp_path, capsys):
    status, out, _err, _ = run(
        tmp_path, capsys, "--format", "json", "--seed", "4", files=(DEMO, WITHDRAWN)
    )
    assert status == 0
    first, second = (json.loads(line) for line in out.splitlines())
    assert first == {
        "title": "Demo",
        "method": "scottish-stv",
        "seats": 2,
        "valid": 10,
        "quota": 4,
        "elected": ["Ana", "Cai"],
        "stages": [
            {"action": "first preferences; Ana elected", "totals": {"Ana": 4, "Ben": 2, "Cai": 3, "Dee": 1},
             "exhausted": 0, "event": "first", "candidate": "", "value": None, "elected": ["Ana"]},
            {"action": "Dee excluded; Cai elected", "totals": {"Ana": 4, "Ben": 2, "Cai": 4, "Dee": 0},
             "exhausted": 0, "event": "exclusion", "candidate": "Dee", "value": None,
             "elected": ["Cai"]},
        ],
        "seed": 4,
        "lots": [],
    }  # fmt: skip
    # Cai withdrawn: 2 B-C papers stay with Ben, the 3 C papers are not valid; 1 D-C paper
    # stays with Dee. 7 valid papers, 1 seat, quota 4: Ana elected at the first stage.
    assert "Cai" not in second["stages"][0]["totals"]
    assert (second["valid"], second["quota"], second["elected"]) == (7, 4, ["Ana"])


def test_seats_override_and_other_methods(tmp_path, capsys):
    status, out, _err, _ = run(
        tmp_path, capsys, "--format", "json", "--method", "borda", "--seats", "3", "--seed", "1"
    )
    result = json.loads(out)
    assert status == 0 and result["seats"] == 3 and result["elected"] == ["Cai", "Ben", "Ana"]
    assert result["quota"] is None


def test_a_malformed_file_is_reported_and_the_others_counted(tmp_path, capsys):
    bad = DEMO.replace("2 2 3 0", "2 2 9 0")
    status, out, err, paths = run(tmp_path, capsys, "--format", "json", files=(bad, DEMO))
    assert status == 1
    assert f"{paths[0]}: line 3: candidate 9 is not between 1 and 4" in err
    assert len(out.splitlines()) == 1 and json.loads(out)["title"] == "Demo"


def test_unreadable_files_are_reported(tmp_path, capsys):
    binary = tmp_path / "latin1.blt"
    binary.write_bytes(DEMO.replace('"Ben"', '"B\xe9n"').encode("latin-1"))
    status = main([str(tmp_path / "missing.blt"), str(binary)])
    err = capsys.readouterr().err
    assert status == 1
    assert "missing.blt: No such file or directory" in err
    assert "latin1.blt: line 8: not UTF-8 text" in err


def test_text_sheet_shows_stages_transfers_and_elected(tmp_path, capsys):
    status, out, _err, _ = run(tmp_path, capsys, "--seed", "2")
    assert status == 0
    assert "Quota: 4" in out and "Stage 2" in out
    assert "Cai *" in out and "+1" in out and "2. Dee excluded; Cai elected" in out


def test_count_votes_never_starts_django(tmp_path):
    source = tmp_path / "e.blt"
    source.write_text(DEMO)
    code = (
        "import sys; from intercoop.cli import main; "
        f"main(['count-votes', {str(source)!r}, '--format', 'json', '--seed', '1']); "
        "assert 'django' not in sys.modules, 'django was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["elected"] == ["Ana", "Cai"]
