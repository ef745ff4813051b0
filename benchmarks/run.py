#!/usr/bin/env python3
"""Time `statusgen build` on synthetic sites of growing size, alone or against another revision.

    python benchmarks/run.py [--sizes 1000 10000] [--repeat 3] [--bodies realistic|plain ...] [--keep DIR]
                             [--against REF] [--json]

For each size: generate a site with benchmarks/generate.py (into a temporary folder, or reuse
DIR/<bodies>-<size> when it was generated with the same arguments), then run

    python -m statusgen -v build SITE -o OUT --now 2026-11-25T12:00:00+01:00

as a subprocess --repeat times, each time into a fresh OUT (the previous output deleted and the disk
synced first, so no build pays for the write-back of the one before; --out-dir puts OUT elsewhere, e.g.
on a RAM disk). Reports the wall time (median and minimum),
CPU time, peak memory (the largest process, from os.wait4, and the whole process tree, sampled), the
build's own phase timings (its `timings:` line), the files and bytes written, bytes per incident and the
size of the home page; then how the build time grows between consecutive sizes.

With --against REF, git revision REF of this repository is checked out into a temporary worktree
(`git worktree add --detach`, removed afterwards) and the same generated sites are built by REF and by
this working tree in turns (REF, tree, REF, tree, ...), so load on the machine affects both alike; then a
before/after table with ratios, and whether both wrote the same bytes. With two body styles
(`--bodies plain realistic`) both sites are built in turns the same way and compared, the first as before.

Standard library only. Progress goes to stderr; the tables (or JSON with --json) to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOW = "2026-11-25T12:00:00+01:00"

sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in benchmarks/
import generate  # noqa: E402  (benchmarks/generate.py)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------
# Which statusgen runs.

class Tree:
    """A checkout of statusgen that builds: this working tree, or REF in a temporary worktree."""

    def __init__(self, label: str, root: Path, commit: str | None = None) -> None:
        self.label = label
        self.root = root
        self.commit = commit
        self.env = build_env(root)

    def __repr__(self) -> str:
        return "Tree(%r, %s)" % (self.label, self.root)


def build_env(root: Path = ROOT) -> dict:
    """Make `python -m statusgen` import the statusgen of ``root`` (src/ layout or flat) without installing it."""
    env = dict(os.environ)
    extra = []
    if (root / "src" / "statusgen").is_dir():
        extra.append(str(root / "src"))
    elif (root / "statusgen").is_dir():
        extra.append(str(root))
    if extra:
        env["PYTHONPATH"] = os.pathsep.join(extra + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def check_tree(python: str, tree: Tree) -> str:
    """Compile the tree's modules (so no run pays for it) and make sure its statusgen is the one imported."""
    src = tree.root / "src" if (tree.root / "src").is_dir() else tree.root / "statusgen"
    subprocess.run([python, "-m", "compileall", "-q", str(src)], env=tree.env, stdout=subprocess.DEVNULL,
                   stdin=subprocess.DEVNULL, check=False)
    probe = subprocess.run([python, "-c", "import statusgen; print(statusgen.__file__)"], env=tree.env,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=str(tree.root))
    location = probe.stdout.strip()
    if probe.returncode != 0:
        raise RuntimeError("%s: cannot import statusgen:\n%s" % (tree.label, probe.stderr[-2000:]))
    if not Path(location).resolve().is_relative_to(tree.root.resolve()):
        raise RuntimeError("%s: `import statusgen` finds %s, not the checkout in %s"
                           % (tree.label, location, tree.root))
    return location


@contextlib.contextmanager
def ref_worktree(ref: str, tmp: Path):
    """Check out ``ref`` of this repository into a temporary worktree; remove it afterwards."""
    def git(*args: str, check: bool = True) -> str:
        done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL)
        if check and done.returncode != 0:
            raise RuntimeError("git %s failed: %s" % (" ".join(args), done.stderr.strip()))
        return done.stdout.strip()

    commit = git("rev-parse", "--verify", "--end-of-options", ref + "^{commit}")
    subject = git("log", "-1", "--format=%h %s", commit)
    path = tmp / "against"
    git("worktree", "add", "--detach", str(path), commit)
    try:
        log("against %s: %s (worktree %s)" % (ref, subject, path))
        yield Tree("%s (%s)" % (ref, commit[:10]), path, commit)
    finally:
        git("worktree", "remove", "--force", str(path), check=False)
        if path.exists():  # removal failed: delete the folder, then let git forget worktrees that are gone
            shutil.rmtree(path, ignore_errors=True)
            git("worktree", "prune", check=False)


