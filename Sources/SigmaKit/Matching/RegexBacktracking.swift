/// How much backtracking a regular expression can cost, read from its text.
///
/// ICU is a backtracking engine: `(a+)+$` on forty `a`s and a `!` tries 2^40 ways before it fails,
/// and `.*.*.*=.*` on a long value tries n^4. Two shapes make the cost exponential (a repeated group
/// that itself repeats something, or that chooses between alternatives); several unbounded
/// quantifiers make it polynomial. The reading is deliberately coarse (classes are atoms, look-
/// around is a group) and errs towards "risky", which only costs a step budget at run time.
struct RegexBacktracking: Sendable, Hashable {
    /// A group repeated without bound that repeats something inside: `(a+)+`, `(.*)*`, `(\w+\s?)*`.
    var nestedQuantifier = false
    /// A group repeated without bound that chooses between alternatives: `(a|aa)+`.
    var repeatedAlternation = false
    /// A group repeated a bounded number of times that repeats something inside: `(a{1,20}){1,20}`
    /// (exponential in the bounds rather than in the value).
    var boundedNesting = false
    /// Unbounded quantifiers (`*`, `+`, `{n,}`) that can give back what they took.
    var unboundedQuantifiers = 0
    /// A backreference (`\1`, `\k<name>`): matching it may backtrack without bound.
    var backreference = false

    /// Whether the pattern can take exponential time on some value.
    var isExponential: Bool { nestedQuantifier || repeatedAlternation }

    /// Whether a match must run under a step budget even on short values (anything but a pattern
    /// whose cost is at most quadratic in the value's length).
    var needsStepBudget: Bool { isExponential || boundedNesting || backreference || unboundedQuantifiers >= 2 }

    /// Reads `pattern`.
    init(pattern: String) {
        struct Group {
            var repeatsInside = false
            var hasAlternation = false
            var isAtomic = false
        }
        let scalars = Array(pattern.unicodeScalars)
        var stack = [Group()]
        // What the quantifier that follows applies to: a group just closed, or a single atom.
        var closedGroup: Group?
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            var atomIsGroup: Group?
            switch scalar {
            case "\\":
                if index + 1 < scalars.count {
                    let next = scalars[index + 1]
                    if ("1"..."9").contains(next) || next == "k" { backreference = true }
                }
                index += 2
            case "[":
                index = RegexLiteral.skipClass(scalars, from: index) ?? scalars.count
            case "(":
                var group = Group()
                if index + 2 < scalars.count, scalars[index + 1] == "?", scalars[index + 2] == ">" { group.isAtomic = true }
                stack.append(group)
                index += 1
                closedGroup = nil
                continue
            case ")":
                if stack.count > 1, let group = stack.popLast() {
                    atomIsGroup = group
                    // What repeats inside an atomic group never gives anything back.
                    if group.repeatsInside && !group.isAtomic { stack[stack.count - 1].repeatsInside = true }
                }
                index += 1
            case "|":
                stack[stack.count - 1].hasAlternation = true
                index += 1
            case "*", "+", "?", "{":
                let (upperBound, after) = Self.quantifier(scalars, at: index)
                index = after
                guard let upperBound else { continue }  // `{` that is not a quantifier: a literal brace
                var possessive = false
                if index < scalars.count && scalars[index] == "+" {
                    possessive = true
                    index += 1
                } else if index < scalars.count && scalars[index] == "?" {
                    index += 1  // lazy: backtracks all the same
                }
                let unbounded = upperBound == .max
                if upperBound > 1 && !possessive {
                    if unbounded { unboundedQuantifiers += 1 }
                    if let group = closedGroup, !group.isAtomic {
                        if unbounded {
                            if group.repeatsInside { nestedQuantifier = true }
                            if group.hasAlternation { repeatedAlternation = true }
                        } else if group.repeatsInside {
                            boundedNesting = true
                        }
                    }
                    stack[stack.count - 1].repeatsInside = true
                }
                closedGroup = nil
                continue
            default:
                index += 1
            }
            closedGroup = atomIsGroup
        }
    }

    /// The upper bound of the quantifier at `index` (`Int.max` when unbounded) and the index after
    /// it, or `nil` for a `{` that does not start a quantifier.
    private static func quantifier(_ scalars: [Unicode.Scalar], at index: Int) -> (Int?, Int) {
        switch scalars[index] {
        case "*", "+": return (.max, index + 1)
        case "?": return (1, index + 1)
        default: break
        }
        var cursor = index + 1
        var lower = ""
        while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) {
            lower.unicodeScalars.append(scalars[cursor])
            cursor += 1
        }
        guard !lower.isEmpty, cursor < scalars.count else { return (nil, index + 1) }
        if scalars[cursor] == "}" { return (Int(lower) ?? .max, cursor + 1) }
        guard scalars[cursor] == "," else { return (nil, index + 1) }
        cursor += 1
        var upper = ""
        while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) {
            upper.unicodeScalars.append(scalars[cursor])
            cursor += 1
        }
        guard cursor < scalars.count, scalars[cursor] == "}" else { return (nil, index + 1) }
        return (upper.isEmpty ? .max : Int(upper) ?? .max, cursor + 1)
    }
}
