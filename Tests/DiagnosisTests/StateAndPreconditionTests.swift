@testable import Diagnosis
import EventImport
import Foundation
import Testing

/// State is a timeline, not the last transition record; causes carry preconditions on how far the
/// attempt got, and causes whose preconditions contradict each other are not both likely (issue 15,
/// sections 1 and 2).
@Suite("State over time and cause preconditions")
struct StateAndPreconditionTests {
    static let host = AttemptIdentityTests.host
    static let t0 = AttemptIdentityTests.t0

    /// An attempt that left no trace on the host, whose RDP and System logs cover the failure.
    static func diagnose(hostRecords: [String]) throws -> FailureDiagnosis {
        let client = Make.clientAttempt(computer: "WKS-042", target: "rdsh-01", at: t0, lasts: 2)
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: AttemptIdentityTests.background() + hostRecords)
        return try #require(diagnosis.failures.first)
    }

    static func cause(_ id: String, in failure: FailureDiagnosis) throws -> CauseAssessment {
        try #require(failure.causes.first { $0.id == id })
    }

    static func sleep(at time: String) -> String {
        Make.event(
            provider: "Microsoft-Windows-Kernel-Power", id: 42, channel: "System", computer: host, time: time, record: Make.record(time, 7),
            data: [("TargetState", "4"), ("EffectiveState", "4"), ("Reason", "7"), ("Flags", "0"), ("TransitionsToOn", "1")])
    }

    static func termServiceStopped(at time: String) -> String {
        Make.event(
            provider: "Service Control Manager", id: 7036, channel: "System", computer: host, time: time, record: Make.record(time, 9),
            data: [("param1", "Remote Desktop Services"), ("param2", "stopped")], qualifiers: "16384")
    }

    @Test func aSleepRecordFollowedByLaterRecordsIsNotTheStateAtTheFailure() throws {
        // Kernel-Power 42 two hours before; no resume record, but the host wrote System and RDP
        // records since (the background's records 50 minutes before the failure).
        let failure = try Self.diagnose(hostRecords: [Self.sleep(at: Make.at(Self.t0, -7200))])
        let asleep = try Self.cause("host-asleep", in: failure)
        #expect(asleep.status != .likely, "\(asleep.summary)")
        #expect(asleep.summary.contains("wrote records again"), "\(asleep.summary)")
        let network = try Self.cause("network-path", in: failure)
        #expect(!network.evidence.contains { $0.role == .refutes }, "the stale sleep record does not explain the silence")
    }

    @Test func aSleepRecordWithNothingAfterItStillHolds() throws {
        let failure = try Self.diagnose(hostRecords: [Self.sleep(at: Make.at(Self.t0, -120))])
        #expect(try Self.cause("host-asleep", in: failure).status == .likely)
    }

    @Test func aServiceStopFollowedByStackRecordsIsNotTheStateAtTheFailure() throws {
        // 7036 stopped an hour before; the stack logged another client's connection (131) 50
        // minutes before the failure: the service was running again.
        let failure = try Self.diagnose(hostRecords: [Self.termServiceStopped(at: Make.at(Self.t0, -3600))])
        let service = try Self.cause("rdp-service-down", in: failure)
        #expect(service.status != .likely, "\(service.summary)")
        #expect(service.summary.contains("running again"), "\(service.summary)")
    }

    @Test func aServiceStopWithNoStackRecordAfterItStillHolds() throws {
        let failure = try Self.diagnose(hostRecords: [Self.termServiceStopped(at: Make.at(Self.t0, -60))])
        #expect(try Self.cause("rdp-service-down", in: failure).status == .likely)
    }

    @Test func aCertificateCauseIsNotLikelyWhenTheAttemptLeftNoTraceInTheHostsRDPLogs() throws {
        // RCM 1058 an hour before; the RCM/RdpCoreTS logs cover the failure and hold nothing of the attempt.
        let record = Make.event(
            provider: Make.rcmProvider, id: 1058, channel: "System", computer: Self.host, time: Make.at(Self.t0, -3600),
            record: Make.record(Make.at(Self.t0, -3600), 11), data: [("", "Access is denied.")], qualifiers: "49152", level: 2)
        let failure = try Self.diagnose(hostRecords: [record])
        let certificate = try Self.cause("certificate-expired", in: failure)
        #expect(!certificate.evidence.isEmpty, "the 1058 is found")
        #expect(certificate.status == .possible, "\(certificate.summary)")
        #expect(certificate.summary.contains("reached the RDP stack"), "\(certificate.summary)")
    }

    @Test func theLogsWhoseSilenceDecidesAreCitedOneByOne() throws {
        let failure = try Self.diagnose(hostRecords: [])
        let network = try Self.cause("network-path", in: failure)
        let silence = network.evidence.filter { $0.role == .missing }
        let absent = silence.filter { $0.meaning.contains("holds nothing from") }
        #expect(absent.map(\.channel).sorted() == [Make.coreChannel, Make.rcmChannel], "\(silence.map(\.channel))")
        // The System log showed that neither a service stop nor a sleep explains the silence.
        let explained = silence.filter { $0.meaning.contains("shows no other reason for the silence") }
        #expect(explained.map(\.channel) == ["System"], "\(silence.map(\.channel))")
        #expect(silence.allSatisfy { $0.origin.source == "RDSH/host.xml" })
    }

    @Test func absenceAloneIsNotLikelyWhileTheSystemLogIsMissing() throws {
        // The stack's logs show no trace of the attempt, but without the System log nothing tells
        // whether the service was stopped or the host asleep.
        let client = Make.clientAttempt(computer: "WKS-042", target: "rdsh-01", at: Self.t0, lasts: 2)
        let hostRecords = AttemptIdentityTests.background().filter { !$0.contains("<Channel>System</Channel>") }
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: hostRecords)
        let failure = try #require(diagnosis.failures.first)
        let network = try Self.cause("network-path", in: failure)
        #expect(network.status == .possible, "\(network.summary)")
        #expect(diagnosis.verdict == .inconclusive)
        #expect(diagnosis.missingLogs.contains { $0.channel == "System" })
    }

    static func weighed(_ id: String, _ score: Double, _ precondition: CauseDefinition.Precondition?) -> CauseEvaluator.Weighed {
        let status: CauseAssessment.Status = score >= 0.6 ? .likely : .possible
        return CauseEvaluator.Weighed(
            assessment: CauseAssessment(
                id: id, title: id, status: status, confidence: score, summary: id, evidence: [], remediation: [], references: []),
            score: score, missing: [], precondition: precondition)
    }

    @Test func contradictingCausesAreNotBothLikely() {
        let result = CauseExclusivity.apply([
            Self.weighed("nla-credssp", 0.98, .reachedStack), Self.weighed("rdp-service-down", 0.9, .notPastSecurity),
            Self.weighed("host-asleep", 0.85, .notPastSecurity), Self.weighed("tls-mismatch", 0.7, .reachedStack),
        ])
        #expect(result.map(\.assessment.status) == [.likely, .possible, .possible, .likely])
        #expect(result[1].assessment.confidence <= 0.59)
        #expect(result[1].assessment.summary.contains("not likely together with nla-credssp"))
    }

    @Test(arguments: [
        ("10.20.31.0/255.255.255.0", "10.20.31.22", FirewallScope.Answer.inside),
        ("10.20.31.0/255.255.255.0", "10.30.40.89", .outside),
        ("10.250.0.0/16,192.168.1.5", "192.168.1.5", .inside),
        ("10.0.0.1-10.0.0.9", "10.0.0.10", .outside),
        ("*", "10.1.2.3", .inside),
        ("LocalSubnet", "10.1.2.3", .unknown),
        ("10.250.0.0/16,LocalSubnet", "10.1.2.3", .unknown),
        ("10.250.0.0/16", "fe80::1", .unknown),
    ])
    func firewallScopesHoldTheAddressesTheyName(scope: String, address: String, answer: FirewallScope.Answer) {
        #expect(FirewallScope(scope).contains(address) == answer)
    }

    @Test func preconditionAndEndedByAreRead() throws {
        let yaml = """
            id: x
            title: T
            precondition: not-past-security
            evidence:
              - latest: {rules: [a, b], is: [a], lookback: 7d}
                ended-by: any-record
                weight: 0.5
              - latest: {rules: [a, b], is: [a], lookback: 7d}
                ended-by: [c, d]
                weight: 0.5
            remediation: [x]
            """
        let result = CauseLoader.load(yaml: yaml, source: "x.yml")
        let cause = try #require(result.causes.first, "\(result.diagnostics)")
        #expect(cause.precondition == .notPastSecurity)
        #expect(cause.evidence.map(\.endedBy) == [.anyRecord, .rules(["c", "d"])])
        #expect(cause.evidence[1].ruleNames.contains("d"))
    }

    @Test(arguments: [
        ("precondition: maybe\nevidence:\n  - code: [1]\n    weight: 1\n", "`precondition` is reached-stack or not-past-security"),
        ("evidence:\n  - rule: a\n    window: [-1m, 1m]\n    ended-by: any-record\n    weight: 1\n", "`ended-by` belongs to a `latest` item"),
    ])
    func wrongPreconditionsAndEndsAreErrors(body: String, message: String) {
        let result = CauseLoader.load(yaml: "id: x\ntitle: T\n\(body)remediation: [x]\n", source: "x.yml")
        #expect(result.causes.isEmpty)
        #expect(result.diagnostics.contains { $0.severity == "error" && $0.message.contains(message) }, "\(result.diagnostics)")
    }
}
