import EventImport
import Foundation
import TestSupport
import Testing

/// The README's promise for damaged input: "events before and after a malformed record (reading
/// resumes at the next `<Event>`)".
///
/// Real records are damaged one place at a time, at pseudo-random places that are the same on
/// every run: a flipped byte anywhere but the first, a flipped markup character (`<`, `>`, the `/` of an end or
/// empty tag, `=`, a quote) inside a record, a tag cut short, a stray `<` or `&`. After each, every
/// record but the damaged one must still be read with the same content, line and offset; damage
/// that leaves a record malformed must be reported; a record that is lost must be reported as an error.
@Suite("Reading resumes after damage")
struct DamageResumeMutationTests {
    /// One kind of damage.
    enum Damage: String, CaseIterable, Sendable {
        case byteFlip, markupFlip, truncatedTag, strayLessThan, strayAmpersand
    }

    /// SampleLogs files: Event Viewer exports with RenderingInfo and UserData, and wevtutil output.
    static let sampleLogFiles = [
        "healthy/RDSH-05/Microsoft-Windows-TerminalServices-LocalSessionManager-Operational.xml",
        "nla-credssp/JUMP-01/Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational.xml",
        "nla-credssp/WKS-077/Microsoft-Windows-TerminalServices-RDPClient-Operational.xml",
    ]

    /// Corpus files: pretty-printed records, root-less and inside an `<Events>` wrapper.
    static let corpusFiles = [
        "velociraptor__RDPAuth_RemoteConnectionManager.xml",
        "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Microsoft-Windows-TerminalServices-RDPClient-Operational.events.xml",
    ]

    static let mutationsPerFile = 50

    @Test(arguments: Damage.allCases)
    func sampleLogRecordsAroundTheDamageAreRead(damage: Damage) throws {
        for file in Self.sampleLogFiles {
            let bytes = try [UInt8](Data(contentsOf: sampleLogsFolder.appendingPathComponent(file)))
            try Self.check(MutationSample(name: file, bytes: bytes), damage: damage)
        }
    }

    @Test(
        .enabled(if: sharedCorpusAvailable, "../shared/corpus/real is absent beside the repository"),
        arguments: Damage.allCases)
    func corpusRecordsAroundTheDamageAreRead(damage: Damage) throws {
        let folder = try #require(sharedFolder).appendingPathComponent("corpus/real")
        for file in Self.corpusFiles {
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(file)))
            try Self.check(MutationSample(name: file, bytes: bytes), damage: damage)
        }
    }

    static func check(_ sample: MutationSample, damage: Damage) throws {
        let reference = importBytes(sample.bytes, source: sample.name)
        #expect(reference.diagnostics.isEmpty, "\(sample.name): \(reference.diagnostics)")
        try #require(reference.events.count == sample.records.count, "\(sample.name): one event per record")
        try #require(sample.records.count >= 3, "\(sample.name) has too few records to test")
        // The same places on every run: the seed depends only on the damage and the file.
        let seed = Array((damage.rawValue + sample.name).utf8).reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
        var random = SplitMix64(seed: seed)
        var failures: [String] = []
        for _ in 0..<Self.mutationsPerFile {
            let mutation = sample.mutate(damage, using: &random)
            let chunkSize = [7, 509, 4096, 1 << 20][Int(random.next() % 4)]
            let result = importBytes(mutation.bytes, source: sample.name, chunkSize: chunkSize)
            if let failure = Self.failure(of: result, after: mutation, reference: reference.events, sample: sample) {
                failures.append("\(damage) at byte \(mutation.position) \(mutation.context) (chunks of \(chunkSize)): \(failure)")
            }
        }
        #expect(failures.isEmpty, "\(sample.name): \(failures.count) of \(Self.mutationsPerFile) failed: \(failures.prefix(5))")
    }

    /// Why the import of a damaged sample breaks the promise, or nil when it keeps it.
    static func failure(of result: ImportResult, after mutation: Mutation, reference: [WinEvent], sample: MutationSample) -> String? {
        let damaged = mutation.damagedRecord
        var expected: [WinEvent] = []
        for (index, event) in reference.enumerated() where index != damaged {
            var moved = event
            if sample.records[index].lowerBound >= mutation.position { moved.origin.byteOffset += mutation.lengthChange }
            expected.append(moved)
        }
        var others = result.events
        if let damaged, others.count == reference.count {
            others.remove(at: damaged)
        } else if others.count != expected.count {
            return "\(result.events.count) events instead of \(reference.count) (record \(damaged.map(String.init) ?? "none") damaged); \(result.diagnostics)"
        }
        for (got, want) in zip(others, expected) {
            if contentFingerprint([got]) != contentFingerprint([want]) {
                return "record \(want.recordID.map(String.init) ?? "?") read differently: \(got)"
            }
            if got.origin.source != sample.name || got.origin.byteOffset != want.origin.byteOffset
                || (!mutation.changesLines && got.origin.line != want.origin.line)
            {
                return "record \(want.recordID.map(String.init) ?? "?") has origin \(got.origin) at \(got.origin.byteOffset), "
                    + "expected \(want.origin) at \(want.origin.byteOffset)"
            }
        }
        let lost = damaged != nil && result.events.count < reference.count
        if lost && result.errors.isEmpty {
            return "the damaged record was dropped without an error; \(result.diagnostics)"
        }
        if mutation.malformsRecord && result.diagnostics.isEmpty {
            return "the damage was not reported"
        }
        if let unplaced = result.diagnostics.first(where: { $0.source != sample.name || $0.line == nil }) {
            return "a diagnostic without its file and line: \(unplaced)"
        }
        return nil
    }
}

