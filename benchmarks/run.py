"""Measure qaplan against the floor of the same work, side by side in one run.

    python benchmarks/run.py                  # 1,000 plans (about 5 minutes on 2 cores)
    python benchmarks/run.py --large          # also 10,000 and 100,000 plans (generated in a
                                              # temporary directory; about 2 hours)
    python benchmarks/run.py --sizes 10000    # only these sizes

Each line prints the median wall time of qaplan, of the floor, their ratio, the cost per
plan and the peak memory (the largest process of the command's tree). A command this build
does not have is skipped with a line that says so.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import make_repository, plan_text

PYTHON = sys.executable
QAPLAN = [PYTHON, "-m", "qaplan"]
_BIN = Path(PYTHON).parent
AS_OF = ["--as-of", "2026-11-23"]
CASES = 5000  # the deviation register beside the 1,000 plans
BIG = 10_000  # above this many plans a run is made once, not `--runs` times
PAIRS = 11  # runs of `report` and `status` in turn for their ratio

FLOOR_PARSE = """
import sys, os, yaml
for top in sys.argv[1:]:
    for root, dirs, files in os.walk(top):
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
# Times one run of a command and reads the largest resident memory of it or of any process
# it started (RUSAGE_CHILDREN holds the largest of the descendants waited for).
_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
# Each report as the benchmark runs it (on plans/ of the repository).
REPORTS = {
    "overdue": ["overdue", "plans", *AS_OF],
    "status": ["status", "plans", *AS_OF],
    "report": ["report", "plans", "--format", "json", *AS_OF],
    "diff (years)": ["diff", "plans", "--from-year", "2024", "--to-year", "2025", *AS_OF],
    "export": ["export", "plans", "-o", "all.xlsx", "--force", "--year", "2025", *AS_OF],
}

# Reports whose output grows with every plan: above BIG plans their result alone would take
# gigabytes on a shared machine (docs/performance.md extrapolates them from 1,000 and 10,000).
OUTPUT_BOUND = {
    "overdue": "29 listed activities a plan (2.9 million rows)",
    "report": "the yearly report lists every activity (about 22 KB of JSON a plan)",
    "export": "one sheet a plan; a workbook holds at most about 10,000",
}


