/// The variants filed under one index key (a channel and an event ID, or a channel and any event
/// ID), in the order they are tested, with a ``GuardPrefilter`` when the list is long.
struct CandidateList: Sendable {
    /// Variant indices, in rule order.
    private(set) var variants: [Int] = []
    /// Skips variants whose guard fails on the event, for long lists only.
    private(set) var prefilter: GuardPrefilter?

    /// The lists at least this long get a prefilter (shorter ones cost less to test one by one).
    static let prefilterThreshold = 32

    var count: Int { variants.count }
    var isEmpty: Bool { variants.isEmpty }

    mutating func append(_ variant: Int) {
        variants.append(variant)
    }

    /// Builds the prefilter when the list is long and enough of its variants have a guard.
    mutating func buildPrefilter(guardOf: (Int) -> LiteralGuard?) {
        guard variants.count >= Self.prefilterThreshold else { return }
        prefilter = GuardPrefilter(variants.map(guardOf))
    }
}

extension LiteralGuard {
    /// The guard of a variant with `searches` and `condition`, or `nil` when it has none or when
    /// one of its searches holds a regular expression (whose giving up on an event is reported, so
    /// such a variant is always evaluated).
    init?(searches: [SearchNode], condition: ConditionNode) {
        guard !searches.contains(where: { $0.containsRegex }),
            let found = condition.literalGuard(searches)
        else { return nil }
        self = found
    }
}
