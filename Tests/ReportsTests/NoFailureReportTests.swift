import Diagnosis
import EventImport
import Foundation
import Reports
import Testing

/// A no-failure-found verdict rests on the client's own records and on which log covers which
/// period: the text, Markdown and HTML reports show both, as the JSON does, and escape them.
@Suite("No failure found in the reports")
struct NoFailureReportTests {
    static func healthy() throws -> Diagnosis {
        let diagnosis = try #require(sampleDiagnoses["healthy"])
        try #require(diagnosis.verdict == .noFailureFound)
        try #require(!diagnosis.noFailureEvidence.isEmpty)
        return diagnosis
    }

    /// The report of `format` for the case (the strings checked hold nothing any format escapes).
    static func render(_ diagnosis: Diagnosis, as format: String) -> String {
        switch format {
        case "markdown": MarkdownReport.render(diagnosis, caseName: "SampleLogs/healthy")
        case "html": HTMLReport.render(diagnosis, caseName: "SampleLogs/healthy")
        default: TextReport.render(diagnosis, caseName: "SampleLogs/healthy")
        }
    }

    /// The words of the heading over the client's records, as every format shows them.
    static let heading = "records: how its connections in the period ended, each without an error"

    @Test(arguments: ["text", "markdown", "html"])
    func eachReportCitesTheClientsRecordsAndTheLogsCoveredPeriods(name: String) throws {
        let diagnosis = try Self.healthy()
        let report = Self.render(diagnosis, as: name)
        #expect(report.contains(Self.heading), "\(name)")
        for item in diagnosis.noFailureEvidence {
            let reason = try #require(item.meaning.components(separatedBy: ": ").last)
            #expect(report.contains(reason), "\(name): \(reason)")
            let file = try #require(item.origin.source.split(separator: "/").last)
            #expect(report.contains("\(file):\(item.origin.line)"), "\(name): \(file)")
            let record = try #require(item.recordID)
            #expect(report.contains("record \(record)"), "\(name): record \(record)")
        }
        // Which log covers which period: the client's log, and each host log by machine and channel.
        #expect(report.contains("Remote Desktop client log covers 2026-08-20T07:05:12Z to 2026-08-20T12:00:23Z"), "\(name)")
        for channel in ["System", "Security", "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational"] {
            #expect(report.contains("RDSH-05: \(channel) covers"), "\(name): \(channel)")
        }
    }

    @Test(arguments: HostileContentTests.prefixes)
    func theClientsRecordsAreEscapedLikeEveryOtherText(prefix: String) throws {
        let payload = HostileContentTests.payload
        let diagnosis = mapStrings(try Self.healthy()) { $0.isEmpty ? $0 : "\(prefix)\(payload) \($0) \(payload)" }
        let html = HTMLReport.render(diagnosis, caseName: "healthy")
        for needle in ["<script", "<img", "<b>bold", "\u{1B}", "\u{202E}"] {
            #expect(!html.lowercased().contains(needle), "raw \(needle.debugDescription) in the HTML")
        }
        #expect(scanHTML(html).problems.isEmpty)
        #expect(html.contains(Self.heading))
        let markdown = MarkdownReport.render(diagnosis, caseName: "healthy")
        #expect(markdownInjectionProblems(markdown).isEmpty, "\(markdownInjectionProblems(markdown))")
        #expect(markdown.contains(Self.heading))
        let text = TextReport.render(diagnosis, caseName: "healthy")
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0 || $0.value == 0x202E })
        #expect(text.components(separatedBy: "    record: ").count - 1 == diagnosis.noFailureEvidence.count)
    }
}
