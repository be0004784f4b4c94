import Diagnosis
import DiagnosisTestSupport
import EventImport
import Foundation
import Testing

/// Every SampleLogs case gives the verdict and top cause its expected.json records.
@Suite("SampleLogs cases")
struct SampleLogsTests {
    struct Case: CustomStringConvertible, Sendable {
        var path: String
        var verdict: String
        var topCause: String?
        var host: String?
        var description: String { URL(fileURLWithPath: path).lastPathComponent }
    }

    static let cases: [Case] = {
        let folder = repositoryRoot.appendingPathComponent("SampleLogs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var result: [Case] = []
        for name in names.sorted() {
            let url = folder.appendingPathComponent(name)
            var expectedURL: URL?
            var casePath = url.path
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("expected.json").path) {
                expectedURL = url.appendingPathComponent("expected.json")
            } else if name.hasSuffix(".expected.json") {
                let base = String(name.dropLast(".expected.json".count))
                guard let archive = names.first(where: { $0.hasPrefix(base + ".") && !$0.hasSuffix(".json") }) else { continue }
                expectedURL = url
                casePath = folder.appendingPathComponent(archive).path
            }
            guard let expectedURL, let data = try? Data(contentsOf: expectedURL),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let verdict = object["verdict"] as? String
            else { continue }
            result.append(Case(path: casePath, verdict: verdict, topCause: object["topCause"] as? String, host: object["host"] as? String))
        }
        return result
    }()

    @Test func thereIsACaseForEveryCauseAndTheThreeSpecialOnes() {
        let causes = Set(Self.cases.compactMap(\.topCause))
        #expect(causes == Set(rulePack.causes.map(\.id)))
        #expect(Self.cases.contains { $0.verdict == "no-failure-found" })
        #expect(Self.cases.contains { $0.verdict == "inconclusive" })
        #expect(Self.cases.contains { $0.description.hasPrefix("distractor") })
    }

    @Test(arguments: cases)
    func analyzeGivesTheExpectedVerdictAndTopCause(sample: Case) throws {
        let (diagnosis, index) = diagnose([sample.path])
        #expect(index.importDiagnostics.isEmpty, "\(index.importDiagnostics)")
        #expect(diagnosis.verdict.rawValue == sample.verdict)
        guard sample.verdict != "no-failure-found" else {
            #expect(diagnosis.failures.isEmpty)
            return
        }
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.code == 0x904)
        #expect(failure.extendedCode == 7)
        if let host = sample.host {
            #expect(failure.host.map { $0.lowercased() } == host.lowercased())
        }
        if let expected = sample.topCause {
            let top = try #require(failure.causes.first)
            #expect(top.id == expected)
            #expect(top.status == .likely)
            #expect(!top.evidence.isEmpty)
            #expect(top.evidence.allSatisfy { $0.role == .missing || !$0.origin.source.isEmpty })
            #expect(!top.remediation.isEmpty)
        } else {
            #expect(failure.causes.allSatisfy { $0.status != .likely })
            #expect(!diagnosis.missingLogs.isEmpty, "an inconclusive case says which logs to collect")
            #expect(diagnosis.missingLogs.allSatisfy { $0.command.hasPrefix("wevtutil qe ") })
        }
    }

    /// The answer keys follow the time contract: `failureTime` is the client's clock (what the user
    /// saw), `hostTime` the host's; the diagnosis places the failure there (to the second it is
    /// given in), and on the host's clock to within the ±5 s a skew is measured to.
    @Test func theKeysFailureTimeIsTheClientsClockAndHostTimeTheHosts() throws {
        for sample in CaseCatalog.sampleLogs() {
            guard let want = sample.expected.failureTime.flatMap({ EventTimestamp(iso8601: $0) }) else { continue }
            let (diagnosis, _) = diagnose([sample.path])
            let failure = try #require(diagnosis.failures.first, "\(sample.id)")
            let second = EventTimestamp.ticksPerSecond
            #expect(failure.time.ticks >= want.ticks && failure.time.ticks < want.ticks + second, "\(sample.id): time \(failure.time) vs key \(want)")
            if let hostWant = sample.expected.hostTime.flatMap({ EventTimestamp(iso8601: $0) }), let hostTime = failure.hostTime {
                #expect(abs(hostTime.ticks - hostWant.ticks) <= 6 * second, "\(sample.id): hostTime \(hostTime) vs key \(hostWant)")
            }
        }
    }

    @Test func distractorIsNotTakenForTheCause() throws {
        let sample = try #require(Self.cases.first { $0.description.hasPrefix("distractor") })
        let (diagnosis, _) = diagnose([sample.path])
        let failure = try #require(diagnosis.failures.first)
        let key = try #require(failure.causes.first { $0.id == "private-key-inaccessible" })
        #expect(key.status != .likely, "a 36870 three days earlier must not be read as the cause")
    }
}