/// A file of real records and where each record is.
struct MutationSample {
    let name: String
    let bytes: [UInt8]
    /// Each record's bytes, from `<Event` to the end of `</Event>`.
    let records: [Range<Int>]
    /// The tags inside records, from `<` to `>` inclusive.
    let tags: [ClosedRange<Int>]

    init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
        var records: [Range<Int>] = []
        var tags: [ClosedRange<Int>] = []
        var start: Int?
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            let end = Self.tagEnd(bytes, from: index)
            if Self.matches(bytes, "<Event ", at: index) || Self.matches(bytes, "<Event>", at: index) {
                start = index
            }
            if start != nil { tags.append(index...end) }
            if let recordStart = start, Self.matches(bytes, "</Event>", at: index) {
                records.append(recordStart..<(end + 1))
                start = nil
            }
            index = end + 1
        }
        self.records = records
        self.tags = tags
    }

    /// The index of the `>` that closes the tag starting at `start` (quotes respected).
    static func tagEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var quote: UInt8?
        var index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return index
            }
            index += 1
        }
        return bytes.count - 1
    }

    static func matches(_ bytes: [UInt8], _ literal: String, at index: Int) -> Bool {
        let pattern = Array(literal.utf8)
        return index + pattern.count <= bytes.count && Array(bytes[index..<(index + pattern.count)]) == pattern
    }

    /// The record that holds byte `position`, or nil between records.
    func record(holding position: Int) -> Int? {
        records.firstIndex { $0.contains(position) }
    }

    /// The positions of markup characters in `tag`: `<`, `>`, the `/` of an end or empty tag, and
    /// the `=` and quotes of attributes.
    func markupPositions(in tag: ClosedRange<Int>) -> [Int] {
        var positions = [tag.lowerBound, tag.upperBound]
        if bytes[tag.lowerBound + 1] == UInt8(ascii: "/") { positions.append(tag.lowerBound + 1) }
        if bytes[tag.upperBound - 1] == UInt8(ascii: "/") { positions.append(tag.upperBound - 1) }
        var quote: UInt8?
        for index in tag {
            let byte = bytes[index]
            if let open = quote {
                if byte == open {
                    positions.append(index)
                    quote = nil
                }
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                positions.append(index)
                quote = byte
            } else if byte == UInt8(ascii: "=") {
                positions.append(index)
            }
        }
        return positions
    }

    /// The bytes the content sniffer looks at to tell XML from text and binary files.
    static let sniffedLength = 4096

    /// One damage of the given kind at a pseudo-random place.
    ///
    /// Two damages are left out because they change what the content sniffer decides the file
    /// is, before any XML is read: any change to the first byte (a log that does not start with
    /// `<` reads as a text document), and a NUL in the first 4 KiB (the file is taken for binary).
    func mutate(_ damage: DamageResumeMutationTests.Damage, using random: inout SplitMix64) -> Mutation {
        var copy = bytes
        func pick(_ count: Int) -> Int { Int(random.next() % UInt64(count)) }
        func isLineBreak(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D }
        /// Flips bits of the byte at `position`, never to a NUL where the sniffer looks.
        func flip(_ position: Int) {
            var flipped: UInt8
            repeat { flipped = bytes[position] ^ UInt8(1 + pick(255)) } while flipped == 0 && position < Self.sniffedLength
            copy[position] = flipped
        }
        switch damage {
        case .byteFlip:
            let position = 1 + pick(bytes.count - 1)
            flip(position)
            let changesLines = isLineBreak(bytes[position]) || isLineBreak(copy[position])
            return Mutation(
                bytes: copy, position: position, damagedRecord: record(holding: position), lengthChange: 0,
                changesLines: changesLines, malformsRecord: false)
        case .markupFlip:
            let tagsInRecords = tags
            let tag = tagsInRecords[pick(tagsInRecords.count)]
            let positions = markupPositions(in: tag).filter { $0 > 0 }
            let position = positions[pick(positions.count)]
            flip(position)
            // Without its `<`, an empty-element tag (`<Correlation/>`) is well-formed text.
            let emptyElementStart = position == tag.lowerBound && bytes[tag.upperBound - 1] == UInt8(ascii: "/")
            return Mutation(
                bytes: copy, position: position, damagedRecord: record(holding: position), lengthChange: 0,
                changesLines: isLineBreak(copy[position]), malformsRecord: !emptyElementStart)
        case .truncatedTag:
            let tag = tags[pick(tags.count)]
            let cut = tag.lowerBound + 1 + pick(tag.count - 1)
            copy.removeSubrange(cut...tag.upperBound)
            let changesLines = bytes[cut...tag.upperBound].contains(where: isLineBreak)
            return Mutation(
                bytes: copy, position: cut, damagedRecord: record(holding: cut), lengthChange: cut - tag.upperBound - 1,
                changesLines: changesLines, malformsRecord: true)
        case .strayLessThan, .strayAmpersand:
            let position = 1 + pick(bytes.count)
            copy.insert(damage == .strayLessThan ? UInt8(ascii: "<") : UInt8(ascii: "&"), at: position)
            // Inserted strictly inside a record, it damages that record; at a record's edge, none.
            let inside = records.firstIndex { $0.lowerBound < position && position < $0.upperBound }
            // Between the CR and the LF of a line break, it splits one break into two.
            let splitsLineBreak = position > 0 && position < bytes.count && bytes[position - 1] == 0x0D && bytes[position] == 0x0A
            return Mutation(
                bytes: copy, position: position, damagedRecord: inside, lengthChange: 1, changesLines: splitsLineBreak,
                malformsRecord: inside != nil)
        }
    }
}

/// A damaged copy of a sample.
struct Mutation {
    let bytes: [UInt8]
    /// The damaged text around the damage, for failure messages.
    var context: String {
        let start = max(0, position - 24)
        let end = min(bytes.count, position + 24)
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        return "«" + text.unicodeScalars.map { $0.value < 0x20 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined() + "»"
    }
    /// Where the damage is (in the original's offsets).
    let position: Int
    /// The record the damage is in, or nil when it is between records.
    let damagedRecord: Int?
    /// Bytes added (positive) or removed (negative) at `position`.
    let lengthChange: Int
    /// True when the damage adds or removes a line break, so later lines move.
    let changesLines: Bool
    /// True when the damage always leaves the damaged record malformed, so it must be reported.
    let malformsRecord: Bool
}
