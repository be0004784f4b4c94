@testable import Diagnosis
import EventImport
import Testing

/// The index from an event to its ``HitTable`` number: equal hashes are told apart by the events,
/// and every number survives the table's growth.
struct HitTemplateIndexTests {
    static func event(_ id: UInt32) -> WinEvent {
        WinEvent(time: .epoch, computer: "HOST", channel: "System", provider: "Test", eventID: id)
    }

    @Test func equalHashesAreToldApartAndGrowthKeepsEveryNumber() {
        var index = HitTemplateIndex()
        var events: [WinEvent] = []
        // 1,000 events, ten to a hash (forced collisions), and hashes that differ only above the
        // low bits the first slots are chosen by.
        for number in 0..<1_000 {
            let event = Self.event(UInt32(number))
            #expect(index.number(of: event, hash: number / 10 << 20, in: events) == nil)
            events.append(event)
            index.insert(UInt32(number), hash: number / 10 << 20)
        }
        for number in 0..<1_000 {
            #expect(index.number(of: Self.event(UInt32(number)), hash: number / 10 << 20, in: events) == UInt32(number))
        }
        // An event that is not there, under a hash that is.
        #expect(index.number(of: Self.event(5_000), hash: 3 << 20, in: events) == nil)
    }
}
