import Correlation
public import EventImport
public import SigmaKit

/// Everything a diagnosis needs from one case, gathered in a single streaming pass: the events
/// that matched a Sigma rule (by rule name), which logs of which machine cover which time, the
/// text documents, and the import problems.
///
/// Events that match no rule are counted into coverage and then dropped, and hits are kept as
/// ``CompactHit``s whose repeated content is stored once (``HitTable``), so memory grows with the
/// distinct evidence, not with the size of the logs.
public struct CaseIndex: Sendable {
    /// An event that matched one or more rules.
    public struct Hit: Sendable {
        /// The event, as ``EventImport/WinEvent/storedWithoutRendering()`` keeps it.
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

    /// Compact hits by rule name, each column in event-time order.
    var compactHits: [String: HitColumn] = [:]
    /// The content the compact hits share.
    var hitTable = HitTable()
    /// Coverage by machine and channel.
    public internal(set) var coverage: [String: [String: Coverage]] = [:]
    /// For each machine, the minutes (ticks ÷ one minute) in which it wrote any record, sorted: the
    /// machine's liveness, kept so coarse that it costs little however large the logs are.
    public internal(set) var activeMinutes: [String: [Int64]] = [:]
    /// Text documents (error reports, ticket notes).
    public internal(set) var documents: [TextDocument] = []
    /// Problems met while reading the case.
    public internal(set) var importDiagnostics: [ImportDiagnostic] = []
    /// Rules that could not be evaluated on some of the case's events (a regular expression that
    /// gave up), one warning each; those rules' hits in this case are incomplete.
    public internal(set) var ruleDiagnostics: [SigmaDiagnostic] = []
    /// Files and archive members read.
    public internal(set) var inputs: Set<String> = []
    /// Import counters.
    public internal(set) var statistics = ImportStatistics()

    /// Channels written only by the machine that accepts Remote Desktop connections.
    static let hostChannels: Set<String> = [
        "microsoft-windows-terminalservices-remoteconnectionmanager/operational",
        "microsoft-windows-terminalservices-remoteconnectionmanager/admin",
        "microsoft-windows-terminalservices-localsessionmanager/operational",
        "microsoft-windows-remotedesktopservices-rdpcorets/operational",
    ]
    /// The client's own channel.
    static let clientChannel = "microsoft-windows-terminalservices-rdpclient/operational"
    /// The RD Gateway's own channel.
    static let gatewayChannel = "microsoft-windows-terminalservices-gateway/operational"

    /// Reads `paths` (folders, archives, files) and indexes them with `engine`, reading up to
    /// `workers` files of the case at once (default: one per core); the index is the same
    /// whatever the number of workers (see ``CaseImportPool``).
    public static func build(paths: [String], engine: SigmaEngine, workers: Int? = nil) -> CaseIndex {
        CaseImportPool(workers: workers).build(paths: paths, engine: engine)
    }

    /// Indexes events that are already in memory (for tests and for callers with their own import).
    public static func build(events: [WinEvent], documents: [TextDocument] = [], engine: SigmaEngine) -> CaseIndex {
        let builder = Builder(engine: engine)
        for event in events { builder.add(event) }
        builder.index.documents = documents
        builder.finish()
        return builder.index
    }

    final class Builder {
        let engine: SigmaEngine
        var index = CaseIndex()
        /// The rules that gave up on this case's events.
        private(set) var gaps = EvaluationGaps()
        /// Hits not kept because the hit table was full, by rule index.
        private(set) var notKept: [Int: Int] = [:]

        /// The events of one computer, channel and file so far.
        private struct Partial {
            var machine: String
            var displayName: String
            var channel: String
            var source: String
            var first: EventTimestamp
            var last: EventTimestamp
            var events: Int
            /// The minutes in which it holds a record.
            var minutes: Set<Int64> = []
            /// The minute last added (consecutive records nearly always share it: no hashing then).
            var lastMinute: Int64 = .min
        }

        private struct PartialKey: Hashable {
            var computer: String
            var channel: String
            var source: String
        }

