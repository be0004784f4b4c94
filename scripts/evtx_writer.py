"""A small writer of Windows binary event logs (.evtx), for the sample generator.

It writes what Windows writes, so that rdpcause's native reader is exercised on the same
structures as on a log copied from C:\\Windows\\System32\\winevt\\Logs:

- a 4096-byte file header and 64 KiB chunks, each with its header, CRC32 checksums, and records
  in ascending EventRecordID order;
- every record as BinXml: a fragment header and a template instance whose definition is written
  inline the first time it is used in a chunk and referenced by offset afterwards;
- names (element and attribute) defined inline once per chunk and referenced by offset afterwards;
- the System values as typed substitutions (UInt16 EventID, UInt8 Level, HexInt64 Keywords,
  FILETIME SystemTime, GUID ActivityID, SID UserID, ...), with optional substitutions whose NULL
  value drops the attribute or element (a `<Security/>` without UserID, no `<Version>` element);
- EventData and UserData as elements of the template, their text as string substitutions and
  `Binary` as a binary value.

Formats: MS-EVEN6 (BinXml) and the libyal EVTX format notes (file and chunk headers).
"""

import re
import struct
import uuid
import zlib

FILE_HEADER_SIZE = 4096
CHUNK_SIZE = 65536
CHUNK_HEADER_SIZE = 512
RECORD_OVERHEAD = 28  # magic, size, identifier, written time, trailing size copy

T_NULL, T_STRING, T_UINT8, T_UINT16, T_UINT32, T_UINT64 = 0x00, 0x01, 0x04, 0x06, 0x08, 0x0A
T_BINARY, T_GUID, T_FILETIME, T_SID, T_HEXINT64 = 0x0E, 0x0F, 0x11, 0x13, 0x15

HEX_RE = re.compile(r"^(?:[0-9A-Fa-f]{2})*$")
GUID_RE = re.compile(r"^\{?([0-9A-Fa-f]{8})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{12})\}?$")
SID_RE = re.compile(r"^S-1-(\d+)((?:-\d+)*)$")


def utf16(s):
    return s.encode("utf-16-le")


def name_hash(name):
    """The 16-bit hash stored with a name (MS-EVEN6 NameHash): low 16 bits of h*65599 + c."""
    units = utf16(name)
    h = 0
    for i in range(0, len(units), 2):
        h = (h * 65599 + (units[i] | units[i + 1] << 8)) & 0xFFFFFFFF
    return h & 0xFFFF


# --------------------------------------------------------------------------- values


def value_of(kind, text):
    """(type, bytes) of a substitution value: the typed encoding Windows uses, or NULL when absent.

    A value the type cannot hold (not a number, not a GUID) is written as a string, as a
    provider without a manifest would.
    """
    if text is None:
        return (T_NULL, b"")
    try:
        if kind in (T_UINT8, T_UINT16, T_UINT32, T_UINT64):
            n = int(text, 10)
            fmt = {T_UINT8: "<B", T_UINT16: "<H", T_UINT32: "<I", T_UINT64: "<Q"}[kind]
            return (kind, struct.pack(fmt, n))
        if kind == T_HEXINT64:
            return (kind, struct.pack("<Q", int(text, 16)))
        if kind == T_FILETIME:
            return (kind, struct.pack("<Q", int(text)))
        if kind == T_GUID:
            m = GUID_RE.match(text)
            if m:
                return (kind, uuid.UUID("-".join(m.groups())).bytes_le)
        if kind == T_SID:
            m = SID_RE.match(text)
            if m:
                authority = int(m.group(1))
                parts = [int(p) for p in m.group(2).split("-")[1:]]
                if authority < 1 << 48 and len(parts) <= 15 and all(p < 1 << 32 for p in parts):
                    return (kind, struct.pack("<BB", 1, len(parts)) + authority.to_bytes(6, "big") +
                            b"".join(struct.pack("<I", p) for p in parts))
        if kind == T_BINARY and HEX_RE.match(text):
            return (kind, bytes.fromhex(text))
    except (ValueError, struct.error, OverflowError):
        pass
    return (T_STRING, utf16(text))


# --------------------------------------------------------------------------- BinXml


