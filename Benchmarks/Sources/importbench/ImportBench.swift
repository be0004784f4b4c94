import EventImport
import Foundation

/// `importbench MODE ARGS…`: runs one benchmark line in this process, on one thread, and prints
/// one JSON object on one line (`mode`, `events`, `seconds`, and the line's own counters).
///
/// `Benchmarks/run.py` starts one process per line and round, so every line pays its own start-up
/// and its peak RSS is its own. A new line is a new entry in ``modes``: a name, a usage string
/// and a function that returns the fields to print.
@main
struct ImportBench {
    /// Every benchmark line this executable can run, by name.
    static let modes: [Mode] = [
        Mode(
            name: "import",
            usage: "import FILE…",
            summary: "EventImporter over the files (plain or compressed); counts the events",
            run: runImport
        )
    ]

    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let mode = modes.first(where: { $0.name == name }) else {
            usage()
            exit(2)
        }
        do {
            let started = ContinuousClock.now
            var fields = try mode.run(Array(arguments.dropFirst()))
            let elapsed = ContinuousClock.now - started
            fields.insert(("mode", .string(mode.name)), at: 0)
            fields.append(("seconds", .number(elapsed.seconds)))
            print(JSONValue.object(fields).text)
        } catch {
            standardError("importbench \(name): \(error)\n")
            exit(1)
        }
    }

    static func usage() {
        var text = "usage: importbench MODE ARGS…\n\nmodes:\n"
        for mode in modes {
            text += "  \(mode.usage.padding(toLength: 24, withPad: " ", startingAt: 0)) \(mode.summary)\n"
        }
        standardError(text)
    }
}

// MARK: - Modes

/// `import FILE…`: the importer alone, with an event handler that only counts (and folds the
/// event ids into a checksum so the events cannot be optimized away).
func runImport(_ arguments: [String]) throws(BenchError) -> [(String, JSONValue)] {
    guard !arguments.isEmpty else { throw BenchError("expected at least one FILE") }
    var events = 0
    var checksum: UInt64 = 0
    var diagnosticsShown = 0
    let importer = EventImporter(
        handlers: ImportHandlers(
            onEvent: { event in
                events += 1
                checksum = checksum &* 31 &+ UInt64(event.eventID) &+ (event.recordID ?? 0)
            },
            onDiagnostic: { diagnostic in
                diagnosticsShown += 1
                if diagnosticsShown <= 5 { standardError("importbench: \(diagnostic)\n") }
            }
        ))
    importer.importPaths(arguments)
    let statistics = importer.statistics
    return [
        ("events", .number(Double(events))),
        ("bytes", .number(Double(statistics.xmlBytes))),
        ("bytesRead", .number(Double(statistics.bytesRead))),
        ("errors", .number(Double(statistics.errors))),
        ("warnings", .number(Double(statistics.warnings))),
        ("checksum", .string(String(checksum, radix: 16))),
    ]
}

// MARK: - Support

/// One benchmark line.
struct Mode: Sendable {
    /// The first command-line argument that selects it.
    let name: String
    /// The synopsis shown in the usage text.
    let usage: String
    /// What it measures, for the usage text.
    let summary: String
    /// Runs the line with the remaining arguments and returns the fields to print.
    let run: @Sendable ([String]) throws(BenchError) -> [(String, JSONValue)]
}

/// A usage or input problem, printed on standard error with exit status 1.
struct BenchError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The little JSON the output needs: numbers, strings and one flat object.
enum JSONValue {
    case number(Double)
    case string(String)
    case object([(String, JSONValue)])

    var text: String {
        switch self {
        case .number(let value):
            if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
            return String(format: "%.6f", value)
        case .string(let value):
            var escaped = "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": escaped += "\\\""
                case "\\": escaped += "\\\\"
                case _ where scalar.value < 0x20: escaped += String(format: "\\u%04x", scalar.value)
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            return escaped + "\""
        case .object(let fields):
            return "{" + fields.map { JSONValue.string($0.0).text + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}

/// Writes to standard error (descriptor 2) without touching the `stderr` global.
func standardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
