import Diagnosis
import Foundation
import Reports
import Testing

/// The SVG timeline, read back from the HTML: labels never overlap, marks stay in the plot,
/// and the host lane is shifted by the clock skew.
@Suite("SVG timeline")
struct TimelineTests {
    /// The plot's horizontal range and the label width estimate used by the layout.
    static let plot = 178.0...940.0
    static let characterWidth = 6.6

    struct Label {
        var x: Double
        var y: Double
        var text: String
        var width: Double { Double(text.count) * TimelineTests.characterWidth }
    }

    /// Every `<text class="…">` element of a class: its x, y and text.
    static func texts(_ html: String, class name: String) -> [Label] {
        html.components(separatedBy: "<text class=\"\(name)\" ").dropFirst().compactMap { chunk in
            guard let close = chunk.range(of: "</text>"), let tagEnd = chunk.range(of: ">") else { return nil }
            let attributes = String(chunk[..<tagEnd.lowerBound])
            func number(_ key: String) -> Double? {
                guard let start = attributes.range(of: "\(key)=\"") else { return nil }
                return Double(attributes[start.upperBound...].prefix { $0 != "\"" })
            }
            guard let x = number("x"), let y = number("y") else { return nil }
            let text = String(chunk[tagEnd.upperBound..<close.lowerBound])
                .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<")
            return Label(x: x, y: y, text: text)
        }
    }

    @Test(arguments: allCases)
    func markLabelsDoNotOverlapAndStayInThePlot(_ name: String) throws {
        let diagnosis = try #require(sampleDiagnoses[name])
        let html = HTMLReport.render(diagnosis, caseName: name)
        let labels = Self.texts(html, class: "mark-label")
        #expect(labels.isEmpty == diagnosis.failures.isEmpty)
        for label in labels {
            #expect(label.x - label.width / 2 >= Self.plot.lowerBound - 1 && label.x + label.width / 2 <= Self.plot.upperBound + 1,
                "\(label.text) at \(label.x)")
        }
        // Each failure has its own timeline: labels overlap only within one.
        for svg in html.components(separatedBy: "<svg").dropFirst() {
            for row in Dictionary(grouping: Self.texts(svg, class: "mark-label"), by: \.y).values {
                let sorted = row.sorted { $0.x < $1.x }
                for (left, right) in zip(sorted, sorted.dropFirst()) {
                    #expect(left.x + left.width / 2 <= right.x - right.width / 2, "\(left.text) overlaps \(right.text) in \(name)")
                }
            }
        }
    }

    @Test func hostLaneIsShiftedByTheClockSkew() throws {
        let diagnosis = try #require(sampleDiagnoses["private-key-inaccessible"])
        let html = HTMLReport.render(diagnosis, caseName: "private-key-inaccessible")
        #expect(Self.texts(html, class: "lane-clock").map(\.text).contains("host clock +47 s"))
        #expect(html.contains("Host records are shifted by -47 s onto the client’s clock (host clock +47 s)."))
        // The host's 36870 (12:26:30 on its clock, 47 s fast) sits next to the failure
        // (12:25:44 on the client's clock), not 46 s before it.
        let failure = try #require(Self.texts(html, class: "failure-label").first)
        #expect(failure.text == "failure 12:25:44Z client · 12:26:31Z host clock")
        let zero = try #require(Self.texts(html, class: "tick-label").first { $0.text == "0" })
        let schannel = try #require(Self.texts(html, class: "mark-label").first { $0.text.contains("36870") })
        let minusTen = try #require(Self.texts(html, class: "tick-label").first { $0.text == "−10 s" })
        #expect(schannel.x > minusTen.x && schannel.x <= zero.x + 1)
    }

    @Test func everyEvidenceRecordHasATooltip() throws {
        let diagnosis = try #require(sampleDiagnoses["client-side"])
        let html = HTMLReport.render(diagnosis, caseName: "client-side")
        let failure = try #require(diagnosis.failures.first)
        let recordIDs = Set((failure.anchors + failure.causes.flatMap(\.evidence)).compactMap(\.recordID))
        let svg = try #require(html.components(separatedBy: "<svg").dropFirst().first)
        for record in recordIDs {
            #expect(svg.contains("record \(record)"), "record \(record) has no tooltip")
        }
    }
}
