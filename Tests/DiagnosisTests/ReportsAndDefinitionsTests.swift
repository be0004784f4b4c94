@testable import Diagnosis
import EventImport
import Foundation
import SigmaKit
import Testing

@Suite("Client reports, ticket hints, cause files, JSON contract")
struct ReportsAndDefinitionsTests {
    @Test func mstscDialogIsReadWithItsLocalTime() throws {
        let text = """
            Remote Desktop Connection\r
            This computer can't connect to the remote computer.\r
            \r
            Error code: 0x904\r
            Extended error code: 0x7\r
            Timestamp: 06/12/26 09:41:53 PM\r
            """
        let report = try #require(ClientReport.parse(TextDocument(source: "e.txt", text: text)).first)
        #expect(report.code == 0x904)
        #expect(report.extendedCode == 7)
        #expect(report.timeIsUTC == false)
        #expect(report.time?.iso8601(fractionDigits: 0) == "2026-06-12T21:41:53Z")
        #expect(report.line == 4)
    }

    @Test func windowsAppDetailsInUTF16AreRead() throws {
        let text = "Error code: 0x904\r\nExtended error code: 0x7\r\nTimestamp (UTC): 2026-06-12T19:41:53.000Z\r\nActivity ID: {6f0c3a55-1e2b-4c4d-9e1f-0a1b2c3d4e5f}\r\n"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let report = try #require(ClientReport.parse(TextDocument(source: "e.txt", text: decodeText(bytes))).first)
        #expect(report.timeIsUTC)
        #expect(report.time?.iso8601(fractionDigits: 0) == "2026-06-12T19:41:53Z")
        #expect(report.activityID == "6F0C3A55-1E2B-4C4D-9E1F-0A1B2C3D4E5F")
    }

    @Test func jsonFormIsRead() throws {
        let text = #"{"code":"0x904","extendedCode":"0x7","timestamp":"2026-06-12T19:41:53Z","timestampIsUtc":true,"client":"WKS-042","host":"RDSH-01.corp.example"}"#
        let report = try #require(ClientReport.parse(TextDocument(source: "error.json", text: text)).first)
        #expect(report.code == 0x904)
        #expect(report.remoteComputer == "RDSH-01.corp.example")
        #expect(report.clientComputer == "WKS-042")
        #expect(report.timeIsUTC)
    }

    @Test(arguments: [
        ("user is in UTC+2 today", 7200), ("tz: UTC-05:30", -19800), ("(CEST)", 7200), ("since 21:40 EDT, New York", -14400),
        ("GMT+1", 3600), ("UTC", 0), ("time zone IST", 19800), ("Caller in Munich (UTC+2).", 7200),
        // A zone the ticket states for all its times, with no time beside it.
        ("All times CEST.", 7200), ("Alle Zeitangaben in MEZ.", 3600), ("Heures indiquées en CET.", 3600),
    ])
    func ticketZonesAreRead(text: String, seconds: Int) {
        var hints = TicketHints()
        hints.read(TextDocument(source: "ticket.txt", text: text))
        #expect(hints.utcOffset?.seconds == seconds)
    }

    @Test(arguments: [
        "Cet après-midi la connexion échoue.", "Das ist seit heute kaputt.", "The est. restore time is unknown.", "EDT, New York",
        "Ticket IN-55302: cannot connect",
    ])
    func wordsThatSpellAZoneAreNotAZone(text: String) {
        var hints = TicketHints()
        hints.read(TextDocument(source: "ticket.txt", text: text))
        #expect(hints.utcOffset == nil, "\(text)")
    }

    @Test func ticketNamesMachinesButNotWordsOrCodes() {
        var hints = TicketHints()
        hints.read(TextDocument(source: "ticket.txt", text: "From WKS-042 to rdsh-01.corp.example (10.0.0.5); error 0x904 in error.txt, says Alice."))
        #expect(hints.names.map(\.name) == ["WKS-042", "rdsh-01.corp.example", "10.0.0.5"])
    }