# ---------------------------------------------------------------------------------------------------------
# One build.

def maxrss_bytes(ru_maxrss: int) -> int:
    # Linux reports KiB, macOS bytes.
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


class TreeMemory:
    """Samples the memory of a process and all its descendants (Linux /proc), every ``interval`` seconds.

    Uses the proportional set size (PSS, shared pages split between the processes that share them), so
    forked workers that share the parent's pages are not counted twice; RSS where PSS is not readable.
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.available = os.path.exists("/proc/%d/smaps_rollup" % pid) or os.path.exists("/proc/%d/status" % pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        if self.available:
            self._thread.start()

    def _tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                for tid in os.listdir("/proc/%d/task" % pid):
                    with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                        todo.extend(int(c) for c in f.read().split())
            except OSError:
                pass
        return pids

    @staticmethod
    def _size(pid: int) -> int:
        for path, key in (("/proc/%d/smaps_rollup" % pid, "Pss:"), ("/proc/%d/status" % pid, "VmRSS:")):
            try:
                with open(path) as f:
                    for line in f:
                        if line.startswith(key):
                            return int(line.split()[1]) * 1024
            except (OSError, ValueError):
                continue
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            total = sum(self._size(pid) for pid in self._tree())
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def stop(self) -> int | None:
        if not self.available:
            return None
        self._stop.set()
        self._thread.join()
        return self.peak or None


TIMINGS = re.compile(r"timings:\s*(.*)")
PHASE = re.compile(r"([A-Za-z][\w .-]*?)\s+([0-9]+(?:\.[0-9]+)?)\s*s\b")


def parse_timings(text: str) -> dict[str, float]:
    """Return the phases of the build's `timings: load 1.234 s, derive 0.1 s, ...` line ({} if none)."""
    found = TIMINGS.findall(text)
    if not found:
        return {}
    return {name.strip(): float(value) for name, value in PHASE.findall(found[-1])}


def run_build(python: str, site: Path, out: Path, tree: Tree, logfile: Path, timeout: float | None,
              jobs: int | None = None) -> dict:
    """One build as a child process; returns wall/cpu seconds, memory and the build's phase timings."""
    cmd = [python, "-m", "statusgen", "-v", "build", str(site), "-o", str(out), "--now", NOW]
    if jobs:
        cmd += ["-j", str(jobs)]
    with open(logfile, "wb") as lf:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=lf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=str(tree.root), env=tree.env)
        sampler = TreeMemory(proc.pid)
        if hasattr(os, "wait4") and timeout is None:
            _, status, ru = os.wait4(proc.pid, 0)  # per-child rusage (with its reaped workers), unlike RUSAGE_CHILDREN
            wall = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
            cpu = ru.ru_utime + ru.ru_stime
            rss = maxrss_bytes(ru.ru_maxrss)
        else:  # no wait4 (Windows) or a timeout: poll, memory from RUSAGE_CHILDREN if available
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                sampler.stop()
                raise RuntimeError("build timed out after %ss: %s" % (timeout, " ".join(cmd))) from None
            wall = time.perf_counter() - t0
            cpu, rss = None, None
            try:
                import resource
                ru = resource.getrusage(resource.RUSAGE_CHILDREN)  # a high-water mark over all children
                rss = maxrss_bytes(ru.ru_maxrss)
            except ImportError:
                pass
        tree_peak = sampler.stop()
    text = logfile.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        raise RuntimeError("build failed (exit %s): %s\n%s" % (proc.returncode, " ".join(cmd), text[-3000:]))
    return {"wall": wall, "cpu": cpu, "rss": rss, "tree_pss": tree_peak, "phases": parse_timings(text)}


def count_files(folder: Path) -> tuple[int, int]:
    n = size = 0
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            n += 1
            size += os.path.getsize(os.path.join(dirpath, name))
    return n, size


