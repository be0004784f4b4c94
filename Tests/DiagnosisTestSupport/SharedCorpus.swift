public import Foundation

/// What the scenario and metamorphic tests need beyond the repository: the real-event corpus
/// (`../shared/corpus/real` beside the repository, or `$RDPCAUSE_SHARED/corpus/real`), `python3`
/// and `zstd`, which the case generator runs.
public enum SharedCorpus {
    /// The repository root (found from this file's path).
    public static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The real-event corpus folder, or nil when it is absent.
    public static let realCorpus: URL? = {
        let shared =
            ProcessInfo.processInfo.environment["RDPCAUSE_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? repository.deletingLastPathComponent().appendingPathComponent("shared")
        let real = shared.appendingPathComponent("corpus/real")
        return FileManager.default.fileExists(atPath: real.appendingPathComponent("SOURCES.md").path) ? real : nil
    }()

    /// Why the generated-case tests cannot run here, or nil when they can. Said once on standard error.
    public static let unavailableReason: String? = {
        var reason: String?
        if realCorpus == nil {
            reason = "../shared/corpus/real is absent beside the repository (or $RDPCAUSE_SHARED/corpus/real)"
        } else if let missing = ["python3", "zstd"].first(where: { executablePath($0) == nil }) {
            reason = "\(missing) is not on PATH"
        }
        if let reason {
            FileHandle.standardError.write(Data("note: \(reason); the generated scenario and metamorphic tests are skipped\n".utf8))
        }
        return reason
    }()

    /// Whether the generated-case tests can run.
    public static var isAvailable: Bool { unavailableReason == nil }

    /// The full path of an executable found on `PATH`.
    static func executablePath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
