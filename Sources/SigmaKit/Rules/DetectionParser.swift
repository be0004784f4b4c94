import Foundation
import Yams

/// Collects the diagnostics of one rule document.
struct DiagnosticCollector {
    let source: String
    private(set) var diagnostics: [SigmaDiagnostic] = []

    init(source: String) {
        self.source = source
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    mutating func report(
        _ severity: SigmaDiagnostic.Severity, _ code: SigmaDiagnostic.Code, at node: Node?, columnOffset: Int = 0,
        _ message: String
    ) {
        let mark = node?.mark
        diagnostics.append(
            SigmaDiagnostic(
                severity, code, source: source, line: mark?.line, column: mark.map { $0.column + columnOffset },
                message: message))
    }

    mutating func report(
        _ severity: SigmaDiagnostic.Severity, _ code: SigmaDiagnostic.Code, line: Int?, column: Int?, _ message: String
    ) {
        diagnostics.append(SigmaDiagnostic(severity, code, source: source, line: line, column: column, message: message))
    }
}

/// Parses a `detection` block into search identifiers and a condition, compiling every value.
struct DetectionParser {
    /// Values for `expand` placeholders (`%name%` → values).
    let placeholders: [String: [String]]
    var collector: DiagnosticCollector
    /// Placeholders used with `expand` that have no value.
    private(set) var unresolvedPlaceholders: [String] = []
    /// Values the rule's items hold so far, counted after `windash`, `base64offset` and `expand`.
    private var valuesInRule = 0

    /// The most values one rule may hold once its modifiers have multiplied them. SigmaHQ's largest
    /// rule holds about 4,400; without a bound, `windash` on 2,000 dashed values (a 60 KB file)
    /// expanded to millions of patterns and gigabytes. A rule over the bound is not loaded.
    static let maxValuesPerRule = 50_000

    init(placeholders: [String: [String]], collector: DiagnosticCollector) {
        self.placeholders = placeholders
        self.collector = collector
    }

    /// Parses the `detection` node; returns `nil` when an error was reported.
    mutating func parse(_ node: Node) -> Detection? {
        guard let mapping = node.mapping else {
            collector.report(.error, .invalidDetection, at: node, "'detection' must be a map of search identifiers and a condition")
            return nil
        }
        var searches: [NamedSearch] = []
        var searchKeys: [Node] = []
        var conditionNode: Node?
        var failed = false
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalar?.string else {
                collector.report(.error, .invalidDetection, at: keyNode, "a search identifier must be a plain name")
                failed = true
                continue
            }
            switch key {
            case "condition":
                conditionNode = valueNode
            case "timeframe":
                collector.report(
                    .warning, .deprecatedSyntax, at: keyNode,
                    "'timeframe' in 'detection' is Sigma v1 syntax; it is ignored (use a correlation rule's 'timespan')")
            default:
                if let search = parseSearch(valueNode, name: key) {
                    searches.append(NamedSearch(name: key, node: search))
                    searchKeys.append(keyNode)
                } else {
                    failed = true
                }
            }
        }
        guard let conditionNode else {
            collector.report(.error, .missingAttribute, at: node, "'detection' has no 'condition'")
            return nil
        }
        var conditionScalars: [Node] = []
        if conditionNode.scalar != nil {
            conditionScalars = [conditionNode]
        } else if let sequence = conditionNode.sequence, !sequence.isEmpty, sequence.allSatisfy({ $0.scalar != nil }) {
            conditionScalars = Array(sequence)
        } else {
            collector.report(.error, .conditionSyntax, at: conditionNode, "'condition' must be a string or a list of strings")
            return nil
        }
        // Identifiers whose definition failed still count as defined, so the condition is checked too.
        let names = mapping.compactMap { key, _ -> String? in
            guard let name = key.scalar?.string, name != "condition", name != "timeframe" else { return nil }
            return name
        }
        var parser = ConditionParser(identifiers: names)
        var conditions: [ConditionNode] = []
        var texts: [String] = []
        for scalarNode in conditionScalars {
            guard let scalar = scalarNode.scalar else { continue }
            texts.append(scalar.string)
            do {
                conditions.append(try parser.parse(scalar.string))
            } catch {
                let quoteOffset = scalar.style == .singleQuoted || scalar.style == .doubleQuoted ? 1 : 0
                let blockStyle = scalar.style == .literal || scalar.style == .folded
                collector.report(
                    .error, error.code, at: scalarNode, columnOffset: blockStyle ? 0 : error.offset + quoteOffset,
                    error.message + (error.code == .deprecatedSyntax ? "" : "; the rule is not loaded"))
                failed = true
            }
        }
        if failed { return nil }
        for (index, name) in names.enumerated() where !parser.used.contains(index) {
            let keyNode = mapping.first { $0.key.scalar?.string == name }?.key
            collector.report(
                .warning, .unusedIdentifier, at: keyNode, "search identifier '\(name)' is not used by the condition")
        }
        // Map condition indices (over all names) to indices in `searches` (same order, none failed).
        let condition = conditions.count == 1 ? conditions[0] : .or(conditions)
        return Detection(conditionText: texts, searches: searches, condition: condition)
    }