def output_digest(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file written, to tell whether two builds wrote the same bytes."""
    digests = {}
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                digests[os.path.relpath(path, folder)] = hashlib.sha256(f.read()).hexdigest()
    return digests


def compare_outputs(a: dict[str, str], b: dict[str, str]) -> dict:
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    changed = sorted(p for p in set(a) & set(b) if a[p] != b[p])
    return {"identical": not (only_a or only_b or changed), "only_before": len(only_a), "only_after": len(only_b),
            "changed": len(changed), "examples": (changed + only_a + only_b)[:8]}


# ---------------------------------------------------------------------------------------------------------
# Sites.

def site_name(size: int, args, bodies: str) -> str:
    name = "%s-%d" % (bodies, size)
    if (args.components, args.updates, args.seed) != (generate.DEFAULT_COMPONENTS, 4, 1):
        name += "-c%d-u%d-s%d" % (args.components, args.updates, args.seed)
    return name


def prepare_site(size: int, keep: Path | None, tmp: Path, args,
                 bodies: str | None = None) -> tuple[Path, float | None, dict]:
    """Returns the site folder, the generation time (None when a kept site is reused) and its statistics."""
    bodies = bodies or args.bodies
    wanted = generate.site_arguments(size, args.components, args.updates, args.seed, bodies)
    if keep is not None:
        site = keep / site_name(size, args, bodies)
        stamp = generate.read_stamp(site)
        if stamp is not None and (site / "site.yaml").is_file():
            if stamp.get("arguments") != wanted:
                raise RuntimeError("%s was generated with %s, not %s; remove it or pick another --keep"
                                   % (site, stamp.get("arguments"), wanted))
            if stamp.get("generator") != generate.generator_digest():
                log("size %d: note: %s was made by another version of generate.py; reusing it as it is "
                    "(remove it to regenerate)" % (size, site))
            log("size %d: reusing %s" % (size, site))
            if stamp.get("stats"):
                for line in generate.describe(stamp["stats"]).splitlines():
                    log("size %d: %s (when generated)" % (size, line.strip()))
            return site, None, stamp
        if site.exists() and any(site.iterdir()):
            raise RuntimeError("%s exists but is not a generated site; remove it or pick another --keep" % site)
    else:
        site = tmp / ("site-" + site_name(size, args, bodies))
    log("size %d: generating %s (%s bodies)" % (size, site, bodies))
    t0 = time.perf_counter()
    generate.generate(str(site), incidents=size, components=args.components, updates=args.updates,
                      seed=args.seed, bodies=bodies)
    seconds = time.perf_counter() - t0
    stamp = generate.read_stamp(site) or {}
    if stamp.get("stats"):
        for line in generate.describe(stamp["stats"]).splitlines():
            log("size %d: %s" % (size, line.strip()))
    return site, seconds, stamp


# ---------------------------------------------------------------------------------------------------------
# Measuring.

class Variant:
    """What one series of builds measures: a statusgen (tree) on the sites of one body style."""

    def __init__(self, tree: Tree, bodies: str, label: str) -> None:
        self.tree, self.bodies, self.label = tree, bodies, label


def make_variants(trees: list[Tree], styles: list[str]) -> list[Variant]:
    variants = []
    for bodies in styles:
        for tree in trees:
            if len(trees) > 1 and len(styles) > 1:
                label = "%s, %s bodies" % (tree.label, bodies)
            elif len(styles) > 1:
                label = "%s bodies" % bodies
            else:
                label = tree.label
            variants.append(Variant(tree, bodies, label))
    return variants


def sync_disk() -> None:
    """Flush what earlier builds and deletions left to write, so no build pays for the one before."""
    if hasattr(os, "sync"):
        os.sync()


def bench_size(size: int, args, tmp: Path, variants: list[Variant]) -> dict[str, dict]:
    """Build the site(s) of ``size`` --repeat times for each variant, in turns; a result per variant label."""
    sites = {}
    for v in variants:
        if v.bodies not in sites:
            sites[v.bodies] = prepare_site(size, args.keep, tmp, args, v.bodies)
    runs: dict[str, list[dict]] = {v.label: [] for v in variants}
    shape: dict[str, dict] = {}
    digests = len({v.tree.label for v in variants}) > 1  # two statusgens: did they write the same bytes?
    for i in range(args.repeat):
        for v in variants:  # A B A B ...: load on the machine falls on all alike
            site = sites[v.bodies][0]
            folder = Path(tempfile.mkdtemp(prefix="statusgen-bench-out-%d-" % size, dir=args.out_dir or tmp))
            out = folder / "site"
            try:
                sync_disk()
                r = run_build(args.python, site, out, v.tree, tmp / "build.log", args.timeout, args.jobs)
                n, b = count_files(out)
                home = out / "index.html"
                now_shape = {"files": n, "output_bytes": b,
                             "home_page_bytes": home.stat().st_size if home.exists() else None}
                if v.label in shape and shape[v.label]["files"] != n:
                    log("warning: size %d run %d (%s) wrote %d files, earlier runs %d"
                        % (size, i + 1, v.label, n, shape[v.label]["files"]))
                if i == 0 and digests:
                    now_shape["digest"] = output_digest(out)
                shape.setdefault(v.label, now_shape)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            runs[v.label].append(r)
            log("size %d: run %d/%d%s %.2fs%s" % (
                size, i + 1, args.repeat, "" if len(variants) == 1 else " " + v.label, r["wall"],
                "" if r["rss"] is None else ", %.0f MiB" % (r["rss"] / 2**20)))
    results = {}
    for v in variants:
        site, gen_seconds, stamp = sites[v.bodies]
        stats = stamp.get("stats") or {}
        incidents = len(list((site / "incidents").glob("*.yaml")))
        res = summarize(size, incidents, runs[v.label], shape[v.label], gen_seconds, args)
        res["statusgen"] = v.tree.label
        res["bodies"] = v.bodies
        res["plain_share"] = (stats.get("updates") or {}).get("plain_share")
        res["plain_fast_path_from"] = stats.get("plain_fast_path_from")
        res["site"] = str(site) if args.keep is not None else None
        results[v.label] = res
    if digests:
        for bodies in sites:
            before, after = [v for v in variants if v.bodies == bodies]
            results[after.label]["same_output_as_against"] = compare_outputs(shape[before.label]["digest"],
                                                                             shape[after.label]["digest"])
    return results


def summarize(size: int, incidents: int, runs: list[dict], shape: dict, gen_seconds: float | None, args) -> dict:
    walls = [r["wall"] for r in runs]
    cpus = [r["cpu"] for r in runs if r["cpu"] is not None]
    rsss = [r["rss"] for r in runs if r["rss"] is not None]
    trees = [r["tree_pss"] for r in runs if r["tree_pss"] is not None]
    names: list[str] = []
    for r in runs:
        names += [p for p in r["phases"] if p not in names]
    phases = {p: round(statistics.median([r["phases"][p] for r in runs if p in r["phases"]]), 3) for p in names}
    median = statistics.median(walls)
    out_bytes = shape["output_bytes"]
    return {
        "size": size,
        "incidents": incidents,
        "files": shape["files"],
        "output_bytes": out_bytes,
        "bytes_per_incident": round(out_bytes / incidents) if incidents else None,
        "home_page_bytes": shape["home_page_bytes"],
        "generate_seconds": None if gen_seconds is None else round(gen_seconds, 3),
        "wall_seconds": [round(w, 4) for w in walls],
        "median_seconds": round(median, 4),
        "min_seconds": round(min(walls), 4),
        "cpu_median_seconds": round(statistics.median(cpus), 4) if cpus else None,
        "peak_rss_mib": round(max(rsss) / 2**20, 1) if rsss else None,
        "peak_tree_pss_mib": round(max(trees) / 2**20, 1) if trees else None,
        "phases_median_seconds": phases,
        "ms_per_incident": round(1000 * median / incidents, 3) if incidents else None,
    }


def growth(results: list[dict]) -> list[dict]:
    """Time ratio between consecutive sizes; exponent 1.0 is linear, 2.0 quadratic."""
    out = []
    rs = sorted(results, key=lambda r: r["incidents"])
    for a, b in zip(rs, rs[1:]):
        if not a["incidents"] or b["incidents"] <= a["incidents"] or not a["median_seconds"]:
            continue
        size_ratio = b["incidents"] / a["incidents"]
        time_ratio = b["median_seconds"] / a["median_seconds"]
        out.append({
            "from": a["incidents"], "to": b["incidents"],
            "size_ratio": round(size_ratio, 2), "time_ratio": round(time_ratio, 2),
            "exponent": round(math.log(time_ratio) / math.log(size_ratio), 2) if time_ratio > 0 else None,
        })
    return out


# ---------------------------------------------------------------------------------------------------------
# Reporting.

def fmt(v, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def mib(v) -> float | None:
    return None if v is None else v / 2**20


def kib(v) -> float | None:
    return None if v is None else v / 1024


def phase_names(results: list[dict]) -> list[str]:
    names: list[str] = []
    for r in results:
        names += [p for p in r["phases_median_seconds"] if p not in names]
    return names


def print_rows(head: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    print("  ".join(h.rjust(w) for h, w in zip(head, widths)))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths)))


def body_line(results: list[dict]) -> str:
    parts = []
    for r in results:
        share = "unknown" if r.get("plain_share") is None else "%.1f%%" % (100 * r["plain_share"])
        parts.append("%d: %s" % (r["incidents"], share))
    return "%s bodies; share of update bodies on the plain fast path: %s" % (
        results[0]["bodies"] if results else "?", ", ".join(parts))


def print_table(results: list[dict], ratios: list[dict]) -> None:
    phases = phase_names(results)
    head = (["incidents", "files", "out MiB", "B/inc", "home KiB", "gen s", "median s", "min s", "cpu s",
             "peak MiB", "tree MiB"] + ["%s s" % p for p in phases] + ["ms/inc"])
    rows = [[
        str(r["incidents"]), fmt(r["files"], "d"), fmt(mib(r["output_bytes"]), ".1f"),
        fmt(r["bytes_per_incident"], ",d"), fmt(kib(r["home_page_bytes"]), ".0f"),
        fmt(r["generate_seconds"], ".2f"), fmt(r["median_seconds"], ".2f"), fmt(r["min_seconds"], ".2f"),
        fmt(r["cpu_median_seconds"], ".2f"), fmt(r["peak_rss_mib"], ".0f"), fmt(r["peak_tree_pss_mib"], ".0f"),
    ] + [fmt(r["phases_median_seconds"].get(p), ".2f") for p in phases] + [fmt(r["ms_per_incident"], ".2f")]
        for r in results]
    print(body_line(results))
    print_rows(head, rows)
    for g in ratios:
        print("time(%d)/time(%d) = %.1fx for %.1fx the incidents (exponent %s; 1.0 = linear)"
              % (g["to"], g["from"], g["time_ratio"], g["size_ratio"], fmt(g["exponent"], ".2f")))


COMPARED = [
    # (label, key or function, format, show a ratio)
    ("median s", "median_seconds", ".2f", True),
    ("min s", "min_seconds", ".2f", True),
    ("cpu s", "cpu_median_seconds", ".2f", True),
    ("peak MiB", "peak_rss_mib", ".0f", True),
    ("tree MiB", "peak_tree_pss_mib", ".0f", True),
    ("files", "files", "d", False),
    ("out MiB", lambda r: mib(r["output_bytes"]), ".1f", True),
    ("B/inc", "bytes_per_incident", ",d", True),
    ("home KiB", lambda r: kib(r["home_page_bytes"]), ".1f", True),
]


def print_comparison(before: list[dict], after: list[dict], labels: tuple[str, str]) -> None:
    """For each size: one row per figure, before and after (REF and this tree, or two body styles)."""
    if before and before[0]["bodies"] != after[0]["bodies"]:
        print("before: " + body_line(before))
        print("after:  " + body_line(after))
    else:
        print(body_line(after))
    for b, a in zip(before, after):
        print()
        n = len(a["wall_seconds"])
        print("%d incidents (%d run%s each, alternating)" % (a["incidents"], n, "" if n == 1 else "s"))
        rows = []
        phases = [("  %s s" % p, (lambda r, p=p: r["phases_median_seconds"].get(p)), ".2f", True)
                  for p in phase_names([b, a])]
        items = COMPARED[:3] + phases + COMPARED[3:]
        for label, key, spec, ratio in items:
            vb = key(b) if callable(key) else b.get(key)
            va = key(a) if callable(key) else a.get(key)
            r = "%.2fx" % (va / vb) if ratio and va is not None and vb else ""
            rows.append([label, fmt(vb, spec), fmt(va, spec), r])
        print_rows(["", "before: " + labels[0], "after: " + labels[1], "after/before"], rows)
        same = a.get("same_output_as_against")
        if same is not None:
            if same["identical"]:
                print("output: byte-identical (%d files)" % a["files"])
            else:
                print("output differs: %d files changed, %d only before, %d only after (e.g. %s)"
                      % (same["changed"], same["only_before"], same["only_after"], ", ".join(same["examples"])))


# ---------------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark `statusgen build` on synthetic sites.")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="incident counts (1000 10000)")
    ap.add_argument("--repeat", type=int, default=3, help="builds per size (and per revision with --against) (3)")
    ap.add_argument("--bodies", choices=generate.BODY_STYLES, nargs="+", default=["realistic"],
                    help="update texts of the generated sites (realistic); with two styles, e.g. "
                    "`--bodies plain realistic`, both are built in turns and compared, the first as before")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="keep generated sites in DIR/<bodies>-<size> and reuse them when they exist")
    ap.add_argument("--against", metavar="REF",
                    help="also build every site with git revision REF (a temporary worktree), alternating runs, "
                    "and print before (REF) / after (this working tree) with ratios")
    ap.add_argument("--out-dir", type=Path, metavar="DIR",
                    help="write the builds' output under DIR (e.g. /dev/shm, a RAM disk, to leave the disk's own "
                    "cost and noise out; default: the temporary folder)")
    ap.add_argument("--json", action="store_true", help="print results as JSON instead of a table")
    ap.add_argument("--python", default=sys.executable, help="interpreter that runs statusgen (this one)")
    ap.add_argument("--jobs", "-j", type=int, help="pass -j N to statusgen build (default: its own, one per CPU)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    ap.add_argument("--components", type=int, default=generate.DEFAULT_COMPONENTS,
                    help="components per site (%d)" % generate.DEFAULT_COMPONENTS)
    ap.add_argument("--updates", type=int, default=4, help="updates per incident (4)")
    ap.add_argument("--timeout", type=float, help="seconds before a build is killed (default: none; "
                    "with a timeout, per-build memory is not available)")
    args = ap.parse_args(argv)
    if args.repeat < 1 or any(s < 1 for s in args.sizes):
        ap.error("--repeat and --sizes must be at least 1")
    if args.keep is not None:
        args.keep = args.keep.resolve()
        args.keep.mkdir(parents=True, exist_ok=True)

    current = Tree("working tree", ROOT)
    styles = list(dict.fromkeys(args.bodies))
    by_label: dict[str, list[dict]] = {}
    info: dict = {}
    with tempfile.TemporaryDirectory(prefix="statusgen-bench-") as tmpname:
        tmp = Path(tmpname)
        try:
            with contextlib.ExitStack() as stack:
                trees = [current]
                if args.against:
                    ref = stack.enter_context(ref_worktree(args.against, tmp))
                    trees = [ref, current]  # before, after
                    info = {"ref": args.against, "commit": ref.commit, "label": ref.label}
                for tree in trees:
                    log("%s: statusgen from %s" % (tree.label, check_tree(args.python, tree)))
                variants = make_variants(trees, styles)
                for size in args.sizes:
                    for label, res in bench_size(size, args, tmp, variants).items():
                        by_label.setdefault(label, []).append(res)
        except (RuntimeError, OSError, ValueError) as e:
            log("run.py: error: %s" % e)
            return 1
    label_of = {(v.tree.label, v.bodies): v.label for v in variants}
    main_label = label_of[(current.label, styles[0])]
    if args.against:  # REF before this tree, for each body style
        pairs = [(label_of[(trees[0].label, b)], label_of[(current.label, b)]) for b in styles]
    else:  # the first body style before each other one
        pairs = [(main_label, label_of[(current.label, b)]) for b in styles[1:]]
    results = by_label[main_label]
    ratios = growth(results)
    if args.json:
        doc = {
            "now": NOW, "repeat": args.repeat, "seed": args.seed, "bodies": styles[0],
            "components": args.components, "updates": args.updates, "python": args.python,
            "python_version": platform.python_version(), "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "cpus_available": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "out_dir": str(args.out_dir) if args.out_dir else None,
            "results": results, "growth": ratios,
        }
        if args.against:
            before = by_label[label_of[(trees[0].label, styles[0])]]
            doc["against"] = dict(info, results=before, growth=growth(before))
        if len(variants) > 1:
            doc["variants"] = [{"label": v.label, "statusgen": v.tree.label, "commit": v.tree.commit,
                                "bodies": v.bodies, "results": by_label[v.label],
                                "growth": growth(by_label[v.label])} for v in variants]
        json.dump(doc, sys.stdout, indent=2)
        print()
        return 0
    if len(variants) == 1:
        print_table(results, ratios)
        return 0
    for before, after in pairs:
        print_comparison(by_label[before], by_label[after], (before, after))
        print()
    for v in variants:
        print("%s:" % v.label)
        print_table(by_label[v.label], growth(by_label[v.label]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
