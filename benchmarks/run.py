"""Measure qaplan against the floor of the same work, side by side in one run.

    python benchmarks/run.py            # 1,000 plans (about 4 minutes on 2 cores)
    python benchmarks/run.py --large    # 10,000 plans as well

Each line prints the median wall time of qaplan, of the floor, and their ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import make_repository, plan_text

PYTHON = sys.executable
QAPLAN = [PYTHON, "-m", "qaplan"]
_BIN = Path(PYTHON).parent

FLOOR_PARSE = """
import sys, os, yaml
for root, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        if name.endswith('.yaml'):
            with open(os.path.join(root, name), 'rb') as handle:
                yaml.load(handle.read(), Loader=yaml.CSafeLoader)
"""
FLOOR_WRITE = """
import sys, openpyxl
rows = int(sys.argv[2])
book = openpyxl.Workbook()
sheet = book.active
sheet.append(["ID", "Criterion", "Goal", "Activity", "Start", "End", "Owner", "State", "Status"])
for i in range(rows):
    sheet.append([f"C{i//60+1}.G{i//20%3+1}.A{i%20+1}", "Studieresultaten motsvarar lärandemål.",
                  "Användbar feedback", f"Analysera feedbacksystemet {i}", 2022, "VT2025",
                  "PD, OEK", "ongoing", "Feedback samlas in systematiskt."])
book.save(sys.argv[1])
"""
FLOOR_READ = """
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
for sheet in book.worksheets:
    for row in sheet.iter_rows(values_only=True):
        pass
"""


def timed(command: list[str], cwd: Path, runs: int, env: dict[str, str] | None = None) -> float:
    """Median wall time of `command` over `runs` runs (output discarded)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env={**os.environ, **(env or {})}, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


_PEAK = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_mb(command: list[str], cwd: Path) -> float:
    """The largest resident memory of `command` or any process it started, in MB."""
    done = subprocess.run([PYTHON, "-c", _PEAK, *command], cwd=cwd, capture_output=True,
                          text=True, check=True)
    return int(done.stdout.strip()) / 1024