        // Logs are often interleaved (a merged export, a forwarded-events log), so the partial
        // coverage of each computer, channel and file is found by one hash lookup, and each
        // spelling of a computer name is normalized once.
        private var partials: [Partial] = []
        private var partialOfKey: [PartialKey: Int] = [:]
        private var machineOfComputer: [String: String] = [:]
        // Consecutive events nearly always share computer, channel and file: the last partial is
        // remembered, so then there is no lookup at all.
        private var current = -1

        /// The position in ``columns`` of each rule's hits, by rule index; -1 until the rule first
        /// hits. Hits are found by a rule's index, so a hit costs no hashing of its rule's name and
        /// touches no string the rules share with other threads (retaining one of those on every
        /// hit made two threads reading one case bounce its reference count between their cores).
        private var columnOfRule: [Int]
        /// The position in ``columns`` of each name hits are filed under (a rule's name, id or
        /// title): rules of one name share a column.
        private var columnOfName: [String: Int] = [:]
        /// The hits so far, and the name each column is filed under (``finish()`` files them).
        private var columns: [(name: String, hits: HitColumn)] = []

        init(engine: SigmaEngine) {
            self.engine = engine
            columnOfRule = Array(repeating: -1, count: engine.rules.count)
        }

        /// The position in ``columns`` of `rule`'s hits, made when the rule first hits.
        private func column(of rule: Int) -> Int {
            if columnOfRule[rule] >= 0 { return columnOfRule[rule] }
            let name = engine.rules[rule].name ?? engine.rules[rule].id ?? engine.rules[rule].title
            let column: Int
            if let known = columnOfName[name] {
                column = known
            } else {
                column = columns.count
                columnOfName[name] = column
                columns.append((name, HitColumn()))
            }
            columnOfRule[rule] = column
            return column
        }

        func add(_ event: WinEvent) {
            if current < 0 || event.computer != partials[current].displayName || event.channel != partials[current].channel
                || event.origin.source != partials[current].source
            {
                current = partial(for: event)
            }
            if event.time < partials[current].first { partials[current].first = event.time }
            if event.time > partials[current].last { partials[current].last = event.time }
            partials[current].events += 1
            let minute = event.time.ticks / CaseIndex.ticksPerMinute
            if minute != partials[current].lastMinute {
                partials[current].lastMinute = minute
                partials[current].minutes.insert(minute)
            }
            let machine = partials[current].machine
            var kept: CompactHit?
            engine.forEachMatchIndex(in: event, gaps: &gaps) { rule in
                if kept == nil { kept = index.hitTable.compact(event, machine: machine) }
                guard let kept else {
                    notKept[rule, default: 0] += 1
                    return
                }
                let position = column(of: rule)
                columns[position].hits.append(kept)
            }
        }

        private func partial(for event: WinEvent) -> Int {
            let key = PartialKey(computer: event.computer, channel: event.channel, source: event.origin.source)
            if let known = partialOfKey[key] { return known }
            let machine: String
            if let known = machineOfComputer[event.computer] {
                machine = known
            } else {
                machine = HostName.normalized(event.computer)
                machineOfComputer[event.computer] = machine
            }
            partials.append(
                Partial(
                    machine: machine, displayName: event.computer, channel: event.channel, source: event.origin.source,
                    first: event.time, last: event.time, events: 0))
            partialOfKey[key] = partials.count - 1
            index.inputs.insert(event.origin.source)
            return partials.count - 1
        }

        func finish() {
            index.ruleDiagnostics = gaps.diagnostics(rules: engine.rules)
            for (rule, count) in notKept.sorted(by: { $0.key < $1.key }) {
                index.ruleDiagnostics.append(HitTable.notKept(count, rule: engine.rules[rule]))
            }
            var minutes: [String: Set<Int64>] = [:]
            for partial in partials { minutes[partial.machine, default: []].formUnion(partial.minutes) }
            index.activeMinutes = minutes.mapValues { $0.sorted() }
            // Partials in first-seen order, so a machine's display name is the spelling seen first.
            for partial in partials {
                let coverage = Coverage(
                    machine: partial.machine, displayName: partial.displayName, channel: partial.channel, first: partial.first,
                    last: partial.last, events: partial.events, sources: [partial.source])
                index.coverage[partial.machine, default: [:]][partial.channel] =
                    index.coverage[partial.machine]?[partial.channel].map { $0.widened(by: coverage) } ?? coverage
            }
            for column in columns {
                index.compactHits[column.name] = column.hits.sortedByTime()
            }
            columns = []
        }
    }

