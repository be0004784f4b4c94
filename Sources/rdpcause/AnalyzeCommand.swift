import ArgumentParser
import Foundation
import Diagnosis
import EventImport
import SigmaKit

/// `rdpcause analyze`: diagnose a case (folder or archive) and print the findings.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Explain why a Remote Desktop connection failed (0x904 / 0x7) from a case folder or archive.",
        discussion: """
            A case holds the client's error text (mstsc dialog, Windows App details, or JSON) and the
            exported event logs of client and host, as files, folders or archives. rdpcause finds each
            failed connection, weighs every cause defined in Rules/causes, and prints the verdict, the
            evidence records, what was ruled out, the fix, and which logs to collect when the evidence
            is not enough. The JSON form is documented by Schemas/diagnosis.schema.json.

            Exit status: 0 cause found or no failure found; 1 inconclusive; 2 input or rule errors
            (the diagnosis of what could be read is still printed); 64 usage error.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The case: a folder, an archive (.zip, .tar, .tar.zst) or files.")
    var paths: [String]

    @Option(help: "Output format.")
    var format: Format = .text

    @Option(help: ArgumentHelp("The rule folder (default: ./Rules or the checkout's Rules).", valueName: "dir"))
    var rules: String?

    @Option(help: "The target host, when the case does not say.")
    var host: String?

    @Option(help: "The client machine, when the case does not say.")
    var client: String?

    @Option(help: "The failure time (ISO 8601; local unless it ends in Z or an offset).")
    var time: String?

    @Option(help: ArgumentHelp("The UTC offset of local timestamps in the case, e.g. +02:00 or -5.", valueName: "offset"))
    var utcOffset: String?

    mutating func run() throws {
        let output = BufferedOutput(descriptor: 1)
        let errors = BufferedOutput(descriptor: 2)
        defer {
            output.flush()
            errors.flush()
        }
        guard let directory = RulePack.locate(explicit: rules) else {
            throw ValidationError("no Rules folder found: run from the repository root or pass --rules DIR")
        }
        var offset: Int?
        if let utcOffset {
            guard let parsed = parseOffset(utcOffset) else {
                throw ValidationError("--utc-offset \(utcOffset) is not an offset such as +02:00, -05:00 or 5.5")
            }
            offset = parsed
        }
        let pack = RulePack.load(directory: directory)
        for diagnostic in pack.catalog.diagnostics where diagnostic.severity >= .warning {
            errors.write(diagnostic.description + "\n")
        }
        for diagnostic in pack.causeDiagnostics { errors.write(diagnostic.description + "\n") }
        let index = CaseIndex.build(paths: paths, engine: pack.engine)
        for diagnostic in index.importDiagnostics { errors.write(diagnostic.description + "\n") }
        let options = DiagnosisOptions(host: host, client: client, time: time, utcOffsetSeconds: offset)
        let diagnosis = pack.diagnoser.diagnose(index, options: options)
        switch format {
        case .json: output.write(DiagnosisJSON.document(diagnosis))
        case .text: output.write(TextReport.render(diagnosis, caseName: paths.joined(separator: ", ")))
        }
        let ruleErrors = pack.catalog.errorCount + pack.causeDiagnostics.filter { $0.severity == "error" }.count
        if index.statistics.errors > 0 || ruleErrors > 0 { throw ExitCode(2) }
        if diagnosis.verdict == .inconclusive { throw ExitCode(1) }
    }

    /// `+02:00`, `-5`, `5.5`, `UTC+2` → seconds.
    private func parseOffset(_ text: String) -> Int? {
        var value = text.uppercased().replacingOccurrences(of: "UTC", with: "").replacingOccurrences(of: "GMT", with: "")
        var sign = 1
        if value.hasPrefix("-") {
            sign = -1
            value.removeFirst()
        } else if value.hasPrefix("+") {
            value.removeFirst()
        }
        let parts = value.split(separator: ":")
        if parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]) { return sign * (hours * 3600 + minutes * 60) }
        if let hours = Double(value), abs(hours) <= 14 { return sign * Int(hours * 3600) }
        return nil
    }
}
