import Foundation

/// A script under `scripts/` that ended with a non-zero status (or could not be started).
public struct ScriptFailure: Error, CustomStringConvertible, Sendable {
    /// The script and its arguments.
    public var command: String
    /// The exit status (nil when the script could not be started).
    public var status: Int32?
    /// The end of its standard error.
    public var stderr: String

    /// The command, the status and the end of standard error.
    public var description: String {
        "\(command) " + (status.map { "exited with status \($0)" } ?? "could not be started") + ": \(stderr)"
    }
}

/// Runs one of the repository's Python scripts with `python3` and returns its standard output.
public struct PythonScript: Sendable {
    /// The script's file name under `scripts/`.
    public let name: String

    /// A script under `scripts/`.
    public init(_ name: String) {
        self.name = name
    }

    /// Runs the script (the corpus passed as `--corpus`) and waits for it; throws when it fails.
    public func run(_ arguments: [String]) throws(ScriptFailure) -> String {
        let script = SharedCorpus.repository.appendingPathComponent("scripts").appendingPathComponent(name).path
        var all = [script] + arguments
        if let corpus = SharedCorpus.realCorpus { all += ["--corpus", corpus.path] }
        let command = "python3 " + ([name] + arguments).joined(separator: " ")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-script-\(UUID().uuidString)")
        let outURL = scratch.appendingPathExtension("out")
        let errURL = scratch.appendingPathExtension("err")
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + all
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment["PYTHONIOENCODING"] = "utf-8"
        process.environment = environment
        do {
            guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
                FileManager.default.createFile(atPath: errURL.path, contents: nil)
            else { throw ScriptFailure(command: command, status: nil, stderr: "cannot create \(scratch.path).out/.err") }
            process.standardOutput = try FileHandle(forWritingTo: outURL)
            process.standardError = try FileHandle(forWritingTo: errURL)
            try process.run()
        } catch {
            throw ScriptFailure(command: command, status: nil, stderr: "\(error)")
        }
        process.waitUntilExit()
        let output = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            let errors = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            throw ScriptFailure(command: command, status: process.terminationStatus, stderr: String(errors.suffix(2000)))
        }
        return output
    }
}
