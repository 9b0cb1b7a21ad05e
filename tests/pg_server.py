"""A real PostgreSQL server for the storage tests: Debian's postgresql package, started here.

How it works
1. The binaries are found in /usr/lib/postgresql/<version>/bin. Missing: with CI=true the test
   fails with the install command, elsewhere it is skipped with the same hint.
2. initdb makes a cluster in a temporary directory; PostgreSQL refuses to run as root, so as
   root the directory is given to the `postgres` user and every command runs through runuser.
3. pg_ctl starts it on a free localhost port (no Unix socket in a shared directory), a database
   is created, and its SQLAlchemy URL (psycopg 3) is handed to the tests; pg_ctl stops it after.
4. postgres_server() hands over the server itself: its url, and stop() / start() for the tests
   of a database that goes away and comes back (same port, same data).
5. `python tests/pg_server.py` does the same for a shell script (scripts/cluster_test.sh): it
   prints the URL on one line, keeps the server until it gets SIGTERM or SIGINT, then stops it.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

HINT = "PostgreSQL is not installed: apt-get install -y postgresql"


def _bin_dir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(args):
    """args run as the postgres user when we are root (the server refuses root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


class PostgresServer:
    """A running throw-away server: url, and stop() / start() on the same port and data."""

    def __init__(self, bin_dir, root):
        self.bin_dir, self.root = bin_dir, root
        self.data, self.log, self.port = root / "data", root / "server.log", _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/nn_digits"

    def run(self, *args):
        return subprocess.run(_as_server_user([str(self.bin_dir / args[0]), *args[1:]]),
                              check=True, capture_output=True, text=True, timeout=120)

    def start(self):
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start",
                 "-o", f"-h 127.0.0.1 -p {self.port} -k '' -F")

    def stop(self):
        """A fast shutdown: open connections are cut, as when the server goes down."""
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def running(self):
        return (self.data / "postmaster.pid").exists()


@contextmanager
def postgres_server():
    """Start a throw-away PostgreSQL server; yield it (PostgresServer); stop it and delete it."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        if os.environ.get("CI") == "true":
            pytest.fail(HINT)
        pytest.skip(HINT)
    root = Path(tempfile.mkdtemp(prefix="nn-digits-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = PostgresServer(bin_dir, root)
    try:
        server.run("initdb", "-D", str(server.data), "-U", "postgres", "-A", "trust", "--no-sync")
        server.start()
        try:
            server.run("createdb", "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres",
                       "nn_digits")
            yield server
        finally:
            if server.running:
                server.stop()
    except subprocess.CalledProcessError as e:
        tail = server.log.read_text()[-2000:] if server.log.exists() else ""
        pytest.fail(f"could not run PostgreSQL: {' '.join(e.cmd)}: {e.stderr}{tail}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def postgres_url():
    """Start a throw-away PostgreSQL server; yield its SQLAlchemy URL; stop it and delete it."""
    with postgres_server() as server:
        yield server.url


def main():
    """Serve until SIGTERM / SIGINT; exit 1 with the reason when the server cannot start."""
    if _bin_dir() is None:
        sys.exit(HINT)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # leaves the with block: pg_ctl stop
    try:
        with postgres_url() as url:
            print(url, flush=True)
            while True:
                signal.pause()
    except KeyboardInterrupt:
        pass
    except pytest.fail.Exception as e:  # the reason postgres_url gives the tests
        sys.exit(str(e))


if __name__ == "__main__":
    main()
