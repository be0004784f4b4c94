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

            Exit status: the scheme common to every command (see `rdpcause --help`).
            """
    )

    @Argument(help: "Files, folders or archives to read.")
    var paths: [String]

    mutating func run() throws {
        let output = BufferedOutput(descriptor: 1)
        let errors = BufferedOutput(descriptor: 2)
        let importer = EventImporter(
            handlers: ImportHandlers(
                onEvent: { event in output.write(NDJSON.line(for: event)) },
                onDiagnostic: { diagnostic in errors.writeLine(diagnostic.description) },
                onDocument: { document in
                    errors.writeLine("\(document.source): note: text document, not an event log (read by `analyze`)")
                }
            ))
        importer.importPaths(paths)
        output.flush()
        errors.flush()
        if importer.statistics.errors > 0 {
            throw ExitCode(ExitStatus.inputError)
        }
    }
}
