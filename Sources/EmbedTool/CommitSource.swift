import Foundation

/// The generated source that records the git commit of the checkout being built.
enum CommitSource {
    /// Swift source defining `BuildIdentity.generatedCommit` (nil when `checkout` is not a git
    /// checkout or git is not installed).
    static func generate(checkout: String) -> String {
        let commit = headCommit(of: checkout)
        return """
            // Generated at build time by EmbedTool from the checkout's HEAD. Not committed; do not edit.

            extension BuildIdentity {
                static let generatedCommit: String? = \(commit.map { "\"\($0)\"" } ?? "nil")
            }

            """
    }

    /// `git rev-parse HEAD` in `checkout`, when it answers with a commit id.
    static func headCommit(of checkout: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", checkout, "rev-parse", "--verify", "HEAD"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // Only a commit id reaches the generated source.
        guard text.count == 40 || text.count == 64, text.allSatisfy({ $0.isHexDigit && ($0.isNumber || $0.isLowercase) }) else {
            return nil
        }
        return text
    }
}
