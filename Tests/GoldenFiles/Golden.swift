public import Foundation
public import Testing

/// Golden-file comparison shared by the test targets.
public enum Golden {
    /// Compares `actual` with the golden file `name` in `directory`, or rewrites it when
    /// `RDPCAUSE_RECORD_GOLDEN=1`.
    ///
    /// On a mismatch the actual output is written below the temporary directory and the failure
    /// names both files (for `diff -u`), shows the first differing line with context, and says how
    /// to accept the new output (`swift test --filter <suite>`).
    public static func expect(
        _ actual: String, named name: String, in directory: URL, suite: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let golden = directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RDPCAUSE_RECORD_GOLDEN"] == "1" {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: golden)
            } catch {
                Issue.record("could not record \(golden.path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let data = FileManager.default.contents(atPath: golden.path), let expected = String(data: data, encoding: .utf8) else {
            Issue.record(
                "golden file \(golden.path) is missing; record it with RDPCAUSE_RECORD_GOLDEN=1 swift test --filter \(suite)",
                sourceLocation: sourceLocation)
            return
        }
        if actual != expected {
            let actualFile = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-golden-actual")
                .appendingPathComponent(name)
            try? FileManager.default.createDirectory(at: actualFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data(actual.utf8).write(to: actualFile)
            Issue.record(
                """
                \(name) differs from its golden file.
                \(firstDifference(expected: expected, actual: actual))
                Compare: diff -u \(golden.path) \(actualFile.path)
                Accept the new output: RDPCAUSE_RECORD_GOLDEN=1 swift test --filter \(suite)
                """, sourceLocation: sourceLocation)
        }
    }

    /// The first differing line, with two lines of context, in a diff-like form.
    public static func firstDifference(expected: String, actual: String) -> String {
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var line = 0
        while line < min(expectedLines.count, actualLines.count) && expectedLines[line] == actualLines[line] { line += 1 }
        var out = ["first difference at line \(line + 1):"]
        for context in max(0, line - 2)..<line { out.append("  \(expectedLines[context])") }
        if line < expectedLines.count { out.append("- \(expectedLines[line])") } else { out.append("- (end of golden file)") }
        if line < actualLines.count { out.append("+ \(actualLines[line])") } else { out.append("+ (end of output)") }
        return out.joined(separator: "\n")
    }
}
