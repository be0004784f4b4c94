import EventImport

/// A correlation rule ready to evaluate: Sigma v2.1 correlation types plus the rdpcause
/// `rdpcause_absent` extension ("expected but missing").
///
/// Sigma's YAML form is parsed elsewhere (SigmaKit keeps it as text); ``CorrelationSpec/compile(_:)``
/// checks it and turns timespans, conditions and aliases into this value.
public struct CorrelationSpec: Sendable, Hashable {
    /// Which relation the rule expresses.
    public enum Kind: Sendable, Hashable {
        /// Number of events in the window.
        case eventCount
        /// Number of distinct values of ``CorrelationSpec/valueField`` in the window.
        case valueCount
        /// All referenced rules (or as many as the condition asks) seen in the window, any order.
        case temporal
        /// As ``temporal``, and in the order the rules are listed.
        case temporalOrdered
        /// Sum of the numeric values of ``CorrelationSpec/valueField`` in the window.
        case valueSum
        /// Average of the numeric values of the field in the window.
        case valueAverage
        /// The given percentile (0–100) of the numeric values of the field in the window.
        case valuePercentile(Double)
        /// The median of the numeric values of the field in the window.
        case valueMedian
        /// rdpcause extension: an event of the anchor rules with no event of the ``CorrelationSpec/absentRules``
        /// in the same group from `before` seconds before it to `after` seconds after it.
        case absent(before: Int64, after: Int64)

        /// The name used in YAML and in output.
        public var name: String {
            switch self {
            case .eventCount: "event_count"
            case .valueCount: "value_count"
            case .temporal: "temporal"
            case .temporalOrdered: "temporal_ordered"
            case .valueSum: "value_sum"
            case .valueAverage: "value_avg"
            case .valuePercentile: "value_percentile"
            case .valueMedian: "value_median"
            case .absent: "rdpcause_absent"
            }
        }
    }

    /// One comparison of a condition (`gte: 3`); several are AND-ed (a range).
    public struct Comparison: Sendable, Hashable {
        /// The operator.
        public enum Operator: String, Sendable, Hashable, CaseIterable {
            case gt, gte, lt, lte, eq, neq
        }

        /// The operator.
        public var op: Operator
        /// The value compared with.
        public var value: Double

        /// Creates a comparison.
        public init(_ op: Operator, _ value: Double) {
            self.op = op
            self.value = value
        }

        /// True when `measured` satisfies this comparison.
        public func holds(for measured: Double) -> Bool {
            switch op {
            case .gt: measured > value
            case .gte: measured >= value
            case .lt: measured < value
            case .lte: measured <= value
            case .eq: measured == value
            case .neq: measured != value
            }
        }
    }

    /// The rule's `title`.
    public var title: String
    /// The rule's `id`, when it has one.
    public var id: String?
    /// The rule's `name`, when it has one (needed to chain it or to alias it).
    public var name: String?
    /// The rule's `level`.
    public var level: String?
    /// The relation.
    public var kind: Kind
    /// Referenced rules (detections or correlations) by `id` or `name`; for ``Kind/absent`` the anchors.
    public var rules: [String]
    /// For ``Kind/absent``: the rules whose events must be missing around each anchor.
    public var absentRules: [String]
    /// Group-by fields or aliases; events only relate within one group.
    public var groupBy: [String]
    /// The window length, in ticks of 100 ns.
    public var timespan: Int64
    /// The comparisons that make the relation hold (AND-ed).
    public var condition: [Comparison]
    /// The field whose values are counted, summed or averaged (value_* types).
    public var valueField: String?
    /// `aliases[alias][ruleReference] = field`: one group-by key read from different fields per rule.
    public var aliases: [String: [String: String]]
    /// Whether the referenced detections are reported on their own too.
    public var generate: Bool
    /// Where the rule was defined (`file:line`).
    public var location: String

    /// Creates a spec.
    public init(
        title: String, id: String? = nil, name: String? = nil, level: String? = nil, kind: Kind, rules: [String],
        absentRules: [String] = [], groupBy: [String] = [], timespan: Int64, condition: [Comparison] = [],
        valueField: String? = nil, aliases: [String: [String: String]] = [:], generate: Bool = false,
        location: String = ""
    ) {
        self.title = title
        self.id = id
        self.name = name
        self.level = level
        self.kind = kind
        self.rules = rules
        self.absentRules = absentRules
        self.groupBy = groupBy
        self.timespan = timespan
        self.condition = condition
        self.valueField = valueField
        self.aliases = aliases
        self.generate = generate
        self.location = location
    }

    /// True for the kinds that measure how many of the referenced rules are in the window.
    var countsRoles: Bool {
        switch kind {
        case .temporal, .temporalOrdered: true
        default: false
        }
    }

    /// True when `measured` satisfies every comparison of the condition.
    public func conditionHolds(_ measured: Double) -> Bool {
        condition.allSatisfy { $0.holds(for: measured) }
    }

    /// The references a name or id can be known by in this rule's `aliases`.
    func aliasField(forGroupKey key: String, ruleNames: [String]) -> String {
        if let map = aliases[key] {
            for name in ruleNames {
                if let field = map[name] { return field }
            }
        }
        return key
    }
}

/// The longest timespan accepted, in ticks: 3650 days (10 years). Rules and cause files are
/// untrusted text: the bound keeps every window computed from a timespan (event time ± span) far
/// inside the 64-bit tick range.
public let maximumTimespan: Int64 = 3650 * 86_400 * EventTimestamp.ticksPerSecond

/// Parses a Sigma timespan (`30s`, `5m`, `2h`, `1d`, `1w`) into ticks of 100 ns; `nil` for
/// anything else, including spans over ``maximumTimespan``.
public func parseTimespan(_ text: String) -> Int64? {
    guard let unit = text.last, let number = Int64(text.dropLast()), number >= 0 else { return nil }
    let unitTicks: Int64
    switch unit {
    case "s": unitTicks = 1
    case "m": unitTicks = 60
    case "h": unitTicks = 3600
    case "d": unitTicks = 86_400
    case "w": unitTicks = 604_800
    default: return nil
    }
    let (ticks, overflow) = number.multipliedReportingOverflow(by: unitTicks * EventTimestamp.ticksPerSecond)
    guard !overflow, ticks <= maximumTimespan else { return nil }
    return ticks
}
