@testable import Diagnosis
import EventImport
import Foundation
import Testing

/// A Windows client update regression (issue 15, section 6): the client's System log shows an
/// update (WindowsUpdateClient 19 with its KB) shortly before its failures began while other
/// clients still connect to the host. `client-side` names the update and since when; the update
/// alone, one installed after the failure or long before it, or one that a failure predates, does
/// not make `client-side` likely, and the findings say why.
@Suite("Client update regression")
struct ClientUpdateRegressionTests {
    static let host = AttemptIdentityTests.host
    static let t0 = AttemptIdentityTests.t0
    static let client = "WKS-042"
    static let clientAddress = "10.20.31.42"
    static let title = "2026-06 Cumulative Update for Windows 11 Version 24H2 for x64-based Systems (KB5060842)"
    static let day = 86_400.0

    /// WindowsUpdateClient 19 with the EventData of the real record Win10 APTSimulatorVM/System#182.
    static func updateInstalled(_ title: String = title, at time: String) -> String {
        Make.event(
            provider: "Microsoft-Windows-WindowsUpdateClient", id: 19, channel: "System", computer: Self.client, time: time,
            record: Make.record(time, 7),
            data: [
                ("updateTitle", title), ("updateGuid", "86E50A9B-F08C-4178-AEE3-C4D4739B1A17"), ("updateRevisionNumber", "201"),
                ("serviceGuid", "9482F4B4-E343-43B6-B170-9A65BC822C77"),
            ])
    }

    /// The client's System log around the update and the failure (ordinary records give it its span).
    static func clientSystem(_ records: [String], from: Double) -> [String] {
        records + [
            Make.event(
                provider: "Microsoft-Windows-Kernel-General", id: 16, channel: "System", computer: Self.client, time: Make.at(Self.t0, from - 600),
                record: 1, data: [("FinalNameLength", "60")]),
            Make.event(
                provider: "Microsoft-Windows-Kernel-General", id: 16, channel: "System", computer: Self.client, time: Make.at(Self.t0, 3600),
                record: 2, data: [("FinalNameLength", "60")]),
        ]
    }

    /// The attempt reaches the host's RDP stack and the client drops it half a second later.
    static func attempt(_ clientRecords: [String] = []) -> [String] {
        Make.clientAttempt(computer: Self.client, target: "rdsh-01", at: Make.at(Self.t0, -0.5), lasts: 0.5) + clientRecords
    }

    /// The host: its background, the attempt's connection, Application and Security records (the
    /// logs the profile and logon causes read cover the failure) and `others`.
    static func hostRecords(_ others: [String]) -> [String] {
        AttemptIdentityTests.background()
            + Make.connectionOpens(host: Self.host, at: Make.at(Self.t0, -0.49), ip: clientAddress, activity: "C0FFEE42-1E2B-4C4D-9E1F-0A1B2C3D0042")
            + [
                Make.event(
                    provider: "Application Error", id: 1000, channel: "Application", computer: Self.host, time: Make.at(Self.t0, -3000), record: 3,
                    data: [("AppName", "notepad.exe")]),
                Make.event(
                    provider: "Application Error", id: 1000, channel: "Application", computer: Self.host, time: Make.at(Self.t0, 2400), record: 4,
                    data: [("AppName", "notepad.exe")]),
                Make.event(
                    provider: Make.securityProvider, id: 4672, channel: "Security", computer: Self.host, time: Make.at(Self.t0, -3000), record: 5,
                    data: [("SubjectUserSid", "S-1-5-18"), ("SubjectUserName", "SYSTEM")], level: 0),
                Make.event(
                    provider: Make.securityProvider, id: 4672, channel: "Security", computer: Self.host, time: Make.at(Self.t0, 2400), record: 6,
                    data: [("SubjectUserSid", "S-1-5-18"), ("SubjectUserName", "SYSTEM")], level: 0),
            ] + others
    }

    /// Two colleagues' healthy sessions an hour and half an hour before the failure.
    static let colleagues =
        Make.healthySession(host: Self.host, at: Make.at(Self.t0, -2700), ip: "10.20.31.17", user: "bmueller", activity: "FFAC90A4-1111-4C4D-9E1F-0A1B2C3D0001")
        + Make.healthySession(host: Self.host, at: Make.at(Self.t0, -1800), ip: "10.20.31.23", user: "cdubois", activity: "FFAC90A4-2222-4C4D-9E1F-0A1B2C3D0002")

