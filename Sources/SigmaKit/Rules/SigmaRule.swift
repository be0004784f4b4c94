/// One Sigma rule document as loaded from a rule file: its metadata, log source and either a
/// compiled detection or (for correlation rules) the parsed correlation.
public struct SigmaRule: Sendable {
    /// `title` (mandatory).
    public var title: String
    /// `id`, normally a UUID.
    public var id: String?
    /// `name`, the identifier that correlation rules use to reference a rule.
    public var name: String?
    /// `status`: `stable`, `test`, `experimental`, `deprecated` or `unsupported`.
    public var status: String?
    /// `level`: `informational`, `low`, `medium`, `high` or `critical`.
    public var level: String?
    /// `description`.
    public var description: String?
    /// `author`.
    public var author: String?
    /// `date` as written (`YYYY-MM-DD`).
    public var date: String?
    /// `modified` as written.
    public var modified: String?
    /// `tags`, e.g. `attack.t1059`.
    public var tags: [String]
    /// `references`.
    public var references: [String]
    /// `falsepositives`.
    public var falsePositives: [String]
    /// `fields`: event fields worth showing to an analyst.
    public var fields: [String]
    /// `logsource`.
    public var logSource: LogSource
    /// What the rule is: a detection the engine evaluates, or a correlation kept for a later stage.
    public var kind: Kind
    /// Whether the detection engine evaluates the rule, and if not, why.
    public var evaluation: Evaluation
    /// The rule file.
    public var source: String
    /// Where the rule's YAML document starts in the file.
    public var position: SourcePosition
    /// The 0-based index of the document in a multi-document file.
    public var documentIndex: Int
    /// The `id` (or title) of each Sigma filter applied to this rule, in order.
    public var appliedFilters: [String] = []

    /// What a rule document is.
    public enum Kind: Sendable {
        /// A detection rule (a document with `detection:`).
        case detection(Detection)
        /// A correlation rule (a document with `correlation:`), not evaluated by the detection engine.
        case correlation(CorrelationRule)
    }

    /// Whether the detection engine evaluates a rule.
    public enum Evaluation: Sendable, Hashable {
        /// The rule is compiled into the engine.
        case evaluated
        /// The rule is loaded (and listed) but not evaluated, for the given reason.
        case notEvaluated(reason: String)
    }

    /// `file:line` of the rule document, for reports.
    public var locator: String { "\(source):\(position.line)" }

    /// Whether the detection engine evaluates the rule.
    public var isEvaluated: Bool { evaluation == .evaluated }

    /// The detection, for detection rules.
    public var detection: Detection? {
        if case .detection(let detection) = kind { return detection }
        return nil
    }

    /// The correlation, for correlation rules.
    public var correlation: CorrelationRule? {
        if case .correlation(let correlation) = kind { return correlation }
        return nil
    }
}

/// The `logsource` of a rule.
public struct LogSource: Sendable, Hashable, CustomStringConvertible {
    /// `product`, e.g. `windows`.
    public var product: String?
    /// `category`, e.g. `process_creation`.
    public var category: String?
    /// `service`, e.g. `security`.
    public var service: String?
    /// `definition`: free text about the configuration the rule needs.
    public var definition: String?

    /// Creates a log source.
    public init(product: String? = nil, category: String? = nil, service: String? = nil, definition: String? = nil) {
        self.product = product
        self.category = category
        self.service = service
        self.definition = definition
    }

    /// `product/category/service` with absent parts left out, e.g. `windows/process_creation`.
    public var description: String {
        let parts = [product, category, service].compactMap { $0 }
        return parts.isEmpty ? "(empty)" : parts.joined(separator: "/")
    }
}

/// A Sigma filter (a `filter:` document): a detection ANDed into the rules it names.
public struct SigmaFilter: Sendable {
    /// `title` (mandatory).
    public var title: String
    /// `id`.
    public var id: String?
    /// `description`.
    public var description: String?
    /// `logsource`: the filter applies only to rules whose log source has the same values for every
    /// field the filter sets.
    public var logSource: LogSource
    /// `filter.rules`: ids or names of the rules the filter applies to.
    public var rules: [String]
    /// `filter` without `rules`: the search identifiers and the condition.
    public var detection: Detection
    /// The filter file.
    public var source: String
    /// Where the filter's YAML document starts.
    public var position: SourcePosition
}

extension LogSource {
    /// Whether a rule with log source `other` is within this (filter's) log source: every field set
    /// here has the same value there, ignoring case.
    public func admits(_ other: LogSource) -> Bool {
        func agrees(_ mine: String?, _ theirs: String?) -> Bool {
            guard let mine else { return true }
            return mine.lowercased() == theirs?.lowercased()
        }
        return agrees(product, other.product) && agrees(category, other.category) && agrees(service, other.service)
    }
}

/// A correlation rule as parsed; evaluation belongs to a later stage.
public struct CorrelationRule: Sendable, Hashable {
    /// `correlation.type`: `event_count`, `value_count`, `temporal`, `temporal_ordered`, `value_sum`,
    /// `value_avg` or `value_percentile`.
    public var type: String?
    /// `correlation.rules`: ids or names of the rules it correlates.
    public var rules: [String]
    /// `correlation.group-by`.
    public var groupBy: [String]
    /// `correlation.timespan` as written, e.g. `5m`.
    public var timespan: String?
    /// `correlation.condition` as its key/value pairs (`gte: 2`, `field: X`), or a boolean expression
    /// string under the key `expression`. A list of fields is one text, its names joined with
    /// ``fieldListSeparator``.
    public var condition: [String: String]
    /// Joins the names of a `condition.field` list (U+001F, which no field name contains).
    public static let fieldListSeparator = "\u{1F}"
    /// `correlation.aliases`: alias → (rule → field).
    public var aliases: [String: [String: String]]
    /// `correlation.generate` (or top-level `generate`).
    public var generate: Bool?
    /// rdpcause extension (`type: rdpcause_absent`): the rules whose events must be missing.
    public var absent: [String] = []
    /// rdpcause extension (`type: rdpcause_absent`): `window.before` / `window.after` as written.
    public var window: [String: String] = [:]
}

/// A parsed and compiled `detection` block: the search identifiers and the condition over them.
public struct Detection: Sendable {
    /// The search identifiers in document order.
    public var searchIdentifiers: [String] { searches.map(\.name) }
    /// The condition text(s) as written; several are OR-ed.
    public var conditionText: [String]

    var searches: [NamedSearch]
    var condition: ConditionNode

    /// The names of the fields the detection tests, each once.
    public var fieldNames: [String] {
        var names: [String] = []
        var seen = Set<String>()
        func collect(_ node: SearchNode) {
            switch node {
            case .fields(let items):
                for item in items where seen.insert(item.fieldName).inserted { names.append(item.fieldName) }
            case .keywords: break
            case .anyOf(let nodes), .allOf(let nodes): nodes.forEach(collect)
            }
        }
        searches.forEach { collect($0.node) }
        return names
    }
}

/// One search identifier and its definition.
struct NamedSearch: Sendable {
    var name: String
    var node: SearchNode
}
