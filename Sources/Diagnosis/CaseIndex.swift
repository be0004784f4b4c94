import Correlation
public import EventImport
public import SigmaKit

/// Everything a diagnosis needs from one case, gathered in a single streaming pass: the events
/// that matched a Sigma rule (by rule name), which logs of which machine cover which time, the
/// text documents, and the import problems.
///
/// Events that match no rule are counted into coverage and then dropped, so memory grows with
/// the number of rule hits, not with the size of the logs.
public struct CaseIndex: Sendable {
    /// An event that matched one or more rules.
    public struct Hit: Sendable {
        /// The event.
        public var event: WinEvent
        /// The normalized name of the machine that wrote it.
        public var machine: String
        /// The name of the rule it matched (one hit per rule an event matches).
        public var rule: String
    }

    /// The time span one log of one machine covers.
    public struct Coverage: Sendable, Hashable {
        /// The normalized machine name.
        public var machine: String
        /// The machine name as written in the log (first seen).
        public var displayName: String
        /// The channel.
        public var channel: String
        /// The earliest event time.
        public var first: EventTimestamp
        /// The latest event time.
        public var last: EventTimestamp
        /// How many events it holds.
        public var events: Int
        /// The files it was read from.
        public var sources: Set<String>
    }

    /// Hits by rule name, each list in event-time order.
    public private(set) var hits: [String: [Hit]] = [:]
    /// Coverage by machine and channel.
    public private(set) var coverage: [String: [String: Coverage]] = [:]
    /// Text documents (error reports, ticket notes).
    public private(set) var documents: [TextDocument] = []
    /// Problems met while reading the case.
    public private(set) var importDiagnostics: [ImportDiagnostic] = []
    /// Files and archive members read.
    public private(set) var inputs: Set<String> = []
    /// Import counters.
    public private(set) var statistics = ImportStatistics()

    /// Channels written only by the machine that accepts Remote Desktop connections.
    static let hostChannels: Set<String> = [
        "microsoft-windows-terminalservices-remoteconnectionmanager/operational",
        "microsoft-windows-terminalservices-remoteconnectionmanager/admin",
        "microsoft-windows-terminalservices-localsessionmanager/operational",
        "microsoft-windows-remotedesktopservices-rdpcorets/operational",
    ]
    /// The client's own channel.
    static let clientChannel = "microsoft-windows-terminalservices-rdpclient/operational"

    /// Reads `paths` (folders, archives, files) and indexes them with `engine`.
    public static func build(paths: [String], engine: SigmaEngine) -> CaseIndex {
        let builder = Builder(engine: engine)
        let importer = EventImporter(
            handlers: ImportHandlers(
                onEvent: { builder.add($0) },
                onDiagnostic: { builder.index.importDiagnostics.append($0) },
                onDocument: { builder.index.documents.append($0) }))
        importer.importPaths(paths)
        builder.index.statistics = importer.statistics
        builder.finish()
        return builder.index
    }

    /// Indexes events that are already in memory (for tests and for callers with their own import).
    public static func build(events: [WinEvent], documents: [TextDocument] = [], engine: SigmaEngine) -> CaseIndex {
        let builder = Builder(engine: engine)
        for event in events { builder.add(event) }
        builder.index.documents = documents
        builder.finish()
        return builder.index
    }

    private final class Builder {
        let engine: SigmaEngine
        var index = CaseIndex()
        // Consecutive events nearly always share computer, channel and file: the coverage entry
        // being extended is kept here and written back when the key changes, so the per-event cost
        // is a few string comparisons instead of hashing and normalizing names.
        private var current: Coverage?
        private var currentComputer = ""
        private var currentSource = ""

        init(engine: SigmaEngine) {
            self.engine = engine
        }

        func add(_ event: WinEvent) {
            if current == nil || event.computer != currentComputer || event.channel != current?.channel
                || event.origin.source != currentSource
            {
                switchCoverage(to: event)
            }
            if var entry = current {
                if event.time < entry.first { entry.first = event.time }
                if event.time > entry.last { entry.last = event.time }
                entry.events += 1
                current = entry
            }
            let machine = current?.machine ?? HostName.normalized(event.computer)
            engine.forEachMatch(in: event) { rule in
                let name = rule.name ?? rule.id ?? rule.title
                index.hits[name, default: []].append(Hit(event: event, machine: machine, rule: name))
            }
        }

        private func switchCoverage(to event: WinEvent) {
            flush()
            let machine = HostName.normalized(event.computer)
            currentComputer = event.computer
            currentSource = event.origin.source
            index.inputs.insert(event.origin.source)
            if var entry = index.coverage[machine]?[event.channel] {
                entry.sources.insert(event.origin.source)
                current = entry
            } else {
                current = Coverage(
                    machine: machine, displayName: event.computer, channel: event.channel, first: event.time, last: event.time,
                    events: 0, sources: [event.origin.source])
            }
        }

        private func flush() {
            guard let entry = current else { return }
            index.coverage[entry.machine, default: [:]][entry.channel] = entry
            current = nil
        }

        func finish() {
            flush()
            for key in index.hits.keys {
                index.hits[key]?.sort { $0.event.time < $1.event.time }
            }
        }
    }

    // MARK: - Queries

    /// Hits of `rules` on `machine` (nil: any machine) with time in `[from, to]`.
    public func hits(_ rules: [String], on machine: String?, from: EventTimestamp, to: EventTimestamp) -> [Hit] {
        var result: [Hit] = []
        for rule in rules {
            for hit in hits[rule] ?? [] where hit.event.time >= from && hit.event.time <= to {
                if let machine, hit.machine != machine { continue }
                result.append(hit)
            }
        }
        return result.sorted { $0.event.time < $1.event.time }
    }

    /// Every machine that wrote a log in the case (normalized names, sorted).
    public var machines: [String] { coverage.keys.sorted() }

    /// True when `machine` wrote logs only a Remote Desktop host writes.
    public func isHost(_ machine: String) -> Bool {
        coverage[machine]?.keys.contains { Self.hostChannels.contains($0.lowercased()) } ?? false
    }

    /// True when `machine` wrote the Remote Desktop client's log.
    public func isClient(_ machine: String) -> Bool {
        coverage[machine]?.keys.contains { $0.lowercased() == Self.clientChannel } ?? false
    }

    /// The coverage of `channel` on `machine` (channel compared ignoring case).
    public func coverage(of channel: String, on machine: String) -> Coverage? {
        coverage[machine]?.first { $0.key.lowercased() == channel.lowercased() }?.value
    }

    /// The display name of a machine (as first written).
    public func displayName(_ machine: String) -> String {
        coverage[machine]?.values.map(\.displayName).sorted().first ?? machine
    }
}
