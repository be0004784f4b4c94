import EventImport
import Foundation

/// The event records of a case folder and the shape of each log file, to check that a
/// metamorphic transformation changed only what it says it changes.
public struct CaseRecords: Sendable {
    /// What identifies a record across transformations (its text may be re-encoded or re-wrapped).
    public struct Key: Hashable, Sendable {
        /// `System/Computer`.
        public var computer: String
        /// `System/Channel`.
        public var channel: String
        /// `System/EventID`.
        public var eventID: UInt32
        /// `System/EventRecordID`.
        public var recordID: UInt64?
        /// `TimeCreated/@SystemTime`, in ticks.
        public var time: Int64
        /// `Correlation/@ActivityID`.
        public var activityID: String
    }

    /// One exported log file.
    public struct File: Sendable {
        /// Its path inside the case folder.
        public var path: String
        /// Whether it is in Event Viewer's form (an `<Events>` root) rather than wevtutil's root-less form.
        public var eventViewerForm: Bool
        /// Whether it starts with a UTF-16 byte-order mark.
        public var utf16: Bool
        /// How many records it holds.
        public var records: Int
        /// Whether its records run newest-first (nil when its first and last records have the same time).
        public var newestFirst: Bool?
    }

    /// Every record, with how many times it occurs.
    public var records: [Key: Int] = [:]
    /// Every event-log file.
    public var files: [File] = []

    /// Reads every event-log file of a case folder.
    public init(folder: String) {
        let manager = FileManager.default
        let relatives = ((manager.enumerator(atPath: folder)?.allObjects as? [String]) ?? []).sorted()
        for relative in relatives where relative.lowercased().hasSuffix(".xml") {
            let path = (folder as NSString).appendingPathComponent(relative)
            var events: [WinEvent] = []
            EventImporter(handlers: ImportHandlers(onEvent: { events.append($0) })).importPaths([path])
            guard !events.isEmpty, let bytes = manager.contents(atPath: path) else { continue }
            for event in events {
                let key = Key(
                    computer: event.computer, channel: event.channel, eventID: event.eventID, recordID: event.recordID,
                    time: event.time.ticks, activityID: event.activityID)
                records[key, default: 0] += 1
            }
            let first = events[0].time.ticks
            let last = events[events.count - 1].time.ticks
            files.append(
                File(
                    path: relative, eventViewerForm: Self.hasEventsRoot(bytes), utf16: bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]),
                    records: events.count, newestFirst: first == last ? nil : first > last))
        }
    }

    /// Whether the text before the first `<Event` element opens an `<Events>` root.
    static func hasEventsRoot(_ bytes: Data) -> Bool {
        let head = Array(bytes.prefix(8192))
        let text: String
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
            let bigEndian = head[0] == 0xFE
            var units: [UInt16] = []
            for i in stride(from: 2, to: head.count - 1, by: 2) {
                let (high, low) = bigEndian ? (head[i], head[i + 1]) : (head[i + 1], head[i])
                units.append(UInt16(high) << 8 | UInt16(low))
            }
            text = String(decoding: units, as: UTF16.self)
        } else {
            text = String(decoding: head, as: UTF8.self)
        }
        guard let events = text.range(of: "<Events") else { return false }
        let firstEvent = text.range(of: "<Event ") ?? text.range(of: "<Event>")
        return firstEvent.map { events.lowerBound < $0.lowerBound } ?? true
    }
}