def measure(command: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """The median wall time of `command` over `runs` runs and its peak memory in MB."""
    times, peaks = [], []
    for _ in range(runs):
        done = subprocess.run([PYTHON, "-c", _MEASURE, *command], cwd=cwd, capture_output=True,
                              text=True, check=True)
        seconds, peak = done.stdout.split()
        times.append(float(seconds))
        peaks.append(int(peak) / 1024)
    return statistics.median(times), max(peaks)


def timed(command: list[str], cwd: Path, runs: int) -> float:
    return measure(command, cwd, runs)[0]


def line(label: str, ours: float, floor: float, target: str, files: int | None = None,
         peak: float | None = None) -> str:
    """One figure: time, floor, ratio, cost per file and peak memory."""
    rate = f"{ours / files * 1000:6.2f} ms/plan" if files else " " * 14
    memory = f"{peak:6.0f} MB" if peak is not None else " " * 9
    return (f"{label:<46} {ours:8.3f} s  floor {floor:8.3f} s  ratio {ours / floor:5.2f}  "
            f"{rate}  {memory}  target {target}")


def available(command: str, cwd: Path) -> bool:
    """Whether this build has the command (later issues add some)."""
    probe = subprocess.run(QAPLAN + [command, "--help"], cwd=cwd, capture_output=True, check=False)
    return probe.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", action="store_true",
                        help="also run on 10,000 and 100,000 plans")
    parser.add_argument("--sizes", type=lambda text: [int(n) for n in text.split(",")],
                        help="the repository sizes to run, e.g. 1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = args.sizes or ([1000, 10_000, 100_000] if args.large else [1000])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {args.runs} runs "
          f"(one run from {BIG:,} plans on)")
    # pip compiles bytecode at install; an editable install under PYTHONDONTWRITEBYTECODE
    # would otherwise compile qaplan's modules from source on every timed run.
    import compileall

    import qaplan

    compileall.compile_dir(Path(qaplan.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory(prefix="qaplan-bench-") as tmp:
        base = Path(tmp)
        start_up(base)
        for size in sizes:
            plans(base, size, args.runs if size < BIG else 1)
        excel(base, args.runs)


def start_up(base: Path) -> None:
    """`--version` and one file checked, as a pre-commit hook runs it."""
    small = base / "one"
    small.mkdir()
    (small / "plan.yaml").write_text(plan_text(7), encoding="utf-8")
    typer_floor = timed([PYTHON, "-c", "import typer"], small, 10)
    print(line("qaplan --version vs import typer",
               timed(QAPLAN + ["--version"], small, 10), typer_floor, "1.3"))
    yamllint = shutil.which("yamllint") or str(_BIN / "yamllint")
    lint = timed([yamllint, "plan.yaml"], small, 10) if Path(yamllint).exists() else None
    cold = timed(QAPLAN + ["validate", "plan.yaml", "--no-cache"], small, 10)
    timed(QAPLAN + ["validate", "plan.yaml"], small, 1)
    warm = timed(QAPLAN + ["validate", "plan.yaml"], small, 10)
    for label, seconds in (("cold", cold), ("cache", warm)):
        if lint is None:
            print(f"{'qaplan validate ONE.yaml (' + label + ')':<46} {seconds:8.3f} s  "
                  "(no yamllint here for the floor: pip install yamllint)")
        else:
            print(line(f"qaplan validate ONE.yaml vs yamllint ({label})", seconds, lint, "1.0"))


def plans(base: Path, size: int, runs: int) -> None:
    """validate and every report on `size` plans: cold, warm, and their peak memory."""
    repo = make_repository(base / f"repo{size}", size)
    floor = timed([PYTHON, "-c", FLOOR_PARSE, "plans"], repo, runs)
    reports = {}
    for name, command in REPORTS.items():
        if not available(command[0], repo):
            print(f"{name}: not available in this build")
        elif size > BIG and name in OUTPUT_BOUND:
            print(f"{name + ' ' + format(size, ',') + ' plans':<46} skipped: {OUTPUT_BOUND[name]}")
        else:
            reports[name] = command
    cold: dict[str, float] = {}
    for name, command in {"validate": ["validate", "plans", *AS_OF], **reports}.items():
        seconds, peak = measure(QAPLAN + [*command, "--no-cache"], repo, runs)
        cold[name] = seconds
        print(line(f"{name} {size:,} plans, no cache", seconds, floor, "0.7", size, peak))
    timed(QAPLAN + ["validate", "plans"], repo, 1)  # fills the cache for every command
    warm: dict[str, float] = {}
    for name, command in {"validate": ["validate", "plans", *AS_OF], **reports}.items():
        if name != "validate":  # the first run after validate works out each plan's facts
            print(line(f"{name} {size:,} plans, first run after validate",
                       timed(QAPLAN + command, repo, 1), floor, "-", size))
        seconds, peak = measure(QAPLAN + command, repo, runs)
        warm[name] = seconds
        target = {"validate": "0.1", "overdue": "0.15", "status": "0.15"}.get(name, "-")
        print(line(f"{name} {size:,} plans, warm cache", seconds, floor, target, size, peak))
    if "report" in warm and "status" in warm:
        compare(repo, size, max(runs, PAIRS) if size < BIG else 3)
    if size == 1000:
        one = next((repo / "plans").rglob("*.yaml")).relative_to(repo)
        timed(QAPLAN + ["validate", str(one)], repo, 1)
        print(f"{'validate ONE.yaml in this repository, warm':<46} "
              f"{timed(QAPLAN + ['validate', str(one)], repo, 10):8.3f} s  (a pre-commit hook: "
              "the plan ids of every other file from the cache's index)")
    if size <= BIG and shutil.which("git"):
        revision_diff(repo, size, runs)
    if size == 1000:
        register(repo, runs)


def compare(repo: Path, size: int, pairs: int) -> None:
    """`report` against `status`, warm, run in turn: the median of each pair's ratio holds
    still while the machine's speed drifts, where the ratio of two medians taken minutes apart
    does not (on this shared 2-core machine they moved by a fifth between runs)."""
    ratios, reports, statuses = [], [], []
    for _ in range(pairs):
        statuses.append(timed(QAPLAN + REPORTS["status"], repo, 1))
        reports.append(timed(QAPLAN + REPORTS["report"], repo, 1))
        ratios.append(reports[-1] / statuses[-1])
    print(f"{'report vs status, ' + format(size, ',') + ' plans, warm':<46} "
          f"{statistics.median(reports):8.3f} s  vs     {statistics.median(statuses):8.3f} s  "
          f"ratio {statistics.median(ratios):5.2f}  (median of {pairs} pairs run in turn, "
          f"{min(ratios):.2f}-{max(ratios):.2f})  target 1.2")


def revision_diff(repo: Path, size: int, runs: int) -> None:
    """`diff --rev HEAD` after one plan changed: without a cache, and with a warm one."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    shutil.rmtree(repo / ".git")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "plans"]):
        subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=repo, env=env,
                       check=True, stdout=subprocess.DEVNULL)
    changed = next((repo / "plans").rglob("*.yaml"))
    changed.write_text(changed.read_text(encoding="utf-8").replace("state: ongoing", "state: done"),
                       encoding="utf-8")
    command = QAPLAN + ["diff", "--rev", "HEAD", "plans", *AS_OF]
    cold = []
    peak = 0.0
    for _ in range(runs):
        shutil.rmtree(repo / ".qaplan_cache", ignore_errors=True)
        seconds, top = measure(command, repo, 1)
        cold.append(seconds)
        peak = max(peak, top)
    warm, warm_peak = measure(command, repo, runs)
    print(f"{'diff --rev HEAD, ' + format(size, ',') + ' plans':<46} {statistics.median(cold):8.3f} s "
          f"cold ({peak:.0f} MB), {warm:.3f} s warm ({warm_peak:.0f} MB); no floor: both sides "
          "are read and compared")


def register(repo: Path, runs: int) -> None:
    """validate and `deviations` over a register of CASES cases beside the plans."""
    try:
        from generate_deviations import make_register
    except ImportError:
        print("deviation register: no generator in this build")
        return
    if not available("deviations", repo):
        print("deviations: not available in this build")
        return
    make_register(repo, CASES)
    floor = timed([PYTHON, "-c", FLOOR_PARSE, "plans", "deviations"], repo, runs)
    files = 1000 + CASES
    commands = {"validate": ["validate", "plans", "deviations", *AS_OF],
                "deviations": ["deviations", "deviations", *AS_OF]}
    for name, command in commands.items():
        seconds, peak = measure(QAPLAN + [*command, "--no-cache"], repo, runs)
        print(line(f"{name}, 1,000 plans + {CASES:,} cases, no cache", seconds, floor, "0.7",
                   files, peak))
    timed(QAPLAN + commands["validate"], repo, 1)
    for name, command in commands.items():
        seconds, peak = measure(QAPLAN + command, repo, runs)
        print(line(f"{name}, 1,000 plans + {CASES:,} cases, warm", seconds, floor, "0.15",
                   files, peak))


def excel(base: Path, runs: int) -> None:
    """Export and import of a 10,000-row table against bare openpyxl on the same cells."""
    repo = base / "excel"
    (repo / "plans").mkdir(parents=True)
    (repo / ".git").mkdir()
    rows = 10_000
    # One plan of 10,000 activities: 50 criteria x 10 goals x 20 activities.
    text = plan_text(1, criteria=50, goals=10, activities=20)
    (repo / "plans" / "big.yaml").write_text(text, encoding="utf-8")
    if not available("export", repo):
        print("export/import: not available in this build")
        return
    floor_write = timed([PYTHON, "-c", FLOOR_WRITE, "floor.xlsx", str(rows)], repo, runs)
    export = QAPLAN + ["export", "plans", "-o", "big.xlsx", "--year", "2025", "--force"]
    print(line(f"export {rows} rows vs bare openpyxl write", timed(export + ["--no-cache"], repo, runs),
               floor_write, "2.0"))
    timed(export, repo, 1)
    print(line(f"export {rows} rows, warm cache", timed(export, repo, runs), floor_write, "1.5"))
    floor_read = timed([PYTHON, "-c", FLOOR_READ, "big.xlsx"], repo, runs)
    ours = timed(QAPLAN + ["import", "big.xlsx", "--year", "2025"], repo, runs)
    print(line(f"import {rows} rows vs bare openpyxl read", ours, floor_read, "2.0"))


if __name__ == "__main__":
    main()
