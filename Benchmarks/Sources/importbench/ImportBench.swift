import Correlation
import Diagnosis
import EventImport
import Foundation
import Reports
import SigmaKit
import Synchronization

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
        ),
        Mode(
            name: "events",
            usage: "events OUT FILE…",
            summary: "what `rdpcause events FILE… > OUT` does: import, and every event written to OUT as NDJSON",
            run: runEvents
        ),
        Mode(
            name: "sigma",
            usage: "sigma FILE RULES…",
            summary: "importer + every Sigma rule in the RULES files/folders; counts the matches",
            run: runSigma
        ),
        Mode(
            name: "correlate",
            usage: "correlate EVENTS GROUPS [RATE]",
            summary: "EVENTS synthetic hits (RATE per second of event time, default 20) through 50 correlation rules over GROUPS group keys",
            run: runCorrelate
        ),
        Mode(
            name: "analyze",
            usage: "analyze JOBS RULES CASE…",
            summary: "the whole diagnosis of every CASE, JOBS cases at a time",
            run: runAnalyze
        ),
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
    // The counters sit behind a pointer, as the C baseline's sit behind expat's userData: captured
    // `var`s are boxed, and every access to them paid a dynamic exclusivity check (about 150
    // instructions per event, 0.3% of an import, none of it the importer's).
    let tally = UnsafeMutablePointer<(events: Int, checksum: UInt64)>.allocate(capacity: 1)
    tally.initialize(to: (0, 0))
    defer { tally.deallocate() }
    var diagnosticsShown = 0
    let importer = EventImporter(
        handlers: ImportHandlers(
            onEvent: { event in
                tally.pointee.events += 1
                tally.pointee.checksum = tally.pointee.checksum &* 31 &+ UInt64(event.eventID) &+ (event.recordID ?? 0)
            },
            onDiagnostic: { diagnostic in
                diagnosticsShown += 1
                if diagnosticsShown <= 5 { standardError("importbench: \(diagnostic)\n") }
            }
        ))
    importer.importPaths(arguments)
    let statistics = importer.statistics
    let (events, checksum) = tally.pointee
    return [
        ("events", .number(Double(events))),
        ("bytes", .number(Double(statistics.xmlBytes))),
        ("bytesRead", .number(Double(statistics.bytesRead))),
        ("errors", .number(Double(statistics.errors))),
        ("warnings", .number(Double(statistics.warnings))),
        ("checksum", .string(String(checksum, radix: 16))),
    ]
}

