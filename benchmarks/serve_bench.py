#!/usr/bin/env python3
"""Time `statusgen serve` on a synthetic site: from saving one incident file to the new page being served.

    python benchmarks/serve_bench.py [--incidents 10000] [--saves 40] [--bodies realistic|plain] [--keep DIR]
                                     [--clock] [--against REF] [--json]

1. Generates a site with benchmarks/generate.py (realistic bodies by default; or reuses
   DIR/<bodies>-<incidents> with --keep, as run.py does) and copies it, so the edits never touch the
   generated one.
2. Times `python -m statusgen build SITE -o OUT --now NOW` (--repeat times) for reference.
3. Starts `python -m statusgen serve COPY --port P --now NOW` and times it until the home page is served.
4. --saves times, alternately: appends an update to the open incident (what a support lead does during
   an outage), and appends a correction to a random resolved incident. Each save is atomic, as editors and
   `statusgen update` save (a temporary file renamed over the original). It measures the time from the
   save to the tab's reload event for that page (server-sent events), then checks with a GET that the
   page served holds the new text, and reads the server's own "Rebuilt in" line for the whole rebuild.
5. Reports median, 90th percentile and maximum of each.

With --against REF, git revision REF is checked out into a temporary worktree (as run.py does): the
reference builds alternate between REF and this working tree, both servers run at once on their own copy
of the same site (each started and measured alone until its first page), and every save is made to
both copies in turn, so both see the same edits under the same load. Then a before/after table.

Standard library only. Progress goes to stderr; the report (or JSON with --json) to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import queue
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in benchmarks/
import generate  # noqa: E402  (benchmarks/generate.py)
from run import NOW, ROOT, Tree, check_tree, log, prepare_site, ref_worktree  # noqa: E402  (benchmarks/run.py)

OPEN_INCIDENT_START = "2026-11-25T10:00:00+01:00"


def out(line: str) -> None:
    sys.stdout.write(line + "\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict:
    return {"n": len(values), "median_ms": round(statistics.median(values) * 1000, 1),
            "p90_ms": round(percentile(values, 0.9) * 1000, 1), "max_ms": round(max(values) * 1000, 1)}


def time_build(python: str, site: Path, env: dict, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="serve-bench-out-") as out:
            start = time.perf_counter()
            subprocess.run([python, "-m", "statusgen", "-q", "build", str(site), "-o", out + "/site", "--now", NOW],
                           check=True, env=env, stdin=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
    return times


class Server:
    """`statusgen serve` as a child process, with its log lines and an event stream."""

    def __init__(self, python: str, site: Path, port: int, env: dict, clock: bool) -> None:
        cmd = [python, "-m", "statusgen", "serve", str(site), "--port", str(port)]
        if not clock:
            cmd += ["--now", NOW]
        self.port = port
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._read_log, daemon=True).start()
        self.events: queue.Queue[tuple[float, dict]] = queue.Queue()

    def _read_log(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))

    def wait_ready(self, timeout: float) -> float:
        """Wait until the home page is served; return the seconds since the process started."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("statusgen serve exited:\n" + "\n".join(line for _, line in self.drain()))
            try:
                if self.get("/")[0] == 200:
                    return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("statusgen serve did not answer in time")

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def listen(self) -> None:
        """Read the event stream in a thread, stamping each change when it arrives."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.request("GET", "/__statusgen__/events")
        response = conn.getresponse()

        def read() -> None:
            for raw in response:
                line = raw.decode()
                if line.startswith("data: "):
                    self.events.put((time.perf_counter(), json.loads(line[6:])))

        threading.Thread(target=read, daemon=True).start()

    def drain(self) -> list[tuple[float, str]]:
        found = []
        while True:
            try:
                found.append(self.lines.get_nowait())
            except queue.Empty:
                return found

    def stop(self) -> None:
        self.proc.send_signal(2)  # Ctrl-C
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def save(path: Path, text: str) -> float:
    """Save ``text`` atomically (a temporary file renamed over the file); return when the save was done."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return time.perf_counter()


def next_change(server: Server, page: str, since: float, timeout: float = 60) -> float:
    """Return when the event naming ``page`` (or everything) arrived."""
    deadline = time.monotonic() + timeout
    while True:
        at, data = server.events.get(timeout=max(0.01, deadline - time.monotonic()))
        paths = data.get("paths", [])
        if at >= since and (page in paths or "*" in paths):
            return at


