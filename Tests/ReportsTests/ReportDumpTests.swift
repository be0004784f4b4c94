import Foundation
import Reports
import Testing

/// With `RDPCAUSE_REPORT_DUMP=<dir>`, writes both reports of every SampleLogs case and of the
/// hostile diagnosis to that folder, to look at them in a browser (does nothing otherwise).
@Suite("Report dump (RDPCAUSE_REPORT_DUMP)")
struct ReportDumpTests {
    @Test func writesEveryReportWhenAsked() throws {
        guard let path = ProcessInfo.processInfo.environment["RDPCAUSE_REPORT_DUMP"], !path.isEmpty else { return }
        let folder = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var reports: [(String, String)] = []
        for name in allCases {
            let diagnosis = try #require(sampleDiagnoses[name])
            reports.append(("\(name).md", MarkdownReport.render(diagnosis, caseName: "SampleLogs/\(name)")))
            reports.append(("\(name).html", HTMLReport.render(diagnosis, caseName: "SampleLogs/\(name)")))
        }
        let hostile = try HostileContentTests.hostile(prefix: "- ")
        reports.append(("hostile.md", MarkdownReport.render(hostile, caseName: HostileContentTests.caseName)))
        reports.append(("hostile.html", HTMLReport.render(hostile, caseName: HostileContentTests.caseName)))
        for (file, text) in reports {
            try Data(text.utf8).write(to: folder.appendingPathComponent(file))
        }
    }
}