class Fragment:
    """BinXml bytes at a known chunk offset; names are shared with the chunk."""

    def __init__(self, chunk, base):
        self.chunk = chunk
        self.base = base
        self.out = bytearray()

    def offset(self):
        return self.base + len(self.out)

    def name(self, text):
        known = self.chunk.names.get(text)
        if known is not None:
            self.out += struct.pack("<I", known)
            return
        here = self.offset() + 4
        self.out += struct.pack("<I", here)
        units = utf16(text)
        self.out += struct.pack("<IHH", 0, name_hash(text), len(units) // 2) + units + b"\x00\x00"
        self.chunk.names[text] = here

    def text(self, s):
        units = utf16(s)
        self.out += struct.pack("<BBH", 0x05, T_STRING, len(units) // 2) + units

    def substitution(self, index, kind, optional):
        self.out += struct.pack("<BHB", 0x0E if optional else 0x0D, index, kind)

    def element(self, name, attributes, content):
        """An element of a template: attributes are (name, writer) pairs, content a writer or None."""
        start = len(self.out)
        self.out += struct.pack("<BHI", 0x41 if attributes else 0x01, 0xFFFF, 0)
        self.name(name)
        if attributes:
            list_at = len(self.out)
            self.out += b"\x00\x00\x00\x00"
            for i, (attribute, write) in enumerate(attributes):
                self.out += bytes([0x46 if i + 1 < len(attributes) else 0x06])
                self.name(attribute)
                write()
            struct.pack_into("<I", self.out, list_at, len(self.out) - list_at - 4)
        if content is None:
            self.out += b"\x03"
        else:
            self.out += b"\x02"
            content()
            self.out += b"\x04"
        struct.pack_into("<I", self.out, start + 3, len(self.out) - start - 7)


class Template:
    """The shape of a kind of event: System values by index, then the payload's leaves."""

    SYSTEM = [("EventID", T_UINT16), ("Qualifiers", T_UINT16), ("Version", T_UINT8), ("Level", T_UINT8),
              ("Task", T_UINT16), ("Opcode", T_UINT8), ("Keywords", T_HEXINT64), ("SystemTime", T_FILETIME),
              ("EventRecordID", T_UINT64), ("ActivityID", T_GUID), ("RelatedActivityID", T_GUID),
              ("ProcessID", T_UINT32), ("ThreadID", T_UINT32), ("Channel", T_STRING), ("Computer", T_STRING),
              ("UserID", T_SID)]
    INDEX = {name: i for i, (name, _) in enumerate(SYSTEM)}

    def __init__(self, provider, guid, source_name, payload, event_ns):
        self.provider = provider
        self.guid = guid
        self.source_name = source_name
        self.payload = payload
        self.event_ns = event_ns
        self.leaves = Template.leaves_of(payload)  # (node, kind) in substitution order after the System values
        self.key = (provider, guid, source_name, self._shape(payload))
        self.identifier = uuid.uuid5(uuid.NAMESPACE_URL, repr(self.key)).bytes_le

    @staticmethod
    def leaves_of(payload):
        """The payload's text elements, depth first: one substitution each."""
        leaves, stack = [], [payload] if payload is not None else []
        while stack:
            node = stack.pop()
            if node.children:
                stack.extend(reversed(node.children))
            else:
                leaves.append((node, T_BINARY if node.tag == "Binary" else T_STRING))
        return leaves

    @staticmethod
    def _shape(node):
        if node is None:
            return None
        return (node.tag, node.ns, tuple(node.attrs), tuple(Template._shape(c) for c in node.children))

    def body(self, fragment):
        f = fragment
        f.out += b"\x0f\x01\x01\x00"

        def sub(name, optional=True):
            return lambda: f.substitution(Template.INDEX[name], dict(Template.SYSTEM)[name], optional)

        def provider():
            attrs = [("Name", lambda: f.text(self.provider))]
            if self.guid:
                attrs.append(("Guid", lambda: f.text(self.guid)))
            if self.source_name:
                attrs.append(("EventSourceName", lambda: f.text(self.source_name)))
            f.element("Provider", attrs, None)

        def system():
            provider()
            f.element("EventID", [("Qualifiers", sub("Qualifiers"))], sub("EventID", optional=False))
            for name in ("Version", "Level", "Task", "Opcode", "Keywords"):
                f.element(name, [], sub(name))
            f.element("TimeCreated", [("SystemTime", sub("SystemTime", optional=False))], None)
            f.element("EventRecordID", [], sub("EventRecordID", optional=False))
            f.element("Correlation", [("ActivityID", sub("ActivityID")), ("RelatedActivityID", sub("RelatedActivityID"))], None)
            f.element("Execution", [("ProcessID", sub("ProcessID")), ("ThreadID", sub("ThreadID"))], None)
            f.element("Channel", [], sub("Channel", optional=False))
            f.element("Computer", [], sub("Computer", optional=False))
            f.element("Security", [("UserID", sub("UserID"))], None)

        leaf_index = iter(range(len(Template.SYSTEM), len(Template.SYSTEM) + len(self.leaves)))

        def payload(node, parent_ns):
            attrs = [(k, (lambda v=v: f.text(v))) for k, v in node.attrs]
            if node.ns and node.ns != parent_ns:
                if node.ns == "Event_NS":
                    attrs.append(("xmlns:auto-ns2", lambda: f.text("http://schemas.microsoft.com/win/2004/08/events")))
                attrs.append(("xmlns", lambda: f.text(node.ns)))
            if node.children:
                f.element(node.tag, attrs, lambda: [payload(c, node.ns or parent_ns) for c in node.children])
            else:
                index = next(leaf_index)
                kind = T_BINARY if node.tag == "Binary" else T_STRING
                f.element(node.tag, attrs, lambda: f.substitution(index, kind, False))

        def event():
            f.element("System", [], system)
            if self.payload is not None:
                payload(self.payload, self.event_ns)

        f.element("Event", [("xmlns", lambda: f.text(self.event_ns))], event)
        f.out += b"\x00"

    def values(self, e, record_id, filetime):
        system = {
            "EventID": str(e.eid), "Qualifiers": e.qual, "Version": e.version, "Level": e.level, "Task": e.task,
            "Opcode": e.opcode, "Keywords": e.keywords, "SystemTime": str(filetime), "EventRecordID": str(record_id),
            "ActivityID": e.act, "RelatedActivityID": e.rel, "ProcessID": e.pid, "ThreadID": e.tid,
            "Channel": e.channel, "Computer": e.computer, "UserID": e.uid,
        }
        out = [value_of(kind, system[name]) for name, kind in Template.SYSTEM]
        out += [value_of(kind, node.text or "") if kind == T_BINARY else (T_STRING, utf16(node.text or ""))
                for node, kind in Template.leaves_of(e.payload)]
        return out


# --------------------------------------------------------------------------- chunks and file


class Chunk:
    def __init__(self):
        self.data = bytearray(CHUNK_HEADER_SIZE)
        self.names = {}
        self.templates = {}  # key -> chunk offset of the definition
        self.first_id = None
        self.last_id = None
        self.last_record_offset = 0

    def record(self, template, e, record_id, filetime):
        """The record's bytes when written at the end of this chunk (names and templates it defines included)."""
        names_before = dict(self.names)
        start = len(self.data)
        f = Fragment(self, start + 24)
        f.out += b"\x0f\x01\x01\x00"
        token_at = f.offset()
        known = self.templates.get(template.key)
        definition = known if known is not None else token_at + 10
        f.out += struct.pack("<BBII", 0x0C, 0x01, struct.unpack_from("<I", template.identifier)[0], definition)
        if known is None:
            head = len(f.out)
            f.out += struct.pack("<I", 0) + template.identifier + struct.pack("<I", 0)
            body = Fragment(self, f.offset())
            template.body(body)
            f.out += body.out
            struct.pack_into("<I", f.out, head + 20, len(body.out))
        values = template.values(e, record_id, filetime)
        f.out += struct.pack("<I", len(values))
        for kind, raw in values:
            f.out += struct.pack("<HBB", len(raw), kind, 0)
        for _, raw in values:
            f.out += raw
        f.out += b"\x00"
        size = RECORD_OVERHEAD + len(f.out)
        record = struct.pack("<4sIQQ", b"**\x00\x00", size, record_id, filetime) + bytes(f.out) + struct.pack("<I", size)
        if start + len(record) > CHUNK_SIZE:
            self.names = names_before
            return None
        if known is None:
            self.templates[template.key] = token_at + 10
        return record

    def append(self, record, record_id):
        self.last_record_offset = len(self.data)
        self.data += record
        self.first_id = record_id if self.first_id is None else self.first_id
        self.last_id = record_id

    def finish(self):
        free = len(self.data)
        out = bytearray(self.data) + bytearray(CHUNK_SIZE - free)
        struct.pack_into("<8sQQQQIIII", out, 0, b"ElfChnk\x00", self.first_id, self.last_id, self.first_id,
                         self.last_id, 128, self.last_record_offset, free,
                         zlib.crc32(bytes(out[CHUNK_HEADER_SIZE:free])))
        struct.pack_into("<I", out, 124, zlib.crc32(bytes(out[0:120]) + bytes(out[128:CHUNK_HEADER_SIZE])))
        return bytes(out)


def write_evtx(events, filetime_of, event_ns):
    """The bytes of an .evtx file holding `events` (each with its `rid` set) in the given order."""
    chunks = []
    chunk = Chunk()
    templates = {}
    for e in events:
        shape = (e.prov, e.guid, e.esn, Template._shape(e.payload))
        template = templates.get(shape)
        if template is None:
            template = Template(e.prov, e.guid, e.esn, e.payload, event_ns)
            templates[shape] = template
        filetime = filetime_of(e.t)
        record = chunk.record(template, e, e.rid, filetime)
        if record is None:
            chunks.append(chunk)
            chunk = Chunk()
            record = chunk.record(template, e, e.rid, filetime)
            if record is None:
                raise ValueError("event %d does not fit in one chunk" % e.rid)
        chunk.append(record, e.rid)
    if chunk.first_id is not None or not chunks:
        if chunk.first_id is None:
            chunk.first_id = chunk.last_id = 0
        chunks.append(chunk)
    header = bytearray(FILE_HEADER_SIZE)
    last_id = events[-1].rid if events else 0
    struct.pack_into("<8sQQQIHHHH", header, 0, b"ElfFile\x00", 0, len(chunks) - 1, last_id + 1, 128, 1, 3,
                     FILE_HEADER_SIZE, len(chunks))
    struct.pack_into("<I", header, 124, zlib.crc32(bytes(header[0:120])))
    return bytes(header) + b"".join(c.finish() for c in chunks)


def check_evtx(data):
    """Reads back the file's structure (signatures, CRC32s, record sizes and order); returns the record count."""
    if len(data) < FILE_HEADER_SIZE or data[:8] != b"ElfFile\x00":
        raise ValueError("no file header")
    if zlib.crc32(data[:120]) != struct.unpack_from("<I", data, 124)[0]:
        raise ValueError("file header CRC32")
    chunks = struct.unpack_from("<H", data, 42)[0]
    if len(data) != FILE_HEADER_SIZE + chunks * CHUNK_SIZE:
        raise ValueError("size is not the header and %d chunks" % chunks)
    records, last_id = 0, None
    for n in range(chunks):
        chunk = data[FILE_HEADER_SIZE + n * CHUNK_SIZE:FILE_HEADER_SIZE + (n + 1) * CHUNK_SIZE]
        if chunk[:8] != b"ElfChnk\x00":
            raise ValueError("chunk %d: signature" % n)
        free, records_crc, header_crc = struct.unpack_from("<III", chunk, 48)[0:2] + struct.unpack_from("<I", chunk, 124)
        if zlib.crc32(chunk[:120] + chunk[128:CHUNK_HEADER_SIZE]) != header_crc:
            raise ValueError("chunk %d: header CRC32" % n)
        if zlib.crc32(chunk[CHUNK_HEADER_SIZE:free]) != records_crc:
            raise ValueError("chunk %d: records CRC32" % n)
        at = CHUNK_HEADER_SIZE
        while at < free:
            magic, size, record_id = struct.unpack_from("<4sIQ", chunk, at)
            if magic != b"**\x00\x00" or at + size > free or struct.unpack_from("<I", chunk, at + size - 4)[0] != size:
                raise ValueError("chunk %d: record at %d" % (n, at))
            if last_id is not None and record_id != last_id + 1:
                raise ValueError("chunk %d: record %d after %d" % (n, record_id, last_id))
            last_id = record_id
            records += 1
            at += size
    return records
