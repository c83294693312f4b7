"""Directory benchmark: 100,000 synthetic organisations on SQLite and PostgreSQL.

Prints, per database: import rows/s; p50/p95 of five kinds of search query through the
API (full-text words come from a 216-word vocabulary with Zipf-like frequencies, so the
commonest matches a fifth of the directory and most match under one per cent); the map viewport's payload size and time at three zoom levels; the RSS of a real
server (gunicorn, as `make run` starts it) after the demo region loads. Each figure is
printed with its goal and the ratio to it, measured in the same run.

    python benchmarks/directory.py [--rows 100000] [--databases sqlite,postgres]
"""

import argparse
import csv
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.server import running_server  # noqa: E402 - after the path is set

POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
GOALS = {"import_rows_per_s": 5000, "search_p95_ms": 50, "map_payload_kb": 300, "rss_mb": 250}
STRUCTURES = [
    "OS60",
    "OS70",
    "OS80",
    "OS90",
    "OS100",
    "OS110",
    "OS115",
    "OS130",
    "OS20",
    "OS10",
    "OS30",
    "OS220",
]
ACTIVITIES = [
    "ICA10",
    "ICA20",
    "ICA70",
    "ICA120",
    "ICA140",
    "ICA160",
    "ICA170",
    "ICA210",
    "ICA240",
    "ICA260",
    "ICA280",
]
MEMBERSHIP = ["BMT10", "BMT20", "BMT30", "BMT40", "BMT50", "BMT60"]
ADJECTIVES = [
    "Green",
    "Common",
    "Red",
    "Union",
    "Valley",
    "River",
    "Sun",
    "Oak",
    "Blue",
    "Open",
    "Fair",
    "New",
    "Old",
    "North",
    "South",
    "East",
    "West",
    "Bright",
    "Free",
    "Good",
    "Wild",
    "High",
    "Low",
    "Deep",
    "Little",
    "Great",
    "Golden",
    "Silver",
    "Stone",
    "Mill",
]
NOUNS = [
    "Bread",
    "Bike",
    "Bean",
    "Field",
    "Wheel",
    "Hearth",
    "Roof",
    "Seed",
    "Thread",
    "Book",
    "Leaf",
    "Harbour",
    "Forge",
    "Loom",
    "Press",
    "Spoon",
    "Bridge",
    "Garden",
    "Orchard",
    "Lantern",
    "Anchor",
    "Compass",
    "Kettle",
    "Hammer",
    "Needle",
    "Willow",
    "Maple",
    "Cedar",
    "Birch",
    "Heron",
]
KINDS = [
    "Bakery Co-op",
    "Workers' Co-op",
    "Housing Co-op",
    "Food Co-op",
    "Credit Union",
    "Energy Co-op",
    "Growers",
    "Care Co-op",
    "Print Collective",
    "Community Shop",
    "Church",
    "School",
]
TRADES = ["sourdough", "repair", "housing", "solar", "organic", "childcare", "printing",
          "cleaning", "software", "brewery", "dairy", "textiles", "bicycles", "catering",
          "transport", "insurance"]  # fmt: skip
# Description words: the trades plus a long tail, drawn with Zipf-like weights, as words in
# real descriptions are; searches pick words from the same vocabulary.
WORDS = TRADES + [
    f"{a}{b}"
    for a in ("agro", "eco", "bio", "micro", "multi", "inter", "co", "re")
    for b in ("farm", "craft", "tool", "seed", "food", "care", "build", "learn", "fix", "grow",
              "make", "share", "lend", "cook", "ride", "sew", "paint", "code", "brew", "bake",
              "print", "clean", "plant", "store", "move")
]  # fmt: skip
WORD_WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]
PLAIN_COLUMNS = [
    "external_id",
    "name",
    "description",
    "is_cooperative",
    "organisational_structure",
    "base_membership_type",
    "primary_activity",
    "other_activities",
    "founded_on",
    "number_of_members",
    "employees",
    "website",
    "email",
    "email_public",
    "street",
    "locality",
    "region",
    "postcode",
    "country",
    "latitude",
    "longitude",
    "tags",
]


def towns(rng: random.Random) -> list[tuple[str, float, float, str]]:
    countries = ["GB", "FR", "ES", "DE", "IT", "NL", "BE", "PT", "IE", "DK"]
    return [
        (f"Town {i}", rng.uniform(38, 58), rng.uniform(-8, 20), countries[i % len(countries)])
        for i in range(200)
    ]