/// `events OUT FILE…`: the importer with every event written as NDJSON to OUT (`/dev/null` for the
/// benchmark), as `rdpcause events` writes it.
func runEvents(_ arguments: [String]) throws(BenchError) -> [(String, JSONValue)] {
    guard arguments.count >= 2 else { throw BenchError("expected OUT and at least one FILE") }
    let descriptor = open(arguments[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw BenchError("cannot open \(arguments[0]) for writing") }
    defer { close(descriptor) }
    let output = BufferedOutput(descriptor: descriptor, capacity: 1 << 20)  // as `rdpcause events`
    var events = 0
    let importer = EventImporter(
        handlers: ImportHandlers(onEvent: { event in
            events += 1
            output.writeNDJSON(event)
        }))
    importer.importPaths(Array(arguments.dropFirst()))
    output.flush()
    return [("events", .number(Double(events))), ("bytes", .number(Double(importer.statistics.xmlBytes)))]
}

/// `sigma FILE RULES…`: the importer with every event matched against the loaded rules.
func runSigma(_ arguments: [String]) throws(BenchError) -> [(String, JSONValue)] {
    guard arguments.count >= 2 else { throw BenchError("expected FILE and at least one rule folder") }
    let catalog = RuleLoader().load(paths: Array(arguments.dropFirst()))
    let engine = SigmaEngine(rules: catalog.rules)
    var events = 0
    var matches = 0
    let importer = EventImporter(
        handlers: ImportHandlers(onEvent: { event in
            events += 1
            engine.forEachMatchIndex(in: event) { _ in matches += 1 }
        }))
    importer.importPaths([arguments[0]])
    return [
        ("events", .number(Double(events))), ("bytes", .number(Double(importer.statistics.xmlBytes))),
        ("rules", .number(Double(engine.evaluatedRuleCount))), ("matches", .number(Double(matches))),
    ]
}

/// `correlate EVENTS GROUPS [RATE]`: 50 correlation rules (all types, 10 of each kind of window)
/// over synthetic hits of 5 detection rules (RATE hits per second of event time, default 20), the
/// group key cycling through GROUPS values; `correlationSeconds` times the engine alone.
func runCorrelate(_ arguments: [String]) throws(BenchError) -> [(String, JSONValue)] {
    guard (2...3).contains(arguments.count), let count = Int(arguments[0]), let groups = Int(arguments[1]),
        let rate = Int64(arguments.count == 3 ? arguments[2] : "20"), count > 0, groups > 0, rate > 0
    else {
        throw BenchError("expected EVENTS GROUPS [RATE]")
    }
    let detections = (0..<5).map { DetectionIdentity(id: nil, name: "rule_\($0)", title: "Rule \($0)") }
    let second = EventTimestamp.ticksPerSecond
    var specs: [CorrelationSpec] = []
    for index in 0..<10 {
        let span = Int64(30 + index * 30) * second
        specs.append(CorrelationSpec(title: "count \(index)", kind: .eventCount, rules: ["rule_0", "rule_1"], groupBy: ["User"], timespan: span, condition: [.init(.gte, 50)]))
        specs.append(CorrelationSpec(title: "values \(index)", kind: .valueCount, rules: ["rule_2"], groupBy: ["User"], timespan: span, condition: [.init(.gte, 40)], valueField: "Port"))
        specs.append(CorrelationSpec(title: "temporal \(index)", kind: .temporal, rules: ["rule_0", "rule_3"], groupBy: ["User"], timespan: span))
        specs.append(CorrelationSpec(title: "ordered \(index)", kind: .temporalOrdered, rules: ["rule_1", "rule_4", "rule_2"], groupBy: ["User"], timespan: span))
        specs.append(CorrelationSpec(title: "sum \(index)", kind: .valueSum, rules: ["rule_3"], groupBy: ["User"], timespan: span, condition: [.init(.gt, 1e12)], valueField: "Port"))
    }
    let engine: CorrelationEngine
    do {
        engine = try CorrelationEngine(specs: specs, detections: detections) { event, field in event.field(field) }
    } catch {
        throw BenchError("\(error)")
    }
    // One template event per group key, given each hit's time in place (no copy of the event,
    // which the importer does not make either), so memory stays what the engine holds, whatever
    // EVENTS is.
    var pool = (0..<groups).map { group in
        WinEvent(
            time: .epoch, computer: "HOST", channel: "Security", provider: "Bench", eventID: 4625,
            fields: [EventField("User", "user\(group)"), EventField("Port", String(49152 + group % 1000))])
    }
    let started = ContinuousClock.now
    var alerts = 0
    let base = 1_780_000_000 * second
    pool.withUnsafeMutableBufferPointer { pool in
        for index in 0..<count {
            pool[index % groups].time = EventTimestamp(ticks: base + Int64(index) * second / rate)
            alerts += engine.process(pool[index % groups], matching: [index % 5]).count
        }
    }
    alerts += engine.finish().count
    let elapsed = (ContinuousClock.now - started).seconds
    return [
        ("events", .number(Double(count))), ("groups", .number(Double(groups))), ("rules", .number(Double(specs.count))),
        ("alerts", .number(Double(alerts))), ("correlationSeconds", .number(elapsed)),
        ("eventsPerSecond", .number(Double(count) / max(elapsed, 1e-9))), ("liveGroups", .number(Double(engine.liveGroupCount))),
    ]
}

/// `analyze JOBS RULES CASE…`: what `rdpcause analyze --jobs JOBS --output DIR` does for every
/// case, JOBS cases at a time — rule loading, import, rules, diagnosis, and the Markdown, JSON
/// and HTML findings rendered on the worker threads — without writing the files.
func runAnalyze(_ arguments: [String]) throws(BenchError) -> [(String, JSONValue)] {
    guard arguments.count >= 3, let jobs = Int(arguments[0]) else { throw BenchError("expected JOBS RULES CASE…") }
    let loading = ContinuousClock.now
    let pack = RulePack.load(directory: arguments[1])
    // The rules load before any case starts, whatever JOBS is: serial time of the 2-job lines.
    let rulesSeconds = (ContinuousClock.now - loading) / .seconds(1)
    let runner = CaseRunner(pack: pack, parallelism: jobs)
    let rendered = Mutex(0)
    let digests = Mutex([String: UInt64]())
    let results = runner.analyze(
        Array(arguments.dropFirst(2)),
        finish: { result in
            // The findings without the build's version, which names its commit: the digest then
            // compares builds of different commits (the rules' version, a digest of their texts, stays).
            var diagnosis = result.diagnosis
            diagnosis.rdpcauseVersion = nil
            let json = DiagnosisJSON.document(diagnosis)
            let bytes =
                MarkdownReport.render(diagnosis, caseName: result.path).utf8.count
                + json.utf8.count
                + HTMLReport.render(diagnosis, caseName: result.path).utf8.count
            rendered.withLock { $0 += bytes }
            digests.withLock { $0[result.path] = fnv1a(json) }
        })
    var bytes = 0
    var events = 0
    for result in results {
        bytes += result.statistics.xmlBytes
        events += result.statistics.events
    }
    return [
        ("events", .number(Double(events))), ("bytes", .number(Double(bytes))), ("cases", .number(Double(results.count))),
        ("reportBytes", .number(Double(rendered.withLock { $0 }))), ("rulesSeconds", .number(rulesSeconds)),
        // Same findings, same digest: a check that a memory or speed change left the findings alone.
        ("findingsDigest", .string(String(digests.withLock { $0.sorted { $0.key < $1.key }.reduce(0) { ($0 &* 31) ^ $1.value } }, radix: 16))),
    ]
}

/// The 64-bit FNV-1a hash of `text`'s UTF-8 bytes.
func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
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