    @Test func theProjectsCausesLoadCleanlyAndCoverTheContract() {
        #expect(rulePack.causeDiagnostics.isEmpty, "\(rulePack.causeDiagnostics)")
        #expect(rulePack.catalog.errorCount == 0)
        let ids = Set(rulePack.causes.map(\.id))
        #expect(ids == [
            "network-path", "rdp-service-down", "host-asleep", "certificate-expired", "private-key-inaccessible",
            "tls-mismatch", "security-layer-forced", "nla-credssp", "logon-rights", "profile-corrupt", "client-side",
            "gateway-client-leg", "gateway-host-leg",
        ])
        #expect(rulePack.causes.allSatisfy { !$0.remediation.isEmpty && !$0.references.isEmpty })
    }

    @Test func causeFileProblemsArePositioned() {
        let yaml = """
            id: broken
            title: Broken
            colour: blue
            evidence:
              - rule: some_rule
                window: [-5m, 2m]
                weight: 1.5
            remediation: ["do it"]
            """
        let result = CauseLoader.load(yaml: yaml, source: "broken.yml")
        #expect(result.causes.isEmpty)
        let weight = result.diagnostics.first { $0.message.contains("weight") }
        #expect(weight?.severity == "error")
        #expect(weight?.line == 7)
        #expect(result.diagnostics.contains { $0.severity == "warning" && $0.message.contains("colour") && $0.line == 3 })
    }

    @Test func causeNamingAMissingRuleIsReportedNotUsed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("causes"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("id: x\ntitle: X\nevidence:\n  - rule: nowhere\n    window: [-1m, 1m]\n    weight: 0.5\nremediation: [fix]\n".utf8)
            .write(to: folder.appendingPathComponent("causes/x.yml"))
        let pack = RulePack.load(directory: folder.path)
        #expect(pack.causes.isEmpty)
        #expect(pack.causeDiagnostics.contains { $0.severity == "error" && $0.message.contains("`nowhere`") })
    }

    @Test func jsonContractHasTheDocumentedShapeAndEscapesEventContent() throws {
        let sample = repositoryRoot.appendingPathComponent("SampleLogs/private-key-inaccessible").path
        var (diagnosis, _) = diagnose([sample])
        diagnosis.warnings.append("</script><script>alert(1)</script>\u{1B}[31m")
        let text = DiagnosisJSON.document(diagnosis)
        #expect(!text.contains("</script>"))
        #expect(!text.contains("\u{1B}"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        for key in ["verdict", "failures", "missingLogs", "warnings", "inputs"] { #expect(object[key] != nil, "\(key)") }
        let failure = try #require((object["failures"] as? [[String: Any]])?.first)
        for key in ["host", "client", "time", "hostTime", "code", "extendedCode", "verdict", "clockSkewSeconds", "causes"] {
            #expect(failure.keys.contains(key), "\(key)")
        }
        #expect(failure["code"] as? String == "0x904")
        #expect(failure["extendedCode"] as? String == "0x7")
        let cause = try #require((failure["causes"] as? [[String: Any]])?.first)
        for key in ["id", "status", "confidence", "summary", "evidence", "remediation"] { #expect(cause[key] != nil, "\(key)") }
        let evidence = try #require((cause["evidence"] as? [[String: Any]])?.first)
        for key in ["source", "recordId", "time", "meaning", "rule"] { #expect(evidence.keys.contains(key), "\(key)") }

        // The schema file names the same required keys.
        let schemaURL = repositoryRoot.appendingPathComponent("Schemas/diagnosis.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL)) as? [String: Any])
        #expect(Set(schema["required"] as? [String] ?? []) == ["verdict", "failures", "missingLogs", "warnings", "inputs"])
        let failureSchema = try #require((schema["$defs"] as? [String: Any])?["failure"] as? [String: Any])
        #expect(Set(failureSchema["required"] as? [String] ?? []) == Set(failure.keys).intersection(failureSchema["required"] as? [String] ?? []))
        #expect((failureSchema["required"] as? [String])?.contains("hostTime") == true)
    }
}
