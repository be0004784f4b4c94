public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `rdpcause` executable the way a user or a supervisor does, for end-to-end tests.
public enum RDPCauseCommand {
    /// A failure to start the executable.
    public struct LaunchError: Error, CustomStringConvertible {
        /// Why it could not be started.
        public var description: String
    }

    /// What one finished run produced.
    public struct Run: Sendable {
        /// The exit status (or the signal number when `signalled`).
        public var status: Int32
        /// Whether the process ended by a signal (for example the timeout's SIGKILL).
        public var signalled: Bool
        /// Whether the run was killed because it exceeded its time limit.
        public var timedOut: Bool
        /// Standard output, as bytes.
        public var output: Data
        /// Standard error, as bytes.
        public var errors: Data

        /// Standard output decoded as UTF-8.
        public var outputText: String { String(decoding: output, as: UTF8.self) }
        /// Standard error decoded as UTF-8.
        public var errorText: String { String(decoding: errors, as: UTF8.self) }
    }

    /// The repository root (three levels above this file).
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The built executable next to the test bundle, or `nil` (with the reason printed once).
    public static let path: String? = {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [folder, folder.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("rdpcause").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        print("rdpcause executable not found near \(folder.path): build it first (swift build --build-tests)")
        return nil
    }()

    /// The environment every run gets: a fixed `PATH` and nothing from the developer's shell
    /// (no stray `RDPCAUSE_*` ticket settings), plus `extra`.
    public static func environment(_ extra: [String: String]) -> [String: String] {
        extra.merging(["PATH": "/usr/bin:/bin"]) { mine, _ in mine }
    }

    /// Serializes umask changes: the umask is process-wide and inherited at spawn.
    private static let umaskLock = NSLock()

    /// Starts the executable with `arguments`; output goes to the given files (default /dev/null),
    /// standard input comes from `input` (default /dev/null). With `umask`, the child starts with
    /// that file-creation mask.
    public static func launch(
        _ arguments: [String], environment extra: [String: String] = [:], directory: String? = nil,
        umask mask: mode_t? = nil, input: FileHandle? = nil, output: FileHandle? = nil, errors: FileHandle? = nil
    ) throws -> Process {
        guard let path else { throw LaunchError(description: "the rdpcause executable is not built") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment(extra)
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = output ?? FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = errors ?? FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = input ?? FileHandle(forReadingAtPath: "/dev/null")
        if let mask {
            umaskLock.lock()
            defer { umaskLock.unlock() }
            let previous = Glibc.umask(mask)
            defer { Glibc.umask(previous) }
            try process.run()
        } else {
            try process.run()
        }
        return process
    }

    /// Runs the executable to completion (killing it after `timeout` seconds) and returns its
    /// status and output. Output is collected in files, so a chatty child can never block on a pipe.
    /// Standard input comes from `input` (default /dev/null).
    public static func run(
        _ arguments: [String], environment extra: [String: String] = [:], directory: String? = nil,
        umask mask: mode_t? = nil, input: FileHandle? = nil, timeout: Double = 300
    ) throws -> Run {
        let scratch = try temporaryFolder("run")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        guard FileManager.default.createFile(atPath: scratch + "/out", contents: nil),
            FileManager.default.createFile(atPath: scratch + "/err", contents: nil),
            let output = FileHandle(forWritingAtPath: scratch + "/out"),
            let errors = FileHandle(forWritingAtPath: scratch + "/err")
        else { throw LaunchError(description: "cannot create output files in \(scratch)") }
        let process = try launch(
            arguments, environment: extra, directory: directory, umask: mask, input: input, output: output, errors: errors)
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        try output.close()
        try errors.close()
        return Run(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            timedOut: timedOut, output: try Data(contentsOf: URL(fileURLWithPath: scratch + "/out")),
            errors: try Data(contentsOf: URL(fileURLWithPath: scratch + "/err")))
    }
}

/// A new empty folder under the system's temporary folder, named after `label`.
public func temporaryFolder(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
        "rdpcause-\(label)-\(UUID().uuidString.prefix(8))"
    ).path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
