import Dispatch
import Foundation
import Synchronization
import Testing

/// The built `rdpcause` binary, found in the build products folder that holds the test bundle,
/// and a way to run it.
enum RDPCauseBinary {
    static let path: String? = {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [folder, folder.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("rdpcause").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        print("rdpcause executable not found near \(folder.path): the command-line tests are skipped")
        return nil
    }()

    /// What a run printed and how it ended.
    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs `executable` (default: the built binary) with `arguments` in `folder`; `environment`
    /// entries are set on top of the test's environment (nil values are removed).
    static func run(
        _ arguments: [String], in folder: URL, environment: [String: String?] = [:], executable: String? = nil
    ) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(executable ?? path))
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var variables = ProcessInfo.processInfo.environment
        variables["RDPCAUSE_RULES"] = nil
        for (key, value) in environment { variables[key] = value }
        process.environment = variables
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes while the process runs, so neither fills up and blocks it.
        let errorData = Mutex(Data())
        let reading = DispatchGroup()
        DispatchQueue.global().async(group: reading) {
            let data = errors.fileHandleForReading.readDataToEndOfFile()
            errorData.withLock { $0 = data }
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        reading.wait()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            errors: String(decoding: errorData.withLock { $0 }, as: UTF8.self))
    }
}
