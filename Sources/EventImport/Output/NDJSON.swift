/// The NDJSON form of events printed by `rdpcause events` (documented in README.md).
public enum NDJSON {
    /// One event as a JSON object followed by a newline.
    ///
    /// Always present: `time` (ISO 8601 UTC, 7 fractional digits), `computer`, `channel`,
    /// `provider`, `eventId`, `recordId` (or null), `level` (or null), `data` (an object in
    /// document order; unnamed classic `<Data>` become `Data[1]`, `Data[2]`, …; a key already used
    /// gets the lowest free `#2`, `#3`…, so keys never repeat) and `origin` (`source`, `line`,
    /// `offset`). Present when the record has
    /// them: `qualifiers`, `version`, `task`, `opcode`, `keywords`, `activityId`, `processId`,
    /// `threadId`, `userId`, `providerGuid`, `eventSourceName`, `eventDataName`, `binary`,
    /// `rendering`.
    public static func line(for event: WinEvent) -> [UInt8] {
        var json = JSONWriter()
        write(event, to: &json)
        json.newline()
        return json.bytes
    }

    /// Writes one event object into `json`.
    public static func write(_ event: WinEvent, to json: inout JSONWriter) {
        json.beginObject()
        json.key(literal: "time")
        json.timestamp(event.time)
        json.key(literal: "computer")
        json.string(event.computer)
        json.key(literal: "channel")
        json.string(event.channel)
        json.key(literal: "provider")
        json.string(event.provider)
        json.key(literal: "eventId")
        json.number(event.eventID)
        json.key(literal: "recordId")
        number(event.recordID, &json)
        json.key(literal: "level")
        number(event.level, &json)
        optional(&json, "qualifiers", event.qualifiers)
        optional(&json, "version", event.version)
        optional(&json, "task", event.task)
        optional(&json, "opcode", event.opcode)
        optional(&json, "keywords", event.keywords)
        optional(&json, "activityId", event.activityID)
        optional(&json, "processId", event.processID)
        optional(&json, "threadId", event.threadID)
        optional(&json, "userId", event.userID)
        optional(&json, "providerGuid", event.providerGUID)
        optional(&json, "eventSourceName", event.eventSourceName)
        optional(&json, "eventDataName", event.eventDataName)
        json.key(literal: "data")
        json.beginObject()
        writeData(event.fields, to: &json)
        json.endObject()
        optional(&json, "binary", event.binary)
        if let rendering = event.rendering {
            json.key(literal: "rendering")
            json.beginObject()
            json.member("culture", rendering.culture)
            json.member("message", rendering.message)
            json.member("level", rendering.level)
            json.member("task", rendering.task)
            json.member("opcode", rendering.opcode)
            json.member("channel", rendering.channel)
            json.member("provider", rendering.provider)
            json.key(literal: "keywords")
            json.beginArray()
            for keyword in rendering.keywords {
                json.element()
                json.string(keyword)
            }
            json.endArray()
            json.endObject()
        }
        writeOrigin(event.origin, to: &json)
        json.endObject()
    }

    /// Writes `"origin":{"source","line","offset"}` into the open object (the form every
    /// NDJSON output of rdpcause uses for where an event was read).
    public static func writeOrigin(_ origin: EventOrigin, to json: inout JSONWriter) {
        json.key(literal: "origin")
        json.beginObject()
        json.key(literal: "source")
        json.string(origin.source)
        json.key(literal: "line")
        json.number(origin.line)
        json.key(literal: "offset")
        number(origin.byteOffset, &json)
        json.endObject()
    }

    /// The members of the `data` object, keyed as ``DataKeys`` says.
    static func writeData(_ fields: [EventField], to json: inout JSONWriter) {
        var keys = DataKeys(fieldCount: fields.count)
        for field in fields {
            json.member(keys.next(for: field.name), field.value)
        }
    }

    private static func optional(_ json: inout JSONWriter, _ key: StaticString, _ value: String) {
        if !value.isEmpty {
            json.key(literal: key)
            json.string(value)
        }
    }

    private static func optional<Number: BinaryInteger>(_ json: inout JSONWriter, _ key: StaticString, _ value: Number?) {
        if let value {
            json.key(literal: key)
            json.number(value)
        }
    }

