#!/usr/bin/env python3
"""Builds the benchmark input deterministically from the real event corpus.

Takes every `<Event>…</Event>` record of the root-less corpus files (`NAME.xml` and
`NAME.xml.zst`; the `NAME.events.xml[.zst]` files hold the same records inside an `<Events>`
wrapper and are skipped so no record counts twice), and writes them again and again, in one fixed
order, until the output reaches `--size-mb` MiB. Within a pass the files are interleaved in
proportion to their record counts (each file's records keep their order), so any prefix, e.g. a 20 MB slice
for profiling, has the same mix of record kinds as the whole:

- `EventRecordID` is rewritten to a running counter (1, 2, 3, …), so every record is unique;
- `TimeCreated/@SystemTime` is shifted by one corpus time span (plus one day) per pass, so each
  pass is later than the one before it (the fraction of a second is kept as written);
- records that are not well-formed XML on their own (the corpus has two, with C0 control
  characters in their data) are left out, so the bare expat baseline and the importer read
  exactly the same records.

There is no randomness: the same corpus and the same size always give the same bytes.

Output (bare concatenation, the `wevtutil qe /f:xml` shape):
    data/events-1g.xml        (--size-mb 1024; events-100m.xml for --size-mb 100)
    data/events-1g.xml.zst    (zstd -3, two threads)

Usage:
    python3 Benchmarks/make-data.py                  # 1 GiB
    python3 Benchmarks/make-data.py --size-mb 100    # quick check / CI
"""

import argparse
import calendar
import hashlib
import os
import re
import subprocess
import sys
import time
import shutil
import xml.parsers.expat

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "corpus", "real"))

RECORD = re.compile(rb"<Event[\s>].*?</Event>", re.DOTALL)
RECORD_ID = re.compile(rb"<EventRecordID>\s*\d+\s*</EventRecordID>")
SYSTEM_TIME = re.compile(rb'(<TimeCreated\s+SystemTime=")(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([^"]*)(")')
FORBIDDEN_C0 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def data_name(size_mb: int) -> str:
    """events-1g.xml for whole GiB, events-100m.xml otherwise."""
    if size_mb % 1024 == 0:
        return f"events-{size_mb // 1024}g.xml"
    return f"events-{size_mb}m.xml"


def corpus_files(corpus: str) -> list[str]:
    names = []
    for name in sorted(os.listdir(corpus)):
        if name.endswith(".events.xml") or name.endswith(".events.xml.zst"):
            continue
        if name.endswith(".xml") or name.endswith(".xml.zst"):
            names.append(os.path.join(corpus, name))
    return names


def read_corpus_file(path: str) -> bytes:
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-d", "-c", "-q", path], check=True, stdout=subprocess.PIPE).stdout
    with open(path, "rb") as handle:
        return handle.read()


def well_formed(record: bytes) -> bool:
    if FORBIDDEN_C0.search(record):
        return False
    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(record, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True


class Template:
    """A record split around its EventRecordID and SystemTime, so each pass only formats."""

    __slots__ = ("parts", "has_id", "seconds", "fraction")

    def __init__(self, record: bytes):
        self.has_id = False
        self.seconds = None
        self.fraction = b""
        spans = []  # (start, end, kind)
        match = RECORD_ID.search(record)
        if match:
            spans.append((match.start(), match.end(), "id"))
            self.has_id = True
        match = SYSTEM_TIME.search(record)
        if match:
            stamp = match.group(2).decode()
            self.seconds = calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%S"))
            self.fraction = match.group(3)
            spans.append((match.start(2), match.end(2), "time"))
        spans.sort()
        self.parts = []  # bytes or "id"/"time" markers
        position = 0
        for start, end, kind in spans:
            self.parts.append(record[position:start])
            self.parts.append(kind)
            position = end
        self.parts.append(record[position:])


def load_templates(corpus: str) -> tuple[list[Template], int, int, int]:
    keyed: list[tuple[float, int, int, Template]] = []
    files = corpus_files(corpus)
    dropped = 0
    for file_index, path in enumerate(files):
        records = [m.group(0) for m in RECORD.finditer(read_corpus_file(path))]
        for index, record in enumerate(records):
            if not well_formed(record):
                dropped += 1
                continue
            # Proportional interleave: every prefix of a pass mixes all files in proportion to
            # their record counts, so a 20 MB or 100 MB input has the same record mix as the 1 GB one.
            keyed.append(((index + 0.5) / len(records), file_index, index, Template(record)))
    keyed.sort(key=lambda item: item[:3])
    templates = [item[3] for item in keyed]
    return templates, len(files), dropped, sum(len(b"".join(p for p in t.parts if isinstance(p, bytes))) for t in templates)


def format_time(seconds: int) -> bytes:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)).encode()


def generate(templates: list[Template], target: int, output: str) -> tuple[int, int, int, str]:
    stamps = [t.seconds for t in templates if t.seconds is not None]
    span = (max(stamps) - min(stamps) + 86400) if stamps else 86400
    record_id = 0
    written = 0
    passes = 0
    digest = hashlib.sha256()
    temporary = output + ".partial"
    with open(temporary, "wb", buffering=1 << 20) as handle:
        while written < target:
            shift = passes * span
            pending = []
            for template in templates:
                record_id += 1
                pieces = []
                for part in template.parts:
                    if part == "id":
                        pieces.append(b"<EventRecordID>%d</EventRecordID>" % record_id)
                    elif part == "time":
                        pieces.append(format_time(template.seconds + shift))
                    else:
                        pieces.append(part)
                pieces.append(b"\n")
                record = b"".join(pieces)
                pending.append(record)
                written += len(record)
                if written >= target:
                    break
            block = b"".join(pending)
            digest.update(block)
            handle.write(block)
            passes += 1
    os.replace(temporary, output)
    return record_id, written, passes, digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1024, help="target size in MiB (default 1024)")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS, help="folder of real corpus files")
    parser.add_argument("--out-dir", default=os.path.join(HERE, "data"), help="output folder")
    parser.add_argument("--no-zstd", action="store_true", help="do not write the .zst copy")
    args = parser.parse_args()

    if shutil.which("zstd") is None:
        print("make-data: the zstd command is needed (Debian: apt-get install zstd)", file=sys.stderr)
        return 1
    os.makedirs(args.out_dir, exist_ok=True)
    output = os.path.join(args.out_dir, data_name(args.size_mb))
    started = time.monotonic()
    if os.path.exists(output + ".zst"):
        os.remove(output + ".zst")  # never leave a .zst that does not match the .xml
    templates, files, dropped, pass_bytes = load_templates(args.corpus)
    if not templates:
        print(f"make-data: no <Event> records found in {args.corpus}", file=sys.stderr)
        return 1
    print(
        f"make-data: {len(templates)} records ({pass_bytes:,} bytes per pass) from {files} files; "
        f"{dropped} not well-formed record(s) left out",
        flush=True,
    )
    events, size, passes, sha = generate(templates, args.size_mb << 20, output)
    print(f"make-data: wrote {output}: {size:,} bytes, {events:,} events, {passes} passes, sha256 {sha}", flush=True)
    if not args.no_zstd:
        subprocess.run(["zstd", "-3", "-T2", "-q", "-f", output, "-o", output + ".zst.partial"], check=True)
        os.replace(output + ".zst.partial", output + ".zst")
        print(f"make-data: wrote {output}.zst: {os.path.getsize(output + '.zst'):,} bytes", flush=True)
    print(f"make-data: done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
