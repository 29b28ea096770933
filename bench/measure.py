#!/usr/bin/env python3
"""Times commands for bench/run-bench and prints medians, p90, min, peak RSS and ratios.

Written by hand because hyperfine (optional in Debian) does not report the peak RSS of each
run; GNU time reports it for each run, and this harness times the runs itself.

Input: a JSON file holding a list of rows {"label", "argv", "env"?, "ref"?, "log"}. Rounds are
interleaved (every row once per round) so that a slow spell of the machine spreads over all rows
instead of landing on one. Output: the table on stdout, the per-run samples as JSON to --json.
Exit status 1 when any run failed or timed out.
"""

import argparse
import json
import math
import os
import signal
import statistics
import sys
import time


def run_once(row, timeout, rss_file):
    """Runs one command; returns (seconds, peak RSS in KiB, exit status or None if killed).

    GNU time sits between this harness and the command and reports the peak RSS: a child
    forked from Python would count Python's own pages (about 15 MB) in its peak. Its cost is in
    every row alike and shows in the /bin/true row.
    """
    env = dict(os.environ)
    env.update(row.get("env", {}))
    argv = ["/usr/bin/time", "-f", "%M", "-o", rss_file] + row["argv"]
    log = os.open(row["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, log, 1),
        (os.POSIX_SPAWN_DUP2, log, 2),
        (os.POSIX_SPAWN_CLOSE, log),
    ]
    start = time.perf_counter()
    # Its own process group, so that a timeout ends exactly what this run started.
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions, setpgroup=0)
    os.close(log)
    timed_out = []

    def on_alarm(signum, frame):
        timed_out.append(True)
        os.killpg(pid, signal.SIGKILL)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(timeout)
    try:
        _, status = os.waitpid(pid, 0)
    except BaseException:
        stop_group(pid)
        raise
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - start
    code = None if timed_out else os.waitstatus_to_exitcode(status)
    rss = 0
    if code == 0:
        with open(rss_file) as f:
            rss = int(f.read().split()[-1])
    return elapsed, rss, code


class Stopped(Exception):
    """Raised by SIGTERM, so that the run in progress is ended before the harness exits."""


def on_term(signum, frame):
    raise Stopped()


def stop_group(pid):
    """Asks the run's process group to stop (SIGINT), then kills it after 5 s, and reaps it."""
    try:
        os.killpg(pid, signal.SIGINT)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return
        time.sleep(0.05)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def p90(values):
    """Nearest-rank 90th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def last_line(path):
    """The last non-empty line a failed run wrote; its log folder is gone after the bench."""
    with open(path, errors="replace") as f:
        lines = [line.strip() for line in f if line.strip()]
    return lines[-1] if lines else "(no output)"


def measure(rows, runs, warmup, timeout, rss_file):
    samples = {row["label"]: [] for row in rows}
    failures = {row["label"]: [] for row in rows}
    for round_no in range(warmup + runs):
        for row in rows:
            if failures[row["label"]]:
                continue
            elapsed, rss, code = run_once(row, timeout, rss_file)
            if code != 0:
                what = "timed out after %d s" % timeout if code is None else "exit %d" % code
                failures[row["label"]].append("round %d: %s: %s"
                                              % (round_no + 1, what, last_line(row["log"])))
            elif round_no >= warmup:
                samples[row["label"]].append((elapsed, rss))
    return samples, failures


def table(rows, samples, failures):
    ref = next((r["label"] for r in rows if r.get("ref")), None)
    ref_median = None
    if ref and samples[ref] and not failures[ref]:
        ref_median = statistics.median(s[0] for s in samples[ref])
    lines = ["| command | median ms | p90 ms | min ms | peak RSS MB | ratio to Berth |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        label = row["label"]
        if failures[label]:
            lines.append("| %s | failed: %s | | | | |" % (label, failures[label][0]))
            continue
        times = [s[0] * 1000 for s in samples[label]]
        rss = max(s[1] for s in samples[label]) / 1024
        median = statistics.median(times)
        ratio = "%.2f" % (median / (ref_median * 1000)) if ref_median else "n/a"
        lines.append("| %s | %.1f | %.1f | %.1f | %.1f | %s |"
                     % (label, median, p90(times), min(times), rss, ratio))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", help="JSON file with the rows to measure")
    parser.add_argument("-n", "--runs", type=int, default=20)
    parser.add_argument("-w", "--warmup", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=60, help="seconds per run")
    parser.add_argument("--json", help="where to write the samples")
    args = parser.parse_args()
    with open(args.rows) as f:
        rows = json.load(f)
    signal.signal(signal.SIGTERM, on_term)
    rss_file = os.path.join(os.path.dirname(os.path.abspath(args.rows)), "rss.txt")
    try:
        samples, failures = measure(rows, args.runs, args.warmup, args.timeout, rss_file)
    except (Stopped, KeyboardInterrupt):
        print("measure: stopped", file=sys.stderr)
        return 130
    print(table(rows, samples, failures))
    if args.json:
        medians = {label: statistics.median(s[0] for s in got) if got else None
                   for label, got in samples.items()}
        with open(args.json, "w") as f:
            json.dump({"samples": samples, "medians": medians, "failures": failures}, f)
    return 1 if any(failures.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
