@testable import Diagnosis
import EventImport
import Foundation
import Testing

/// The firewall is followed rule by rule to its latest state (issue 15, section 1): an RDP allow
/// rule re-scoped and re-enabled in the same instant is not "changed to block"; a scope that keeps
/// the client out is evidence, cited with the scope; a disable that nothing undoes still is.
@Suite("Firewall rule timeline")
struct FirewallTimelineTests {
    static let host = AttemptIdentityTests.host
    static let t0 = AttemptIdentityTests.t0
    static let clientAddress = "10.20.31.22"
    /// The administrator's change, two hours before the failure.
    static let changedAt = Make.at(t0, -7200)

    /// Windows Firewall With Advanced Security 2005 as the real record `SZ/FW#69` writes it (the
    /// built-in TCP-In rule modified), with only the values changed: computer, time, record id,
    /// `RemoteAddresses`, `Active`.
    static func ruleModified(record: Int, remoteAddresses: String, active: String) -> String {
        FirewallRecords.rule(2005, at: changedAt, record: record, active: active, remoteAddresses: remoteAddresses)
    }

    /// The rule disabled (record 4101); with `reEnabledFor`, re-enabled in the same instant with that
    /// scope (record 4102); `newestFirst` lists the records in the order a newest-first export does.
    static func change(reEnabledFor scope: String?, newestFirst: Bool = false, reEnableRecord: Int = 4102) -> [String] {
        let disabled = ruleModified(record: 4101, remoteAddresses: "*", active: "0")
        guard let scope else { return [disabled] }
        let enabled = ruleModified(record: reEnableRecord, remoteAddresses: scope, active: "1")
        return newestFirst ? [enabled, disabled] : [disabled, enabled]
    }

    /// network-path for an attempt that left no trace on the host, the client's address given by the
    /// ticket (the scoped case below shows the address is read: its evidence quotes it).
    static func networkPath(firewall: [String]) throws -> CauseAssessment {
        let client = Make.clientAttempt(computer: "WKS-042", target: "rdsh-01", at: t0, lasts: 2)
        let ticket = TextDocument(source: "ticket.txt", text: "Laptop WKS-042, IP address \(clientAddress), cannot reach rdsh-01 since this evening.")
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: AttemptIdentityTests.background() + firewall, documents: [ticket])
        let failure = try #require(diagnosis.failures.first)
        return try #require(failure.causes.first { $0.id == "network-path" })
    }

    static func firewallEvidence(_ cause: CauseAssessment) -> [EvidenceItem] {
        cause.evidence.filter { $0.rule.hasPrefix("firewall_") }
    }

    @Test func aRuleReScopedToHoldTheClientAndReEnabledInTheSameInstantIsNotEvidence() throws {
        let cause = try Self.networkPath(firewall: Self.change(reEnabledFor: "10.20.31.0/255.255.255.0"))
        #expect(Self.firewallEvidence(cause).isEmpty, "\(Self.firewallEvidence(cause).map(\.meaning))")
        #expect(!cause.summary.contains("changed to block"), "\(cause.summary)")
    }

    @Test func aRuleReScopedAwayFromTheClientIsEvidenceCitingTheScope() throws {
        let cause = try Self.networkPath(firewall: Self.change(reEnabledFor: "10.250.0.0/255.255.0.0"))
        let cited = Self.firewallEvidence(cause)
        #expect(cited.count == 1, "\(cited.map(\.meaning))")
        let item = try #require(cited.first)
        #expect(item.rule == "firewall_rdp_rule_changed" && item.role == .supports)
        #expect(item.recordID == 4102, "the re-enabling record states the rule's latest state")
        #expect(item.meaning.contains("10.250.0.0/255.255.0.0") && item.meaning.contains(Self.clientAddress), "\(item.meaning)")
        #expect(!item.meaning.contains("changed to block"), "\(item.meaning)")
    }

    @Test func aDisableThatNothingUndoesIsStillEvidence() throws {
        let cause = try Self.networkPath(firewall: Self.change(reEnabledFor: nil))
        let cited = Self.firewallEvidence(cause)
        #expect(cited.map(\.rule) == ["firewall_rdp_rule_blocking"], "\(cited.map(\.meaning))")
        #expect(cited.first?.recordID == 4101)
    }

    @Test func inANewestFirstExportTheRecordIDsOrderTheSameInstant() throws {
        let cause = try Self.networkPath(firewall: Self.change(reEnabledFor: "10.20.31.0/255.255.255.0", newestFirst: true))
        #expect(Self.firewallEvidence(cause).isEmpty, "\(Self.firewallEvidence(cause).map(\.meaning))")
    }

    @Test func aDisableWrittenAfterTheEnableInTheSameInstantStillHolds() throws {
        // Same instant, but the enabling record has the lower record id: the rule ended disabled.
        let cause = try Self.networkPath(firewall: Self.change(reEnabledFor: "10.20.31.0/255.255.255.0", reEnableRecord: 4100))
        let cited = Self.firewallEvidence(cause)
        #expect(cited.map(\.rule) == ["firewall_rdp_rule_blocking"], "\(cited.map(\.meaning))")
    }
}
