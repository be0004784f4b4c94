import ArgumentParser
import EventImport

#if canImport(Glibc)
    import Glibc
#endif

/// `rdpcause events`: print the normalized events of files, folders and archives as NDJSON.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print the events of exported Windows logs as NDJSON (one JSON object per line).",
        discussion: """
            Reads files, folders and archives (.zip, .tar, .zst, .tar.zst) without extracting them. Problems are \
            printed on standard error as `file:line:column: severity: message`. Field names are documented in \
            README.md ("NDJSON event format").

            --since, --until, --channel and --event-id leave events out. --sort time prints the events in event \
            time across all inputs (it holds the output in memory until the inputs are read); without it, events \
            are printed as they are read, in file order.

            Exit status: the scheme common to every command (see `rdpcause --help`).
            """
    )

    /// The orders `events` prints in.
    enum Order: String, ExpressibleByArgument, CaseIterable {
        case file, time
    }

    @Argument(help: "Files, folders or archives to read.")
    var paths: [String]

    @OptionGroup var timeRange: TimeRangeOptions

    @Option(help: "Keep only events of this channel, e.g. System (any letter case; repeat for several).")
    var channel: [String] = []

    @Option(help: "Keep only events with this id (repeat for several).")
    var eventId: [UInt32] = []

    @Option(help: "Print in file order (as read) or in event time across all inputs.")
    var sort: Order = .file

    mutating func run() throws {
        let output = BufferedOutput(descriptor: 1, capacity: 1 << 20)
        let errors = BufferedOutput(descriptor: 2)
        let filter = EventFilter(
            since: timeRange.start, until: timeRange.end, channels: channel, eventIDs: eventId)
        let inTime = sort == .time
        // --sort time: every line in one buffer, each event's place in it kept beside its time.
        var heldText = JSONWriter()
        var held: [(time: EventTimestamp, sequence: Int, line: Range<Int>)] = []
        let importer = EventImporter(
            handlers: ImportHandlers(
                onEvent: { event in
                    guard filter.keeps(event) else { return }
                    if inTime {
                        let start = heldText.count
                        NDJSON.write(event, to: &heldText)
                        heldText.newline()
                        held.append((event.time, held.count, start..<heldText.count))
                    } else {
                        output.writeNDJSON(event)
                    }
                },
                onDiagnostic: { diagnostic in errors.writeLine(diagnostic.description) },
                onDocument: { document in
                    errors.writeLine("\(document.source): note: text document, not an event log (read by `analyze`)")
                }
            ))
        importer.importPaths(paths)
        held.sort { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
        heldText.withBytes { text in
            for entry in held { output.write(UnsafeBufferPointer(rebasing: text[entry.line])) }
        }
        output.flush()
        errors.flush()
        if importer.statistics.errors > 0 {
            throw ExitCode(ExitStatus.inputError)
        }
    }
}
