public import EventImport

/// The rules a ``SigmaEngine`` could not evaluate on some events of one input (a case, a hunt),
/// so that a rule that could not be evaluated is reported instead of counting as "no match".
///
/// Today one thing makes a rule unevaluable: a `re` value whose match gave up (it ran out of its
/// step budget, or ICU failed; see ``RegexMatcher``). From that event on, the rule is not evaluated
/// again on the same input (each further event it would have been tested on is counted), so a
/// catastrophic pattern costs one budget per input, not one per event.
///
/// Keep one value per input and pass it to ``SigmaEngine/forEachMatchIndex(in:gaps:_:)``; then
/// report ``diagnostics(rules:)``.
public struct EvaluationGaps: Sendable {
    /// One rule that was not evaluated on some events.
    public struct Gap: Sendable, Hashable {
        /// The rule's index in ``SigmaEngine/rules``.
        public var rule: Int
        /// The events the rule was not evaluated on (the first included).
        public var events: Int
        /// The regular expression that gave up.
        public var pattern: String
        /// Where the expression is written in the rule file, when known.
        public var position: SourcePosition?
        /// Why it gave up, e.g. `did not finish within 1000000 backtracking steps on a 41-character value`.
        public var reason: String
        /// The event it first gave up on.
        public var firstEvent: EventOrigin
    }

    /// The rules not evaluated, in the order they first gave up.
    public private(set) var gaps: [Gap] = []
    /// Positions in ``gaps`` by rule index.
    private var gapOfRule: [Int: Int] = [:]
    /// The first regular expression that gave up while the current event was being evaluated.
    private var pending: (regex: RegexMatcher, failure: RegexMatcher.Failure)?

    /// Creates an empty record (for a new input).
    public init() {}

    /// Whether every rule was evaluated on every event so far.
    public var isEmpty: Bool { gaps.isEmpty }

    /// Whether `rule` already gave up on this input.
    @inline(__always)
    func hasGivenUp(_ rule: Int) -> Bool {
        !gapOfRule.isEmpty && gapOfRule[rule] != nil
    }

    /// Counts one more event `rule` was not evaluated on.
    mutating func countSkipped(_ rule: Int) {
        if let position = gapOfRule[rule] { gaps[position].events += 1 }
    }

    /// Notes that `regex` gave up during the current evaluation (the first one is kept).
    mutating func note(_ regex: RegexMatcher, _ failure: RegexMatcher.Failure) {
        if pending == nil { pending = (regex, failure) }
    }

    /// Ends the evaluation of `rule` on `event`: true when it was complete; otherwise the rule is
    /// recorded as not evaluated from now on.
    mutating func finishEvaluation(of rule: Int, on event: WinEvent) -> Bool {
        guard let (regex, failure) = pending else { return true }
        pending = nil
        let reason =
            failure.engineError
            ? "made ICU fail (its backtracking stack overflowed) on a \(failure.valueLength)-character value"
            : "did not finish within \(regex.tickBudget * 10_000) backtracking steps on a \(failure.valueLength)-character value"
        gapOfRule[rule] = gaps.count
        gaps.append(
            Gap(rule: rule, events: 1, pattern: regex.pattern, position: regex.position, reason: reason, firstEvent: event.origin))
        return false
    }

    /// Adds the gaps of an input read apart from this one (one file of a case read on another
    /// thread), as if it had been read after this one: a rule already here counts the other's
    /// events too and keeps its first reason; a rule new here is appended.
    public mutating func absorb(_ other: EvaluationGaps) {
        for gap in other.gaps {
            if let position = gapOfRule[gap.rule] {
                gaps[position].events += gap.events
            } else {
                gapOfRule[gap.rule] = gaps.count
                gaps.append(gap)
            }
        }
    }

    /// One warning per rule not evaluated, naming the rule file and the pattern's position.
    public func diagnostics(rules: [SigmaRule]) -> [SigmaDiagnostic] {
        gaps.map { gap in
            let rule = rules[gap.rule]
            let position = gap.position ?? rule.position
            return SigmaDiagnostic(
                .warning, .regexNotEvaluated, source: rule.source, line: position.line, column: position.column,
                message:
                    "rule '\(rule.title)' was not evaluated on \(gap.events) event(s): its regular expression '\(gap.pattern)' "
                    + "\(gap.reason) (first at \(gap.firstEvent)); it was not tried again on this input, so its matches are unknown")
        }
    }
}
