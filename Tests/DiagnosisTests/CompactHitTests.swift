import Diagnosis
import EventImport
import Foundation
import SigmaKit
import Testing

/// The case index keeps hits compactly (issue 19): a record repeated thousands of times far from
/// the failure costs its content once, and the diagnosis reads every hit back as it was read.
@Suite("Compact hits")
struct CompactHitTests {
    static let host = "RDSH-07.corp.example"
    static let failure = "2026-06-12T09:30:02.0000000Z"

    /// The client's failed attempt, the connection reaching the host, and a cipher mismatch at it.
    static func attempt() -> [WinEvent] {
        let client = Make.clientAttempt(computer: "WKS-311", target: "rdsh-07", connect: Make.at(failure, -1), disconnect: failure)
        var hostRecords = [
            Make.systemNoise(computer: host, time: "2026-05-01T00:00:00.0000000Z", record: 1),
            Make.systemNoise(computer: host, time: "2026-06-12T10:30:00.0000000Z", record: 2),
            Make.noCommonCipher(computer: host, time: Make.at(failure, -0.5), record: 3),
        ]
        hostRecords += Make.connectionOpens(host: host, at: Make.at(failure, -0.8), ip: "10.20.31.78", activity: "A1B2C3D4-0000-4000-8000-00000000AB07")
        return events(client, source: "client/RDPClient.xml") + events(hostRecords.joined(separator: "\r\n"), source: "host/System.xml")
    }

    /// `count` cipher mismatches, one a minute, ending `daysBefore` days before the failure.
    static func storm(_ count: Int, daysBefore: Double) -> [WinEvent] {
        let end = Make.at(failure, -daysBefore * 86_400)
        let records = (0..<count).map { position in
            Make.noCommonCipher(computer: host, time: Make.at(end, -60 * Double(count - position)), record: 1_000 + position)
        }
        return events(records.joined(separator: "\r\n"), source: "host/System-archive.xml")
    }

    /// The verdict and each cause's status, confidence and evidence lines.
    static func findings(_ diagnosis: Diagnosis) -> [String] {
        ["\(diagnosis.verdict)"]
            + diagnosis.failures.flatMap { failure in
                failure.causes.map { cause in
                    "\(cause.id) \(cause.status) \(cause.confidence) " + cause.evidence.map { "\($0.meaning) \($0.origin)" }.joined(separator: "; ")
                }
            }
    }

    @Test func aStormOfRepeatedRecordsFarFromTheFailureKeepsTheVerdictAndIsStoredOnce() {
        let quiet = CaseIndex.build(events: Self.attempt(), engine: rulePack.engine)
        let stormy = CaseIndex.build(events: Self.storm(3_000, daysBefore: 5) + Self.attempt(), engine: rulePack.engine)

        #expect(Self.findings(rulePack.diagnoser.diagnose(stormy)) == Self.findings(rulePack.diagnoser.diagnose(quiet)))
        #expect(quiet.hits(of: "schannel_no_common_cipher").count == 1)
        #expect(stormy.hits(of: "schannel_no_common_cipher").count == 3_001)
        #expect(stormy.hitCount == quiet.hitCount + 3_000)
        // The 3,000 records differ only in time, record id and position: their content is kept once.
        #expect(stormy.storedHitEvents == quiet.storedHitEvents)
    }

    @Test func everyHitReadsBackAsTheEventThatWasRead() {
        let read = Self.storm(50, daysBefore: 1) + Self.attempt()
        let index = CaseIndex.build(events: read, engine: rulePack.engine)
        var expected: [EventOrigin: WinEvent] = [:]
        for event in read { expected[event.origin] = event.storedWithoutRendering() }
        var compared = 0
        for machine in index.machines {
            for hit in index.hits(rulePack.engine.rules.map { $0.name ?? $0.id ?? $0.title }, on: machine, from: .epoch, to: EventTimestamp(ticks: .max)) {
                #expect(hit.event == expected[hit.event.origin])
                #expect(hit.machine == machine)
                compared += 1
            }
        }
        #expect(compared == index.hitCount)
        #expect(compared > 50)
    }
}