def write_synthetic_csv(path: Path, rows: int) -> list[tuple[str, float, float, str]]:
    rng = random.Random(7)
    places = towns(rng)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(PLAIN_COLUMNS)
        for i in range(rows):
            # A quarter of everything sits in the first town: a dense city for the map.
            town, lat, lon, country = places[0] if i % 4 == 0 else rng.choice(places)
            name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(KINDS)} {town}"
            words = " ".join(rng.choices(WORDS, WORD_WEIGHTS, k=4))
            structure = rng.choice(STRUCTURES)
            writer.writerow(
                [
                    f"SYN{i:07d}",
                    name,
                    f"A co-operative doing {words}.",
                    "false" if structure in {"OS20", "OS10", "OS220"} else "true",
                    structure,
                    rng.choice(MEMBERSHIP),
                    rng.choice(ACTIVITIES),
                    ";".join(rng.sample(ACTIVITIES, rng.randint(0, 2))),
                    f"{rng.randint(1900, 2024)}-01-01",
                    rng.randint(3, 5000),
                    rng.randint(0, 200),
                    f"https://org{i}.example.org",
                    f"hello@org{i}.example.org",
                    "false",
                    f"{rng.randint(1, 300)} High Street",
                    town,
                    "Region",
                    f"P{i % 9999:04d}",
                    country,
                    round(lat + rng.gauss(0, 0.08), 6),
                    round(lon + rng.gauss(0, 0.12), 6),
                    ";".join(rng.sample(TRADES, 2)),
                ]
            )
    return places


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def viewport_bbox(lat: float, lon: float, zoom: int, width: int = 1280, height: int = 800) -> str:
    """The bbox a Leaflet map of width×height pixels shows at `zoom`, centred on lat/lon."""
    degrees_per_pixel = 360 / (256 * 2**zoom)
    half_w = width / 2 * degrees_per_pixel
    half_h = height / 2 * degrees_per_pixel * math.cos(math.radians(lat))
    return f"{lon - half_w:.5f},{lat - half_h:.5f},{lon + half_w:.5f},{lat + half_h:.5f}"


def timed_get(client: Any, url: str) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code, response.content[:200])
    return elapsed, len(response.content)


