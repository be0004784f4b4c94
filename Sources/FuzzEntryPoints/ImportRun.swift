import EventImport

/// What one import of an in-memory input delivered, for comparing imports of the same bytes.
struct ImportRun: Equatable {
    var events: [WinEvent] = []
    var diagnostics: [ImportDiagnostic] = []
    var documents: [TextDocument] = []

    /// Limits small enough that a decompression bomb costs a fuzz iteration milliseconds, not seconds.
    static let limits = ImportLimits(
        maxExpandedBytes: 16 << 20, maxExpansionRatio: 1000, ratioGraceBytes: 1 << 20, maxDocumentBytes: 1 << 20)

    /// Imports `bytes` through ``EventImporter/importData(_:source:chunkSize:)`` in chunks of `chunkSize`,
    /// rendering every event and diagnostic the way `rdpcause events` prints them.
    static func importing(_ bytes: [UInt8], source: String, chunkSize: Int) -> ImportRun {
        var run = ImportRun()
        let importer = EventImporter(
            handlers: ImportHandlers(
                onEvent: { event in
                    _ = NDJSON.line(for: event)
                    run.events.append(event)
                },
                onDiagnostic: { diagnostic in
                    _ = diagnostic.description
                    run.diagnostics.append(diagnostic)
                },
                onDocument: { document in run.documents.append(document) }),
            limits: limits, chunkSize: chunkSize)  // its read buffer, unused here: no 1 MiB allocation per input
        importer.importData(bytes, source: source, chunkSize: chunkSize)
        return run
    }

    /// Throws unless `other`, an import of the same bytes in other chunks, delivered the same events and
    /// documents, and diagnostics of the same kinds at the same positions.
    func expectSame(as other: ImportRun, what: String) throws(FuzzInvariantViolation) {
        if events != other.events {
            let index = events.indices.first { $0 >= other.events.count || events[$0] != other.events[$0] } ?? events.count
            let detail =
                index < events.count && index < other.events.count
                ? Self.differences(events[index], other.events[index]) : "present in one import only"
            throw FuzzInvariantViolation(
                description: "\(what): \(events.count) vs \(other.events.count) events; event \(index + 1) differs: \(detail)")
        }
        // Where and how bad, not the wording: a message may say "at end of input" when the last chunk
        // is where the parser noticed.
        func positions(_ list: [ImportDiagnostic]) -> [String] {
            list.map { "\($0.severity) \($0.kind) \($0.source):\($0.line ?? 0):\($0.column ?? 0)" }
        }
        if positions(diagnostics) != positions(other.diagnostics) {
            throw FuzzInvariantViolation(
                description: "\(what): diagnostics differ:\n"
                    + diagnostics.map(\.description).joined(separator: "\n") + "\nvs\n"
                    + other.diagnostics.map(\.description).joined(separator: "\n"))
        }
        if documents != other.documents {
            throw FuzzInvariantViolation(description: "\(what): text documents differ")
        }
    }

    /// The properties of two events that differ, as `name: value vs value`.
    static func differences(_ first: WinEvent, _ second: WinEvent) -> String {
        zip(Mirror(reflecting: first).children, Mirror(reflecting: second).children).compactMap { one, other in
            let left = Self.fullText(one.value)
            let right = Self.fullText(other.value)
            return left == right ? nil : "\(one.label ?? "?"): \(left.prefix(200)) vs \(right.prefix(200))"
        }.joined(separator: "; ")
    }

    /// Every stored property of a value, nested ones too (its `description` may leave some out).
    static func fullText(_ value: Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text.split(separator: "\n").map { $0.drop { " ▿-".contains($0) } }.joined(separator: " ")
    }
}
