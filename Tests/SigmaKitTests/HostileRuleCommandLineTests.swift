import Foundation
import Testing

/// `hunt` and `rules lint` say when a regular expression cannot be evaluated in bounded time
/// (issue 12): it used to count as "no match", silently, after half a second per event.
extension CommandLineTests {
    static let catastrophicRule = """
        title: Catastrophic pattern
        id: 6b1f6a43-0f55-4b0c-9c55-0d7d7a9f1c02
        status: test
        level: medium
        logsource:
            product: windows
            service: terminalservices-rdpclient
        detection:
            selection:
                EventID: 1026
                Value|re: '^(a+)+$'
            condition: selection
        """

    static func clientEvent(record: Int, value: String) -> String {
        """
        <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-TerminalServices-ClientActiveXCore"/><EventID>1026</EventID><Level>4</Level><TimeCreated SystemTime="2026-06-12T19:42:0\(record).0000000Z"/><EventRecordID>\(record)</EventRecordID><Channel>Microsoft-Windows-TerminalServices-RDPClient/Operational</Channel><Computer>LAPTOP-7</Computer></System><EventData><Data Name="Name">Disconnect Reason</Data><Data Name="Value">\(value)</Data></EventData></Event>

        """
    }

    private func catastrophicFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try Self.catastrophicRule.write(to: folder.appendingPathComponent("rules/slow.yml"), atomically: true, encoding: .utf8)
        let hostile = String(repeating: "a", count: 40) + "!"
        let events = (1...4).map { Self.clientEvent(record: $0, value: hostile) }.joined()
        try events.write(to: folder.appendingPathComponent("client.xml"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func huntWarnsWhenARegexCannotBeEvaluated() throws {
        let folder = try catastrophicFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(["hunt", "--rules", "rules", "client.xml"], in: folder)
        #expect(result.status == 0, "\(result.errors)")
        #expect(
            result.errors.contains(
                "rules/slow.yml:11:19: warning: rule 'Catastrophic pattern' was not evaluated on 4 event(s): its regular expression '^(a+)+$'"),
            "\(result.errors)")
        #expect(result.errors.contains("[regex-not-evaluated]"))
        #expect(result.errors.contains("1 rule(s) not evaluated on some events"))
    }

    @Test func lintWarnsAboutNestedQuantifiers() throws {
        let folder = try catastrophicFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(["rules", "lint", "rules"], in: folder)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.contains("rules/slow.yml:11:19: warning: field 'Value': the regular expression '^(a+)+$' repeats a group that itself repeats (nested quantifiers)"))
        #expect(result.errors.contains("[regex-backtracking]"))
        #expect(result.errors.contains("0 errors, 1 warnings (1 regular expression(s) with nested quantifiers)"))
    }
}
