@testable import Correlation
import EventImport
import Testing

/// The correlation engine's hit journal keeps hits as numbers (detection index, place of a run of
/// hits sharing computer and source): what it gives back must be the hit as it came in.
struct HitJournalTests {
    static let names = ["rule_a", "rule_b", "rule_c"]

    static func event(_ second: Int64, host: String, source: String, line: Int, record: UInt64?) -> WinEvent {
        var event = WinEvent(
            time: EventTimestamp(secondsSinceEpoch: 1_781_000_000 + second), computer: host, channel: "Test",
            provider: "Test", eventID: 1, origin: EventOrigin(source: source, line: line, byteOffset: line * 100))
        event.recordID = record
        return event
    }

    @Test func hitsComeBackAsTheyWentIn() {
        var journal = HitJournal(ruleNames: Self.names)
        var expected: [Int: ContributingEvent] = [:]
        // Runs of one host and file, changes of either, a record without an id.
        let plan: [(String, String, UInt64?)] = [
            ("RDSH-01", "a.xml", 1), ("RDSH-01", "a.xml", 2), ("RDSH-02", "a.xml", nil), ("RDSH-02", "b.xml", 4),
            ("RDSH-01", "b.xml", 5), ("RDSH-01", "b.xml", 6), ("RDSH-01", "a.xml", 0),
        ]
        for (index, (host, source, record)) in plan.enumerated() {
            let event = Self.event(Int64(index), host: host, source: source, line: index + 1, record: record)
            let detection = index % Self.names.count
            let sequence = journal.append(detection: detection, event: event)
            expected[sequence] = ContributingEvent(
                rule: Self.names[detection], time: event.time, computer: host, recordID: record, origin: event.origin)
        }
        #expect(journal.placeCount == 5)
        for (sequence, hit) in expected { #expect(journal[sequence] == hit) }

        // Dropping the first four hits frees the places only they used; the others still resolve.
        journal.drop(before: Self.event(4, host: "", source: "", line: 0, record: nil).time.ticks)
        #expect(journal.count == 3)
        #expect(journal.placeCount == 2)
        for (sequence, hit) in expected where sequence >= 4 { #expect(journal[sequence] == hit) }

        // Past every hit, one place (the current run) is left, and a new hit joins or replaces it.
        journal.drop(before: Self.event(100, host: "", source: "", line: 0, record: nil).time.ticks)
        #expect(journal.count == 0)
        #expect(journal.placeCount == 1)
        let later = Self.event(200, host: "RDSH-03", source: "c.xml", line: 9, record: 9)
        let sequence = journal.append(detection: 2, event: later)
        #expect(sequence == plan.count)
        #expect(journal[sequence].computer == "RDSH-03" && journal[sequence].rule == "rule_c")
        journal.drop(before: later.time.ticks)
        #expect(journal.placeCount == 1)
    }
}
