/// A necessary condition of a detection made of literals: the detection cannot hold on an event
/// unless one of the literals of one of the alternatives matches a value of that alternative's
/// field. Found conservatively, from the condition's `and` and `or` structure (a `not` or a keyword
/// search gives none).
struct LiteralGuard: Sendable {
    /// One field and the literals (OR-ed) one of which its value must match.
    struct Alternative: Sendable {
        var field: FieldReference
        var literals: [StringPattern]
    }

    /// The alternatives, OR-ed.
    var alternatives: [Alternative]

    /// The length of the shortest literal: the longer, the fewer events pass.
    var shortest: Int { alternatives.lazy.flatMap(\.literals).map(\.bytes.count).min() ?? 0 }
    var literalCount: Int { alternatives.reduce(0) { $0 + $1.literals.count } }

    /// Whether `self` is likely to let fewer events through than `other`.
    func isMoreSelective(than other: LiteralGuard) -> Bool {
        let (mine, theirs) = (shortest, other.shortest)
        return mine > theirs || (mine == theirs && literalCount < other.literalCount)
    }

    /// The most selective of `guards`; `nil` when there is none.
    static func best<S: Sequence>(_ guards: S) -> LiteralGuard? where S.Element == LiteralGuard? {
        var best: LiteralGuard?
        for case let candidate? in guards where best.map({ candidate.isMoreSelective(than: $0) }) ?? true {
            best = candidate
        }
        return best
    }

    /// One guard that holds when any of `guards` holds (all of them must exist).
    static func union<S: Sequence>(_ guards: S) -> LiteralGuard? where S.Element == LiteralGuard? {
        var alternatives: [Alternative] = []
        for candidate in guards {
            guard let candidate else { return nil }
            alternatives += candidate.alternatives
        }
        return alternatives.isEmpty ? nil : LiteralGuard(alternatives: alternatives)
    }
}

extension ConditionNode {
    /// A necessary literal condition of the condition, the most selective found, or `nil`.
    func literalGuard(_ searches: [SearchNode]) -> LiteralGuard? {
        switch self {
        case .search(let index): searches[index].literalGuard
        case .not: nil
        case .and(let children): LiteralGuard.best(children.lazy.map { $0.literalGuard(searches) })
        case .or(let children): LiteralGuard.union(children.lazy.map { $0.literalGuard(searches) })
        }
    }
}

extension SearchNode {
    /// A necessary literal condition of the search, the most selective found, or `nil`.
    var literalGuard: LiteralGuard? {
        switch self {
        case .fields(let items):
            LiteralGuard.best(
                items.lazy.map { item in
                    item.literalAlternatives.map { LiteralGuard(alternatives: [.init(field: item.field, literals: $0)]) }
                })
        case .keywords: nil
        case .anyOf(let nodes): LiteralGuard.union(nodes.lazy.map(\.literalGuard))
        case .allOf(let nodes): LiteralGuard.best(nodes.lazy.map(\.literalGuard))
        }
    }

    /// Whether a regular expression is among the search's matchers (a run that gives up is
    /// reported, so such searches must always be evaluated as written).
    var containsRegex: Bool {
        switch self {
        case .fields(let items): items.contains { $0.containsRegex }
        case .keywords(let item): item.groups.contains { $0.contains { $0.isRegex } }
        case .anyOf(let nodes), .allOf(let nodes): nodes.contains { $0.containsRegex }
        }
    }
}

extension FieldItem {
    /// Whether a regular expression is among the item's matchers.
    var containsRegex: Bool {
        switch test {
        case .exists: false
        case .anyOf(let matchers, _), .noneOf(let matchers): matchers.contains { $0.isRegex }
        case .allOf(let groups): groups.contains { $0.contains { $0.isRegex } }
        }
    }

    /// The item's alternatives as case-insensitive ASCII literals (exact, prefix, suffix or
    /// contains) when it holds exactly when one of them matches a value of the field, and the field
    /// must be present; `nil` for anything else.
    var literalAlternatives: [StringPattern]? {
        guard case .anyOf(let matchers, false) = test, !matchers.isEmpty else { return nil }
        var patterns: [StringPattern] = []
        for matcher in matchers {
            switch matcher {
            case .string(let pattern) where LiteralSet.isEligible(pattern): patterns.append(pattern)
            case .literalSet(let set): patterns.append(contentsOf: set.patterns)
            default: return nil
            }
        }
        return patterns
    }
}

extension ValueMatcher {
    /// Whether the matcher is a regular expression.
    var isRegex: Bool {
        if case .regex = self { return true }
        return false
    }
}
