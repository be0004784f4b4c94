import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Names and content an attacker controls, as they reach rdpcause: file, folder and member names
/// (any byte but `/` and NUL), pasted text, and event content (XML 1.0 allows C1 controls and
/// bidirectional overrides; the importer replaces the C0 controls XML forbids).
enum Hostile {
    /// An OSC-8 hyperlink (ESC ] 8 ;; URL BEL … ESC ] 8 ;; BEL) around a label, then a right-to-left override.
    static let link = "\u{1B}]8;;http:evil.example\u{07}click\u{1B}]8;;\u{07}\u{202E}"
    /// A C1 CSI (U+009B) that clears the screen, an isolate and a left-to-right mark.
    static let c1AndBidi = "\u{9B}2J\u{2067}\u{200E}\u{061C}"
    /// A name whose newline would start a forged diagnostic line.
    static let forgedLine = "\nforged.xml:1:1: error: this line is forged"
}

/// End-to-end runs of the built executable with hostile names and content: nothing a terminal
/// acts on may come out, on standard output or standard error, and no line can be forged.
@Suite(.enabled(if: RDPCauseCommand.path != nil, "the rdpcause executable is not built next to the tests"))
struct OutputSafetyTests {
    let rules = RDPCauseCommand.repository + "/Rules"

    /// A copy of SampleLogs/client-side under a hostile case name, with hostile folder names, a
    /// client `Computer` holding C1 and bidi controls, and an unreadable file whose name holds
    /// escapes and a newline.
    func hostileCase(in work: String) throws -> String {
        let folder = work + "/RT-9" + Hostile.link + "case"
        try FileManager.default.copyItem(atPath: RDPCauseCommand.repository + "/SampleLogs/client-side", toPath: folder)
        try FileManager.default.moveItem(atPath: folder + "/WKS-099", toPath: folder + "/WKS" + Hostile.c1AndBidi + "-099")
        try FileManager.default.moveItem(atPath: folder + "/RDSH-07", toPath: folder + "/RDSH" + Hostile.link + "-07")
        let client = folder + "/WKS" + Hostile.c1AndBidi + "-099/Microsoft-Windows-TerminalServices-RDPClient-Operational.xml"
        let xml = try String(contentsOfFile: client, encoding: .utf8)
        try xml.replacingOccurrences(of: "<Computer>WKS-099</Computer>", with: "<Computer>WKS-099\(Hostile.c1AndBidi)</Computer>")
            .write(toFile: client, atomically: true, encoding: .utf8)
        try Data("<Event><System><EventID>1</Event>".utf8).write(
            to: URL(fileURLWithPath: folder + "/bad\u{1B}[31m.xml" + Hostile.forgedLine))
        return folder
    }