def worker(rows: int) -> dict[str, Any]:
    """Runs inside a process whose DATABASE_URL names an empty database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intercoop.config.settings")
    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from intercoop.core.audit import system_actor
    from intercoop.directory.importers import FORMATS
    from intercoop.directory.imports import organizations_import

    call_command("migrate", verbosity=0)
    result: dict[str, Any] = {"vendor": connection.vendor, "rows": rows}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orgs.csv"
        places = write_synthetic_csv(path, rows)
        start = time.perf_counter()
        with path.open(encoding="utf-8", newline="") as stream:
            report = organizations_import(
                records=FORMATS["plain"](stream),
                format="plain",
                filename="bench.csv",
                actor=system_actor(),
            )
        seconds = time.perf_counter() - start
    assert report.created == rows, report
    result["import_seconds"] = seconds
    result["import_rows_per_s"] = rows / seconds
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE directory_organization")

    client = Client()
    rng = random.Random(11)
    city_lat, city_lon = places[0][1], places[0][2]
    queries = {
        "full text (one word)": lambda: f"q={rng.choice(WORDS)}",
        "full text + structure": lambda: (
            f"q={rng.choice(WORDS)}+{rng.choice(WORDS)}&structure={rng.choice(STRUCTURES)}"
        ),
        "activity + country": lambda: (
            f"activity={rng.choice(ACTIVITIES)}&country={rng.choice(['GB', 'FR', 'ES'])}"
        ),
        "near (10 km)": lambda: "near={:.4f},{:.4f}&radius_km=10".format(*rng.choice(places)[1:3]),
        "bbox (city) + membership": lambda: (
            f"bbox={viewport_bbox(city_lat, city_lon, 12)}&membership_type={rng.choice(MEMBERSHIP)}"
        ),
    }
    result["search"] = {}
    for label, make in queries.items():
        timings = [timed_get(client, f"/api/v1/organizations?{make()}")[0] for _ in range(60)][10:]
        result["search"][label] = {
            "p50_ms": percentile(timings, 0.5),
            "p95_ms": percentile(timings, 0.95),
        }
    result["map"] = {}
    structures = iter(STRUCTURES * 10)

    def view(zoom: int) -> Callable[[], str]:
        return lambda: f"zoom={zoom}&bbox={viewport_bbox(city_lat, city_lon, zoom)}"

    views = {f"zoom {zoom}": view(zoom) for zoom in (4, 8, 13)}
    # A filtered zoomed-out view is counted live, never from the cached grid.
    views["zoom 4, one structure"] = lambda: (
        f"zoom=4&bbox={viewport_bbox(city_lat, city_lon, 4)}&structure={next(structures)}"
    )
    for label, make in views.items():
        cache.clear()
        first_ms, _ = timed_get(client, f"/api/v1/map?{make()}")
        runs = [timed_get(client, f"/api/v1/map?{make()}") for _ in range(25)][5:]
        payload = json.loads(client.get(f"/api/v1/map?{make()}").content)
        result["map"][label] = {
            "first_ms": first_ms,
            "p50_ms": percentile([t for t, _ in runs], 0.5),
            "p95_ms": percentile([t for t, _ in runs], 0.95),
            "kb": max(size for _, size in runs) / 1024,
            "in_view": payload["total"],
            "features": len(payload["features"]),
            "clustered": payload["clustered"],
        }
    return result


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def server_rss(env: dict[str, str]) -> dict[str, float]:
    """`intercoop demo` into an empty database, then gunicorn as `make run` starts it, a
    round of page views, and the RSS of its worker and master."""
    intercoop = [sys.executable, "-m", "intercoop.cli"]
    subprocess.run([*intercoop, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*intercoop, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    with running_server(env) as (base, server):
        for url in [
            "/",
            "/map/",
            "/orgs/",
            "/orgs/?q=bakery",
            "/api/v1/map?zoom=10",
            "/api/v1/organizations?page_size=100",
            "/api/v1/organizations/export?format=geojson",
            "/networks/valley-coop-network/",
        ] * 5:
            urllib.request.urlopen(base + url, timeout=10).read()
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        worker_kb = max(rss_kb(int(pid)) for pid in children)
        return {"worker_mb": worker_kb / 1024, "master_mb": rss_kb(server.pid) / 1024}


def run_database(kind: str, rows: int) -> dict[str, Any] | None:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="intercoop.config.settings", PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        env["INTERCOOP_VAR_DIR"] = tmp
        cleanup: Callable[[], None] | None = None
        if kind == "sqlite":
            bench_url = f"sqlite:///{tmp}/bench.sqlite3"
            rss_url = f"sqlite:///{tmp}/demo.sqlite3"
        else:
            try:
                import psycopg

                admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True)
            except Exception as error:
                print(f"PostgreSQL unreachable ({error}); skipped", file=sys.stderr)
                return None
            names = [f"intercoop_bench_{os.getpid()}", f"intercoop_demo_{os.getpid()}"]
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name}")
                admin.execute(f"CREATE DATABASE {name}")
            base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
            bench_url, rss_url = (f"{base}/{name}" for name in names)

            def drop() -> None:
                for name in names:
                    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                admin.close()

            cleanup = drop

        try:
            out = subprocess.run(
                [sys.executable, __file__, "--worker", "--rows", str(rows)],
                env=dict(env, DATABASE_URL=bench_url),
                check=False,
                capture_output=True,
                text=True,
            )
            if out.returncode:
                sys.exit(f"benchmark worker failed on {kind}:\n{out.stderr}")
            result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
            result["rss"] = server_rss(dict(env, DATABASE_URL=rss_url))
            return result
        finally:
            if cleanup is not None:
                cleanup()


def report(result: dict[str, Any]) -> None:
    def line(
        label: str, value: float, unit: str, goal: float, lower_is_better: bool = True
    ) -> None:
        ratio = value / goal
        ok = ratio <= 1 if lower_is_better else ratio >= 1
        print(
            f"  {label:<38} {value:>10.1f} {unit:<6} goal {'<' if lower_is_better else '≥'} {goal:g}"
            f"  ratio {ratio:5.2f}  {'ok' if ok else 'MISSED'}"
        )

    print(f"\n== {result['vendor']}: {result['rows']:,} organisations")
    line(
        "import",
        result["import_rows_per_s"],
        "rows/s",
        GOALS["import_rows_per_s"],
        lower_is_better=False,
    )
    print(f"  {'':<38} ({result['import_seconds']:.1f} s in all)")
    for label, figures in result["search"].items():
        print(f"  search: {label:<30} p50 {figures['p50_ms']:6.1f} ms")
        line(f"search: {label} p95", figures["p95_ms"], "ms", GOALS["search_p95_ms"])
    for label, figures in result["map"].items():
        kind = "clusters" if figures["clustered"] else "points"
        print(
            f"  map {label}: {figures['in_view']} in view as {figures['features']} {kind}; "
            f"first request {figures['first_ms']:.1f} ms (cold cache), "
            f"p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms"
        )
        line(f"map {label} payload", figures["kb"], "KB", GOALS["map_payload_kb"])
        line(f"map {label} p95", figures["p95_ms"], "ms", GOALS["search_p95_ms"])
    line("server RSS after demo (worker)", result["rss"]["worker_mb"], "MB", GOALS["rss_mb"])
    print(f"  {'server RSS (master)':<38} {result['rss']['master_mb']:>10.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(worker(args.rows)))
        return
    for kind in args.databases.split(","):
        result = run_database(kind.strip(), args.rows)
        if result:
            report(result)


if __name__ == "__main__":
    main()
