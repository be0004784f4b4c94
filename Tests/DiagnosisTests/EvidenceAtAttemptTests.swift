import Diagnosis
import EventImport
import Foundation
import Testing

/// Evidence at the attempt, cause ownership, honest confidence and pasteable citations (issue 15,
/// sections 3–5), on small cases whose records have the shapes Windows writes
/// (`shared/reference/domain-events.md`; RCM 1056/1057/1058 carry their text in unnamed `Data`).
@Suite("Evidence at the attempt")
struct EvidenceAtAttemptTests {
    static let host = "RDSH-05.corp.example"
    static let client = "WKS-310"
    static let ip = "10.20.31.77"
    static let activity = "A1B2C3D4-0000-4000-8000-00000000AB01"
    /// The client's disconnect (client clock = host clock).
    static let failure = "2026-06-12T09:30:02.0000000Z"

    /// A legacy RCM record in the System log: unnamed `Data` and an empty `Binary`, as Windows writes it.
    static func rcm(_ id: UInt32, at time: String, status: String?, level: Int = 2) -> String {
        Make.event(
            provider: Make.rcmProvider, id: id, channel: "System", computer: host, time: time, record: Make.record(time, 7),
            data: status.map { [("", "\($0)\n")] } ?? [], qualifiers: "49152", level: level)
    }

    /// RdpCoreTS 139 for the client, in the attempt's connection.
    static func securityLayerDrop(at time: String) -> String {
        Make.event(
            provider: Make.coreProvider, id: 139, channel: Make.coreChannel, computer: host, time: time, record: Make.record(time, 8),
            data: [("ResultCode", "0x80090304"), ("IPString", ip)], activity: activity, level: 3)
    }

    /// TermDD 56 with the client's address in the second unnamed `Data`.
    static func termdd56(at time: String) -> String {
        Make.event(
            provider: "TermDD", id: 56, channel: "System", computer: host, time: time, record: Make.record(time, 9),
            data: [("", "\\Device\\Termdd"), ("", ip)], qualifiers: "49162", level: 2)
    }

    /// The client's attempt, the connection reaching the host a second before the failure, the
    /// host's System log around it, and `extra` host records.
    static func attempt(_ extra: [String], systemFrom: String = "2026-06-01T00:00:00.0000000Z") -> [WinEvent] {
        let client = Make.clientAttempt(
            computer: client, target: "rdsh-05", connect: Make.at(failure, -1), disconnect: failure)
        var hostRecords = [
            Make.systemNoise(computer: host, time: systemFrom, record: 1),
            Make.systemNoise(computer: host, time: "2026-06-12T10:30:00.0000000Z", record: 2),
        ]
        hostRecords += Make.connectionOpens(host: host, at: Make.at(failure, -0.8), ip: ip, activity: activity)
        hostRecords += extra
        return events(client, source: "client/RDPClient.xml") + events(hostRecords.joined(separator: "\r\n"), source: "host/System.xml")
    }

    static func cause(_ id: String, in diagnosis: Diagnosis) -> CauseAssessment? {
        diagnosis.failures.first?.causes.first { $0.id == id }
    }

    // MARK: - At the attempt

    @Test func aCertificateFailureAtTheAttemptOutweighsTheSameRecordDaysEarlier() throws {
        let atAttempt = diagnose(events: Self.attempt([Self.rcm(1057, at: Make.at(Self.failure, -0.5), status: "Keyset does not exist")]))
        let daysEarlier = diagnose(events: Self.attempt([Self.rcm(1057, at: "2026-06-09T04:00:00.0000000Z", status: "Keyset does not exist")]))
        let now = try #require(Self.cause("certificate-expired", in: atAttempt))
        let before = try #require(Self.cause("certificate-expired", in: daysEarlier))
        #expect(now.status == .likely, "\(now.summary)")
        #expect(atAttempt.failures.first?.causes.first?.id == "certificate-expired")
        #expect(now.evidence.contains { $0.eventID == 1057 && $0.atAttempt })
        #expect(before.status != .likely, "\(before.summary)")
        #expect(before.evidence.allSatisfy { !$0.atAttempt })
        #expect(now.confidence > before.confidence)
        #expect(DiagnosisJSON.document(atAttempt).contains(#""atAttempt":true"#))
    }