    func expectSafe(_ run: RDPCauseCommand.Run, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!run.timedOut, "\(what) timed out", sourceLocation: sourceLocation)
        let output = TerminalBytes.unsafeCharacters(in: run.output)
        let errors = TerminalBytes.unsafeCharacters(in: run.errors)
        #expect(output.isEmpty, "\(what): standard output holds \(output.prefix(5))", sourceLocation: sourceLocation)
        #expect(errors.isEmpty, "\(what): standard error holds \(errors.prefix(5))", sourceLocation: sourceLocation)
        for stream in [run.outputText, run.errorText] {
            let forged = stream.split(separator: "\n").filter { $0.hasPrefix("forged") }
            #expect(forged.isEmpty, "\(what): a file name forged the line \(forged)", sourceLocation: sourceLocation)
        }
    }

    @Test func analyzeTextReportAndDiagnosticsShowHostileNamesEscaped() throws {
        let work = try temporaryFolder("hostile-analyze")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let folder = try hostileCase(in: work)
        let run = try RDPCauseCommand.run(["analyze", "--format", "text", "--rules", rules, folder])
        expectSafe(run, "analyze --format text")
        // The hostile names did reach the report (escaped), so the check above is not vacuous.
        #expect(run.outputText.contains("Failure 1: WKS-099"), "\(run.outputText.prefix(400))")
        #expect(run.outputText.contains("RT-9"))
        #expect(run.errorText.contains("bad"), "the unreadable file is reported: \(run.errorText)")
        #expect(run.status == 2)
    }

    @Test func analyzeSummaryLinesAndLogsShowHostileNamesEscaped() throws {
        let work = try temporaryFolder("hostile-summary")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let folder = try hostileCase(in: work)
        let run = try RDPCauseCommand.run(["analyze", "--verbose", "--output", work + "/out", "--rules", rules, folder])
        expectSafe(run, "analyze --output --verbose")
        #expect(run.outputText.contains("RT-9"), "\(run.outputText)")
        #expect(run.errorText.contains("case analysed"), "the log line is there: \(run.errorText)")
    }

    @Test func analyzeOutputFindingsAreOwnerAndGroupOnly() throws {
        let work = try temporaryFolder("modes")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let run = try RDPCauseCommand.run(
            ["analyze", "--output", work + "/out", "--rules", rules, RDPCauseCommand.repository + "/SampleLogs/client-side"],
            umask: 0o022)
        #expect(run.status == 0, "\(run.errorText)")
        for name in ["findings.md", "findings.json", "findings.html"] {
            var info = stat()
            #expect(lstat(work + "/out/client-side/" + name, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o640, "\(name): mode \(String(info.st_mode & 0o777, radix: 8))")
        }
    }

    /// A rule whose title holds an OSC-8 link (YAML `\e` and `\a` escapes), events whose
    /// `Computer` holds C1 and bidi controls, in a file whose name holds escapes and a newline.
    func hostileHunt(in work: String) throws -> (rules: String, events: String) {
        let rule = """
            title: "RDP client \\e]8;;http:evil.example\\aclick\\e]8;;\\a disconnect \\u202E"
            id: 6b1f6a43-0f55-4b0c-9c55-0d7d7a9f1c01
            status: test
            level: medium
            logsource:
                product: windows
                service: terminalservices-rdpclient
            detection:
                selection:
                    EventID: 1026
                condition: selection
            """
        try FileManager.default.createDirectory(atPath: work + "/rules", withIntermediateDirectories: true)
        try rule.write(toFile: work + "/rules/hostile.yml", atomically: true, encoding: .utf8)
        let event = """
            <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-TerminalServices-ClientActiveXCore"/><EventID>1026</EventID><Level>4</Level><TimeCreated SystemTime="2026-06-12T19:41:53.1234567Z"/><EventRecordID>812</EventRecordID><Channel>Microsoft-Windows-TerminalServices-RDPClient/Operational</Channel><Computer>LAPTOP\(Hostile.c1AndBidi)\(Hostile.link)</Computer></System><EventData><Data Name="Name">Disconnect Reason</Data><Data Name="Value">0x904</Data></EventData></Event>

            """
        let events = work + "/events"
        try FileManager.default.createDirectory(atPath: events, withIntermediateDirectories: true)
        try event.write(toFile: events + "/client\u{1B}[2J\u{7}.xml" + Hostile.forgedLine, atomically: true, encoding: .utf8)
        try Data("<Event><System><EventID>1</Event>".utf8).write(
            to: URL(fileURLWithPath: events + "/broken\u{9B}.xml" + Hostile.forgedLine))
        return (work + "/rules", events)
    }

    @Test func huntTableAndRuleListingShowHostileContentEscaped() throws {
        let work = try temporaryFolder("hostile-hunt")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let (rules, events) = try hostileHunt(in: work)
        let hunt = try RDPCauseCommand.run(["hunt", "--rules", rules, events], directory: work)
        expectSafe(hunt, "hunt")
        #expect(hunt.outputText.contains("RDP client"), "the match is in the table: \(hunt.outputText)")
        #expect(hunt.outputText.contains("LAPTOP"))
        let list = try RDPCauseCommand.run(["rules", "list", rules], directory: work)
        expectSafe(list, "rules list")
        #expect(list.outputText.contains("RDP client"))
    }

    @Test func eventsDiagnosticsCannotBeForgedByFileNames() throws {
        let work = try temporaryFolder("hostile-events")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let (_, events) = try hostileHunt(in: work)
        let run = try RDPCauseCommand.run(["events", events], directory: work)
        expectSafe(run, "events")
        #expect(run.status == 2)
        // Every diagnostic line names the file it is about, starting with the folder given.
        let lines = run.errorText.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines { #expect(line.hasPrefix(events), "\(line)") }
    }
}
