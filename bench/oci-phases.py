#!/usr/bin/env python3
"""Where a cold `berth oci run` spends its time, for bench/shim-bench.

Input: per run, a -Xlog:class+init=info log with uptime decorations and the run's wall time in
ms ("LOG WALL_MS" pairs, one per line, on stdin); and one -Xlog:class+load log (--classes).
A class's first "Initializing" line is when its code is first used (classes in the AOT cache are
loaded at start, so load times say nothing), so the first use of a few marker classes splits a
run into phases. Logging every initialised class slows the run itself by a few percent: the
phases are medians in ms of such runs, for their proportions; the unlogged runs give the totals.
"""

import argparse
import re
import statistics
import sys

# (phase, the class whose first use ends it); the first phase starts at JVM start (uptime 0).
MARKERS = [
    ("JVM start to main (OciMain)", "io/berth/oci/OciMain"),
    ("command line: picocli model and parse", "io/berth/spec/SpecJson"),
    ("config.json read and parsed (Jackson streaming)", "io/berth/runtime/OciRuntime"),
    ("runtime set-up: cgroup driver, plan, seccomp, state folder", "io/berth/runtime/Launch"),
    ("shim spawn (ProcessBuilder) to the process cloned", "io/berth/runtime/ProcessId"),
    ("cgroup placement, start, the container runs and exits", "io/berth/runtime/Teardown"),
    ("teardown: cgroups, state folder (to the last class used)", None),
]
LINE = re.compile(r"^\[(\d+\.\d+)s\].*Initializing '([^']+)'")


def phases(log):
    first = {}
    last = 0.0
    with open(log) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                t = float(m.group(1)) * 1000
                first.setdefault(m.group(2), t)
                last = t
    out = []
    start = 0.0
    for name, marker in MARKERS:
        end = last if marker is None else first.get(marker)
        if end is None:
            return None  # a marker never used: not the path this breakdown describes
        out.append((name, end - start))
        start = end
    return out, last


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--classes", required=True)
    args = parser.parse_args()
    per_phase = {name: [] for name, _ in MARKERS}
    after, seccomp = [], 0
    for line in sys.stdin:
        log, wall = line.split()
        result = phases(log)
        if result is None:
            continue
        rows, last = result
        for name, ms in rows:
            per_phase[name].append(ms)
        after.append(float(wall) - last)
        with open(log) as f:
            seccomp += any("io/berth/runtime/SeccompBpf'" in l for l in f)
    if not after:
        print("no run used every marker class; no breakdown")
        return 1
    total = sum(statistics.median(v) for v in per_phase.values()) + statistics.median(after)
    print("| phase (class+init logging on, %d runs) | median ms | share |" % len(after))
    print("|---|---:|---:|")
    for name, _ in MARKERS:
        ms = statistics.median(per_phase[name])
        print("| %s | %.1f | %.0f%% |" % (name, ms, 100 * ms / total))
    ms = statistics.median(after)
    print("| JVM exit and bin/berth (wall minus the last class used) | %.1f | %.0f%% |"
          % (ms, 100 * ms / total))
    print("| sum of medians | %.1f | |" % total)
    print("seccomp compiled in %d of %d runs (the bench's config.json has no seccomp section)"
          % (seccomp, len(after)))
    loaded = shared = 0
    with open(args.classes) as f:
        for line in f:
            if "source:" in line:
                loaded += 1
                shared += "shared objects file" in line
    print("classes loaded: %d, of which %d from the AOT cache, %d from elsewhere"
          % (loaded, shared, loaded - shared))
    return 0


if __name__ == "__main__":
    sys.exit(main())