    private static func number<Number: BinaryInteger>(_ value: Number?, _ json: inout JSONWriter) {
        if let value { json.number(value) } else { json.null() }
    }
}

extension BufferedOutput {
    /// Writes `event` as one NDJSON line (``NDJSON/line(for:)``), straight into the buffer.
    public func writeNDJSON(_ event: WinEvent) {
        writeJSON { json in
            NDJSON.write(event, to: &json)
            json.newline()
        }
    }
}

/// The keys of an NDJSON event's `data` object, one per field in document order, never the same twice.
///
/// A field is keyed by its name; an unnamed classic `<Data>` by `Data[n]`, counting unnamed ones.
/// A key already used in the object gets the lowest `#2`, `#3`, … suffix not used yet, so that a
/// crafted name (`Data[1]` beside an unnamed `Data`, or `A#2` beside two `A`) can never repeat, and
/// so shadow, another field's key.
struct DataKeys {
    /// Up to this many keys are kept in a list; more go into a set.
    static let listCapacity = 64
    /// `Data[1]`, `Data[2]`, …, made once.
    private static let unnamedKeys: [String] = (1...listCapacity).map { "Data[\($0)]" }

    private var usedList: [String] = []
    private var usedSet: Set<String> = []
    private var nextSuffix: [String: Int] = [:]
    private var unnamed = 0
    /// One bit, by a cheap hash of the bytes, for every ASCII key used. An ASCII key whose bit is
    /// clear is new: ASCII text equals only the same bytes (when no other key was used).
    private var asciiBits: (low: UInt64, high: UInt64) = (0, 0)
    /// Whether a key that is not ASCII was used: from then on every key is compared with all used
    /// ones, since such a key can equal an ASCII one (`String` compares canonical equivalence:
    /// U+212A KELVIN SIGN equals `K`).
    private var usedNonASCII = false

    /// Creates an empty key set, for one object of `fieldCount` fields.
    init(fieldCount: Int = 0) {
        usedList.reserveCapacity(min(fieldCount, Self.listCapacity))
    }

    /// The key for the next field, whose name is `name` (empty for an unnamed `<Data>`).
    mutating func next(for name: String) -> String {
        var base = name
        if base.isEmpty {
            unnamed += 1
            base = unnamed <= Self.unnamedKeys.count ? Self.unnamedKeys[unnamed - 1] : "Data[\(unnamed)]"
        }
        if insert(base) { return base }
        var suffix = nextSuffix[base, default: 2]
        while !insert("\(base)#\(suffix)") { suffix += 1 }
        nextSuffix[base] = suffix + 1
        return "\(base)#\(suffix)"
    }

    /// Adds `key` to the keys used; false when it was used already (the same test as a set of
    /// strings: `==`).
    private mutating func insert(_ key: String) -> Bool {
        guard usedSet.isEmpty else { return usedSet.insert(key).inserted }
        let bit = Self.asciiBit(key)
        if let bit, !usedNonASCII, !isSet(bit) {
            // New for certain: no used key has the same bytes.
        } else {
            for used in usedList where used == key { return false }
        }
        if let bit {
            if bit < 64 { asciiBits.low |= 1 << UInt64(bit) } else { asciiBits.high |= 1 << UInt64(bit - 64) }
        } else {
            usedNonASCII = true
        }
        if usedList.count < Self.listCapacity {
            usedList.append(key)
        } else {
            usedSet = Set(usedList)
            usedSet.insert(key)
            usedList = []
        }
        return true
    }

    private func isSet(_ bit: Int) -> Bool {
        bit < 64 ? asciiBits.low & (1 << UInt64(bit)) != 0 : asciiBits.high & (1 << UInt64(bit - 64)) != 0
    }

    /// A bit (0–127) from a hash of `key`'s bytes, or nil when `key` is not ASCII.
    private static func asciiBit(_ key: String) -> Int? {
        var key = key
        return key.withUTF8 { bytes in
            var hash: UInt32 = 0
            var seen: UInt8 = 0
            for byte in bytes {
                hash = hash &* 31 &+ UInt32(byte)
                seen |= byte
            }
            return seen < 0x80 ? Int((hash ^ hash >> 7) & 127) : nil
        }
    }
}
