"""`make run`: the web server (gunicorn), a task worker and the clock side by side.

Once the server answers /healthz it prints the address to open and the demo accounts.
Ctrl-C (or SIGTERM) stops both; if one of them stops by itself, the other is stopped too.

    python -m intercoop.config.serve [--host 127.0.0.1] [--port 8000]
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

# The demo's accounts (intercoop demo) and what each may do.
DEMO_ACCOUNTS = {
    "coordinator": "coordinates both demo networks",
    "manager": "administers an organisation",
    "member": "a member of that organisation",
    "lucia": "edits that organisation, in Spanish",
}
STARTUP_SECONDS = 120


def _demo_accounts() -> list[str]:
    """The demo accounts that still sign in with the demo password."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intercoop.config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from intercoop.directory.demo import DEMO_PASSWORD

    users = get_user_model().objects.filter(username__in=DEMO_ACCOUNTS, is_active=True)
    usable = {user.username for user in users if user.check_password(DEMO_PASSWORD)}
    connection.close()
    return [
        f"  {name:<12} {DEMO_PASSWORD:<16} {role}"
        for name, role in DEMO_ACCOUNTS.items()
        if name in usable
    ]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own URL)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The web server and a task worker.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "8")))
    options = parser.parse_args(argv)

    bin_dir = Path(sys.executable).parent
    web = [
        str(bin_dir / "gunicorn"),
        "intercoop.config.wsgi",
        f"--bind={options.host}:{options.port}",
        f"--workers={options.workers}",
        f"--threads={options.threads}",
        "--access-logfile=-",
    ]
    worker = [str(bin_dir / "intercoop"), "db_worker", "--queue-name=*", "--no-reload"]
    clock = [str(bin_dir / "intercoop"), "clock"]  # queues digests and other periodic jobs
    signal.signal(signal.SIGTERM, _on_sigterm)
    processes = [subprocess.Popen(web), subprocess.Popen(worker), subprocess.Popen(clock)]  # noqa: S603
    local = "127.0.0.1" if options.host in {"0.0.0.0", "::", ""} else options.host  # noqa: S104
    address = f"http://{local}:{options.port}/"
    try:
        accounts = _demo_accounts()  # while gunicorn starts
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(address + "healthz"):
            if any(process.poll() is not None for process in processes):
                print("intercoop: the server or the task worker failed to start", file=sys.stderr)
                return 1
            if time.monotonic() > deadline:
                print(f"intercoop: {address}healthz did not answer in time", file=sys.stderr)
                return 1
            time.sleep(0.25)
        lines = ["", f"Intercoop is running: open {address}"]
        if accounts:
            lines += ["Demo accounts (username, password, role):", *accounts]
        lines += ["Background tasks run in a worker beside the server. Ctrl-C stops both.", ""]
        print("\n".join(lines), flush=True)
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        print("intercoop: the server or the task worker stopped", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(processes)


if __name__ == "__main__":
    sys.exit(main())
