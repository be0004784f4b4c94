import EventImport

/// The definition of one search identifier, compiled.
indirect enum SearchNode: Sendable {
    /// The field items of a map: every item must hold (AND), cheapest first.
    case fields([FieldItem])
    /// A keyword search over all payload values.
    case keywords(KeywordItem)
    /// A list of maps or keywords: one must hold (OR).
    case anyOf([SearchNode])
    /// A map that mixes field items and keyword (`'|all':`) entries: every part must hold.
    case allOf([SearchNode])
}

/// A condition over search identifiers (`x of` patterns are expanded when parsed).
indirect enum ConditionNode: Sendable {
    case search(Int)
    case not(ConditionNode)
    case and([ConditionNode])
    case or([ConditionNode])
}

/// One `field|modifiers: values` entry of a map.
struct FieldItem: Sendable {
    /// The field name as the rule writes it (for messages and field mapping).
    var fieldName: String
    /// How the field is found in an event.
    var field: FieldReference
    /// What the field's value must satisfy.
    var test: FieldTest
    /// A rough cost used to evaluate cheap items of a map first.
    var cost: Int {
        switch test {
        case .exists: 0
        case .anyOf(let matchers, _), .noneOf(let matchers): matchers.reduce(0) { $0 + $1.cost }
        case .allOf(let groups): groups.reduce(0) { sum, group in group.reduce(sum) { $0 + $1.cost } }
        }
    }
}

/// What a field's value must satisfy.
enum FieldTest: Sendable {
    /// `exists: true|false`.
    case exists(Bool)
    /// One of the matchers holds (OR); `matchesAbsent` when the values include `null`.
    case anyOf([ValueMatcher], matchesAbsent: Bool)
    /// Each group (the alternatives one rule value expanded to) holds (`all`).
    case allOf([[ValueMatcher]])
    /// `neq`: the field is present and none of the matchers holds.
    case noneOf([ValueMatcher])
}

/// A keyword search: values looked for in every payload value of the event.
struct KeywordItem: Sendable {
    /// One group per rule value; a group holds when one of its alternatives matches some payload value.
    var groups: [[ValueMatcher]]
    /// `|all`: every group must hold; otherwise one is enough.
    var requiresAll: Bool
}

/// How a comparison between two fields (`fieldref`) is made.
struct FieldComparison: Sendable, Hashable {
    /// Which part of the value the referenced field's value must match.
    enum Mode: Sendable, Hashable {
        case equals, startsWith, endsWith, contains
    }

    var mode: Mode
    var caseSensitive: Bool

    /// Whether `value` relates to the referenced field's value `reference` as the mode says.
    func holds(_ value: String, _ reference: String) -> Bool {
        var value = value
        var reference = reference
        value.makeContiguousUTF8()
        reference.makeContiguousUTF8()
        return value.utf8.withContiguousStorageIfAvailable { valueBytes in
            reference.utf8.withContiguousStorageIfAvailable { referenceBytes in
                if compare(valueBytes, referenceBytes, fold: !caseSensitive) { return true }
                guard !caseSensitive, containsNonASCII(valueBytes) || containsNonASCII(referenceBytes) else {
                    return false
                }
                return withUnicodeLowered(valueBytes) { loweredValue in
                    withUnicodeLowered(referenceBytes) { compare(loweredValue, $0, fold: false) }
                }
            } ?? false
        } ?? false
    }

    private func compare(_ value: UnsafeBufferPointer<UInt8>, _ reference: UnsafeBufferPointer<UInt8>, fold: Bool)
        -> Bool
    {
        func equal(at offset: Int) -> Bool {
            var index = 0
            while index < reference.count {
                if foldByte(value[offset + index], fold) != foldByte(reference[index], fold) { return false }
                index += 1
            }
            return true
        }
        guard value.count >= reference.count else { return false }
        switch mode {
        case .equals: return value.count == reference.count && equal(at: 0)
        case .startsWith: return equal(at: 0)
        case .endsWith: return equal(at: value.count - reference.count)
        case .contains:
            var offset = 0
            while offset + reference.count <= value.count {
                if equal(at: offset) { return true }
                offset += 1
            }
            return false
        }
    }
}

/// One alternative a field value is tested against, as parsed; the engine tests it from a
/// ``MatcherTable``.
enum ValueMatcher: Sendable {
    /// A string with wildcards (case-insensitive unless `cased`).
    case string(StringPattern)
    /// Several literals of one shape tested in one pass (built from `string` alternatives).
    case literalSet(LiteralSet)
    /// A number (decimal or hexadecimal text, or the same text).
    case number(NumberPattern)
    /// `null`: the field is empty (absence is handled by ``FieldTest/anyOf(_:matchesAbsent:)``).
    case empty
    /// `re`.
    case regex(RegexMatcher)
    /// `cidr`.
    case cidr(IPNetwork)
    /// `gt`, `gte`, `lt`, `lte`.
    case comparison(NumericComparison)
    /// `minute`, `hour`, `day`, `week`, `month`, `year`, compared with a number.
    case time(TimeComponent, NumericComparison)
    /// `fieldref`: compared with the value of another field of the same event.
    case fieldReference(FieldReference, FieldComparison)

    /// A rough evaluation cost, so that literal comparisons run before regular expressions.
    var cost: Int {
        switch self {
        case .empty, .number: 1
        case .string(let pattern):
            switch pattern.shape {
            case .anything, .exact, .prefix, .suffix: 1
            case .contains: 3
            case .glob: 5
            }
        case .literalSet: 2
        case .comparison, .time, .cidr: 4
        case .fieldReference: 20
        case .regex: 50
        }
    }
}
