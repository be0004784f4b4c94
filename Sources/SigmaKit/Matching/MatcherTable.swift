import EventImport

/// Every ``ValueMatcher`` of a ``DetectionProgram``, stored by kind in flat arrays, so that a
/// matcher is tested in place.
///
/// Testing a `ValueMatcher` read from an array copies its payload out of the enum (a `LiteralSet`
/// is five arrays: five retains and five releases per test, about a quarter of the matching
/// instructions over SigmaHQ's rules). Here a matcher is a ``Reference`` (its kind and its position
/// in that kind's array), and the payload's methods run on the array element itself.
struct MatcherTable: Sendable {
    /// The kind of a matcher, which names the array that holds it.
    enum Kind: UInt8, Sendable {
        case string, literalSet, number, empty, regex, cidr, comparison, time, fieldReference
    }

    /// One matcher: its kind and its position in that kind's array.
    struct Reference: Sendable {
        var kind: Kind
        var index: Int32
    }

    /// A run of consecutive ``references``: alternatives, OR-ed.
    struct Alternatives: Sendable {
        var first: Int32
        var count: Int32

        var range: Range<Int> { Int(first)..<(Int(first) + Int(count)) }
    }

    /// A time modifier and the comparison its value must satisfy.
    struct TimeTest: Sendable {
        var component: TimeComponent
        var comparison: NumericComparison
    }

    /// A `fieldref` matcher: the other field and how the values are compared.
    struct FieldReferenceTest: Sendable {
        var reference: FieldReference
        var comparison: FieldComparison
    }

    private(set) var references: [Reference] = []
    private var strings: [StringPattern] = []
    private var literalSets: [LiteralSet] = []
    private var numbers: [NumberPattern] = []
    private var regexes: [RegexMatcher] = []
    private var networks: [IPNetwork] = []
    private var comparisons: [NumericComparison] = []
    private var timeTests: [TimeTest] = []
    private var fieldReferenceTests: [FieldReferenceTest] = []

    /// Adds `matchers` (in order) and returns where their references are.
    mutating func append(_ matchers: [ValueMatcher]) -> Alternatives {
        let first = Int32(references.count)
        for matcher in matchers { references.append(add(matcher)) }
        return Alternatives(first: first, count: Int32(matchers.count))
    }

    private mutating func add(_ matcher: ValueMatcher) -> Reference {
        func reference<Element>(_ kind: Kind, _ array: inout [Element], _ element: Element) -> Reference {
            array.append(element)
            return Reference(kind: kind, index: Int32(array.count - 1))
        }
        switch matcher {
        case .string(let pattern): return reference(.string, &strings, pattern)
        case .literalSet(let set): return reference(.literalSet, &literalSets, set)
        case .number(let pattern): return reference(.number, &numbers, pattern)
        case .empty: return Reference(kind: .empty, index: 0)
        case .regex(let regex): return reference(.regex, &regexes, regex)
        case .cidr(let network): return reference(.cidr, &networks, network)
        case .comparison(let comparison): return reference(.comparison, &comparisons, comparison)
        case .time(let component, let comparison):
            return reference(.time, &timeTests, TimeTest(component: component, comparison: comparison))
        case .fieldReference(let field, let comparison):
            return reference(.fieldReference, &fieldReferenceTests, FieldReferenceTest(reference: field, comparison: comparison))
        }
    }

    /// Whether one of `alternatives` matches the (present) `value`, tried in order; a regular
    /// expression that gives up counts as not matching and is noted in `gaps`.
    @inline(__always)
    func anyMatches(_ alternatives: Alternatives, _ value: String, in event: WinEvent, _ gaps: inout EvaluationGaps) -> Bool {
        for position in alternatives.range where matches(references[position], value, in: event, &gaps) { return true }
        return false
    }

    /// Whether the matcher `reference` matches the (present) `value`.
    @inline(__always)
    private func matches(_ reference: Reference, _ value: String, in event: WinEvent, _ gaps: inout EvaluationGaps) -> Bool {
        let index = Int(reference.index)
        switch reference.kind {
        case .string: return strings[index].matches(value)
        case .literalSet: return literalSets[index].matches(value)
        case .number: return numbers[index].matches(value)
        case .empty: return value.isEmpty
        case .regex:
            switch regexes[index].evaluate(value) {
            case .match: return true
            case .noMatch: return false
            case .gaveUp(let failure):
                gaps.note(regexes[index], failure)
                return false
            }
        case .cidr: return networks[index].contains(value)
        case .comparison: return comparisons[index].matches(value)
        case .time:
            return timeTests[index].component.value(of: value).map { timeTests[index].comparison.holds(for: $0) } ?? false
        case .fieldReference:
            let comparison = fieldReferenceTests[index].comparison
            return fieldReferenceTests[index].reference.anyValue(in: event) { other, _ in comparison.holds(value, other) } ?? false
        }
    }
}
