#!/usr/bin/env python3
"""Time `statusgen build` on synthetic sites of growing size.

    python benchmarks/run.py [--sizes 1000 10000] [--repeat 3] [--keep DIR] [--json]

For each size: generate a site with benchmarks/generate.py (into a temporary folder, or reuse DIR/<size>
when it exists), then run

    python -m statusgen build SITE -o OUT --now 2026-11-25T12:00:00+01:00

as a subprocess --repeat times, each time into a fresh OUT. Reports incidents, files written, median and
minimum wall time, CPU time and peak memory (max RSS of the build process, from os.wait4), and the growth of
the build time between consecutive sizes (10x the incidents in about 10x the time is linear).

Standard library only. Progress goes to stderr; the table (or JSON with --json) to stdout.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
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


def build_env() -> dict:
    """Make `python -m statusgen` importable from a checkout without installing it."""
    env = dict(os.environ)
    extra = []
    if (ROOT / "src" / "statusgen").is_dir():
        extra.append(str(ROOT / "src"))
    elif (ROOT / "statusgen").is_dir():
        extra.append(str(ROOT))
    if extra:
        env["PYTHONPATH"] = os.pathsep.join(extra + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def maxrss_bytes(ru_maxrss: int) -> int:
    # Linux reports KiB, macOS bytes.
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def count_files(folder: Path) -> tuple[int, int]:
    n = size = 0
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            n += 1
            size += os.path.getsize(os.path.join(dirpath, name))
    return n, size


def run_build(python: str, site: Path, out: Path, env: dict, logfile: Path, timeout: float | None) -> dict:
    """One build as a child process; returns wall/cpu seconds and the child's own peak RSS."""
    cmd = [python, "-m", "statusgen", "build", str(site), "-o", str(out), "--now", NOW]
    with open(logfile, "wb") as lf:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=lf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=str(ROOT), env=env)
        if hasattr(os, "wait4") and timeout is None:
            _, status, ru = os.wait4(proc.pid, 0)  # per-child rusage, unlike RUSAGE_CHILDREN
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
                raise RuntimeError("build timed out after %ss: %s" % (timeout, " ".join(cmd)))
            wall = time.perf_counter() - t0
            cpu, rss = None, None
            try:
                import resource
                ru = resource.getrusage(resource.RUSAGE_CHILDREN)  # a high-water mark over all children
                rss = maxrss_bytes(ru.ru_maxrss)
            except ImportError:
                pass
    if proc.returncode != 0:
        tail = logfile.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError("build failed (exit %s): %s\n%s" % (proc.returncode, " ".join(cmd), tail))
    return {"wall": wall, "cpu": cpu, "rss": rss}


def prepare_site(size: int, keep: Path | None, tmp: Path, args) -> tuple[Path, float | None]:
    """Returns the site folder and the generation time (None when an existing site is reused)."""
    if keep is not None:
        site = keep / str(size)
        if (site / "site.yaml").is_file():
            log("size %d: reusing %s" % (size, site))
            return site, None
        if site.exists() and any(site.iterdir()):
            raise RuntimeError("%s exists but holds no site.yaml; remove it or pick another --keep" % site)
    else:
        site = tmp / ("site-%d" % size)
    log("size %d: generating %s" % (size, site))
    t0 = time.perf_counter()
    generate.generate(str(site), incidents=size, components=args.components, updates=args.updates,
                      seed=args.seed)
    return site, time.perf_counter() - t0


