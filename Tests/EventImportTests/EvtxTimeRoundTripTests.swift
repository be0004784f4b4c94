import TestSupport
import Testing

@testable import EventImport

/// The EVTX walker hands `TimeCreated`'s FILETIME to the event builder as ticks instead of letting
/// it parse the rendered text back; that is only the same event if every FILETIME the renderer
/// accepts parses back to exactly its ticks.
@Suite("EVTX time round trip")
struct EvtxTimeRoundTripTests {
    @Test func everyRenderedFileTimeParsesBackToItsTicks() {
        // The ends of the range, the Unix epoch, day, month, leap-year and century edges, and random values.
        var fileTimes: [UInt64] = [
            0, 1, 9_999_999, 10_000_000, 864_000_000_000 - 1, 864_000_000_000,
            116_444_736_000_000_000 - 1, 116_444_736_000_000_000, 116_444_736_000_000_001,
            125_911_584_000_000_000, 126_227_808_000_000_000, 131_976_000_000_000_000,
            2_650_467_743_999_999_998, 2_650_467_743_999_999_999,
        ]
        var generator = SplitMix64(seed: 23)
        for _ in 0..<20_000 { fileTimes.append(generator.next() % 2_650_467_744_000_000_000) }
        var text = ByteBuffer(capacity: 64)
        for fileTime in fileTimes {
            guard let ticks = ValueRenderer.unixTicks(fileTime: fileTime) else {
                Issue.record("FILETIME \(fileTime) was refused")
                continue
            }
            text.removeAll()
            ValueRenderer.appendTimestamp(ticks, to: &text)
            let parsed = EventTimestamp(iso8601Bytes: text.bytes)
            #expect(parsed?.ticks == ticks, "FILETIME \(fileTime): \(String(decoding: text.bytes, as: UTF8.self))")
        }
        #expect(ValueRenderer.unixTicks(fileTime: 2_650_467_744_000_000_000) == nil)
    }
}
