import Foundation
import Testing

/// The bytes of every file in a folder, by relative path (for comparing two generations).
struct FolderBytes: Equatable {
    var files: [String: Data] = [:]

    init(_ folder: String) throws {
        let manager = FileManager.default
        // A folder that cannot be listed must fail the comparison, never compare as empty.
        guard let enumerator = manager.enumerator(atPath: folder) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: folder])
        }
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = (folder as NSString).appendingPathComponent(relative)
            if manager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
    }
}

/// Counts outcomes against the known-gaps list.
struct Tally {
    var passed = 0
    var knownGaps = 0
    var unexpected = 0
    var fixed = 0
    var notApplicable = 0

    /// Counts one checked item and returns its status for the report table.
    mutating func count(problems: [String], knownGap: String?) -> String {
        switch (problems.isEmpty, knownGap != nil) {
        case (true, false):
            passed += 1
            return "pass"
        case (true, true):
            passed += 1
            fixed += 1
            return "fixed? (remove from KnownDiagnosisGaps)"
        case (false, true):
            knownGaps += 1
            return "known gap"
        case (false, false):
            unexpected += 1
            return "FAIL: " + problems.joined(separator: "; ")
        }
    }

    /// One line: how many pass, how many are known gaps, how many fail unexpectedly.
    func summary(of total: Int) -> String {
        "\(passed) of \(total) pass; \(knownGaps) known gaps, \(unexpected) unexpected failures, \(fixed) known gaps now passing"
            + (notApplicable > 0 ? ", \(notApplicable) not applicable" : "")
    }
}

/// Records each problem as an issue; under a known gap, as known issues (and when a known gap
/// records nothing, Swift Testing reports that its known issue was not recorded: the gap is fixed).
func recordProblems(_ problems: [String], subject: String, knownGap: String?, sourceLocation: SourceLocation = #_sourceLocation) {
    if let knownGap {
        withKnownIssue("\(subject): \(knownGap) (KnownDiagnosisGaps; remove the entry once this passes)", sourceLocation: sourceLocation) {
            for problem in problems { Issue.record("\(subject): \(problem)", sourceLocation: sourceLocation) }
        }
    } else {
        for problem in problems { Issue.record("\(subject): \(problem)", sourceLocation: sourceLocation) }
    }
}
