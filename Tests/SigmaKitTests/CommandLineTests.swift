import Foundation
import Testing

/// End-to-end runs of the built `rdpcause` binary: `hunt` output formats and `rules lint` exit codes.
@Suite(.enabled(if: RDPCauseBinary.path != nil, "the rdpcause executable is not built next to the tests"))
struct CommandLineTests {
    static let rule = """
        title: RDP client could not connect
        id: 6b1f6a43-0f55-4b0c-9c55-0d7d7a9f1c01
        name: rdp_client_disconnect
        status: test
        level: medium
        logsource:
            product: windows
            service: terminalservices-rdpclient
        detection:
            selection:
                EventID: 1026
                Value|contains: '0x904'
            condition: selection
        """

    static let events = """
        <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-TerminalServices-ClientActiveXCore" Guid="{28AA95BB-D444-4719-A36F-40462168127E}"/><EventID>1026</EventID><Version>0</Version><Level>4</Level><Task>101</Task><Opcode>10</Opcode><Keywords>0x4000000000000000</Keywords><TimeCreated SystemTime="2026-06-12T19:41:53.1234567Z"/><EventRecordID>812</EventRecordID><Correlation ActivityID="{7A1E0000-0000-0000-0000-000000000000}"/><Execution ProcessID="4412" ThreadID="5120"/><Channel>Microsoft-Windows-TerminalServices-RDPClient/Operational</Channel><Computer>LAPTOP-7.corp.example</Computer><Security UserID="S-1-5-21-1-2-3-1001"/></System><EventData><Data Name="Name">Disconnect Reason</Data><Data Name="Value">0x904 (extended 0x7)</Data><Data Name="CustomLevel">Info</Data></EventData></Event>
        <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-TerminalServices-ClientActiveXCore"/><EventID>1026</EventID><Level>4</Level><TimeCreated SystemTime="2026-06-12T19:42:10.0000000Z"/><EventRecordID>813</EventRecordID><Channel>Microsoft-Windows-TerminalServices-RDPClient/Operational</Channel><Computer>LAPTOP-7.corp.example</Computer></System><EventData><Data Name="Name">Disconnect Reason</Data><Data Name="Value">0x3</Data></EventData></Event>

        """

    func run(_ arguments: [String], in folder: URL) throws -> RDPCauseBinary.Run {
        try RDPCauseBinary.run(arguments, in: folder)
    }

    private func makeFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try Self.rule.write(to: folder.appendingPathComponent("rules/rdp.yml"), atomically: true, encoding: .utf8)
        try Self.events.write(to: folder.appendingPathComponent("client.xml"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func huntPrintsOneNDJSONObjectPerMatch() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(["hunt", "--format", "ndjson", "--rules", "rules", "client.xml"], in: folder)
        #expect(result.status == 0, "\(result.errors)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
        #expect(object["type"] as? String == "detection")
        let rule = try #require(object["rule"] as? [String: Any])
        #expect(rule["id"] as? String == "6b1f6a43-0f55-4b0c-9c55-0d7d7a9f1c01")
        #expect(rule["name"] as? String == "rdp_client_disconnect")
        #expect(rule["title"] as? String == "RDP client could not connect")
        #expect(rule["level"] as? String == "medium")
        #expect(object["time"] as? String == "2026-06-12T19:41:53.1234567Z")
        #expect(object["computer"] as? String == "LAPTOP-7.corp.example")
        #expect(object["channel"] as? String == "Microsoft-Windows-TerminalServices-RDPClient/Operational")
        #expect(object["provider"] as? String == "Microsoft-Windows-TerminalServices-ClientActiveXCore")
        #expect(object["eventId"] as? Int == 1026)
        #expect(object["recordId"] as? Int == 812)
        let origin = try #require(object["origin"] as? [String: Any])
        #expect(origin["source"] as? String == "client.xml" && origin["line"] as? Int == 1)
        // The event as `rdpcause events` prints it, and the fields the rule tests.
        let event = try #require(object["event"] as? [String: Any])
        #expect((event["data"] as? [String: String])?["Value"] == "0x904 (extended 0x7)")
        #expect((object["matched"] as? [String: String]) == ["EventID": "1026", "Value": "0x904 (extended 0x7)"])
        #expect((object["details"] as? String)?.contains("Value: 0x904 (extended 0x7)") == true)
    }

    @Test func huntPrintsATableByDefault() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(["hunt", "--rules", "rules", "client.xml"], in: folder)
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n")
        #expect(lines.first?.hasPrefix("TIMESTAMP") == true)
        #expect(lines.count == 2)
        #expect(lines.last?.contains("RDP client could not connect") == true)
        #expect(result.errors.contains("1 match") && result.errors.contains("in 2 events"))
    }

