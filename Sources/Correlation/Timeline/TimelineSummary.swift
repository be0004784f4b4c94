/// The counts printed after a `hunt` timeline: rows per level and per rule, as Hayabusa prints them.
public struct TimelineSummary: Sendable {
    private var perLevel: [TimelineLevel: Int] = [:]
    private var perRule: [String: (level: TimelineLevel, count: Int)] = [:]

    /// An empty summary.
    public init() {}

    /// Counts one printed row.
    public mutating func count(_ row: TimelineRow) {
        perLevel[row.severity, default: 0] += 1
        perRule[row.title, default: (row.severity, 0)].count += 1
    }

    /// The number of rows counted.
    public var total: Int { perLevel.values.reduce(0, +) }

    /// `by level: critical 0, high 2, …` then one line per rule (most rows first, at most `topRules`).
    public func lines(topRules: Int = 20) -> [String] {
        let levels = TimelineLevel.allCases.reversed().map { "\($0.rawValue) \(perLevel[$0] ?? 0)" }
        var lines = ["by level: " + levels.joined(separator: ", ")]
        let rules = perRule.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
        for (title, entry) in rules.prefix(topRules) {
            lines.append("  \(entry.count)  \(entry.level.rawValue)  \(title)")
        }
        if rules.count > topRules { lines.append("  … and \(rules.count - topRules) more rules") }
        return lines
    }
}
