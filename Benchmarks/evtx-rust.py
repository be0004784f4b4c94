#!/usr/bin/env python3
"""The Rust `evtx` crate's side of the EVTX lines: reads FILE with `PyEvtxParser` on one thread,
rendering every record to JSON, and prints one JSON line with the record count, the way the other
benchmark commands report.

    python3 Benchmarks/evtx-rust.py FILE.evtx               # needs `pip install evtx` (pyevtx-rs)
    python3 Benchmarks/evtx-rust.py --start-only FILE.evtx  # Python start-up and `import evtx` only

`seconds` and `cpuSeconds` cover the parsing alone (from opening FILE to the last record), not
Python's start-up or the import; `--start-only` stops after the import, so run.py can measure that
start-up (CPU time, instructions) and subtract it from a whole run.
"""

import json
import sys
import time

from evtx import PyEvtxParser


def main() -> int:
    if sys.argv[1] == "--start-only":
        print(json.dumps({"tool": "pyevtx-rs", "events": 0, "jsonBytes": 0, "seconds": 0.0, "cpuSeconds": 0.0}))
        return 0
    path = sys.argv[1]
    start = time.perf_counter()
    cpu_start = time.process_time()
    events = 0
    rendered = 0
    for record in PyEvtxParser(path, number_of_threads=1).records_json():
        events += 1
        rendered += len(record["data"])
    print(json.dumps({
        "tool": "pyevtx-rs", "events": events, "jsonBytes": rendered, "seconds": time.perf_counter() - start,
        "cpuSeconds": time.process_time() - cpu_start,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
