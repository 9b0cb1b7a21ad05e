"""`streamlit run`, with a way to ask the server process where its memory is (benchmarks only).

How it works
1. This file replaces `python -m streamlit`: it takes the same arguments and calls Streamlit's
   own command line in this process, so the app runs exactly as usual (no app code changes).
2. With MEMORY_TRACEMALLOC=<frames> in the environment, the first SIGUSR1 starts tracemalloc,
   keeping that many frames per allocation (numpy reports its array buffers to it). Starting it
   later leaves out Streamlit's start and the imports, which took minutes under tracing.
3. SIGUSR1 writes a report to the file named by MEMORY_REPORT: the process's RSS, the live
   sessions, and (with tracemalloc) the largest allocations by line and by the first frame in
   the project's own code (app.py, pages/, ui/, nn_core/), which says which app line asked.
4. Every st.cache_data hit unpickles a fresh copy of the stored value for its caller: the probe
   counts those copies and their bytes per cached function (shown in every report).
5. SIGUSR2 calls glibc's malloc_trim(0) and writes RSS before and after: the memory that is
   free inside Python's allocator but still held by the process (fragmentation, arenas).

Run it through benchmarks/memory.py, which sends the signals and reads the report.
"""

import ctypes
import os
import signal
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tuple(str(ROOT / part) for part in ("app.py", "pages", "ui", "nn_core"))
REPORT = os.environ.get("MEMORY_REPORT", "/tmp/memory_probe_report.txt")


def rss_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


CACHE_READS = {}  # cached function -> [hits, bytes unpickled]


def _count_cache_data_reads():
    """Wrap Streamlit's DataCache.read_result to count each cache_data copy and its size."""
    from streamlit.runtime.caching import cache_data_api

    read_result = cache_data_api.DataCache.read_result

    def counted(self, value_key):
        entry = read_result(self, value_key)
        try:
            size = len(self.storage.get(value_key))
        except Exception:
            size = 0
        counts = CACHE_READS.setdefault(self.display_name, [0, 0])
        counts[0] += 1
        counts[1] += size
        return entry

    cache_data_api.DataCache.read_result = counted


def _write(lines):
    with open(REPORT, "a") as f:
        f.write("\n".join(lines) + "\n")


def _sessions():
    """(connected, kept for reconnection) sessions in Streamlit's session manager."""
    try:
        from streamlit.runtime import Runtime

        mgr = Runtime.instance()._session_mgr
        return len(mgr.list_active_sessions()), len(mgr._session_storage.list())
    except Exception as e:  # a private API: say so rather than fail the report
        return f"unknown ({e!r})", ""


def _project_frame(trace_frames):
    """The innermost frame of the project's own code, else the outermost frame."""
    for frame in reversed(trace_frames):  # tracemalloc keeps the most recent frame last
        if frame.filename.startswith(PROJECT):
            return f"{os.path.relpath(frame.filename, ROOT)}:{frame.lineno}"
    return "(no project frame) " + trace_frames[-1].filename.replace(sys.prefix, "<venv>")


def report(*_):
    frames = int(os.environ.get("MEMORY_TRACEMALLOC", "0"))
    if frames and not tracemalloc.is_tracing():
        tracemalloc.start(frames)
        _write([f"=== tracemalloc started ({frames} frames) at RSS {rss_mb():.1f} MB"])
        return
    connected, kept = _sessions()
    lines = [f"=== report at {time.strftime('%H:%M:%S')}: RSS {rss_mb():.1f} MB, sessions "
             f"connected {connected}, kept for reconnection {kept}"]
    lines.append("-- st.cache_data hits so far: copies handed out, MB unpickled --")
    for name, (hits, size) in sorted(CACHE_READS.items(), key=lambda kv: -kv[1][1]):
        lines.append(f"{hits:6d} copies {size / 2**20:9.1f} MB  {name}")
    if tracemalloc.is_tracing():
        current, peak = tracemalloc.get_traced_memory()
        snap = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)])
        lines.append(f"traced by tracemalloc: {current / 2**20:.1f} MB now, "
                     f"{peak / 2**20:.1f} MB peak")
        lines.append("-- top 20 by line (where the allocation happened) --")
        for s in snap.statistics("lineno")[:20]:
            f = s.traceback[0]
            lines.append(f"{s.size / 2**20:8.1f} MB {s.count:8d} blocks  "
                         f"{f.filename.replace(sys.prefix, '<venv>')}:{f.lineno}")
        by_app = {}
        for t in snap.traces._traces:  # (domain, size, frames, ...) tuples: fast to walk
            frames = [tracemalloc.Frame(fr) for fr in t[2]]
            key = _project_frame(frames[::-1])  # oldest first, as _project_frame expects
            by_app[key] = by_app.get(key, 0) + t[1]
        lines.append("-- top 25 by the project line that asked for it --")
        for key, size in sorted(by_app.items(), key=lambda kv: -kv[1])[:25]:
            lines.append(f"{size / 2**20:8.1f} MB  {key}")
    _write(lines)


def trim(*_):
    before = rss_mb()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    _write([f"=== malloc_trim(0): RSS {before:.1f} MB -> {rss_mb():.1f} MB"])


def main():
    signal.signal(signal.SIGUSR1, report)
    signal.signal(signal.SIGUSR2, trim)
    _count_cache_data_reads()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main()


if __name__ == "__main__":
    main()