def rebuilt_at(server: Server, timeout: float = 10) -> float | None:
    """Return when the server said it finished the rebuild (its "Rebuilt in" line arrived)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            at, line = server.lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            return None
        if re.search(r"Rebuilt in [0-9.]+ s", line):
            return at
    return None


class Session:
    """One statusgen (this working tree, or REF) serving its own copy of the site, and what it measured."""

    def __init__(self, tree: Tree, site: Path) -> None:
        self.tree = tree
        self.site = site
        self.server: Server | None = None
        self.ready: float | None = None
        self.served: dict[str, list[float]] = {"open incident": [], "resolved incident": []}
        self.complete: dict[str, list[float]] = {"open incident": [], "resolved incident": []}

    def save_and_measure(self, n: int, kind: str, path: Path) -> str:
        server = self.server
        assert server is not None
        marker = f"Benchmark note {n}"
        text = path.read_text(encoding="utf-8")
        if kind == "open incident":
            at = f"2026-11-25T11:5{n // 60 % 10}:{n % 60:02d}+01:00"
            text += f"  - at: {at}\n    status: monitoring\n    body: \"{marker}.\"\n    next_update_in: 1h\n"
        else:
            last = re.findall(r"^  - at: (\S+)", text, re.MULTILINE)[-1]
            text += f"  - at: {last}\n    status: resolved\n    corrects: 1\n    body: \"{marker}.\"\n"
        server.drain()
        page = f"incidents/{path.stem}/index.html"
        saved = save(path, text)
        arrived = next_change(server, page, saved)
        status, body = server.get(f"/incidents/{path.stem}/")
        if status != 200 or marker.encode() not in body:
            raise RuntimeError(f"{self.tree.label}: save {n}: the page served does not show the change yet")
        self.served[kind].append(arrived - saved)
        done = rebuilt_at(server)
        whole = done - saved if done is not None else None
        if whole is not None:
            self.complete[kind].append(whole)
        return (f"served after {(arrived - saved) * 1000:.0f} ms"
                + (f", everything rebuilt after {whole * 1000:.0f} ms" if whole is not None else ""))

    def result(self, build_times: list[float]) -> dict:
        all_served = self.served["open incident"] + self.served["resolved incident"]
        return {
            "statusgen": self.tree.label,
            "build_seconds": [round(t, 2) for t in build_times],
            "serve_ready_seconds": round(self.ready, 2),
            "ready_over_build": round(self.ready / statistics.median(build_times), 2),
            "save_to_served": summary(all_served) if all_served else {},
            "save_to_served_by_kind": {k: summary(v) for k, v in self.served.items() if v},
            "rebuild_by_kind": {k: summary(v) for k, v in self.complete.items() if v},
        }


def report_rows(result: dict) -> list[tuple[str, dict]]:
    rows = [("save -> page served", result["save_to_served"])]
    rows += [(f"  {k}", v) for k, v in result["save_to_served_by_kind"].items()]
    rows += [("save -> everything rebuilt", {})]
    rows += [(f"  {k}", v) for k, v in result["rebuild_by_kind"].items()]
    return rows


def print_one(result: dict, head: str) -> None:
    build_times = result["build_seconds"]
    out(head)
    out(f"statusgen build:        {statistics.median(build_times):.2f} s (median of {len(build_times)})")
    out(f"statusgen serve ready:  {result['serve_ready_seconds']:.2f} s ({result['ready_over_build']:.2f}x the build)")
    out(f"{'':28} {'n':>4} {'median ms':>10} {'p90 ms':>8} {'max ms':>8}")
    for name, s in report_rows(result):
        if not s:
            out(name)
            continue
        out(f"{name:28} {s['n']:>4} {s['median_ms']:>10.1f} {s['p90_ms']:>8.1f} {s['max_ms']:>8.1f}")


def print_comparison(before: dict, after: dict, head: str) -> None:
    out(head)
    rows = [("statusgen build s (median)", statistics.median(before["build_seconds"]),
             statistics.median(after["build_seconds"])),
            ("serve: first page s", before["serve_ready_seconds"], after["serve_ready_seconds"])]
    for (name, b), (_, a) in zip(report_rows(before), report_rows(after)):
        if b and a:
            rows.append((name + " median ms", b["median_ms"], a["median_ms"]))
            rows.append((name + " p90 ms", b["p90_ms"], a["p90_ms"]))
        else:
            rows.append((name, None, None))
    width = max(len(r[0]) for r in rows)
    left, right = "before: " + before["statusgen"], "after: " + after["statusgen"]
    out(f"{'':{width}}  {left:>22}  {right:>22}  {'after/before':>12}")
    for name, b, a in rows:
        if b is None:
            out(name)
            continue
        ratio = f"{a / b:.2f}x" if b else ""
        out(f"{name:{width}}  {b:>22.2f}  {a:>22.2f}  {ratio:>12}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time `statusgen serve`: from saving an incident to its page served.")
    ap.add_argument("--incidents", type=int, default=10000, help="incidents in the synthetic site (10000)")
    ap.add_argument("--saves", type=int, default=40, help="saves to time (40)")
    ap.add_argument("--repeat", type=int, default=2, help="`statusgen build` runs for reference (2)")
    ap.add_argument("--bodies", choices=generate.BODY_STYLES, default="realistic",
                    help="update texts of the generated site (realistic)")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="reuse or keep the generated site in DIR/<bodies>-<incidents>")
    ap.add_argument("--against", metavar="REF",
                    help="also serve with git revision REF (a temporary worktree) and compare, save by save")
    ap.add_argument("--clock", action="store_true", help="serve without --now: each rebuild takes the clock")
    ap.add_argument("--pause", type=float, default=0.3, help="seconds between saves after a rebuild (0.3)")
    ap.add_argument("--python", default=sys.executable, help="interpreter that runs statusgen (this one)")
    ap.add_argument("--json", action="store_true", help="print results as JSON")
    args = ap.parse_args(argv)
    args.components, args.updates, args.seed = generate.DEFAULT_COMPONENTS, 4, 1
    if args.keep is not None:
        args.keep = args.keep.resolve()
        args.keep.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1)
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="statusgen-serve-bench-") as tmp_name, contextlib.ExitStack() as stack:
        tmp = Path(tmp_name)
        trees = [Tree("working tree", ROOT)]
        if args.against:
            trees.insert(0, stack.enter_context(ref_worktree(args.against, tmp)))
        for tree in trees:
            log(f"{tree.label}: statusgen from {check_tree(args.python, tree)}")
        source, _, _ = prepare_site(args.incidents, args.keep, tmp, args)
        log(f"timing `statusgen build` ({args.repeat}x{' each, alternating' if len(trees) > 1 else ''})")
        build_times: dict[str, list[float]] = {t.label: [] for t in trees}
        for _ in range(args.repeat):
            for tree in trees:
                build_times[tree.label] += time_build(args.python, source, tree.env, 1)
        sessions = []
        for i, tree in enumerate(trees):
            site = tmp / f"site-{i}"
            shutil.copytree(source, site)
            sessions.append(Session(tree, site))
        incidents = sorted((sessions[0].site / "incidents").glob("*.yaml"))
        open_name = next(p.name for p in reversed(incidents)
                         if OPEN_INCIDENT_START in p.read_text(encoding="utf-8"))
        # Updates are appended at the end of the file: leave out those that end with a postmortem.
        resolved = [p.name for p in incidents
                    if p.name != open_name and "postmortem:" not in p.read_text(encoding="utf-8")]
        try:
            for session in sessions:  # one at a time, so each first build has the machine to itself
                session.server = Server(args.python, session.site, free_port(), session.tree.env, args.clock)
                log(f"starting `statusgen serve` ({session.tree.label})")
                session.ready = session.server.wait_ready(timeout=600)
                session.server.listen()
            time.sleep(0.5)
            for n in range(args.saves):
                kind = "open incident" if n % 2 == 0 else "resolved incident"
                name = open_name if kind == "open incident" else rng.choice(resolved)
                for session in sessions:
                    said = session.save_and_measure(n, kind, session.site / "incidents" / name)
                    log(f"save {n + 1}/{args.saves} ({kind}{', ' + session.tree.label if len(sessions) > 1 else ''})"
                        f": {said}")
                    time.sleep(args.pause)
        finally:
            for session in sessions:
                if session.server is not None:
                    session.server.stop()
        results = [s.result(build_times[s.tree.label]) for s in sessions]
    meta = {
        "incidents": args.incidents, "bodies": args.bodies, "now": None if args.clock else NOW,
        "python": platform.python_version(),
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
    }
    if args.json:
        doc = dict(meta, **results[-1])
        if len(results) > 1:
            doc["against"] = dict(results[0], ref=args.against)
        out(json.dumps(doc, indent=2))
        return 0
    head = (f"{args.incidents} incidents ({args.bodies} bodies), Python {meta['python']}, {meta['cpus']} CPUs"
            + (", clock" if args.clock else f", --now {NOW}"))
    if len(results) > 1:
        print_comparison(results[0], results[1], head)
        out("")
        for r in results:
            print_one(r, f"{r['statusgen']}:")
    else:
        print_one(results[0], head)
    return 0


if __name__ == "__main__":
    sys.exit(main())