def bench_size(size: int, args, tmp: Path, env: dict) -> dict:
    site, gen_seconds = prepare_site(size, args.keep, tmp, args)
    incidents = len([p for p in (site / "incidents").glob("*.yaml")])
    runs, files, out_bytes = [], None, None
    for i in range(args.repeat):
        out = Path(tempfile.mkdtemp(prefix="out-%d-" % size, dir=tmp)) / "site"
        r = run_build(args.python, site, out, env, tmp / "build.log", args.timeout)
        n, b = count_files(out)
        if files is not None and n != files:
            log("warning: size %d run %d wrote %d files, earlier runs %d" % (size, i + 1, n, files))
        files, out_bytes = n, b
        shutil.rmtree(out.parent, ignore_errors=True)
        runs.append(r)
        log("size %d: run %d/%d %.2fs%s" % (size, i + 1, args.repeat, r["wall"],
                                            "" if r["rss"] is None else ", %.0f MiB" % (r["rss"] / 2**20)))
    walls = [r["wall"] for r in runs]
    cpus = [r["cpu"] for r in runs if r["cpu"] is not None]
    rsss = [r["rss"] for r in runs if r["rss"] is not None]
    median = statistics.median(walls)
    return {
        "size": size,
        "incidents": incidents,
        "files": files,
        "output_bytes": out_bytes,
        "generate_seconds": None if gen_seconds is None else round(gen_seconds, 3),
        "wall_seconds": [round(w, 4) for w in walls],
        "median_seconds": round(median, 4),
        "min_seconds": round(min(walls), 4),
        "cpu_median_seconds": round(statistics.median(cpus), 4) if cpus else None,
        "peak_rss_mib": round(max(rsss) / 2**20, 1) if rsss else None,
        "ms_per_incident": round(1000 * median / incidents, 3) if incidents else None,
        "site": str(site) if args.keep is not None else None,
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


def fmt(v, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def print_table(results: list[dict], ratios: list[dict]) -> None:
    head = ["incidents", "files", "out MiB", "gen s", "median s", "min s", "cpu s", "peak MiB", "ms/inc"]
    rows = [[
        str(r["incidents"]), fmt(r["files"], "d"),
        fmt(None if r["output_bytes"] is None else r["output_bytes"] / 2**20, ".1f"),
        fmt(r["generate_seconds"], ".2f"), fmt(r["median_seconds"], ".2f"), fmt(r["min_seconds"], ".2f"),
        fmt(r["cpu_median_seconds"], ".2f"), fmt(r["peak_rss_mib"], ".0f"), fmt(r["ms_per_incident"], ".2f"),
    ] for r in results]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    print("  ".join(h.rjust(w) for h, w in zip(head, widths)))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths)))
    for g in ratios:
        print("time(%d)/time(%d) = %.1fx for %.1fx the incidents (exponent %s; 1.0 = linear)"
              % (g["to"], g["from"], g["time_ratio"], g["size_ratio"], fmt(g["exponent"], ".2f")))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark `statusgen build` on synthetic sites.")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="incident counts (1000 10000)")
    ap.add_argument("--repeat", type=int, default=3, help="builds per size (3)")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="keep generated sites in DIR/<size> and reuse them when they exist")
    ap.add_argument("--json", action="store_true", help="print results as JSON instead of a table")
    ap.add_argument("--python", default=sys.executable, help="interpreter that runs statusgen (this one)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    ap.add_argument("--components", type=int, default=20, help="components per site (20)")
    ap.add_argument("--updates", type=int, default=4, help="updates per incident (4)")
    ap.add_argument("--timeout", type=float, help="seconds before a build is killed (default: none; "
                    "with a timeout, per-build memory is not available)")
    args = ap.parse_args(argv)
    if args.repeat < 1 or any(s < 1 for s in args.sizes):
        ap.error("--repeat and --sizes must be at least 1")
    if args.keep is not None:
        args.keep = args.keep.resolve()
        args.keep.mkdir(parents=True, exist_ok=True)

    env = build_env()
    results = []
    with tempfile.TemporaryDirectory(prefix="statusgen-bench-") as tmpname:
        tmp = Path(tmpname)
        try:
            for size in args.sizes:
                results.append(bench_size(size, args, tmp, env))
        except (RuntimeError, OSError, ValueError) as e:
            log("run.py: error: %s" % e)
            return 1
    ratios = growth(results)
    if args.json:
        json.dump({
            "now": NOW, "repeat": args.repeat, "seed": args.seed, "python": args.python,
            "python_version": platform.python_version(), "platform": platform.platform(),
            "cpu_count": os.cpu_count(), "results": results, "growth": ratios,
        }, sys.stdout, indent=2)
        print()
    else:
        print_table(results, ratios)
    return 0


if __name__ == "__main__":
    sys.exit(main())