def line(label: str, ours: float, floor: float, target: str, files: int | None = None) -> str:
    rate = f"{files / ours:8.0f} files/s" if files else " " * 15
    return (f"{label:<44} {ours:8.3f} s  floor {floor:8.3f} s  ratio {ours / floor:5.2f}  "
            f"{rate}  target {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", action="store_true", help="also run on 10,000 plans")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [1000, 10000] if args.large else [1000]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {args.runs} runs")
    # pip compiles bytecode at install; an editable install under PYTHONDONTWRITEBYTECODE
    # would otherwise compile qaplan's modules from source on every timed run.
    import compileall

    import qaplan

    compileall.compile_dir(Path(qaplan.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory(prefix="qaplan-bench-") as tmp:
        base = Path(tmp)
        small = base / "one"
        small.mkdir()
        (small / "plan.yaml").write_text(plan_text(7), encoding="utf-8")
        typer_floor = timed([PYTHON, "-c", "import typer"], small, 10)
        print(line("qaplan --version vs import typer",
                   timed(QAPLAN + ["--version"], small, 10), typer_floor, "1.3"))
        yamllint = shutil.which("yamllint") or str(_BIN / "yamllint")
        if Path(yamllint).exists():
            lint = timed([yamllint, "plan.yaml"], small, 10)
            print(line("qaplan validate ONE.yaml vs yamllint (cold)",
                       timed(QAPLAN + ["validate", "plan.yaml", "--no-cache"], small, 10), lint, "1.0"))
            timed(QAPLAN + ["validate", "plan.yaml"], small, 1)
            print(line("qaplan validate ONE.yaml vs yamllint (cache)",
                       timed(QAPLAN + ["validate", "plan.yaml"], small, 10), lint, "1.0"))
        for size in sizes:
            repo = make_repository(base / f"repo{size}", size)
            floor = timed([PYTHON, "-c", FLOOR_PARSE, "plans"], repo, args.runs)
            for command in ("validate", "overdue"):
                extra = ["--as-of", "2026-11-23"]
                cold = timed(QAPLAN + [command, "plans", "--no-cache", *extra], repo, args.runs)
                print(line(f"{command} {size} plans vs C parse only", cold, floor, "1.5", size))
            shutil.rmtree(repo / ".qaplan_cache", ignore_errors=True)
            timed(QAPLAN + ["validate", "plans"], repo, 1)
            warm = timed(QAPLAN + ["validate", "plans"], repo, args.runs)
            print(line(f"validate {size} plans, warm cache", warm, floor, "0.1", size))
            warm = timed(QAPLAN + ["overdue", "plans", "--as-of", "2026-11-23"], repo, args.runs)
            print(line(f"overdue {size} plans, warm cache", warm, floor, "0.1", size))
            if size == sizes[0] and shutil.which("git"):
                cold, warm = diff_times(repo, args.runs)
                print(f"{'diff --rev HEAD, ' + str(size) + ' plans':<44} {cold:8.3f} s cold, "
                      f"{warm:.3f} s warm cache (no floor: both sides are read and compared)")
            peaks = [peak_mb(QAPLAN + [command, "plans", "--no-cache", "--as-of", "2026-11-23"], repo)
                     for command in ("validate", "overdue")]
            files_mb = sum(f.stat().st_size for f in (repo / "plans").rglob("*.yaml")) / 2**20
            print(f"peak memory, {size} plans ({files_mb:.0f} MB of YAML): validate "
                  f"{peaks[0]:.0f} MB, overdue {peaks[1]:.0f} MB")
        excel(base, args.runs)


def diff_times(repo: Path, runs: int) -> tuple[float, float]:
    """`diff --rev HEAD` after one plan changed: without a cache, and with a warm one."""
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    git = ["git", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "plans"]):
        subprocess.run(git + args, cwd=repo, env={**os.environ, **env}, check=True,
                       stdout=subprocess.DEVNULL)
    changed = next((repo / "plans").rglob("*.yaml"))
    changed.write_text(changed.read_text(encoding="utf-8").replace("state: ongoing", "state: done"),
                       encoding="utf-8")
    command = QAPLAN + ["diff", "--rev", "HEAD", "plans", "--as-of", "2026-11-23"]
    cold = []
    for _ in range(runs):
        shutil.rmtree(repo / ".qaplan_cache", ignore_errors=True)
        cold.append(timed(command, repo, 1))
    return statistics.median(cold), timed(command, repo, runs)


def excel(base: Path, runs: int) -> None:
    """Export and import of a 10,000-row table against bare openpyxl on the same cells."""
    repo = base / "excel"
    (repo / "plans").mkdir(parents=True)
    (repo / ".git").mkdir()
    rows = 10_000
    # One plan of 10,000 activities: 50 criteria x 10 goals x 20 activities.
    text = plan_text(1, criteria=50, goals=10, activities=20)
    (repo / "plans" / "big.yaml").write_text(text, encoding="utf-8")
    probe = subprocess.run(QAPLAN + ["export", "--help"], cwd=repo, capture_output=True, check=False)
    if probe.returncode != 0:
        print("export/import: not available in this build")
        return
    floor_write = timed([PYTHON, "-c", FLOOR_WRITE, "floor.xlsx", str(rows)], repo, runs)
    ours = timed(QAPLAN + ["export", "plans", "-o", "big.xlsx", "--year", "2025", "--no-cache", "--force"],
                 repo, runs)
    print(line(f"export {rows} rows vs bare openpyxl write", ours, floor_write, "2.0"))
    floor_read = timed([PYTHON, "-c", FLOOR_READ, "big.xlsx"], repo, runs)
    ours = timed(QAPLAN + ["import", "big.xlsx", "--year", "2025"], repo, runs)
    print(line(f"import {rows} rows vs bare openpyxl read", ours, floor_read, "2.0"))


if __name__ == "__main__":
    main()
