import EventImport

/// The support one cause's evidence gives, and whether it is enough for `likely`.
///
/// Each item found counts with its weight, or with its `at-attempt` weight when a record it cites
/// was logged at the identified attempt. Support is 1 − Π(1 − weight). An item that only
/// corroborates counts only when an item of the cause's own holds. `likely` needs one of the
/// cause's own items at the attempt (decisive), or two of its own items that cite different records.
struct SupportTally {
    private struct Found {
        var weight: Double
        var decisive: Bool
        var corroborates: Bool
        var items: [EvidenceItem]
        var records: Set<String>
    }

    private var found: [Found] = []

    /// Adds an item that held, with the records that show it; `weight` replaces the item's own
    /// (a client update regression whose whole story holds counts with the regression's weight).
    mutating func add(_ item: CauseDefinition.Evidence, found items: [EvidenceItem], weight: Double? = nil) {
        let atAttempt = item.atAttempt.flatMap { tier in items.contains(where: \.atAttempt) ? tier : nil }
        found.append(
            Found(
                weight: atAttempt?.weight ?? weight ?? item.weight, decisive: atAttempt != nil && !item.corroborates,
                corroborates: item.corroborates,
                items: items, records: Set(items.map(Self.key))))
    }

    /// The items that count: corroborating ones only beside one of the cause's own.
    private var counting: [Found] {
        found.contains { !$0.corroborates } ? found : []
    }

    /// The evidence items that count.
    var counted: [EvidenceItem] { counting.flatMap(\.items) }

    /// 1 − Π(1 − weight) over the items that count.
    var support: Double {
        1 - counting.reduce(1.0) { rest, item in rest * (1 - item.weight) }
    }

    /// One decisive item at the attempt, or two items that cite different records.
    var enoughForLikely: Bool {
        if counting.contains(where: \.decisive) { return true }
        var seen = Set<String>()
        var independent = 0
        // Corroboration is shared by several causes: it adds weight, never independence.
        for item in counting where !item.corroborates && item.records.isDisjoint(with: seen) {
            independent += 1
            seen.formUnion(item.records)
        }
        return independent >= 2
    }

    /// What identifies the record an item cites (a proven absence: its rules and channels).
    private static func key(_ item: EvidenceItem) -> String {
        // A proven absence cited by log names its file at line 0 and no record: keyed by its log.
        if (!item.origin.source.isEmpty && item.origin.line > 0) || item.recordID != nil {
            return "\(item.origin.source):\(item.origin.line):\(item.recordID.map(String.init) ?? ""):\(item.time.ticks)"
        }
        return "absence:\(item.rule)@\(item.channel)@\(item.computer)@\(item.origin.source)"
    }

    /// `items` with each record listed once per role (the first citation kept).
    static func listedOnce(_ items: [EvidenceItem]) -> [EvidenceItem] {
        var seen = Set<String>()
        return items.filter { seen.insert("\($0.role.rawValue)|\(key($0))").inserted }
    }
}
