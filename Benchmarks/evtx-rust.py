#!/usr/bin/env python3
"""The Rust `evtx` crate's side of the EVTX line: reads FILE with `PyEvtxParser` on one thread,
rendering every record to JSON (as `rdpcause events` does), and prints one JSON line with the
record count, the way the other benchmark commands report.

    python3 Benchmarks/evtx-rust.py FILE.evtx     # needs `pip install evtx` (pyevtx-rs)
"""

import json
import sys
import time

from evtx import PyEvtxParser


def main() -> int:
    path = sys.argv[1]
    start = time.perf_counter()
    events = 0
    rendered = 0
    for record in PyEvtxParser(path, number_of_threads=1).records_json():
        events += 1
        rendered += len(record["data"])
    print(json.dumps({
        "tool": "pyevtx-rs", "events": events, "jsonBytes": rendered, "seconds": time.perf_counter() - start,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
