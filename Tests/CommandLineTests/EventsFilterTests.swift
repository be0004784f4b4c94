import Foundation
import TestSupport
import Testing

/// `rdpcause events` filters and time order, run as a process on a SampleLogs host folder.
@Suite(.enabled(if: RDPCauseCommand.path != nil, "the rdpcause executable is not built next to the tests"))
struct EventsFilterTests {
    let host = RDPCauseCommand.repository + "/SampleLogs/client-side/RDSH-07"

    func objects(_ arguments: [String]) throws -> (status: Int32, events: [[String: Any]], errors: String) {
        let run = try RDPCauseCommand.run(["events"] + arguments)
        let events = try run.outputText.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        return (run.status, events, run.errorText)
    }

    @Test func channelAndEventIDKeepOnlyThoseEvents() throws {
        let all = try objects([host])
        let kept = try objects(["--channel", "system", "--event-id", "7036", host])
        #expect(kept.status == 0)
        let expected = all.events.filter { $0["channel"] as? String == "System" && $0["eventId"] as? Int == 7036 }
        #expect(!expected.isEmpty && expected.count < all.events.count)
        #expect(kept.events.count == expected.count)
        #expect(kept.events.allSatisfy { $0["channel"] as? String == "System" && $0["eventId"] as? Int == 7036 })
    }

    @Test func sinceAndUntilBoundTheTimes() throws {
        let times = try objects([host]).events.compactMap { $0["time"] as? String }.sorted()
        let middle = times[times.count / 2]
        let later = try objects(["--since", middle, host]).events.compactMap { $0["time"] as? String }
        #expect(later.count == times.filter { $0 >= middle }.count)
        #expect(later.allSatisfy { $0 >= middle })
        let earlier = try objects(["--until", middle, host]).events.compactMap { $0["time"] as? String }
        #expect(earlier.allSatisfy { $0 <= middle })
        #expect(earlier.count == times.filter { $0 <= middle }.count)
        let bad = try objects(["--until", "yesterday", host])
        #expect(bad.status == 64)
        #expect(bad.errors.contains("--until 'yesterday' is not a time"))
    }

    @Test func sortTimeMergesEveryInputInEventTime() throws {
        let unsorted = try objects([host]).events.compactMap { $0["time"] as? String }
        #expect(unsorted != unsorted.sorted(), "the files are printed one after another, not in time order")
        let sorted = try objects(["--sort", "time", host]).events.compactMap { $0["time"] as? String }
        #expect(sorted == unsorted.sorted())
    }
}
