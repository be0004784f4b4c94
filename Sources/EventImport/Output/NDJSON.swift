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
        var members = DataKeys(fields)
        while let (key, value) = members.next() {
            json.member(key, value)
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
///
/// Nearly every object has distinct ASCII names, so keys start out as their bases, checked without
/// a list: a key whose bit (of 256, by a hash of its bytes) no earlier key set is new, and one whose
/// bit is set is compared with the earlier keys, which are the earlier fields' bases. ASCII text
/// equals only the same bytes, so this is the set's test while every key is ASCII. The first key
/// that repeats, or is not ASCII, replays the earlier keys into ``UsedKeys``, which compares strings
/// (canonical equivalence) from then on.
struct DataKeys {
    /// `Data[1]`, `Data[2]`, …, made once.
    private static let unnamedKeys: [String] = (1...UsedKeys.listCapacity).map { "Data[\($0)]" }

    private let fields: [EventField]
    /// The index of the next field.
    private var index = 0
    /// Unnamed fields seen so far.
    private var unnamed = 0
    /// One bit, by ``UsedKeys/asciiBit(_:)``, for every key returned while no list is kept.
    private var bits = SIMD4<UInt64>()
    /// The keys compared as strings, once a key repeats or is not ASCII; nil until then.
    private var used: UsedKeys?

    /// Creates an empty key set for the `data` object of `fields`.
    init(_ fields: [EventField]) {
        self.fields = fields
    }

    /// The next field's key and value, in document order; nil after the last field.
    mutating func next() -> (key: String, value: String)? {
        guard index < fields.count else { return nil }
        let field = fields[index]
        index += 1
        var base = field.name
        if base.isEmpty {
            unnamed += 1
            base = Self.unnamedKey(unnamed)
        }
        if used == nil {
            if let bit = UsedKeys.asciiBit(base) {
                let word = bit >> 6
                let mask: UInt64 = 1 << UInt64(bit & 63)
                if bits[word] & mask == 0 {
                    bits[word] |= mask
                    return (base, field.value)
                }
                if !isEarlierKey(base) { return (base, field.value) }
            }
            var keys = UsedKeys()
            var unnamedBefore = 0
            for earlier in fields[..<(index - 1)] {
                _ = keys.next(earlier.name.isEmpty ? Self.unnamedKey(Self.counting(&unnamedBefore)) : earlier.name)
            }
            used = keys
        }
        return (nextUsed(base), field.value)
    }

    /// `Data[n]`.
    private static func unnamedKey(_ number: Int) -> String {
        number <= unnamedKeys.count ? unnamedKeys[number - 1] : "Data[\(number)]"
    }

    /// Adds one to `counter` and returns it.
    private static func counting(_ counter: inout Int) -> Int {
        counter += 1
        return counter
    }

    /// Whether one of the keys before the current field is `key` (while every one of them was its
    /// field's base).
    private func isEarlierKey(_ key: String) -> Bool {
        var unnamedBefore = 0
        for earlier in fields[..<(index - 1)] {
            let earlierKey = earlier.name.isEmpty ? Self.unnamedKey(Self.counting(&unnamedBefore)) : earlier.name
            if earlierKey == key { return true }
        }
        return false
    }

    /// ``next()``'s key once the keys are compared as strings.
    private mutating func nextUsed(_ base: String) -> String {
        guard var keys = used else { return base }
        used = nil  // the local copy is then the only one: no copy on write
        defer { used = keys }
        return keys.next(base)
    }
}

/// The keys of one `data` object compared as strings (the rule of ``DataKeys``): used keys in a
/// list, or a set past ``listCapacity``, and the next `#n` suffix to try for each base.
struct UsedKeys {
    /// Up to this many keys are kept in a list; more go into a set.
    static let listCapacity = 64

    private var usedList: [String] = []
    private var usedSet: Set<String> = []
    private var nextSuffix: [String: Int] = [:]
    /// One bit, by a cheap hash of the bytes, for every ASCII key used. An ASCII key whose bit is
    /// clear is new: ASCII text equals only the same bytes (when no other key was used).
    private var asciiBits = SIMD4<UInt64>()
    /// Whether a key that is not ASCII was used: from then on every key is compared with all used
    /// ones, since such a key can equal an ASCII one (`String` compares canonical equivalence:
    /// U+212A KELVIN SIGN equals `K`).
    private var usedNonASCII = false

    /// The key for `base`: `base` itself when it is new, else `base#n` with the lowest new `n ≥ 2`.
    mutating func next(_ base: String) -> String {
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
        if let bit, !usedNonASCII, asciiBits[bit >> 6] & (1 << UInt64(bit & 63)) == 0 {
            // New for certain: no used key has the same bytes.
        } else {
            for used in usedList where used == key { return false }
        }
        if let bit {
            asciiBits[bit >> 6] |= 1 << UInt64(bit & 63)
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

    /// A bit (0–255) from a hash of `key`'s bytes, or nil when `key` is not ASCII. Equal bytes
    /// give equal bits.
    @inline(__always)
    static func asciiBit(_ key: String) -> Int? {
        if let bit = key.utf8.withContiguousStorageIfAvailable(asciiBit(bytes:)) { return bit }
        var key = key
        return key.withUTF8(asciiBit(bytes:))
    }

    /// ``asciiBit(_:)`` of the bytes: read as whole words (the last one overlapping the one
    /// before), four-byte halves below eight bytes, one at a time below four.
    private static func asciiBit(bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let start = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(start)
        let count = bytes.count
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash = UInt64(truncatingIfNeeded: count) &* multiplier
        var seen: UInt64 = 0
        if count >= 8 {
            var offset = 0
            while offset + 8 < count {
                let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                seen |= word
                hash = (hash ^ word) &* multiplier
                offset += 8
            }
            let last = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            seen |= last
            hash = (hash ^ last) &* multiplier
        } else {
            var word: UInt64 = 0
            if count >= 4 {
                word = UInt64(raw.loadUnaligned(as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 32
            } else {
                for offset in 0..<count { word |= UInt64(start[offset]) << UInt64(8 * offset) }
            }
            seen = word
            hash = (hash ^ word) &* multiplier
        }
        return seen & 0x8080_8080_8080_8080 == 0 ? Int(truncatingIfNeeded: hash >> 56) : nil
    }
}