    @Test func certificateLifecycleBelongsToTheCertificateCauseAndKeyAccessToTheKeyCause() throws {
        let diagnosis = diagnose(events: Self.attempt([
            Self.rcm(1057, at: Make.at(Self.failure, -0.5), status: "Keyset does not exist"),
            Self.rcm(1058, at: "2026-06-10T03:00:00.0000000Z", status: "Access is denied."),
        ]))
        let key = try #require(Self.cause("private-key-inaccessible", in: diagnosis))
        let certificate = try #require(Self.cause("certificate-expired", in: diagnosis))
        #expect(!key.evidence.contains { [1053, 1056, 1057, 1058].contains($0.eventID) }, "\(key.evidence.map(\.meaning))")
        #expect(certificate.evidence.contains { $0.eventID == 1057 } && certificate.evidence.contains { $0.eventID == 1058 })
        // Both fixes of Microsoft's one MachineKeys root cause are given with the certificate cause.
        #expect(certificate.remediation.contains { $0.contains("MachineKeys") })
        #expect(certificate.remediation.contains { $0.contains("certlm.msc") })
    }

    @Test func aSameClientSecurityLayerDropCorroboratesTheCredentialCauseThatIsPresent() throws {
        let drop = [Self.securityLayerDrop(at: Make.at(Self.failure, -0.3)), Self.termdd56(at: Make.at(Self.failure, -0.2))]
        let withCertificate = diagnose(events: Self.attempt(drop + [Self.rcm(1058, at: "2026-06-10T03:00:00.0000000Z", status: "Access is denied.")]))
        let certificate = try #require(Self.cause("certificate-expired", in: withCertificate))
        #expect(certificate.evidence.contains { $0.eventID == 139 && $0.role == .supports })
        #expect(certificate.evidence.contains { $0.eventID == 56 && $0.role == .supports })
        // The drop alone names no credential cause: it only corroborates.
        let tls = try #require(Self.cause("tls-mismatch", in: withCertificate))
        #expect(tls.status == .ruledOut, "\(tls.summary)")
        let dropOnly = diagnose(events: Self.attempt(drop))
        #expect(dropOnly.failures.first?.causes.allSatisfy { $0.status != .likely && $0.status != .possible || $0.id == "client-side" } == true)
    }