    // MARK: - Search identifiers

    private mutating func parseSearch(_ node: Node, name: String) -> SearchNode? {
        switch node {
        case .mapping(let mapping):
            guard !mapping.isEmpty else {
                collector.report(.error, .invalidDetection, at: node, "search identifier '\(name)' is an empty map")
                return nil
            }
            var items: [FieldItem] = []
            var keywordParts: [SearchNode] = []
            var failed = false
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.scalar?.string else {
                    collector.report(.error, .invalidDetection, at: keyNode, "a field name must be a string")
                    failed = true
                    continue
                }
                switch parseItem(key: key, keyNode: keyNode, valueNode: valueNode) {
                case .field(let item)?: items.append(item)
                case .keyword(let item)?: keywordParts.append(.keywords(item))
                case nil: failed = true
                }
            }
            if failed { return nil }
            items.sort { $0.cost < $1.cost }
            if keywordParts.isEmpty { return .fields(items) }
            if items.isEmpty && keywordParts.count == 1 { return keywordParts[0] }
            return .allOf((items.isEmpty ? [] : [.fields(items)]) + keywordParts)
        case .sequence(let sequence):
            guard !sequence.isEmpty else {
                collector.report(.error, .invalidDetection, at: node, "search identifier '\(name)' is an empty list")
                return nil
            }
            if sequence.allSatisfy({ $0.scalar != nil }) {
                // A list of keywords, OR-ed.
                guard case .keyword(let item)? = parseItem(key: "", keyNode: nil, valueNode: node) else { return nil }
                return .keywords(item)
            }
            var alternatives: [SearchNode] = []
            var failed = false
            for element in sequence {
                switch element {
                case .mapping:
                    if let search = parseSearch(element, name: name) { alternatives.append(search) } else { failed = true }
                case .scalar:
                    if case .keyword(let item)? = parseItem(key: "", keyNode: nil, valueNode: element) {
                        alternatives.append(.keywords(item))
                    } else {
                        failed = true
                    }
                case .sequence, .alias:
                    collector.report(
                        .error, .invalidDetection, at: element,
                        "a list in search identifier '\(name)' may hold maps or keywords, not nested lists")
                    failed = true
                }
            }
            if failed { return nil }
            return alternatives.count == 1 ? alternatives[0] : .anyOf(alternatives)
        case .scalar:
            guard case .keyword(let item)? = parseItem(key: "", keyNode: nil, valueNode: node) else { return nil }
            return .keywords(item)
        case .alias:
            collector.report(.error, .yamlSyntax, at: node, "YAML aliases are not supported in rules")
            return nil
        }
    }

    // MARK: - Items and modifiers

    private enum ParsedItem {
        case field(FieldItem)
        case keyword(KeywordItem)
    }

    /// A value on its way through the modifier chain.
    private enum Stage {
        /// A string; `pristine` until a modifier transforms it.
        case text(SigmaString, raw: String, pristine: Bool)
        /// Bytes from a UTF-16 modifier, waiting for `base64`/`base64offset`.
        case bytes([UInt8])
        /// A plain YAML number, as written.
        case number(String)
        /// A plain YAML boolean, as written.
        case boolean(String)
        /// `null`.
        case null
    }

    private struct RuleValue {
        var node: Node
        var alternatives: [Stage]
    }

    private mutating func parseItem(key: String, keyNode: Node?, valueNode: Node) -> ParsedItem? {
        let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let fieldName = parts[0]
        let isKeyword = fieldName.isEmpty
        let reportNode = keyNode ?? valueNode
        let label = isKeyword ? "keyword search" : "field '\(fieldName)'"

        // Modifiers.
        var modifiers: [Modifier] = []
        for name in parts.dropFirst() {
            guard let modifier = Modifier(rawValue: name) else {
                let hint = Modifier.hint(for: name).map { " (\($0))" } ?? ""
                collector.report(
                    .error, .unknownModifier, at: reportNode,
                    "unknown modifier '\(name)' on \(label)\(hint); the rule is not loaded")
                return nil
            }
            if modifiers.contains(modifier) {
                collector.report(
                    .error, .invalidModifierChain, at: reportNode,
                    "modifier '\(name)' appears twice on \(label); the rule is not loaded")
                return nil
            }
            modifiers.append(modifier)
        }

        // Values.
        var valueNodes: [Node] = []
        switch valueNode {
        case .scalar: valueNodes = [valueNode]
        case .sequence(let sequence):
            guard !sequence.isEmpty else {
                collector.report(.error, .invalidDetection, at: valueNode, "\(label) has an empty list of values")
                return nil
            }
            for element in sequence {
                guard element.scalar != nil else {
                    collector.report(
                        .error, .invalidDetection, at: element,
                        "a value of \(label) must be a string, number, boolean or null, not a list or map")
                    return nil
                }
                valueNodes.append(element)
            }
        case .mapping:
            collector.report(
                .error, .invalidDetection, at: valueNode,
                "the value of \(label) is a map; Sigma values are strings, numbers, booleans, null or lists of them")
            return nil
        case .alias:
            collector.report(.error, .yamlSyntax, at: valueNode, "YAML aliases are not supported in rules")
            return nil
        }
        var values = valueNodes.map { RuleValue(node: $0, alternatives: [initialStage($0)]) }

        // The modifiers that give the value a type decide what else may be combined with them.
        let kindModifiers = modifiers.filter {
            [.re, .cidr, .exists, .fieldref].contains($0) || $0.isComparison || $0.isTimeComponent
        }
        func reject(_ message: String) -> ParsedItem? {
            collector.report(.error, .invalidModifierChain, at: reportNode, "\(label): \(message); the rule is not loaded")
            return nil
        }
        let requireAll = modifiers.contains(.all)
        let negate = modifiers.contains(.neq)
        let cased = modifiers.contains(.cased)
        if requireAll && valueNodes.count == 1 && valueNode.sequence == nil {
            return reject("'all' needs a list of values; the specification does not allow it on a single value")
        }

        if modifiers.contains(.expand) {
            guard expandPlaceholders(&values, label: label) else { return nil }
        }

        // Typed values: re, cidr, exists, fieldref, comparisons and time parts.
        if let kind = kindModifiers.first {
            if kind == .re || kind == .cidr || kind == .exists || kind == .fieldref {
                if kindModifiers.count > 1 {
                    return reject("'\(kind.rawValue)' cannot be combined with '\(kindModifiers[1].rawValue)'")
                }
            }
            switch kind {
            case .re:
                let allowed: Set<Modifier> = [.re, .i, .m, .s, .all, .neq, .cased, .expand]
                if let other = modifiers.first(where: { !allowed.contains($0) }) {
                    return reject("'\(other.rawValue)' cannot be combined with 're' (write the pattern instead)")
                }
                if modifiers.contains(.cased) {
                    collector.report(
                        .warning, .invalidModifierChain, at: reportNode,
                        "\(label): 'cased' has no effect on 're', which is case-sensitive unless 'i' is given")
                }
                var options: NSRegularExpression.Options = []
                if modifiers.contains(.i) { options.insert(.caseInsensitive) }
                if modifiers.contains(.m) { options.insert(.anchorsMatchLines) }
                if modifiers.contains(.s) { options.insert(.dotMatchesLineSeparators) }
                var groups: [[ValueMatcher]] = []
                for value in values {
                    var group: [ValueMatcher] = []
                    for stage in value.alternatives {
                        guard let pattern = rawText(stage) else {
                            collector.report(.error, .invalidValue, at: value.node, "\(label): 're' needs a string value")
                            return nil
                        }
                        do {
                            let position = value.node.mark.map { SourcePosition(line: $0.line, column: $0.column) }
                            let matcher = try RegexMatcher(pattern: pattern, options: options, position: position)
                            group.append(.regex(matcher))
                            if matcher.backtracking.nestedQuantifier {
                                collector.report(
                                    .warning, .regexBacktracking, at: value.node,
                                    "\(label): the regular expression '\(pattern)' repeats a group that itself repeats (nested "
                                        + "quantifiers), so matching can take exponential time; "
                                        + "it runs under a budget of \(matcher.tickBudget * 10_000) backtracking steps and the rule goes "
                                        + "unevaluated where it runs out (rewrite it without the repetition, or with an atomic group '(?>…)' "
                                        + "or a possessive quantifier such as 'a++')")
                            }
                        } catch {
                            collector.report(
                                .error, .invalidRegex, at: value.node,
                                "\(label): '\(pattern)' is not a valid regular expression (\(regexErrorText(pattern))); the rule is not loaded")
                            return nil
                        }
                    }
                    groups.append(group)
                }
                return finish(groups, at: reportNode, label: label, hasNull: false, requireAll: requireAll, negate: negate, fieldName, isKeyword)
            case .cidr:
                let allowed: Set<Modifier> = [.cidr, .all, .neq, .expand]
                if let other = modifiers.first(where: { !allowed.contains($0) }) {
                    return reject("'\(other.rawValue)' cannot be combined with 'cidr'")
                }
                if isKeyword { return reject("'cidr' needs a field") }
                var groups: [[ValueMatcher]] = []
                for value in values {
                    var group: [ValueMatcher] = []
                    for stage in value.alternatives {
                        guard let text = rawText(stage), let network = IPNetwork(text) else {
                            collector.report(
                                .error, .invalidValue, at: value.node,
                                "\(label): '\(describe(stage))' is not an IPv4 or IPv6 network (e.g. 10.0.0.0/8, fe80::/10); the rule is not loaded")
                            return nil
                        }
                        group.append(.cidr(network))
                    }
                    groups.append(group)
                }
                return finish(groups, at: reportNode, label: label, hasNull: false, requireAll: requireAll, negate: negate, fieldName, isKeyword)
            case .exists:
                if modifiers.count > 1 { return reject("'exists' cannot be combined with other modifiers") }
                if isKeyword { return reject("'exists' needs a field") }
                guard values.count == 1, let text = rawText(values[0].alternatives[0])?.lowercased(),
                    text == "true" || text == "false"
                else {
                    collector.report(
                        .error, .invalidValue, at: valueNode,
                        "\(label): 'exists' takes one boolean value (true or false); the rule is not loaded")
                    return nil
                }
                return .field(
                    FieldItem(
                        fieldName: fieldName, field: FieldReference.resolve(fieldName), test: .exists(text == "true")))
            case .fieldref:
                let allowed: Set<Modifier> = [.fieldref, .all, .neq, .cased, .contains, .startswith, .endswith]
                if let other = modifiers.first(where: { !allowed.contains($0) }) {
                    return reject("'\(other.rawValue)' cannot be combined with 'fieldref'")
                }
                if isKeyword { return reject("'fieldref' needs a field") }
                let positional = modifiers.filter(\.isPositional)
                if positional.count > 1 { return reject("only one of 'contains', 'startswith', 'endswith' may be used") }
                let mode: FieldComparison.Mode =
                    switch positional.first {
                    case .contains?: .contains
                    case .startswith?: .startsWith
                    case .endswith?: .endsWith
                    default: .equals
                    }
                var groups: [[ValueMatcher]] = []
                for value in values {
                    guard let name = rawText(value.alternatives[0]), !name.isEmpty else {
                        collector.report(.error, .invalidValue, at: value.node, "\(label): 'fieldref' needs a field name")
                        return nil
                    }
                    groups.append([
                        .fieldReference(
                            FieldReference.resolve(name), FieldComparison(mode: mode, caseSensitive: cased))
                    ])
                }
                return finish(groups, at: reportNode, label: label, hasNull: false, requireAll: requireAll, negate: negate, fieldName, isKeyword)
            default:
                // Comparisons and time parts.
                let comparisons = modifiers.filter(\.isComparison)
                let timeParts = modifiers.filter(\.isTimeComponent)
                if comparisons.count > 1 { return reject("only one of 'gt', 'gte', 'lt', 'lte' may be used") }
                if timeParts.count > 1 { return reject("only one time part ('minute', 'hour', …) may be used") }
                let allowed: Set<Modifier> = [.all, .neq, .expand]
                if let other = modifiers.first(where: {
                    !allowed.contains($0) && !$0.isComparison && !$0.isTimeComponent
                }) {
                    return reject("'\(other.rawValue)' cannot be combined with '\(kind.rawValue)'")
                }
                if isKeyword { return reject("'\(kind.rawValue)' needs a field") }
                let op: NumericComparison.Operator =
                    comparisons.first.flatMap { NumericComparison.Operator(rawValue: $0.rawValue) } ?? .equal
                let component = timeParts.first.flatMap { TimeComponent(rawValue: $0.rawValue) }
                var groups: [[ValueMatcher]] = []
                for value in values {
                    guard let text = rawText(value.alternatives[0]), let bound = Double(text.trimmingCharacters(in: .whitespaces)) else {
                        collector.report(
                            .error, .invalidValue, at: value.node,
                            "\(label): '\(kind.rawValue)' needs a number, not '\(describe(value.alternatives[0]))'; the rule is not loaded")
                        return nil
                    }
                    let comparison = NumericComparison(op: op, bound: bound)
                    groups.append([component.map { .time($0, comparison) } ?? .comparison(comparison)])
                }
                return finish(groups, at: reportNode, label: label, hasNull: false, requireAll: requireAll, negate: negate, fieldName, isKeyword)
            }
        }

        if let flag = modifiers.first(where: \.isRegexFlag) {
            return reject("'\(flag.rawValue)' is a flag of 're' and needs 're' before it")
        }

        // String transformations, applied in the order written.
        var positionalSeen = false
        for modifier in modifiers {
            switch modifier {
            case .all, .neq, .cased, .expand:
                continue
            case .contains, .startswith, .endswith:
                positionalSeen = true
                for index in values.indices {
                    var transformed: [Stage] = []
                    for stage in values[index].alternatives {
                        switch stage {
                        case .bytes:
                            return reject(
                                "'\(modifier.rawValue)' cannot follow a UTF-16 modifier; an encoding must be followed by 'base64' or 'base64offset'")
                        case .null:
                            return reject("'\(modifier.rawValue)' cannot be applied to null")
                        case .text, .number, .boolean:
                            guard let string = sigmaString(stage) else { continue }
                            var result = string
                            if modifier != .startswith { result = result.withLeadingWildcard() }
                            if modifier != .endswith { result = result.withTrailingWildcard() }
                            transformed.append(.text(result, raw: "", pristine: false))
                        }
                    }
                    values[index].alternatives = transformed
                }
            case .windash:
                // Counted before anything is built: the variants multiply.
                var produced = 0
                for value in values {
                    for stage in value.alternatives {
                        guard let string = sigmaString(stage) else { return reject("'windash' applies to strings") }
                        guard let count = ValueEncoding.windashVariantCount(string) else {
                            collector.report(
                                .error, .invalidValue, at: value.node,
                                "\(label): the value has too many dashes for 'windash' (more than \(ValueEncoding.maxWindashVariants) variants); the rule is not loaded")
                            return nil
                        }
                        produced += count
                        guard admitValues(produced, at: value.node, label: label) else { return nil }
                    }
                }
                for index in values.indices {
                    var transformed: [Stage] = []
                    for stage in values[index].alternatives {
                        guard let string = sigmaString(stage), let variants = ValueEncoding.windashVariants(string) else { continue }
                        transformed += variants.map { .text($0, raw: "", pristine: false) }
                    }
                    values[index].alternatives = transformed
                }
            case .base64, .base64offset:
                let produced = values.reduce(0) { $0 + $1.alternatives.count } * (modifier == .base64offset ? 3 : 1)
                guard admitValues(produced, at: reportNode, label: label) else { return nil }
                for index in values.indices {
                    var transformed: [Stage] = []
                    for stage in values[index].alternatives {
                        let bytes: [UInt8]
                        switch stage {
                        case .bytes(let encoded): bytes = encoded
                        case .null: return reject("'\(modifier.rawValue)' cannot be applied to null")
                        case .text, .number, .boolean:
                            guard let string = sigmaString(stage), let plain = string.plainText else {
                                return reject(
                                    "'\(modifier.rawValue)' cannot encode wildcards; put 'contains', 'startswith' or 'endswith' after it, and escape literal '*' and '?'")
                            }
                            bytes = Array(plain.utf8)
                        }
                        if modifier == .base64 {
                            transformed.append(.text(SigmaString(plain: ValueEncoding.base64(bytes)), raw: "", pristine: false))
                        } else {
                            transformed += ValueEncoding.base64Offsets(bytes).map {
                                .text(SigmaString(plain: $0), raw: "", pristine: false)
                            }
                        }
                    }
                    values[index].alternatives = transformed
                }
            case .utf16le, .utf16be, .utf16, .wide:
                for index in values.indices {
                    var transformed: [Stage] = []
                    for stage in values[index].alternatives {
                        guard let string = sigmaString(stage), let plain = string.plainText else {
                            return reject("'\(modifier.rawValue)' applies to strings without wildcards")
                        }
                        transformed.append(.bytes(ValueEncoding.utf16(plain, modifier: modifier)))
                    }
                    values[index].alternatives = transformed
                }
            default:
                return reject("'\(modifier.rawValue)' is not valid here")
            }
        }

        // Final values.
        var groups: [[ValueMatcher]] = []
        var hasNull = false
        for value in values {
            var group: [ValueMatcher] = []
            for stage in value.alternatives {
                switch stage {
                case .bytes:
                    return reject("a UTF-16 modifier must be followed by 'base64' or 'base64offset'")
                case .null:
                    if isKeyword {
                        collector.report(.error, .invalidValue, at: value.node, "a keyword cannot be null; the rule is not loaded")
                        return nil
                    }
                    hasNull = true
                    group.append(.empty)
                case .number(let text) where !isKeyword && !cased:
                    if let number = NumberPattern(text) {
                        group.append(.number(number))
                    } else {
                        group.append(.string(StringPattern(SigmaString(parsing: text), caseSensitive: cased)))
                    }
                case .text, .number, .boolean:
                    guard var string = sigmaString(stage) else { continue }
                    if isKeyword && !positionalSeen {
                        // Keywords are searched anywhere in a value (full-text search).
                        string = string.withLeadingWildcard().withTrailingWildcard()
                    }
                    group.append(.string(StringPattern(string, caseSensitive: cased)))
                }
            }
            groups.append(group)
        }
        if hasNull && requireAll {
            return reject("'all' cannot be combined with a null value")
        }
        if hasNull && valueNode.sequence != nil {
            return reject(
                "null cannot be one value of a list (the specification's invalid example); write `\(fieldName): null` as a selection of its own and OR it in the condition")
        }
        return finish(groups, at: reportNode, label: label, hasNull: hasNull, requireAll: requireAll, negate: negate, fieldName, isKeyword)
    }

    /// Whether `count` values, beside those the rule already holds, stay within
    /// ``maxValuesPerRule``; reports the error at `node` when not.
    private mutating func admitValues(_ count: Int, at node: Node?, label: String) -> Bool {
        guard count > Self.maxValuesPerRule - valuesInRule else { return true }
        collector.report(
            .error, .invalidValue, at: node,
            "\(label): the rule would hold more than \(Self.maxValuesPerRule) values once 'windash', 'base64offset', "
                + "'expand' and its value lists are counted; the rule is not loaded")
        return false
    }

    private mutating func finish(
        _ groups: [[ValueMatcher]], at node: Node?, label: String, hasNull: Bool, requireAll: Bool, negate: Bool,
        _ fieldName: String, _ isKeyword: Bool
    ) -> ParsedItem? {
        let count = groups.reduce(0) { $0 + $1.count }
        guard admitValues(count, at: node, label: label) else { return nil }
        valuesInRule += count
        // Alternatives are OR-ed, so long lists of literals become one-pass literal sets.
        let combine = ValueMatcher.combiningLiterals
        if isKeyword {
            let keywordGroups = requireAll ? groups.map(combine) : [combine(groups.flatMap { $0 })]
            return .keyword(KeywordItem(groups: keywordGroups, requiresAll: requireAll))
        }
        let test: FieldTest
        if negate {
            test = .noneOf(combine(groups.flatMap { $0 }))
        } else if requireAll {
            test = .allOf(groups.map(combine))
        } else {
            test = .anyOf(combine(groups.flatMap { $0 }), matchesAbsent: hasNull)
        }
        return .field(FieldItem(fieldName: fieldName, field: FieldReference.resolve(fieldName), test: test))
    }

    // MARK: - Values

    private func initialStage(_ node: Node) -> Stage {
        guard let scalar = node.scalar else { return .null }
        let text = scalar.string
        guard scalar.style == .plain || scalar.style == .any else {
            return .text(SigmaString(parsing: text), raw: text, pristine: true)
        }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE", "false", "False", "FALSE": return .boolean(text)
        default: break
        }
        if NumberPattern(text) != nil, text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true {
            return .number(text)
        }
        return .text(SigmaString(parsing: text), raw: text, pristine: true)
    }

    private func sigmaString(_ stage: Stage) -> SigmaString? {
        switch stage {
        case .text(let string, _, _): string
        case .number(let text), .boolean(let text): SigmaString(plain: text)
        case .bytes, .null: nil
        }
    }

    /// The value as written, for modifiers that take it literally (`re`, `cidr`, `fieldref`, numbers).
    private func rawText(_ stage: Stage) -> String? {
        switch stage {
        case .text(let string, let raw, let pristine): pristine ? raw : string.plainText
        case .number(let text), .boolean(let text): text
        case .bytes, .null: nil
        }
    }

    private func describe(_ stage: Stage) -> String {
        switch stage {
        case .text(let string, let raw, let pristine): pristine ? raw : string.display
        case .number(let text), .boolean(let text): text
        case .bytes(let bytes): "\(bytes.count) bytes"
        case .null: "null"
        }
    }

    /// A readable reason for a pattern ICU rejected. ICU's error only echoes the pattern, so the
    /// reason comes from the Swift regex parser when it also rejects the pattern.
    private func regexErrorText(_ pattern: String) -> String {
        do {
            _ = try Regex(pattern)
            return "rejected by the ICU regular expression engine"
        } catch {
            return "\(error)"
        }
    }

    // MARK: - Placeholders

    /// Replaces `%name%` placeholders by their values (several values become alternatives).
    private mutating func expandPlaceholders(_ values: inout [RuleValue], label: String) -> Bool {
        // Several placeholders in one value multiply: the values are counted before they are built.
        var produced = 0
        for index in values.indices {
            var expanded: [Stage] = []
            for stage in values[index].alternatives {
                guard case .text(_, let raw, true) = stage else {
                    expanded.append(stage)
                    continue
                }
                // Split into literal parts and placeholder names; `\%` is a plain percent sign.
                var pieces: [[SigmaString.Element]] = [[]]
                var literal = ""
                var scalars = Array(raw.unicodeScalars)[...]
                var names: [String] = []
                func flushLiteral() {
                    let parsed = SigmaString(parsing: literal).elements
                    pieces = pieces.map { $0 + parsed }
                    literal = ""
                }
                while let scalar = scalars.popFirst() {
                    if scalar == "\\", scalars.first == "%" {
                        scalars.removeFirst()
                        literal.unicodeScalars.append("%")
                        // Escape so SigmaString parsing keeps it literal (it is not a wildcard anyway).
                        continue
                    }
                    if scalar == "%", let end = scalars.firstIndex(of: "%") {
                        let name = String(String.UnicodeScalarView(scalars[scalars.startIndex..<end]))
                        if !name.isEmpty, !name.contains(" ") {
                            flushLiteral()
                            names.append(name)
                            scalars = scalars[scalars.index(after: end)...]
                            if let replacements = placeholders[name], !replacements.isEmpty {
                                let (product, overflow) = pieces.count.multipliedReportingOverflow(by: replacements.count)
                                guard !overflow, admitValues(produced + expanded.count + product, at: values[index].node, label: label)
                                else { return false }
                                let options = replacements.map { SigmaString(parsing: $0).elements }
                                pieces = pieces.flatMap { prefix in options.map { prefix + $0 } }
                            } else {
                                if !unresolvedPlaceholders.contains(name) { unresolvedPlaceholders.append(name) }
                                pieces = pieces.map { $0 + SigmaString(plain: "%\(name)%").elements }
                            }
                            continue
                        }
                    }
                    literal.unicodeScalars.append(scalar)
                }
                flushLiteral()
                if names.isEmpty {
                    expanded.append(stage)
                } else {
                    expanded += pieces.map { .text(SigmaString(elements: $0), raw: "", pristine: false) }
                }
            }
            produced += expanded.count
            values[index].alternatives = expanded
        }
        return true
    }
}
