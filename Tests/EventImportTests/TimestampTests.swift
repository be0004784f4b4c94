import EventImport
import Testing

@Suite("Event timestamps")
struct TimestampTests {
    @Test(arguments: [
        ("2023-07-12T12:46:43Z", "2023-07-12T12:46:43.0000000Z"),
        ("2023-07-12T12:46:43.1Z", "2023-07-12T12:46:43.1000000Z"),
        ("2023-07-12T12:46:43.168464Z", "2023-07-12T12:46:43.1684640Z"),
        ("2023-07-12T12:46:43.1684648Z", "2023-07-12T12:46:43.1684648Z"),
        ("2023-07-12T12:46:43.967158000Z", "2023-07-12T12:46:43.9671580Z"),
        ("2023-07-12T12:46:43.123456789Z", "2023-07-12T12:46:43.1234567Z"),
        ("2018-11-06 21:45:50.4112641", "2018-11-06T21:45:50.4112641Z"),
        ("2018-11-06 21:45:50.411263+00:00", "2018-11-06T21:45:50.4112630Z"),
        ("2026-06-12T21:41:53+02:00", "2026-06-12T19:41:53.0000000Z"),
        ("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.5000000Z"),
        ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.0000000Z"),
    ])
    func parsesEveryPrecisionAndForm(text: String, expected: String) throws {
        let time = try #require(EventTimestamp(iso8601: text))
        #expect(time.description == expected)
    }

    @Test(arguments: ["", "2023-07-12", "2023-13-01T00:00:00Z", "2023-07-12T12:46:43.Z", "2023-07-12T12:46:43Zjunk", "garbage-garbage-xx"])
    func rejectsWhatIsNotATimestamp(text: String) {
        #expect(EventTimestamp(iso8601: text) == nil)
    }

    @Test func ordersAndMovesByTicks() throws {
        let a = try #require(EventTimestamp(iso8601: "2026-06-12T19:41:53.0000001Z"))
        let b = try #require(EventTimestamp(iso8601: "2026-06-12T19:41:53.0000002Z"))
        #expect(a < b)
        #expect(b.ticks - a.ticks == 1)
        #expect(a.adding(seconds: -2.5).description == "2026-06-12T19:41:50.5000001Z")
        #expect(a.iso8601(fractionDigits: 0) == "2026-06-12T19:41:53Z")
    }
}
