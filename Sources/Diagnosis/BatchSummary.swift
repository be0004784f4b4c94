import EventImport

/// The closing line of a batch: how many cases got which verdict, how many files could not be
/// read and how many findings folders could not be written.
///
/// `40 cases: 27 cause found, 3 inconclusive, 1 input error, 9 no failure; 2 unreadable files`
public struct BatchSummary: Sendable, Hashable {
    /// Cases per verdict.
    public private(set) var verdicts: [Diagnosis.Verdict: Int] = [:]
    /// Cases counted.
    public private(set) var cases = 0
    /// Distinct files (archive members) with an import error.
    public private(set) var unreadableFiles = 0
    /// Cases whose findings could not be written.
    public private(set) var unwritten = 0

    /// An empty summary.
    public init() {}

    /// Counts one case: its result, and whether its findings were written.
    public mutating func add(_ result: CaseResult, written: Bool = true) {
        cases += 1
        verdicts[result.diagnosis.verdict, default: 0] += 1
        unreadableFiles += Set(result.importDiagnostics.filter { $0.severity == .error }.map(\.source)).count
        if !written { unwritten += 1 }
    }

    /// The line, verdicts in a fixed order and only those that occur.
    public var line: String {
        let order: [(Diagnosis.Verdict, String)] = [
            (.causeFound, "cause found"), (.inconclusive, "inconclusive"), (.inputError, "input error"), (.noFailureFound, "no failure"),
        ]
        let counts = order.compactMap { verdict, words in verdicts[verdict].map { "\($0) \(words)" } }
        var text = "\(cases) case\(cases == 1 ? "" : "s"): " + (counts.isEmpty ? "none analysed" : counts.joined(separator: ", "))
        var problems: [String] = []
        if unreadableFiles > 0 { problems.append("\(unreadableFiles) unreadable file\(unreadableFiles == 1 ? "" : "s")") }
        if unwritten > 0 { problems.append("\(unwritten) findings folder\(unwritten == 1 ? "" : "s") not written") }
        if !problems.isEmpty { text += "; " + problems.joined(separator: ", ") }
        return text
    }
}
