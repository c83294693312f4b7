"""Load on a real server, as `make run` starts it (gunicorn, 2 workers × 8 threads), with
the demo region loaded, on SQLite and on PostgreSQL:

1. 64 concurrent clients on loopback for 30 s, each asking in turn for the home page, the
   organisation list, the map API and a search: requests/s, p50/p99 latency and errors.
2. 20 clients making mutual-credit payments at once (opposite directions, each with an
   Idempotency-Key, one retry of each): answers by status, server errors (SQLite's
   "database is locked" among them), and the ledger afterwards: the sum of all entries
   (must be 0) and whether every balance equals the sum of its entries.

    python benchmarks/load.py [--seconds 30] [--clients 64] [--payers 20]
                              [--databases sqlite,postgres]
"""

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from multiprocessing import Pool
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.server import running_server  # noqa: E402 - after the path is set

POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
PATHS = [
    "/",
    "/orgs/",
    "/api/v1/map?zoom=8&bbox=-3.5,53.0,-0.5,54.5",
    "/api/v1/organizations?q=bakery",
]
CREDIT_NETWORK = "valley-coop-network"
SETUP = """
import json
from django.contrib.auth.models import User
from intercoop.clearing.models import CreditSystem
from intercoop.core.services import api_token_create
system = CreditSystem.objects.get(network__slug="{network}")
members = [a.organization.slug for a in system.accounts.select_related("organization").order_by("pk")]
user = User.objects.create(username="bench-payer", is_staff=True)
_token, key = api_token_create(actor=user, user=user, name="bench")
print(json.dumps({{"key": key, "members": members}}))
"""
LEDGER = """
import json
from django.db.models import Sum
from intercoop.clearing.models import CreditAccount, CreditEntry
total = sum(CreditEntry.objects.values_list("amount", flat=True))
sums = dict(CreditEntry.objects.values("account_id").annotate(s=Sum("amount")).values_list("account_id", "s"))
mismatched = sum(1 for a in CreditAccount.objects.all() if a.balance != sums.get(a.pk, 0))
print(json.dumps({"sum": total, "entries": CreditEntry.objects.count(), "mismatched": mismatched}))
"""


