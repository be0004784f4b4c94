import EventImport
/// A problem found while loading Sigma rules: a YAML error, an invalid rule, or a rule that is loaded
/// but not evaluated.
///
/// Every diagnostic names the file and, where the problem has a position, the 1-based line and
/// column, so that an editor can jump to it. Nothing is skipped silently: a rule that is not loaded,
/// or loaded but not evaluated, always has a diagnostic saying why.
public struct SigmaDiagnostic: Sendable, Hashable, Error, CustomStringConvertible {
    /// How bad the problem is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        /// Information: the rule is loaded as written (e.g. a correlation rule kept for a later stage).
        case note
        /// The rule is loaded, but something about it is questionable or it is not evaluated.
        case warning
        /// The rule (or the whole file) is not loaded.
        case error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        /// Orders severities from `note` to `error`.
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// What kind of problem this is, for programs and tests that react to it.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The stable, hyphenated name printed in brackets after the message.
        public var rawValue: String

        /// Creates a code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The code's name.
        public var description: String { rawValue }

        /// The file is not valid YAML (or uses a YAML feature rules cannot use).
        public static let yamlSyntax = Code(rawValue: "yaml-syntax")
        /// The file or folder cannot be read.
        public static let unreadable = Code(rawValue: "unreadable")
        /// A YAML document that is neither a detection nor a correlation rule.
        public static let notSigma = Code(rawValue: "not-sigma")
        /// A mandatory attribute is missing.
        public static let missingAttribute = Code(rawValue: "missing-attribute")
        /// An attribute has the wrong type or a value the specification does not define.
        public static let invalidAttribute = Code(rawValue: "invalid-attribute")
        /// Two rules share one `id`.
        public static let duplicateID = Code(rawValue: "duplicate-id")
        /// A field modifier the specification does not define.
        public static let unknownModifier = Code(rawValue: "unknown-modifier")
        /// Modifiers combined in an order or a way the specification does not allow.
        public static let invalidModifierChain = Code(rawValue: "invalid-modifier-chain")
        /// A value that its modifiers cannot use (a bad CIDR, a non-numeric `gt` value, …).
        public static let invalidValue = Code(rawValue: "invalid-value")
        /// A `re` value that is not a valid regular expression.
        public static let invalidRegex = Code(rawValue: "invalid-regex")
        /// A `re` value whose shape lets matching take exponential time (nested quantifiers such as
        /// `(a+)+`): it runs under a step budget and may go unevaluated.
        public static let regexBacktracking = Code(rawValue: "regex-backtracking")
        /// A rule whose regular expression gave up on an input, so the rule was not evaluated on
        /// some of its events (reported by `hunt` and `analyze`).
        public static let regexNotEvaluated = Code(rawValue: "regex-not-evaluated")
        /// A search identifier whose definition has a shape Sigma does not define.
        public static let invalidDetection = Code(rawValue: "invalid-detection")
        /// A condition that cannot be parsed.
        public static let conditionSyntax = Code(rawValue: "condition-syntax")
        /// A condition naming a search identifier that the detection does not define.
        public static let undefinedIdentifier = Code(rawValue: "undefined-identifier")
        /// A search identifier that the condition never uses.
        public static let unusedIdentifier = Code(rawValue: "unused-identifier")
        /// A log source with no channel mapping: the rule is loaded but not evaluated.
        public static let unmappedLogSource = Code(rawValue: "unmapped-logsource")
        /// An `expand` placeholder with no value: the rule is loaded but not evaluated.
        public static let unresolvedPlaceholder = Code(rawValue: "unresolved-placeholder")
        /// A correlation rule: loaded, but not evaluated by the detection engine.
        public static let correlationRule = Code(rawValue: "correlation-rule")
        /// A Sigma filter was applied to a rule.
        public static let filterApplied = Code(rawValue: "filter-applied")
        /// Syntax from Sigma v1 that v2 removed or deprecated (`timeframe`, `| count()`, `action:`).
        public static let deprecatedSyntax = Code(rawValue: "deprecated-syntax")
        /// A construct the specification defines that this engine does not implement.
        public static let unsupported = Code(rawValue: "unsupported")
    }

    /// How bad the problem is.
    public var severity: Severity
    /// What kind of problem this is.
    public var code: Code
    /// The rule file.
    public var source: String
    /// The 1-based line, when the problem has a position.
    public var line: Int?
    /// The 1-based column, when the problem has a position.
    public var column: Int?
    /// A sentence saying what is wrong and what happened to the rule.
    public var message: String

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, _ code: Code, source: String, line: Int? = nil, column: Int? = nil, message: String
    ) {
        self.severity = severity
        self.code = code
        self.source = source
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: severity: message [code]`, the form compilers use, so editors can jump to it.
    public var description: String {
        "\(sourceLocation(source, line: line, column: column)): \(severity.rawValue): \(message) [\(code.rawValue)]"
    }
}

/// A position in a rule file: 1-based line and column.
public struct SourcePosition: Sendable, Hashable {
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, counted in Unicode scalars as libyaml does.
    public var column: Int

    /// Creates a position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}