    @Test func rulesLintExitsNonZeroOnErrorsAndPrintsPositions() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clean = try run(["rules", "lint", "rules"], in: folder)
        #expect(clean.status == 0, "\(clean.errors)")
        let broken = Self.rule.replacingOccurrences(of: "Value|contains:", with: "Value|contain:")
        try broken.write(to: folder.appendingPathComponent("rules/rdp.yml"), atomically: true, encoding: .utf8)
        let failing = try run(["rules", "lint", "rules"], in: folder)
        #expect(failing.status == 1)
        #expect(failing.errors.contains("rules/rdp.yml:12:9: error: unknown modifier 'contain'"))
        // The rule that did not load is not listed; the built-in pack still is, unless left out.
        let listed = try run(["rules", "list", "rules"], in: folder)
        #expect(listed.status == 1)
        #expect(!listed.output.contains("6b1f6a43-0f55-4b0c-9c55-0d7d7a9f1c01"))
        #expect(listed.output.contains("\tbuilt-in\n"))
        let alone = try run(["rules", "list", "--no-builtin-rules", "rules"], in: folder)
        #expect(alone.status == 1)
        #expect(alone.output.isEmpty)
    }

    @Test func rulesLintReportsCorrelationProblemsWithPositions() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let correlations = """
            title: Many disconnects
            name: many_disconnects
            correlation:
              type: event_count
              rules: [rdp_client_disconnect]
              timespan: 5m
              condition: {gte: 2}
            ---
            title: Dangling
            name: dangling
            correlation:
              type: event_count
              rules: [no_such_rule]
              timespan: 5m
              condition: {gte: 2}
            ---
            title: Far too long
            name: too_long
            correlation:
              type: event_count
              rules: [rdp_client_disconnect]
              timespan: 4000d
              condition: {gte: 2}
            """
        try correlations.write(to: folder.appendingPathComponent("rules/correlations.yml"), atomically: true, encoding: .utf8)
        let lint = try run(["rules", "lint", "rules"], in: folder)
        #expect(lint.status == 1)
        #expect(lint.errors.contains("rules/correlations.yml:9: error: references `no_such_rule`, which is no loaded rule's id or name [correlation]"))
        #expect(lint.errors.contains("rules/correlations.yml:17: error: timespan must be"))
        #expect(!lint.errors.contains("correlations.yml:1: error"))
        #expect(lint.errors.contains("2 errors"))
        // hunt runs the good correlation, reports the others and counts them in its summary.
        let hunt = try run(["hunt", "--format", "ndjson", "--rules", "rules", "client.xml"], in: folder)
        #expect(hunt.status == 2)
        #expect(hunt.errors.contains("2 correlation rules left out"))
    }

    /// Two inputs given newest first: the timeline is in event time, filtered as asked.
    private func makeTimelineFolder() throws -> URL {
        let folder = try makeFolder()
        let later = Self.events.replacingOccurrences(of: "2026-06-12T19:4", with: "2026-06-13T08:4")
            .replacingOccurrences(of: "<EventRecordID>812", with: "<EventRecordID>900")
            .replacingOccurrences(of: "LAPTOP-7.corp.example", with: "=HYPERLINK(\"http://x\")")
        try later.write(to: folder.appendingPathComponent("a-later.xml"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func huntPrintsOneTimelineInEventTimeAcrossInputs() throws {
        let folder = try makeTimelineFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(["hunt", "--format", "csv", "--rules", "rules", "a-later.xml", "client.xml"], in: folder)
        #expect(result.status == 0, "\(result.errors)")
        let lines = result.output.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "Timestamp,Level,Rule,Computer,Channel,EventID,RecordID,Details,Origin")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("2026-06-12T19:41:53.123Z,medium,RDP client could not connect,LAPTOP-7.corp.example,"))
        #expect(lines[1].contains(",1026,812,"))
        // A computer name that a spreadsheet would run as a formula is neutralized.
        #expect(lines[2].contains(",\"'=HYPERLINK(\"\"http://x\"\")\","))
        #expect(result.errors.contains("by level: critical 0, high 0, medium 2, low 0, informational 0"))
        #expect(result.errors.contains("  2  medium  RDP client could not connect"))
    }

    @Test func huntFiltersByTimeLevelAndComputer() throws {
        let folder = try makeTimelineFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let since = try run(["hunt", "--format", "csv", "--since", "2026-06-13", "--rules", "rules", "a-later.xml", "client.xml"], in: folder)
        #expect(since.output.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2)
        #expect(since.errors.contains("1 shown after filtering"))
        let computer = try run(["hunt", "--format", "csv", "--computer", "laptop-7", "--rules", "rules", "a-later.xml", "client.xml"], in: folder)
        #expect(computer.output.contains(",812,") && !computer.output.contains(",900,"))
        let level = try run(["hunt", "--min-level", "high", "--rules", "rules", "client.xml"], in: folder)
        #expect(level.output == "no matches\n")
        let bad = try run(["hunt", "--since", "yesterday", "--rules", "rules", "client.xml"], in: folder)
        #expect(bad.status == 64)
        #expect(bad.errors.contains("--since 'yesterday' is not a time"))
    }

    @Test func huntWritesTimesketchLines() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(["hunt", "--format", "timesketch", "--rules", "rules", "client.xml"], in: folder)
        let line = try #require(result.output.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["datetime"] as? String == "2026-06-12T19:41:53.123456Z")
        #expect(object["timestamp_desc"] as? String == "Event Recorded")
        #expect((object["message"] as? String)?.hasPrefix("RDP client could not connect: ") == true)
    }
}
