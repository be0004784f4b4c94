public import Diagnosis
import Foundation

/// Compares a diagnosis with a case's answer key and says, in one line each, what differs.
///
/// For a case with one failure: the verdict, the top cause (which must be `likely`; with no
/// expected cause, no cause may be likely), the host (same machine: first DNS label, case-
/// insensitive) and, when the key pins it, the number of failures. For a case with several
/// failures, each expected failure must be diagnosed on its host with its verdict and top cause,
/// and the case's verdict must be one of theirs.
public enum AnswerCheck {
    /// Everything that differs from the key (empty when the diagnosis gives the expected answer).
    public static func mismatches(_ diagnosis: Diagnosis, expected: ExpectedAnswer) -> [String] {
        var problems: [String] = []
        if let count = expected.failureCount, diagnosis.failures.count != count {
            problems.append("\(diagnosis.failures.count) failures found, expected \(count)")
        }
        if let failures = expected.failures {
            let verdicts = Set(failures.map(\.verdict))
            if !verdicts.contains(diagnosis.verdict.rawValue) {
                problems.append("case verdict \(diagnosis.verdict.rawValue), expected one of \(verdicts.sorted())")
            }
            for want in failures {
                guard let got = diagnosis.failures.first(where: { sameMachine($0.host, want.host) }) else {
                    problems.append("no failure on \(want.host ?? "?") (found: \(diagnosis.failures.map { $0.host ?? "nil" }))")
                    continue
                }
                problems += failureMismatches(got, verdict: want.verdict, topCause: want.topCause, host: nil, label: want.host ?? "?")
            }
            return problems
        }
        if diagnosis.verdict.rawValue != expected.verdict {
            problems.append("verdict \(diagnosis.verdict.rawValue), expected \(expected.verdict)")
        }
        guard expected.verdict != "no-failure-found" else { return problems }
        guard let primary = diagnosis.failures.first else {
            // A failure that cannot be located (no report, no client log) is inconclusive with no
            // failure: the findings must then say what to collect.
            if expected.verdict == "inconclusive" && expected.topCause == nil {
                if diagnosis.missingLogs.isEmpty && diagnosis.notes.isEmpty {
                    problems.append("inconclusive without a located failure, but the findings ask for nothing")
                }
                return problems
            }
            problems.append("no failure found")
            return problems
        }
        return problems + failureMismatches(primary, verdict: nil, topCause: expected.topCause, host: expected.host, label: "primary failure")
            + mentionMismatches(primary, expected.mentions ?? [:])
    }

    /// The texts a cause's assessment must say and does not (in its summary or an evidence line).
    static func mentionMismatches(_ failure: FailureDiagnosis, _ mentions: [String: [String]]) -> [String] {
        var problems: [String] = []
        for (id, texts) in mentions.sorted(by: { $0.key < $1.key }) {
            guard let cause = failure.causes.first(where: { $0.id == id }) else {
                problems.append("primary failure: no assessment of \(id), expected it to say \(texts)")
                continue
            }
            let said = [cause.summary] + cause.evidence.map(\.meaning)
            for text in texts where !said.contains(where: { $0.contains(text) }) {
                problems.append("primary failure: \(id) does not say \"\(text)\" (summary: \(cause.summary))")
            }
        }
        return problems
    }

    static func failureMismatches(_ failure: FailureDiagnosis, verdict: String?, topCause: String?, host: String?, label: String) -> [String] {
        var problems: [String] = []
        if let verdict, failure.verdict.rawValue != verdict {
            problems.append("\(label): verdict \(failure.verdict.rawValue), expected \(verdict)")
        }
        let likely = failure.causes.first.flatMap { $0.status == .likely ? $0 : nil }
        if let topCause {
            if likely?.id != topCause {
                problems.append("\(label): top cause \(describe(failure.causes.first)), expected \(topCause) likely")
            }
        } else if let likely {
            problems.append("\(label): \(likely.id) is likely (confidence \(format(likely.confidence))), expected no likely cause")
        }
        if let host, !sameMachine(failure.host, host) {
            problems.append("\(label): host \(failure.host ?? "nil"), expected \(host)")
        }
        return problems
    }

    /// Whether two names denote the same machine: equal addresses, or equal first DNS labels (case-insensitive).
    public static func sameMachine(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        func key(_ name: String) -> String {
            let lower = name.lowercased()
            if lower.split(separator: ".").count == 4, lower.allSatisfy({ $0.isNumber || $0 == "." }) { return lower }
            return String(lower.split(separator: ".").first ?? "")
        }
        return key(a) == key(b)
    }

    /// `id (status, confidence)` of a cause, or `none`.
    public static func describe(_ cause: CauseAssessment?) -> String {
        guard let cause else { return "none" }
        return "\(cause.id) (\(cause.status.rawValue), \(format(cause.confidence)))"
    }

    static func format(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}

/// One line per case for the report table: what was expected, what came out, how sure.
public struct AnswerRow: Sendable {
    /// The case id (and transformation, for a metamorphic variant).
    public var name: String
    /// The expected answer.
    public var expected: String
    /// The answer given.
    public var got: String
    /// The top cause's confidence.
    public var confidence: String
    /// `pass`, `known gap`, `FAIL`, `fixed?` or `n/a`.
    public var status: String

    /// Creates a row.
    public init(name: String, expected: String, got: String, confidence: String, status: String) {
        self.name = name
        self.expected = expected
        self.got = got
        self.confidence = confidence
        self.status = status
    }

    /// `verdict / top cause @ host` of an answer key.
    public static func expected(_ answer: ExpectedAnswer) -> String {
        answer.verdict + (answer.topCause.map { " / \($0)" } ?? "") + (answer.host.map { " @ \($0)" } ?? "")
    }

    /// `verdict / top cause (status) @ host` of a diagnosis, and the top cause's confidence.
    public static func got(_ diagnosis: Diagnosis) -> (String, String) {
        guard let primary = diagnosis.failures.first else { return (diagnosis.verdict.rawValue, "") }
        let top = primary.causes.first
        let text = diagnosis.verdict.rawValue + (top.map { " / \($0.id) (\($0.status.rawValue))" } ?? "")
            + " @ \(primary.host ?? "nil")" + (diagnosis.failures.count > 1 ? " [+\(diagnosis.failures.count - 1)]" : "")
        return (text, top.map { AnswerCheck.format($0.confidence) } ?? "")
    }

    /// A plain-text table of rows, with a header.
    public static func table(_ rows: [AnswerRow]) -> String {
        let header = AnswerRow(name: "case", expected: "expected", got: "got", confidence: "conf", status: "result")
        let all = [header] + rows
        func width(_ column: (AnswerRow) -> String) -> Int { all.map { column($0).count }.max() ?? 0 }
        let widths = [width(\.name), width(\.expected), width(\.got), width(\.confidence)]
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        return all.map { row in
            [pad(row.name, widths[0]), pad(row.expected, widths[1]), pad(row.got, widths[2]), pad(row.confidence, widths[3]), row.status]
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
