"""Start a real `streamlit run` for the browser tests and the latency benchmark.

How it works
1. A free port on 127.0.0.1 is picked and checked: a stray server there would silently serve
   an old app.
2. `python -m streamlit run SCRIPT` starts from the project's folder, so .streamlit/config.toml
   applies, with its output in a temporary file (shown if it never becomes healthy), and with
   MALLOC_ARENA_MAX=2 as the Dockerfile sets it, unless the environment given says otherwise.
3. /_stcore/health is polled until it answers (about 0.5 s on a quiet machine).
4. On leaving the `with` block exactly that process is stopped (terminate, wait, then kill).
"""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class ServerURL(str):
    """The server's address (a plain str to the callers), with the server's process id as .pid,
    so a test can watch what that process does (its CPU time, its memory)."""

    pid: int


class ServerDidNotStart(RuntimeError):
    """The server exited or never answered its health check; the message holds its log's end."""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(script="app.py", timeout=60, launcher=("-m", "streamlit"), options=(),
                     env=None):
    """`streamlit run script` on a free port; yields its URL (a ServerURL) once healthy.

    launcher: what follows the python executable (benchmarks/memory.py passes its probe);
    options: more `--name value` command-line options; env: the server's environment.
    """
    port = free_port()
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", port)) == 0:
            raise ServerDidNotStart(f"port {port} is already serving something")
    cmd = [sys.executable, *launcher, "run", str(script), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *options]
    # As deployed (Dockerfile): two malloc arenas, so the memory measured is the memory hosted.
    env = {"MALLOC_ARENA_MAX": "2", **(os.environ if env is None else env)}
    log = tempfile.NamedTemporaryFile("w+", prefix="streamlit-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = ServerURL(f"http://127.0.0.1:{port}")
    url.pid = proc.pid
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                log.seek(0)
                raise ServerDidNotStart(f"streamlit did not become healthy (exit code "
                                        f"{proc.poll()}):\n" + log.read()[-3000:])
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        os.unlink(log.name)
