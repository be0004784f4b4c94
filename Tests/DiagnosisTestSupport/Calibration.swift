public import Diagnosis
import Foundation

/// How well the confidence of `likely` verdicts matches how often they are right: each likely
/// top cause of a failure the answer key describes, binned by confidence (a reliability diagram).
public struct Calibration: Sendable {
    /// One likely verdict: its confidence and whether the answer key agrees.
    public struct Verdict: Sendable {
        /// The case and failure (`case` or `case@host`).
        public var name: String
        /// The top cause's confidence.
        public var confidence: Double
        /// Whether the key names that cause (or one it shares its evidence with) on that failure.
        public var right: Bool
    }

    /// Every likely verdict measured.
    public private(set) var verdicts: [Verdict] = []

    /// No verdicts yet.
    public init() {}

    /// Adds the likely verdicts of one analysed case.
    public mutating func add(_ diagnosis: Diagnosis, expected: ExpectedAnswer, name: String) {
        if let failures = expected.failures {
            // A case with several failures: each failure the key names, matched by its host.
            for want in failures {
                if let got = diagnosis.failures.first(where: { AnswerCheck.sameMachine($0.host, want.host) }) {
                    add(got, expectedCause: want.topCause, name: "\(name)@\(want.host ?? "?")")
                }
            }
        } else if let primary = diagnosis.failures.first {
            add(primary, expectedCause: expected.topCause, name: name)
        }
    }

    /// Records `failure`'s top cause when it is likely (other verdicts make no claim to calibrate).
    private mutating func add(_ failure: FailureDiagnosis, expectedCause: String?, name: String) {
        if let top = failure.causes.first, top.status == .likely {
            let right = expectedCause.map { $0 == top.id || top.sharedWith.contains($0) } ?? false
            verdicts.append(Verdict(name: name, confidence: top.confidence, right: right))
        }
    }

    /// The mean confidence of the likely verdicts (0 when there are none).
    public var meanConfidence: Double { Self.mean(verdicts.map(\.confidence)) }

    /// The fraction of likely verdicts that are right (0 when there are none).
    public var fractionRight: Double { Self.mean(verdicts.map { $0.right ? 1 : 0 }) }

    /// The reliability table as text: per confidence bin, the verdicts, their mean confidence and
    /// the fraction right, then all of them.
    public var table: String {
        let bins: [(label: String, range: Range<Double>)] = [
            ("0.60–0.69", 0.6..<0.7), ("0.70–0.79", 0.7..<0.8), ("0.80–0.89", 0.8..<0.9), ("0.90–1.00", 0.9..<1.01),
        ]
        var lines = ["confidence   likely  mean conf.  right  fraction right"]
        func row(_ label: String, _ members: [Verdict]) -> String {
            let right = members.filter(\.right).count
            let fraction = members.isEmpty ? "—" : Self.format(Self.mean(members.map { $0.right ? 1 : 0 }))
            let confidence = members.isEmpty ? "—" : Self.format(Self.mean(members.map(\.confidence)))
            return label.padding(toLength: 13, withPad: " ", startingAt: 0)
                + String(members.count).leftPadded(6) + confidence.leftPadded(12) + String(right).leftPadded(7) + fraction.leftPadded(16)
        }
        for bin in bins { lines.append(row(bin.label, verdicts.filter { bin.range.contains($0.confidence) })) }
        lines.append(row("all", verdicts))
        return lines.joined(separator: "\n")
    }

    private static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    private static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
