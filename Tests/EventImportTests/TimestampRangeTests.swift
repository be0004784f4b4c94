import EventImport
import Testing

/// Timestamps built from untrusted numbers are range-checked, and moving one never traps (issue 12).
@Suite("Event timestamp ranges")
struct TimestampRangeTests {
    static let time = EventTimestamp(ticks: 17_812_932_000_000_000)  // 2026-06-12T19:40:00Z

    @Test(arguments: [Double.nan, .infinity, -.infinity, 1e30, -1e30, 9.3e11, -9.3e11, Double.greatestFiniteMagnitude])
    func movingByAnyNumberOfSecondsNeverTraps(seconds: Double) {
        let moved = Self.time.adding(seconds: seconds)
        if seconds.isNaN {
            #expect(moved == Self.time)
        } else if seconds > 0 {
            #expect(moved > Self.time)
        } else {
            #expect(moved < Self.time)
        }
        #expect(!moved.description.isEmpty)
    }

    @Test func movesSaturateAtTheRepresentableEnds() {
        #expect(Self.time.adding(seconds: .infinity).ticks == .max)
        #expect(Self.time.adding(seconds: -.infinity).ticks == .min)
        #expect(Self.time.adding(ticks: .max).ticks == .max)
        #expect(EventTimestamp(ticks: .min).adding(ticks: -1).ticks == .min)
        #expect(Self.time.adding(seconds: 1.5).ticks == Self.time.ticks + 15_000_000)
        #expect(Self.time.adding(ticks: -10).ticks == Self.time.ticks - 10)
    }

    @Test(arguments: [Int64.max, .min, 922_337_203_686, -922_337_203_686])
    func secondsPastTheTickRangeSaturate(seconds: Int64) {
        let time = EventTimestamp(secondsSinceEpoch: seconds, ticks: seconds > 0 ? .max : .min)
        #expect(time.ticks == (seconds > 0 ? .max : .min))
        #expect(!time.iso8601().isEmpty)
    }

    @Test(arguments: [
        (99999, 6, 12, 0, 0, 0, "year 99999 is outside 1–9999"), (0, 6, 12, 0, 0, 0, "year 0 is outside 1–9999"),
        (Int.max, 1, 1, 0, 0, 0, "year \(Int.max) is outside 1–9999"), (2026, 13, 1, 0, 0, 0, "month 13 is outside 1–12"),
        (2026, 2, 29, 0, 0, 0, "day 29 is outside 1–28 for month 2 of 2026"), (2026, 4, 31, 0, 0, 0, "day 31 is outside 1–30 for month 4 of 2026"),
        (2026, 6, 12, 24, 0, 0, "hour 24 is outside 0–23"), (2026, 6, 12, 0, -1, 0, "minute -1 is outside 0–59"),
        (2026, 6, 12, 0, 0, Int.min, "second \(Int.min) is outside 0–60"),
    ])
    func calendarPartsOutOfRangeAreRefusedWithTheReason(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, reason: String
    ) {
        #expect(EventTimestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second) == nil)
        #expect(EventTimestamp.rangeProblem(year: year, month: month, day: day, hour: hour, minute: minute, second: second) == reason)
    }

    @Test func calendarDatesInRangeAreBuilt() throws {
        #expect(try #require(EventTimestamp(year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 60)).description == "2024-03-01T00:00:00.0000000Z")
        #expect(try #require(EventTimestamp(year: 1, month: 1, day: 1)).description == "0001-01-01T00:00:00.0000000Z")
        #expect(try #require(EventTimestamp(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59)).description == "9999-12-31T23:59:59.0000000Z")
    }

    @Test(arguments: ["2026-06-12T21:41:53+99:99", "2026-06-12T21:41:53+14:30", "2026-06-12T21:41:53-15:00", "2026-06-12T21:41:53+02:60"])
    func offsetsBeyondAnyZoneAreRefused(text: String) {
        #expect(EventTimestamp(iso8601: text) == nil)
    }

    @Test func offsetsOfRealZonesAreRead() throws {
        #expect(try #require(EventTimestamp(iso8601: "2026-06-12T21:41:53+14:00")).description == "2026-06-12T07:41:53.0000000Z")
        #expect(try #require(EventTimestamp(iso8601: "2026-06-12T21:41:53-12:00")).description == "2026-06-13T09:41:53.0000000Z")
        #expect(try #require(EventTimestamp(iso8601: "2026-06-12T21:41:53+05:45")).description == "2026-06-12T15:56:53.0000000Z")
    }
}