    static func clientSide(client clientRecords: [String], host hostRecords: [String]) throws -> CauseAssessment {
        let ticket = TextDocument(source: "ticket.txt", text: "Laptop \(client), IP address \(clientAddress), cannot reach rdsh-01 since Tuesday.")
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: clientRecords, host: hostRecords, documents: [ticket])
        // Several failures in the client's log: the latest (this one) is diagnosed first.
        let failure = try #require(diagnosis.failures.first)
        return try #require(failure.causes.first { $0.id == "client-side" })
    }

    static func updateEvidence(_ cause: CauseAssessment) -> [EvidenceItem] {
        cause.evidence.filter { $0.rule == "client_update_installed" }
    }

    @Test func anUpdateBeforeTheFailuresWhileOthersConnectNamesTheKBAndSinceWhen() throws {
        let installed = Make.at(Self.t0, -3 * Self.day)
        let cause = try Self.clientSide(
            client: Self.attempt(Self.clientSystem([Self.updateInstalled(at: installed)], from: -3 * Self.day)),
            host: Self.hostRecords(Self.colleagues))
        let update = try #require(Self.updateEvidence(cause).first, "\(cause.summary)")
        #expect(update.meaning.contains("KB5060842") && update.meaning.contains(String(installed.prefix(19)) + "Z"), "\(update.meaning)")
        #expect(update.meaning.contains("other clients still connect") && update.meaning.contains("wusa /uninstall /kb:5060842"), "\(update.meaning)")
        let other = cause.evidence.filter { $0.meaning.contains("another client's session succeeded") }
        #expect(other.count == 1 && other.allSatisfy { $0.meaning.contains("bmueller") }, "\(cause.evidence.map(\.meaning))")
        #expect(cause.status == .likely, "\(cause.status) \(cause.confidence): \(cause.summary)")
        #expect(cause.summary.contains("KB5060842"), "the summary names the update: \(cause.summary)")
    }

    @Test func withoutTheUpdateTheSameCaseIsNotLikely() throws {
        // The same case with no update in the client's System log: one record of the attempt reaching the stack.
        let cause = try Self.clientSide(client: Self.attempt(Self.clientSystem([], from: -3 * Self.day)), host: Self.hostRecords(Self.colleagues))
        #expect(cause.status != .likely, "\(cause.summary)")
        #expect(Self.updateEvidence(cause).isEmpty)
    }

    @Test func anUpdateWithoutAnyOtherClientIsWeakEvidenceOnly() throws {
        let installed = Make.at(Self.t0, -3 * Self.day)
        let alone = try Self.clientSide(
            client: Self.attempt(Self.clientSystem([Self.updateInstalled(at: installed)], from: -3 * Self.day)), host: Self.hostRecords([]))
        let update = try #require(Self.updateEvidence(alone).first, "\(alone.summary)")
        #expect(update.meaning.contains("no other client's session"), "\(update.meaning)")
        #expect(alone.status != .likely, "\(alone.summary)")
        let withOthers = try Self.clientSide(
            client: Self.attempt(Self.clientSystem([Self.updateInstalled(at: installed)], from: -3 * Self.day)),
            host: Self.hostRecords(Self.colleagues))
        #expect(alone.confidence < withOthers.confidence)
    }

    @Test func theSameUserOnThisClientOrTheConsoleIsNotAnotherClient() throws {
        // After the update the only sessions on the host are this client's own earlier one (same
        // address) and a console logon: neither shows the host working for other clients.
        let installed = Make.at(Self.t0, -3 * Self.day)
        let console = Make.event(
            provider: Make.lsmProvider, id: 21, channel: Make.lsmChannel, computer: Self.host, time: Make.at(Self.t0, -2000), record: 77,
            userData: [("User", "CORP\\admin"), ("SessionID", "1"), ("Address", "LOCAL")], activity: "FFAC90A4-4444-4C4D-9E1F-0A1B2C3D0004")
        let own = Make.healthySession(
            host: Self.host, at: Make.at(Self.t0, -2700), ip: Self.clientAddress, user: "jdoe", activity: "FFAC90A4-3333-4C4D-9E1F-0A1B2C3D0003",
            endsAfter: 900)
        let cause = try Self.clientSide(
            client: Self.attempt(Self.clientSystem([Self.updateInstalled(at: installed)], from: -3 * Self.day)),
            host: Self.hostRecords(own + [console]))
        let update = try #require(Self.updateEvidence(cause).first, "\(cause.summary)")
        #expect(update.meaning.contains("no other client's session"), "\(update.meaning)")
        #expect(!cause.evidence.contains { $0.meaning.contains("another client's session") })
    }

    @Test func anUpdateInstalledAfterTheFailureIsNotEvidenceAndIsSaid() throws {
        let installed = Make.at(Self.t0, 3 * 3600)
        let cause = try Self.clientSide(
            client: Self.attempt(Self.clientSystem([Self.updateInstalled(at: installed)], from: -3600)), host: Self.hostRecords(Self.colleagues))
        #expect(Self.updateEvidence(cause).isEmpty, "\(Self.updateEvidence(cause).map(\.meaning))")
        #expect(cause.summary.contains("KB5060842") && cause.summary.contains("after the failure"), "\(cause.summary)")
        #expect(cause.status != .likely)
    }

    @Test func aFailureOfThisClientBeforeTheUpdateBreaksTheStory() throws {
        let installed = Make.at(Self.t0, -3 * Self.day)
        let earlier = Make.clientAttempt(
            computer: Self.client, target: "rdsh-01", at: Make.at(Self.t0, -5 * Self.day), lasts: 0.5, activity: "6F0C3A55-1E2B-4C4D-9E1F-0A1B2C3D9999")
        let cause = try Self.clientSide(
            client: Self.attempt(earlier + Self.clientSystem([Self.updateInstalled(at: installed)], from: -5 * Self.day)),
            host: Self.hostRecords(Self.colleagues))
        #expect(Self.updateEvidence(cause).isEmpty, "\(Self.updateEvidence(cause).map(\.meaning))")
        #expect(cause.summary.contains("already failed") && cause.summary.contains("KB5060842"), "\(cause.summary)")
        #expect(cause.status != .likely)
    }

    @Test func anUpdateLongBeforeTheFirstFailureIsNotTakenAsItsStart() throws {
        let installed = Make.at(Self.t0, -40 * Self.day)
        let cause = try Self.clientSide(
            client: Self.attempt(Self.clientSystem([Self.updateInstalled(at: installed)], from: -40 * Self.day)),
            host: Self.hostRecords(Self.colleagues))
        #expect(Self.updateEvidence(cause).isEmpty, "\(Self.updateEvidence(cause).map(\.meaning))")
        #expect(cause.summary.contains("40 days before") && cause.summary.contains("more than 14 days"), "\(cause.summary)")
    }

    @Test func theFirstFailureAfterTheUpdateIsWhenTheFailuresBegan() throws {
        // The update 20 days before this failure, the client's first failure 10 days after the
        // update: within 14 days of the first failure, so it is the start.
        let installed = Make.at(Self.t0, -20 * Self.day)
        let first = Make.clientAttempt(
            computer: Self.client, target: "rdsh-01", at: Make.at(Self.t0, -10 * Self.day), lasts: 0.5, activity: "6F0C3A55-1E2B-4C4D-9E1F-0A1B2C3D8888")
        let cause = try Self.clientSide(
            client: Self.attempt(first + Self.clientSystem([Self.updateInstalled(at: installed)], from: -20 * Self.day)),
            host: Self.hostRecords(Self.colleagues))
        let update = try #require(Self.updateEvidence(cause).first, "\(cause.summary)")
        #expect(update.meaning.contains("first at \(String(Make.at(Self.t0, -10 * Self.day + 0.5).prefix(19)))Z"), "\(update.meaning)")
    }

    @Test func theKnowledgeBaseNumberIsReadFromTheTitle() {
        #expect(ClientUpdateRegression.knowledgeBase(in: Self.title) == "5060842")
        #expect(ClientUpdateRegression.knowledgeBase(in: "Feature update to Windows 10, version 21H2") == nil)
        #expect(ClientUpdateRegression.knowledgeBase(in: "KB12 and then KB4023057") == "4023057")
    }

    @Test func aRegressionBelongsToAClientRuleItemWithASpanOthersAndAWeight() {
        func load(_ item: String) -> [CauseDiagnostic] {
            let yaml = """
                id: test-cause
                title: Test
                side: client
                evidence:
                \(item)
                remediation: [fix it]
                """
            return CauseLoader.load(yaml: yaml, source: "test.yml").diagnostics.filter { $0.severity == "error" }
        }
        let good = "  - {rule: client_update_installed, machine: client, window: [-90d, 1d], weight: 0.2, regression: {within: 14d, others: [rdp_session_logon], weight: 0.8}}"
        #expect(load(good).isEmpty)
        let onHost = "  - {rule: client_update_installed, machine: host, window: [-90d, 1d], weight: 0.2, regression: {within: 14d, others: [rdp_session_logon], weight: 0.8}}"
        #expect(load(onHost).contains { $0.message.contains("`regression` belongs to a `rule` item on the client") })
        let noOthers = "  - {rule: client_update_installed, machine: client, window: [-90d, 1d], weight: 0.2, regression: {within: 14d, weight: 0.8}}"
        #expect(load(noOthers).contains { $0.message.contains("`regression` is {within") })
        let refuting = """
            id: test-cause
            title: Test
            side: client
            evidence:
              - {rule: rdp_stack_connection, machine: host, window: [-3m, 1m], weight: 0.4}
            against:
            \(good)
            remediation: [fix it]
            """
        #expect(
            CauseLoader.load(yaml: refuting, source: "test.yml").diagnostics.contains {
                $0.severity == "error" && $0.message.contains("`regression` belongs to an `evidence` item")
            })
        let badSpan = "  - {rule: client_update_installed, machine: client, window: [-90d, 1d], weight: 0.2, regression: {within: 0, others: [x], weight: 0.8}}"
        #expect(load(badSpan).contains { $0.message.contains("`regression` is {within") })
    }
}
