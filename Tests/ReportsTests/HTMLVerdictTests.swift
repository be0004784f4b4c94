import Diagnosis
import Foundation
import Reports
import Testing

/// The HTML report a support engineer shares (issue 15, section 5): the fix right under the
/// verdict, the ticket id beside it, timeline marks labelled with what they mean, and the margin
/// to the runner-up.
@Suite("HTML report: verdict, fix and labels")
struct HTMLVerdictTests {
    @Test func theFixAndTheTicketIdAreDirectlyUnderTheVerdict() throws {
        let diagnosis = try #require(sampleDiagnoses["private-key-inaccessible"])
        let html = HTMLReport.render(diagnosis, caseName: "private-key-inaccessible")
        let verdict = try #require(html.range(of: "class=\"verdict verdict-cause-found\""))
        let header = try #require(html.range(of: "</header>"))
        let fix = try #require(html.range(of: "<section class=\"fix-first\">"))
        let firstFailure = try #require(html.range(of: "<section class=\"failure\">"))
        #expect(verdict.upperBound < fix.lowerBound && fix.upperBound < header.lowerBound && header.upperBound < firstFailure.lowerBound)
        let steps = String(html[fix.upperBound..<header.lowerBound])
        #expect(steps.contains("MachineKeys"))
        let ticket = try #require(html.range(of: "<p class=\"ticket\">Ticket <b>2026-0407-113</b></p>"))
        #expect(ticket.upperBound <= verdict.lowerBound)
        #expect(diagnosis.ticketIDs == ["2026-0407-113"])
        #expect(DiagnosisJSON.document(diagnosis).contains(#""ticketIds":["2026-0407-113"]"#))
    }

    @Test func anInconclusiveCaseHasNoFixUnderTheVerdict() throws {
        let diagnosis = try #require(sampleDiagnoses["inconclusive"])
        #expect(!HTMLReport.render(diagnosis, caseName: "inconclusive").contains("<section class=\"fix-first\">"))
    }

    @Test func timelineMarksSayWhatTheRecordMeans() throws {
        let diagnosis = try #require(sampleDiagnoses["private-key-inaccessible"])
        let html = HTMLReport.render(diagnosis, caseName: "private-key-inaccessible")
        let labels = html.components(separatedBy: "class=\"mark-label\"").dropFirst().compactMap { chunk in
            chunk.split(separator: ">", maxSplits: 1).last?.split(separator: "<").first.map(String.init)
        }
        #expect(!labels.isEmpty)
        #expect(labels.contains { $0.contains("1057 cert create failed") }, "\(labels)")
        #expect(labels.contains { $0.contains("1026 client disconnect") }, "\(labels)")
        // No label is a bare event id.
        for label in labels {
            for part in label.components(separatedBy: " · ") {
                let bare = part.allSatisfy { $0.isNumber }
                #expect(!bare, "bare event id in \(label)")
            }
        }
    }

    @Test func theMarginToTheRunnerUpIsInEveryForm() throws {
        let diagnosis = try #require(sampleDiagnoses["private-key-inaccessible"])
        let failure = try #require(diagnosis.failures.first)
        let runnerUp = try #require(failure.runnerUp)
        let margin = "above \(runnerUp.id)"
        #expect(HTMLReport.render(diagnosis, caseName: "c").contains("<dt>Margin</dt>"))
        #expect(TextReport.render(diagnosis, caseName: "c").contains(margin))
        #expect(MarkdownReport.render(diagnosis, caseName: "c").contains(margin))
    }
}
