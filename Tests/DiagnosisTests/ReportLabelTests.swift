import Diagnosis
import EventImport
import Foundation
import Testing

/// Localized labels of an error report are read only where the authentic Windows string is known
/// (its source is noted beside it in `ReportLabels`); every other language is recognised by its
/// codes and timestamp, with no label translated.
@Suite("Localized report labels")
struct ReportLabelTests {
    @Test func theChineseMstscDialogIsReadByItsSourcedLabels() throws {
        // The zh-CN dialog as copied with Ctrl+C: full-width colons after each label.
        let text = """
            [Window Title]
            远程桌面连接

            [Expanded Information]
            错误代码： 0x904
            扩展错误代码： 0x7
            时间戳 (UTC)： 06/12/26 07:41:53 PM
            """
        let report = try #require(ClientReport.parse(TextDocument(source: "错误.txt", text: text)).first)
        #expect(report.code == 0x904)
        #expect(report.extendedCode == 7)
        #expect(report.timeIsUTC)
        #expect(report.time?.iso8601(fractionDigits: 0) == "2026-06-12T19:41:53Z")
        #expect(report.line == 5)
    }

    /// German and French dialogs: rdpcause holds no sourced string for their labels, so they are
    /// read as any language is, by the codes and the timestamp's shape.
    @Test(arguments: [
        "Fehlercode: 0x904\nErweiterter Fehlercode: 0x7\nZeitstempel (UTC): 2026-06-12T19:41:53.000Z\n",
        "Code d'erreur : 0x904\nCode d'erreur étendu : 0x7\nHorodatage (UTC) : 2026-06-12T19:41:53.000Z\n",
    ])
    func reportsInLanguagesWithoutSourcedLabelsAreReadByTheirCodesAndTimestamp(text: String) throws {
        #expect(ClientReport.parse(TextDocument(source: "error.txt", text: text)).isEmpty, "no unsourced label is read by name")
        let diagnosis = diagnose(
            events: events(ReportReadingTests.clientLog, source: "WKS-042/RDPClient.xml") + ReportReadingTests.hostOnly(),
            documents: [TextDocument(source: "error.txt", text: text)])
        #expect(diagnosis.failures.count == 1)
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.code == 0x904)
        #expect(failure.extendedCode == 7)
        #expect(failure.context.contains { $0.contains("read by its codes and timestamp") }, "\(failure.context)")
        #expect(failure.time.iso8601(fractionDigits: 0) == "2026-06-12T19:41:53Z")
    }

    @Test func fullWidthColonsDoNotHideAReportInAnUnknownLanguage() throws {
        // The labels stand for any language written with full-width colons; they are not claimed
        // to be any Windows translation. The codes and the UTC time stamp are what is read.
        let text = "Etiqueta uno： 0x904\nEtiqueta dos： 0x7\nEtiqueta tres (UTC)： 2026-06-12T19:41:53.000Z\n"
        let diagnosis = diagnose(
            events: events(ReportReadingTests.clientLog, source: "WKS-042/RDPClient.xml") + ReportReadingTests.hostOnly(),
            documents: [TextDocument(source: "error.txt", text: text)])
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.code == 0x904)
        #expect(failure.extendedCode == 7)
        #expect(failure.time.iso8601(fractionDigits: 0) == "2026-06-12T19:41:53Z")
    }
}