def _manage(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "intercoop.cli", *args], env=env, cwd=ROOT,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode:
        sys.exit(f"intercoop {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return out.stdout


def _script(env: dict[str, str], code: str) -> Any:
    out = _manage(env, "shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


def _client(args: tuple[str, float, int]) -> tuple[list[float], int, int]:
    """One client process: `threads` keep-alive connections asking for PATHS in turn until
    the deadline. Returns latencies (ms), errors and requests."""
    base, deadline, threads = args
    host = urlsplit(base)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def run(offset: int) -> None:
        connection = http.client.HTTPConnection(host.hostname or "127.0.0.1", host.port, timeout=30)
        mine: list[float] = []
        bad = 0
        i = offset
        while time.monotonic() < deadline:
            path = PATHS[i % len(PATHS)]
            i += 1
            start = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                connection.close()
                connection = http.client.HTTPConnection(
                    host.hostname or "127.0.0.1", host.port, timeout=30
                )
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, errors[0], len(latencies)


def read_load(base: str, *, seconds: float, clients: int) -> dict[str, Any]:
    processes = 4
    deadline = time.monotonic() + seconds
    with Pool(processes) as pool:
        parts = pool.map(_client, [(base, deadline, clients // processes)] * processes)
    latencies = sorted(x for part in parts for x in part[0])
    requests = sum(part[2] for part in parts)
    return {
        "requests": requests,
        "rps": requests / seconds,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "errors": sum(part[1] for part in parts),
    }


def payments(base: str, key: str, members: list[str], *, payers: int) -> dict[str, Any]:
    host = urlsplit(base)
    statuses: Counter[int] = Counter()
    locked = [0]
    retried_differently = [0]
    lock = threading.Lock()
    start_line = threading.Barrier(payers)

    def pay(connection: http.client.HTTPConnection, body: bytes, idem: str) -> tuple[int, bytes]:
        connection.request(
            "POST", f"/api/v1/networks/{CREDIT_NETWORK}/credit/payments", body=body,
            headers={"Authorization": f"Token {key}", "Content-Type": "application/json",
                     "Idempotency-Key": idem},
        )  # fmt: skip
        response = connection.getresponse()
        return response.status, response.read()

    def run(n: int) -> None:
        rng = random.Random(n)
        connection = http.client.HTTPConnection(host.hostname or "127.0.0.1", host.port, timeout=60)
        start_line.wait()
        for i in range(25):
            a, b = rng.sample(members[:6], 2)  # few accounts: maximal contention
            payer, payee = (a, b) if (n + i) % 2 else (b, a)
            body = json.dumps({"payer": payer, "payee": payee, "amount": rng.randint(1, 500),
                               "memo": f"bench {n}.{i}"}).encode()  # fmt: skip
            idem = uuid.uuid4().hex
            first = pay(connection, body, idem)
            again = pay(connection, body, idem)  # a client retrying after a time-out
            with lock:
                for status, text in (first, again):
                    statuses[status] += 1
                    locked[0] += b"database is locked" in text
                if first[0] == 201 and (again[0] != 201 or json.loads(again[1])["id"] !=
                                        json.loads(first[1])["id"]):  # fmt: skip
                    retried_differently[0] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(payers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "statuses": dict(sorted(statuses.items())),
        "server_errors": sum(v for k, v in statuses.items() if k >= 500),
        "locked": locked[0],
        "retries_answered_differently": retried_differently[0],
    }


def run_database(kind: str, args: argparse.Namespace) -> dict[str, Any] | None:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="intercoop.config.settings",
               PYTHONPATH=str(ROOT), TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
               EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        env["INTERCOOP_VAR_DIR"] = tmp
        cleanup: Callable[[], None] | None = None
        if kind == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{tmp}/load.sqlite3"
        else:
            try:
                import psycopg

                admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True)
            except Exception as error:
                print(f"PostgreSQL unreachable ({error}); skipped", file=sys.stderr)
                return None
            name = f"intercoop_load_{os.getpid()}"
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
            env["DATABASE_URL"] = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"

            def drop() -> None:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                admin.close()

            cleanup = drop
        try:
            _manage(env, "migrate", "--noinput")
            _manage(env, "demo")
            setup = _script(env, SETUP.format(network=CREDIT_NETWORK))
            with running_server(env, workers=2, threads=8) as (base, _server):
                reads = read_load(base, seconds=args.seconds, clients=args.clients)
                paid = payments(base, setup["key"], setup["members"], payers=args.payers)
            paid["ledger"] = _script(env, LEDGER)
            return {"reads": reads, "payments": paid}
        finally:
            if cleanup is not None:
                cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--payers", type=int, default=20)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    results = {}
    for kind in args.databases.split(","):
        result = run_database(kind, args)
        if result is not None:
            results[kind] = result
    print(f"\nReads: {args.clients} clients for {args.seconds:.0f} s on "
          f"{', '.join(PATHS)}")  # fmt: skip
    print(
        f"{'database':<10} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    for kind, result in results.items():
        r = result["reads"]
        print(f"{kind:<10} {r['requests']:>9} {r['rps']:>8.0f} {r['p50_ms']:>8.1f} "
              f"{r['p99_ms']:>8.1f} {r['errors']:>7}")  # fmt: skip
    if len(results) == 2:
        s, p = results["sqlite"]["reads"], results["postgres"]["reads"]
        print(f"ratio PostgreSQL/SQLite req/s: {p['rps'] / s['rps']:.2f}")
    print(f"\nPayments: {args.payers} clients at once, 25 payments each, each sent twice "
          "with its Idempotency-Key")  # fmt: skip
    for kind, result in results.items():
        p = result["payments"]
        ledger = p["ledger"]
        print(f"{kind:<10} answers {p['statuses']}; server errors {p['server_errors']} "
              f"(database is locked: {p['locked']}); retries answered differently "
              f"{p['retries_answered_differently']}; ledger: {ledger['entries']} entries "
              f"summing to {ledger['sum']}, balances off their entries: {ledger['mismatched']}")  # fmt: skip


if __name__ == "__main__":
    main()
