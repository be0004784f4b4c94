#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets (see Fuzz/README.md), one folder per target.

Usage: scripts/fuzz-seeds.py OUT_DIR [SHARED_DIR]

Seeds come from the repository (SampleLogs, Rules/sigma, Rules/causes) and, when SHARED_DIR
(default ../shared, or $RDPCAUSE_SHARED) exists, from a few small real event files in
corpus/real and a few SigmaHQ rules. Nothing here is committed: the seeds are rebuilt at each
run, small (event files are cut to their first events) and deterministic.
"""

import io
import lzma
import os
import shutil
import struct
import tempfile
import subprocess
import sys
import tarfile
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_SEED = 8 * 1024  # bytes of XML kept per event-file seed
EVENTS_PER_SEED = 3
REAL_FILES = 8  # small real event files taken from shared/corpus/real
SIGMAHQ_RULES = 24  # SigmaHQ rules taken from shared/sigmahq
EVTX_FILES = 6  # small real .evtx files taken from shared/corpus/evtx
EVTX_MAX_LEN = 4096 + 2 * 65536  # the file header and two chunks (fuzz.sh gives the evtx target this max_len)
# xml seeds start with the chunk-size selector byte (see XMLFuzzEntry.chunkSize(selector:)).
SELECTORS = [0x00, 0x06, 0x3F, 0x80]


def first_events(data: bytes) -> bytes:
    """The text up to the end of the EVENTS_PER_SEED-th </Event>, at most MAX_SEED bytes."""
    end = 0
    for _ in range(EVENTS_PER_SEED):
        found = data.find(b"</Event>", end)
        if found < 0:
            break
        end = found + len(b"</Event>")
    cut = data[: end or MAX_SEED][:MAX_SEED]
    if data.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml") and b"<Events>" in cut:
        cut += b"\n</Events>\n"
    return cut


def zstd(data: bytes) -> bytes:
    return subprocess.run(["zstd", "-q", "-c", "-3"], input=data, stdout=subprocess.PIPE, check=True).stdout


def tar(members: dict) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_781_000_000
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def zip_archive(members: dict, method: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 6, 12, 21, 41, 52)), data, compress_type=method)
    return out.getvalue()


def seven_zip_number(value: int) -> bytes:
    """7-Zip's variable-length number: the first byte's leading one bits count the bytes that follow."""
    first, mask, extra = 0, 0x80, 0
    while extra < 8 and value >= 1 << (7 * (extra + 1)):
        first |= mask
        mask >>= 1
        extra += 1
    if extra < 8:
        first |= (value >> (8 * extra)) & 0xFF
    return bytes([first]) + value.to_bytes(8, "little")[:extra]


def seven_zip_coder(data: bytes, method: str, declared_dictionary: int):
    """The coded data and the coder record (flags, method id, properties) of one folder."""
    if method == "lzma":
        options = {"id": lzma.FILTER_LZMA1, "dict_size": 1 << 16, "lc": 3, "lp": 0, "pb": 2}
        packed = lzma.compress(data, format=lzma.FORMAT_RAW, filters=[options])
        return packed, bytes([0x23, 0x03, 0x01, 0x01, 0x05, 0x5D]) + struct.pack("<I", declared_dictionary)
    packed = lzma.compress(data, format=lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_LZMA2, "dict_size": 1 << 20}])
    return packed, bytes([0x21, 0x21, 0x01, 16])  # LZMA2, 1 MiB


def seven_zip_streams(position: int, folders: list, crcs=None) -> bytes:
    """A StreamsInfo: PackInfo and UnpackInfo (and folder CRCs) of (packed, coder, size) folders."""
    out = bytes([0x06]) + seven_zip_number(position) + seven_zip_number(len(folders)) + b"\x09"
    out += b"".join(seven_zip_number(len(packed)) for packed, _, _ in folders) + b"\x00"
    out += bytes([0x07, 0x0B]) + seven_zip_number(len(folders)) + b"\x00"
    out += b"".join(b"\x01" + coder for _, coder, _ in folders)
    out += b"\x0c" + b"".join(seven_zip_number(size) for _, _, size in folders)
    if crcs is not None:
        out += b"\x0a\x01" + b"".join(struct.pack("<I", crc) for crc in crcs)
    return out + b"\x00"


def seven_zip(members: dict, method: str = "lzma2", declared_dictionary: int = 1 << 20, packed_header: bool = False) -> bytes:
    """A 7-Zip archive written by hand (one folder per member), as 7-Zip lays it out: the packed
    streams, then the header database, plain (kHeader) or packed with LZMA (kEncodedHeader)."""
    folders = [seven_zip_coder(data, method, declared_dictionary) + (len(data),) for data in members.values()]
    packed = b"".join(folder[0] for folder in folders)
    header = b"\x01\x04" + seven_zip_streams(0, folders)
    header += b"\x08\x0a\x01" + b"".join(struct.pack("<I", zlib.crc32(data)) for data in members.values()) + b"\x00\x00"
    names = b"".join(name.encode("utf-16-le") + b"\x00\x00" for name in members)
    header += b"\x05" + seven_zip_number(len(members)) + b"\x11" + seven_zip_number(len(names) + 1) + b"\x00" + names + b"\x00\x00"
    next_header = header
    if packed_header:
        coded, coder = seven_zip_coder(header, "lzma", 1 << 16)
        next_header = b"\x17" + seven_zip_streams(len(packed), [(coded, coder, len(header))], [zlib.crc32(header)]) + b"\x00"
        packed += coded
    start = struct.pack("<QQI", len(packed), len(next_header), zlib.crc32(next_header))
    return b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", zlib.crc32(start)) + start + packed + next_header


def seven_zip_tool(members: dict, options: list):
    """An archive made by 7-Zip itself (7z, 7za or 7zr), or None when it is not installed."""
    tool = shutil.which("7z") or shutil.which("7za") or shutil.which("7zr")
    if tool is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        for name, data in members.items():
            path = Path(folder, "case", name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            os.utime(path, (1_781_000_000, 1_781_000_000))
        archive = Path(folder, "case.7z")
        subprocess.run([tool, "a", "-bd", "-y", *options, str(archive), "case"], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL)
        return archive.read_bytes()


def shared_dir() -> Path:
    if len(sys.argv) > 2:
        return Path(sys.argv[2])
    if os.environ.get("RDPCAUSE_SHARED"):
        return Path(os.environ["RDPCAUSE_SHARED"])
    return ROOT.parent / "shared"


def main() -> None:
    out = Path(sys.argv[1])
    seeds = {target: {} for target in ["xml", "archive", "report", "sigma", "causes", "evtx"]}

    xml_files = sorted(p for p in (ROOT / "SampleLogs").rglob("*.xml"))
    shared = shared_dir()
    real = shared / "corpus" / "real"
    if real.is_dir():
        candidates = sorted((p for p in real.glob("*.xml")), key=lambda p: (p.stat().st_size, p.name))
        xml_files += candidates[:REAL_FILES]
    else:
        print(f"fuzz-seeds: {real} not found; seeds from the repository only", file=sys.stderr)

    snippets = {}
    for index, path in enumerate(xml_files):
        snippet = first_events(path.read_bytes())
        snippets[path.name] = snippet
        selector = SELECTORS[index % len(SELECTORS)]
        seeds["xml"][f"{index:03d}-{path.stem[:60]}.xml"] = bytes([selector]) + snippet
    # The encodings and wrappers the reader accepts, on one small snippet.
    sample = snippets[xml_files[0].name]
    seeds["xml"]["utf16le.xml"] = bytes([0x05]) + b"\xff\xfe" + sample.decode("utf-8", "replace").encode("utf-16-le")
    seeds["xml"]["utf16be-nobom.xml"] = bytes([0x80]) + sample.decode("utf-8", "replace").encode("utf-16-be")
    seeds["xml"]["zstd.xml.zst"] = bytes([0x10]) + zstd(sample)

    for path in sorted((ROOT / "SampleLogs").iterdir()):
        if path.suffix in (".zip", ".zst"):
            seeds["archive"][path.name] = path.read_bytes()
    names = sorted(snippets)[:3]
    members = {f"host/{name}": snippets[name] for name in names}
    members["error.txt"] = (ROOT / "SampleLogs" / "network-path" / "error.txt").read_bytes()
    seeds["archive"]["case.tar"] = tar(members)
    seeds["archive"]["case.tar.zst"] = zstd(tar(members))
    seeds["archive"]["case-deflate.zip"] = zip_archive(members, zipfile.ZIP_DEFLATED)
    seeds["archive"]["case-stored.zip"] = zip_archive(members, zipfile.ZIP_STORED)
    seeds["archive"]["events.xml.zst"] = zstd(snippets[names[0]])
    seeds["archive"]["nested.tar"] = tar({"inner.xml.zst": zstd(snippets[names[1]]), "inner.tar": tar(members)})
    # 7-Zip: plain and packed headers, and coders declaring a 1.5 GiB dictionary (refused before
    # libarchive opens the archive), so that mutations reach the header check from both sides.
    seeds["archive"]["case-lzma2.7z"] = seven_zip(members)
    seeds["archive"]["case-packed-header.7z"] = seven_zip(members, "lzma", 1 << 20, packed_header=True)
    seeds["archive"]["hostile-dictionary.7z"] = seven_zip(members, "lzma", 3 << 29)
    seeds["archive"]["hostile-dictionary-packed-header.7z"] = seven_zip(members, "lzma", 3 << 29, packed_header=True)
    for label, options in [("mx5", ["-mx5"]), ("ppmd", ["-m0=PPMd"]), ("plain-header", ["-mhc=off", "-mx1"])]:
        made = seven_zip_tool(members, options)
        if made is None:
            print("fuzz-seeds: 7z/7za/7zr not installed; 7-Zip seeds are hand-made only", file=sys.stderr)
            break
        seeds["archive"][f"7zip-{label}.7z"] = made

    for path in sorted((ROOT / "SampleLogs").rglob("*")):
        if path.name in ("error.txt", "error.json", "ticket.txt"):
            seeds["report"][f"{path.parent.name}-{path.name}"] = path.read_bytes()

    for path in sorted((ROOT / "Rules" / "sigma").glob("*.yml")):
        seeds["sigma"][path.name] = path.read_bytes()
    sigmahq = shared / "sigmahq" / "rules" / "windows"
    if sigmahq.is_dir():
        rules = sorted(sigmahq.rglob("*.yml"))
        step = max(1, len(rules) // SIGMAHQ_RULES)
        for path in rules[::step][:SIGMAHQ_RULES]:
            seeds["sigma"]["sigmahq-" + path.name] = path.read_bytes()
    for path in sorted((ROOT / "Rules" / "causes").glob("*.yml")):
        seeds["causes"][path.name] = path.read_bytes()

    # evtx: the smallest real .evtx files, cut to the file header and two chunks (the target's max_len).
    evtx = shared / "corpus" / "evtx"
    if evtx.is_dir():
        for path in sorted(evtx.glob("*.evtx.zst"), key=lambda p: (p.stat().st_size, p.name))[:EVTX_FILES]:
            data = subprocess.run(["zstd", "-dc", str(path)], check=True, capture_output=True).stdout
            seeds["evtx"][path.name[: -len(".zst")]] = data[:EVTX_MAX_LEN]

    for target, files in seeds.items():
        folder = out / target
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        print(f"fuzz-seeds: {target}: {len(files)} seeds")


if __name__ == "__main__":
    main()
