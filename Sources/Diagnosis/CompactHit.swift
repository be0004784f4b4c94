import EventImport
import SigmaKit

/// A rule hit as ``CaseIndex`` keeps it: what differs from record to record (time, record id,
/// origin) beside the number of a ``HitTable`` entry that holds the rest of the event once.
///
/// Large logs repeat the same record over and over (a certificate error on every connection, a
/// blocked packet every second), so the event is stored once per distinct content, and a hit is
/// these 40 bytes (about 12 once ``HitColumn`` has encoded them) instead of a full
/// ``EventImport/WinEvent`` with its strings and field array.
struct CompactHit: Sendable {
    /// The event time.
    var time: EventTimestamp
    /// The record id (meaningful only when the template has one).
    var recordID: UInt64
    /// The line of the record's start tag.
    var line: Int
    /// The byte offset of the record's start tag.
    var byteOffset: Int
    /// The ``HitTable`` entry holding the rest of the event.
    var template: UInt32
    /// The ``HitTable`` entry of the file the record was read from.
    var source: UInt32
}

/// The events and file names that a case's hits share, each stored once, and the way back from
/// a ``CompactHit`` to the full event.
struct HitTable: Sendable {
    /// Each distinct event without its time, record id and origin (record id 0 when it had one).
    private(set) var templates: [WinEvent] = []
    /// The normalized machine of each template.
    private(set) var machines: [String] = []
    /// The files records were read from.
    private(set) var sources: [String] = []
    private var templateIndex = HitTemplateIndex()
    private var sourceOfName: [String: UInt32] = [:]
    /// The source found last (consecutive hits nearly always share it: no hashing then).
    private var lastSource: (name: String, number: UInt32)?

    /// The compact form of `event` (written on `machine`), adding its content and file to the
    /// table when they are new; nil when the table is full (2³² entries).
    mutating func compact(_ event: WinEvent, machine: String) -> CompactHit? {
        var key = event
        key.time = .epoch
        key.recordID = event.recordID == nil ? nil : 0
        key.origin = EventOrigin(source: "", line: 0)
        key.rendering = nil
        let template: UInt32
        let hash = key.hashValue
        if let known = templateIndex.number(of: key, hash: hash, in: templates) {
            template = known
        } else {
            guard let number = UInt32(exactly: templates.count) else { return nil }
            templates.append(key.storedWithoutRendering())
            machines.append(machine)
            templateIndex.insert(number, hash: hash)
            template = number
        }
        guard let source = sourceNumber(event.origin.source) else { return nil }
        return CompactHit(
            time: event.time, recordID: event.recordID ?? 0, line: event.origin.line, byteOffset: event.origin.byteOffset,
            template: template, source: source)
    }

    private mutating func sourceNumber(_ name: String) -> UInt32? {
        if let lastSource, lastSource.name == name { return lastSource.number }
        let number: UInt32
        if let known = sourceOfName[name] {
            number = known
        } else {
            guard let next = UInt32(exactly: sources.count) else { return nil }
            sources.append(name)
            sourceOfName[name] = next
            number = next
        }
        lastSource = (name, number)
        return number
    }

    /// The full event of `hit`, as it was read (without its `RenderingInfo`).
    func event(of hit: CompactHit) -> WinEvent {
        var event = templates[Int(hit.template)]
        event.time = hit.time
        if event.recordID != nil { event.recordID = hit.recordID }
        event.origin = EventOrigin(source: sources[Int(hit.source)], line: hit.line, byteOffset: hit.byteOffset)
        return event
    }

    /// The normalized machine that wrote `hit`.
    func machine(of hit: CompactHit) -> String { machines[Int(hit.template)] }

    /// Adds the entries of `other` (another part of the same case) that this table lacks; returns
    /// for each of `other`'s templates and sources its number here, or nil when the table is full.
    mutating func absorb(_ other: HitTable) -> (templates: [UInt32], sources: [UInt32])? {
        var templateNumbers: [UInt32] = []
        templateNumbers.reserveCapacity(other.templates.count)
        for (template, machine) in zip(other.templates, other.machines) {
            let hash = template.hashValue
            if let known = templateIndex.number(of: template, hash: hash, in: templates) {
                templateNumbers.append(known)
            } else {
                guard let number = UInt32(exactly: templates.count) else { return nil }
                templates.append(template)
                machines.append(machine)
                templateIndex.insert(number, hash: hash)
                templateNumbers.append(number)
            }
        }
        var sourceNumbers: [UInt32] = []
        sourceNumbers.reserveCapacity(other.sources.count)
        for source in other.sources {
            guard let number = sourceNumber(source) else { return nil }
            sourceNumbers.append(number)
        }
        return (templateNumbers, sourceNumbers)
    }
}

extension CaseIndex {
    /// The hits of one rule in event-time order, each rebuilt as a ``CaseIndex/Hit`` when read
    /// (the compact hits are decoded once, 40 bytes each, while the list lives).
    public struct HitList: RandomAccessCollection, Sendable {
        let compact: [CompactHit]
        let table: HitTable
        /// The rule the hits matched.
        public let rule: String

        /// The first position.
        public var startIndex: Int { compact.startIndex }
        /// The position past the last hit.
        public var endIndex: Int { compact.endIndex }

        /// The hit at `position`, with its full event.
        public subscript(position: Int) -> Hit {
            let hit = compact[position]
            return Hit(event: table.event(of: hit), machine: table.machine(of: hit), rule: rule)
        }
    }
}

extension HitTable {
    /// The warning for `count` hits of `rule` that could not be kept because the table was full.
    static func notKept(_ count: Int, rule: SigmaRule) -> SigmaDiagnostic {
        SigmaDiagnostic(
            .warning, SigmaDiagnostic.Code(rawValue: "hits-not-kept"), source: rule.source, line: rule.position.line,
            column: rule.position.column,
            message: "rule '\(rule.title)' matched \(count) event(s) that were not kept: the case's hit table is full "
                + "(2^32 entries), so its hits in this case are incomplete")
    }
}
