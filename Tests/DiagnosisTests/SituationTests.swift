import Diagnosis
import EventImport
import Foundation
import Testing

/// The situations the users' own guides name (issue 15, section 6), on small cases whose records
/// have the shapes Windows writes: a security layer forced on the listener (RCM 1050 after Group
/// Policy 1502) is its own finding, apart from a TLS version or cipher mismatch.
@Suite("Situations the guides name")
struct SituationTests {
    typealias Case = EvidenceAtAttemptTests

    /// Group Policy applied new computer settings (the real 1502 shape: named EventData).
    static func groupPolicyApplied(at time: String) -> String {
        Make.event(
            provider: "Microsoft-Windows-GroupPolicy", id: 1502, channel: "System", computer: Case.host, time: time,
            record: Make.record(time, 3),
            data: [
                ("SupportInfo1", "1"), ("SupportInfo2", "3639"), ("ProcessingMode", "1"), ("ProcessingTimeInMilliseconds", "1218"),
                ("DCName", "\\\\DC01.corp.example"), ("NumberOfGroupPolicyObjects", "3"),
            ])
    }

    /// RCM 1050: the listener's inserts (%1 listener, %2 encryption level, %3 security layer) as unnamed Data.
    static func settingsCorrected(at time: String) -> String {
        Make.event(
            provider: Make.rcmProvider, id: 1050, channel: "System", computer: Case.host, time: time, record: Make.record(time, 4),
            data: [("", "RDP-Tcp"), ("", "Low"), ("", "SSL")], qualifiers: "32768", level: 3)
    }

    static let policyTime = "2026-06-12T06:12:40.0000000Z"
    static var forcedLayer: [String] {
        [Self.groupPolicyApplied(at: policyTime), Self.settingsCorrected(at: Make.at(policyTime, 2))]
    }
    static var drop: [String] {
        [Case.securityLayerDrop(at: Make.at(Case.failure, -0.3)), Case.termdd56(at: Make.at(Case.failure, -0.2))]
    }

    @Test func aForcedSecurityLayerIsItsOwnFindingAndNotATLSMismatch() throws {
        let diagnosis = diagnose(events: Case.attempt(Self.forcedLayer + Self.drop))
        let forced = try #require(Case.cause("security-layer-forced", in: diagnosis))
        #expect(diagnosis.failures.first?.causes.first?.id == "security-layer-forced")
        #expect(forced.status == .likely, "\(forced.summary)")
        // The record's own inserts are quoted, by position.
        let correction = try #require(forced.evidence.first { $0.eventID == 1050 })
        #expect(correction.meaning.contains("RDP-Tcp") && correction.meaning.contains("(Low)") && correction.meaning.contains("(SSL)"), "\(correction.meaning)")
        #expect(forced.evidence.contains { $0.eventID == 1502 && $0.role == .supports })
        #expect(forced.evidence.contains { $0.eventID == 139 && $0.role == .supports })
        #expect(forced.remediation.contains { $0.contains("Require use of specific security layer") })
        // The listener correction is owned by this cause: the TLS mismatch cause does not cite it.
        let tls = try #require(Case.cause("tls-mismatch", in: diagnosis))
        #expect(tls.status == .ruledOut, "\(tls.summary)")
        #expect(!tls.evidence.contains { $0.eventID == 1050 })
    }

    @Test func theListenerCorrectionAloneIsNotDecisive() throws {
        // 1050 is written when Remote Desktop Services reads its settings, not at the attempt: with the
        // same-client drop that only corroborates, it stays possible.
        let diagnosis = diagnose(events: Case.attempt([Self.settingsCorrected(at: Make.at(Self.policyTime, 2))] + Self.drop))
        let forced = try #require(Case.cause("security-layer-forced", in: diagnosis))
        #expect(forced.status == .possible, "\(forced.summary)")
        // A routine policy refresh, without the listener's correction, rules nothing in by itself, and
        // with the drop stays well below the finding that has RCM 1050.
        let refresh = diagnose(events: Case.attempt([Self.groupPolicyApplied(at: Self.policyTime)]))
        let quiet = try #require(Case.cause("security-layer-forced", in: refresh))
        #expect(quiet.status == .ruledOut, "\(quiet.summary)")
        let refreshAndDrop = diagnose(events: Case.attempt([Self.groupPolicyApplied(at: Self.policyTime)] + Self.drop))
        let weak = try #require(Case.cause("security-layer-forced", in: refreshAndDrop))
        #expect(weak.confidence < 0.5, "\(weak.summary)")
        let full = try #require(Case.cause("security-layer-forced", in: diagnose(events: Case.attempt(Self.forcedLayer + Self.drop))))
        #expect(weak.confidence < full.confidence - 0.25)
    }

    @Test func aCipherFailureAtTheAttemptIsATLSMismatchEvenWithAForcedLayer() throws {
        let cipher = Make.noCommonCipher(computer: Case.host, time: Make.at(Case.failure, -0.35), record: 77)
        let diagnosis = diagnose(events: Case.attempt(Self.forcedLayer + Self.drop + [cipher]))
        #expect(diagnosis.failures.first?.causes.first?.id == "tls-mismatch")
        let forced = try #require(Case.cause("security-layer-forced", in: diagnosis))
        #expect(forced.status != .likely, "\(forced.summary)")
        #expect(forced.evidence.contains { $0.eventID == 36874 && $0.role == .refutes })
    }
}