    // MARK: - Queries

    /// Hits of `rules` on `machine` (nil: any machine) with time in `[from, to]`.
    ///
    /// - Complexity: O(log *n* + *k*) per rule (each rule's hits are in time order, in blocks of
    ///   ``HitColumn/blockSize``), for *n* hits of the rule and *k* in the window.
    public func hits(_ rules: [String], on machine: String?, from: EventTimestamp, to: EventTimestamp) -> [Hit] {
        var result: [Hit] = []
        for rule in rules {
            compactHits[rule]?.forEach(from: from, to: to) { hit in
                if let machine, hitTable.machine(of: hit) != machine { return }
                result.append(Hit(event: hitTable.event(of: hit), machine: hitTable.machine(of: hit), rule: rule))
            }
        }
        return rules.count > 1 ? result.sorted { $0.event.time < $1.event.time } : result
    }

    /// The hits of `rule`, in event-time order (empty when it matched nothing).
    public func hits(of rule: String) -> HitList {
        HitList(compact: compactHits[rule]?.decoded() ?? [], table: hitTable, rule: rule)
    }

    /// How many hits the case holds (an event that matched several rules counts once per rule).
    public var hitCount: Int { compactHits.values.reduce(0) { $0 + $1.count } }

    /// How many distinct events the hits share (events that differ only in time, record id and
    /// position are stored once).
    public var storedHitEvents: Int { hitTable.templates.count }

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

    /// True when `machine` wrote the RD Gateway's log and no log only a Remote Desktop host writes:
    /// a gateway the connection passes through, never the target host.
    public func isGateway(_ machine: String) -> Bool {
        !isHost(machine) && (coverage[machine]?.keys.contains { $0.lowercased() == Self.gatewayChannel } ?? false)
    }

    /// The coverage of `channel` on `machine` (channel compared ignoring case).
    public func coverage(of channel: String, on machine: String) -> Coverage? {
        coverage[machine]?.first { $0.key.lowercased() == channel.lowercased() }?.value
    }

    /// Whether `channel` of `machine` covers `from`…`through`: its first record is no later than
    /// `from` and its last is at most `slack` ticks before `through`.
    public func covers(
        _ channel: String, on machine: String?, from: EventTimestamp, through: EventTimestamp, slack: Int64
    ) -> Bool {
        guard let machine, let coverage = coverage(of: channel, on: machine) else { return false }
        return coverage.first <= from && coverage.last.ticks + slack >= through.ticks
    }

    /// One minute in ticks (the resolution of ``activeMinutes``).
    public static let ticksPerMinute: Int64 = 60 * EventTimestamp.ticksPerSecond

    /// The start of the first whole minute inside `from`…`to` in which `machine` wrote any record.
    public func firstActivity(on machine: String, from: EventTimestamp, to: EventTimestamp) -> EventTimestamp? {
        guard let minutes = activeMinutes[machine], from < to else { return nil }
        // Whole minutes only: a minute that straddles `from` may hold only records before it.
        let first = from.ticks / Self.ticksPerMinute + 1
        let last = to.ticks / Self.ticksPerMinute - 1
        guard first <= last else { return nil }
        var low = 0
        var high = minutes.count
        while low < high {
            let middle = (low + high) / 2
            if minutes[middle] < first { low = middle + 1 } else { high = middle }
        }
        guard low < minutes.count, minutes[low] <= last else { return nil }
        return EventTimestamp(ticks: minutes[low] * Self.ticksPerMinute)
    }

    /// The display name of a machine (as first written).
    public func displayName(_ machine: String) -> String {
        coverage[machine]?.values.map(\.displayName).sorted().first ?? machine
    }
}
