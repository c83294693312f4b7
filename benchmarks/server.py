"""A real server for benchmarks: gunicorn as `make run` starts it, on a free local port."""

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(
    env: dict[str, str], *, workers: int = 1, threads: int = 8
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """(base URL, process) of a gunicorn serving Intercoop with `env`, once it answers.
    Static files are collected first, as `make run` does: pages link their hashed names."""
    subprocess.run(
        [sys.executable, "-m", "intercoop.cli", "collectstatic", "--noinput", "--verbosity", "0"],
        env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "intercoop.config.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base, server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