    @Test(arguments: ["Keyset does not exist", "Object already exists", "Access is denied."])
    func theStatusIsQuotedFromTheRecord(status: String) throws {
        let diagnosis = diagnose(events: Self.attempt([Self.rcm(1057, at: Make.at(Self.failure, -0.5), status: status)]))
        let lines = diagnosis.failures.flatMap(\.causes).flatMap(\.evidence).filter { $0.eventID == 1057 }.map(\.meaning)
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.contains("\"\(status)\""), "\(line)")
            for other in ["Keyset does not exist", "Object already exists", "Access is denied"] where !status.hasPrefix(other) {
                #expect(!line.contains(other), "\(line) quotes a status the record does not hold")
            }
        }
    }

    // MARK: - Confidence

    @Test func oneRecordNotAtTheAttemptCannotMakeACauseLikely() throws {
        // An expired certificate that could not be replaced, reported ten days before; nothing at the attempt.
        let diagnosis = diagnose(
            events: Self.attempt([Self.rcm(1058, at: "2026-06-02T03:00:00.0000000Z", status: "Access is denied.")]))
        let certificate = try #require(Self.cause("certificate-expired", in: diagnosis))
        #expect(certificate.status == .possible)
        #expect(certificate.confidence < 0.6)
        #expect(certificate.summary.contains("likely needs one at the attempt or two independent ones"))
        #expect(diagnosis.verdict == .inconclusive)
    }

    @Test func twoIndependentRecordsMakeACauseLikelyWithoutOneAtTheAttempt() throws {
        let diagnosis = diagnose(events: Self.attempt([
            Self.rcm(1058, at: "2026-06-02T03:00:00.0000000Z", status: "Access is denied."),
            Self.rcm(1053, at: "2026-06-03T03:00:00.0000000Z", status: nil, level: 3),
        ]))
        let certificate = try #require(Self.cause("certificate-expired", in: diagnosis))
        #expect(certificate.status == .likely, "\(certificate.summary)")
    }

    @Test func theMarginToTheRunnerUpIsReported() throws {
        let diagnosis = diagnose(events: Self.attempt([Self.rcm(1057, at: Make.at(Self.failure, -0.5), status: "Keyset does not exist")]))
        let failure = try #require(diagnosis.failures.first)
        let runnerUp = try #require(failure.runnerUp)
        let margin = try #require(failure.margin)
        #expect(abs(margin - (failure.causes[0].confidence - runnerUp.confidence)) < 0.011)
        let json = DiagnosisJSON.document(diagnosis)
        #expect(json.contains(#""runnerUp":"\#(runnerUp.id)""#))
        #expect(json.contains(#""margin":"#))
    }

    // MARK: - Citations

    @Test func unnamedDataIsCitedByPositionAndAbsentFieldsAreLeftOut() throws {
        // Schannel 36888 as some exports write it: the alert and state as unnamed Data.
        let alert = Make.event(
            provider: "Schannel", id: 36888, channel: "System", computer: Self.host, time: Make.at(Self.failure, -0.4),
            record: 77, data: [("", "40"), ("", "1205")], level: 2)
        let cipher = Make.noCommonCipher(computer: Self.host, time: Make.at(Self.failure, -0.5), record: 78)
        let diagnosis = diagnose(events: Self.attempt([alert, cipher, Self.termdd56(at: Make.at(Self.failure, -0.2))]))
        let lines = diagnosis.failures.flatMap(\.causes).flatMap(\.evidence).map(\.meaning)
        #expect(lines.contains { $0.contains("alert 40 (Data[1])") }, "\(lines)")
        #expect(lines.contains { $0.contains("client \(Self.ip)") }, "\(lines)")
        for line in lines {
            #expect(!line.contains("n/a"), "\(line)")
            #expect(!line.contains("()") && !line.contains("  "), "\(line)")
        }
    }

    @Test func theSameReasonIsSaidOncePerCause() throws {
        // A client log only: every host item is "not checked" for the same reason.
        let client = Make.clientAttempt(computer: Self.client, target: "rdsh-05", connect: Make.at(Self.failure, -1), disconnect: Self.failure)
        let diagnosis = diagnose(events: events(client, source: "client/RDPClient.xml"))
        for cause in diagnosis.failures.first?.causes ?? [] {
            let said = cause.summary.components(separatedBy: "no logs from the host").count - 1
            #expect(said <= 1, "\(cause.id): \(cause.summary)")
        }
    }

    @Test func theSameRecordIsListedOnce() throws {
        // TermService stopped two seconds before the attempt: two items of rdp-service-down match it.
        let stopped = Make.event(
            provider: "Service Control Manager", id: 7036, channel: "System", computer: Self.host, time: Make.at(Self.failure, -3),
            record: 90, data: [("param1", "Remote Desktop Services"), ("param2", "stopped")],
            qualifiers: "16384")
        let client = Make.clientAttempt(computer: Self.client, target: "rdsh-05", connect: Make.at(Self.failure, -1), disconnect: Self.failure)
        let host = [
            Make.systemNoise(computer: Self.host, time: "2026-06-12T09:00:00.0000000Z", record: 1), stopped,
            Make.systemNoise(computer: Self.host, time: "2026-06-12T10:00:00.0000000Z", record: 2),
        ]
        let diagnosis = diagnose(events: events(client, source: "client/RDPClient.xml") + events(host.joined(separator: "\r\n"), source: "host/System.xml"))
        let down = try #require(Self.cause("rdp-service-down", in: diagnosis))
        let citations = down.evidence.filter { $0.recordID == 90 }
        #expect(citations.count == 1, "\(down.evidence.map(\.meaning))")
        #expect(down.status == .likely, "\(down.summary)")
    }

    // MARK: - Format

    @Test(arguments: [
        ("    at-attempt: 5s", "`at-attempt` is {within"),
        ("    at-attempt: {within: -5s, weight: 0.9}", "`at-attempt` is {within"),
        ("    at-attempt: {within: 5s, weight: 1.5}", "`at-attempt` is {within"),
        ("    corroborates: maybe", "`corroborates` is true or false"),
    ])
    func aMalformedTierIsAnErrorWithItsPosition(line: String, message: String) {
        let yaml = "id: tiered\ntitle: T\nevidence:\n  - rule: x\n    window: [-1m, 1m]\n    weight: 0.5\n\(line)\nremediation: [fix]\n"
        let result = CauseLoader.load(yaml: yaml, source: "causes/tiered.yml")
        #expect(result.causes.isEmpty)
        let error = result.diagnostics.first { $0.severity == "error" }
        #expect(error?.message.contains(message) == true, "\(result.diagnostics)")
        #expect(error?.line == 7)
    }

    @Test func aDecisiveWeightOnTheLikelyThresholdIsWarnedAbout() throws {
        let yaml = "id: tiered\ntitle: T\nevidence:\n  - rule: x\n    window: [-1m, 1m]\n    weight: 0.5\n    at-attempt: {within: 5s, weight: 0.6}\nremediation: [fix]\n"
        let result = CauseLoader.load(yaml: yaml, source: "causes/tiered.yml")
        #expect(result.causes.count == 1)
        let warning = try #require(result.diagnostics.first { $0.severity == "warning" })
        #expect(warning.message.contains("exactly on the likely threshold") && warning.line == 7)
    }

    @Test func theTierAndCorroborationAreRead() throws {
        let yaml = """
            id: tiered
            title: T
            evidence:
              - rule: x
                window: [-1m, 1m]
                weight: 0.5
                at-attempt: {within: 5s, weight: 0.9}
                corroborates: yes
            remediation: [fix]
            """
        let cause = try #require(CauseLoader.load(yaml: yaml, source: "causes/tiered.yml").causes.first)
        let item = try #require(cause.evidence.first)
        #expect(item.atAttempt?.within == 5 * 10_000_000 && item.atAttempt?.weight == 0.9)
        #expect(item.corroborates)
    }

    // MARK: - Shared class

    @Test func causesThatShareAllTheirEvidenceAreReportedAsTheirClass() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-shared-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let causes = folder.appendingPathComponent("causes")
        try FileManager.default.createDirectory(at: causes, withIntermediateDirectories: true)
        try """
        id: machinekeys-twin
        title: The MachineKeys folder refuses the service
        side: host
        evidence:
          - rule: rdp_cert_create_failed
            machine: host
            window: [-90d, 2m]
            weight: 0.4
            at-attempt: {within: 5s, weight: 0.8}
            says: "{host} could not create its certificate at {time}"
        remediation: ["Repair the MachineKeys permissions."]
        """.write(to: causes.appendingPathComponent("twin.yml"), atomically: true, encoding: .utf8)
        let pack = RulePack.load(RuleSources(includesBuiltIn: true, folders: [.init(path: folder.path, origin: .commandLine)]))
        let events = Self.attempt([Self.rcm(1057, at: Make.at(Self.failure, -0.5), status: "Keyset does not exist")])
        let diagnosis = pack.diagnoser.diagnose(CaseIndex.build(events: events, documents: [], engine: pack.engine), options: DiagnosisOptions())
        let failure = try #require(diagnosis.failures.first)
        #expect(diagnosis.verdict == .causeFound)
        let top = Array(failure.causes.prefix(2))
        #expect(Set(top.map(\.id)) == ["certificate-expired", "machinekeys-twin"])
        #expect(top.allSatisfy { $0.status == .likely })
        #expect(top[0].sharedWith == [top[1].id] && top[1].sharedWith == [top[0].id])
        #expect(top[0].summary.contains(top[1].id))
    }
}
