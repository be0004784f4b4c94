/// Parses a Sigma condition (`selection and not 1 of filter_*`) into a ``ConditionNode``.
///
/// Grammar, from least to most binding: `or`, `and`, `not`, `1 of` / `any of` / `all of`
/// (`them` or an identifier pattern with `*`), parentheses. Keywords are case-insensitive;
/// identifiers are case-sensitive, as they are YAML keys. `them` leaves out identifiers that start
/// with `_`.
///
/// The parser is recursive, so nesting is limited to ``maxDepth`` levels of parentheses and `not`:
/// 100,000 nested `(` would otherwise overflow the stack.
struct ConditionParser {
    /// The deepest nesting of parentheses and `not` a condition may have.
    static let maxDepth = 64


    /// A problem with its offset (in Unicode scalars) from the start of the condition text.
    struct Failure: Error {
        var code: SigmaDiagnostic.Code
        var offset: Int
        var message: String
    }

    private enum Token: Equatable {
        case word(String)
        case open
        case close
        case end
    }

    private let identifiers: [String]
    private var tokens: [(token: Token, offset: Int)] = []
    private var index = 0
    /// Parentheses and `not` open around the token being parsed.
    private var depth = 0
    /// Identifiers the condition referenced.
    private(set) var used: Set<Int> = []

    /// Creates a parser that resolves names against `identifiers` (in document order).
    init(identifiers: [String]) {
        self.identifiers = identifiers
    }

    /// Parses `text`, or throws a ``Failure`` naming the offending offset.
    mutating func parse(_ text: String) throws(Failure) -> ConditionNode {
        try tokenize(text)
        index = 0
        depth = 0
        if tokens[0].token == .end {
            throw Failure(code: .conditionSyntax, offset: 0, message: "the condition is empty")
        }
        let node = try parseOr()
        if tokens[index].token != .end {
            throw Failure(
                code: .conditionSyntax, offset: tokens[index].offset,
                message: "unexpected \(describe(tokens[index].token)) in the condition")
        }
        return node
    }

    private mutating func tokenize(_ text: String) throws(Failure) {
        tokens = []
        let scalars = Array(text.unicodeScalars)
        var position = 0
        while position < scalars.count {
            let scalar = scalars[position]
            switch scalar {
            case " ", "\t", "\n", "\r":
                position += 1
            case "(":
                tokens.append((.open, position))
                position += 1
            case ")":
                tokens.append((.close, position))
                position += 1
            case "|":
                throw Failure(
                    code: .deprecatedSyntax, offset: position,
                    message:
                        "aggregation expressions ('| count() …') are Sigma v1 syntax that v2 replaced with correlation "
                        + "rules; the rule is not loaded")
            default:
                let start = position
                var word = String.UnicodeScalarView()
                while position < scalars.count {
                    let next = scalars[position]
                    if next == " " || next == "\t" || next == "\n" || next == "\r" || next == "(" || next == ")"
                        || next == "|"
                    {
                        break
                    }
                    word.append(next)
                    position += 1
                }
                tokens.append((.word(String(word)), start))
            }
        }
        tokens.append((.end, scalars.count))
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .word(let word): "'\(word)'"
        case .open: "'('"
        case .close: "')'"
        case .end: "end of condition"
        }
    }

    private func keyword(_ token: Token) -> String? {
        guard case .word(let word) = token else { return nil }
        let lowered = word.lowercased()
        switch lowered {
        case "and", "or", "not", "of", "them", "all", "any", "1": return lowered
        default: return nil
        }
    }

    private mutating func parseOr() throws(Failure) -> ConditionNode {
        var children = [try parseAnd()]
        while keyword(tokens[index].token) == "or" {
            index += 1
            children.append(try parseAnd())
        }
        return children.count == 1 ? children[0] : .or(children)
    }

    private mutating func parseAnd() throws(Failure) -> ConditionNode {
        var children = [try parseNot()]
        while keyword(tokens[index].token) == "and" {
            index += 1
            children.append(try parseNot())
        }
        return children.count == 1 ? children[0] : .and(children)
    }

    private mutating func parseNot() throws(Failure) -> ConditionNode {
        if keyword(tokens[index].token) == "not" {
            try enter()
            index += 1
            let inner = try parseNot()
            depth -= 1
            return .not(inner)
        }
        return try parsePrimary()
    }

    /// Counts one more level of nesting at the current token, or fails past ``maxDepth``.
    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= Self.maxDepth else {
            throw Failure(
                code: .conditionSyntax, offset: tokens[index].offset,
                message: "the condition nests parentheses and 'not' more than \(Self.maxDepth) levels deep")
        }
    }

    private mutating func parsePrimary() throws(Failure) -> ConditionNode {
        let (token, offset) = tokens[index]
        switch token {
        case .open:
            try enter()
            index += 1
            let inner = try parseOr()
            depth -= 1
            guard tokens[index].token == .close else {
                throw Failure(
                    code: .conditionSyntax, offset: tokens[index].offset,
                    message: "expected ')' to close the '(' at offset \(offset + 1), found \(describe(tokens[index].token))")
            }
            index += 1
            return inner
        case .close, .end:
            throw Failure(
                code: .conditionSyntax, offset: offset,
                message: "expected a search identifier, 'not', '(' or 'x of', found \(describe(token))")
        case .word(let word):
            let lowered = word.lowercased()
            if keyword(tokens[index + 1].token) == "of" {
                return try parseQuantified(word: word, lowered: lowered, offset: offset)
            }
            if let kw = keyword(token), kw != "1", kw != "all", kw != "any", kw != "them" {
                throw Failure(
                    code: .conditionSyntax, offset: offset,
                    message: "expected a search identifier, found the keyword '\(word)'")
            }
            index += 1
            guard let found = identifiers.firstIndex(of: word) else {
                let hint = identifiers.first { $0.lowercased() == lowered }.map { " (did you mean '\($0)'?)" } ?? ""
                throw Failure(
                    code: .undefinedIdentifier, offset: offset,
                    message: "the condition uses '\(word)', which the detection does not define\(hint)")
            }
            used.insert(found)
            return .search(found)
        }
    }

    private mutating func parseQuantified(word: String, lowered: String, offset: Int) throws(Failure)
        -> ConditionNode
    {
        let requireAll: Bool
        switch lowered {
        case "1", "any": requireAll = false
        case "all": requireAll = true
        default:
            throw Failure(
                code: .conditionSyntax, offset: offset,
                message: "'\(word) of' is not defined by Sigma: use '1 of' or 'all of'")
        }
        index += 2
        let (target, targetOffset) = tokens[index]
        guard case .word(let pattern) = target else {
            throw Failure(
                code: .conditionSyntax, offset: targetOffset,
                message: "expected 'them' or an identifier pattern after '\(word) of', found \(describe(target))")
        }
        index += 1
        var selected: [Int] = []
        if pattern.lowercased() == "them" {
            selected = identifiers.indices.filter { !identifiers[$0].hasPrefix("_") }
            if selected.isEmpty {
                throw Failure(
                    code: .undefinedIdentifier, offset: targetOffset,
                    message: "'\(word) of them' has no search identifier to use (all start with '_')")
            }
        } else {
            let compiled = StringPattern(SigmaString(parsing: pattern), caseSensitive: true)
            selected = identifiers.indices.filter { compiled.matches(identifiers[$0]) }
            if selected.isEmpty {
                throw Failure(
                    code: .undefinedIdentifier, offset: targetOffset,
                    message: "the pattern '\(pattern)' in '\(word) of \(pattern)' matches no search identifier")
            }
        }
        used.formUnion(selected)
        let nodes = selected.map { ConditionNode.search($0) }
        if nodes.count == 1 { return nodes[0] }
        return requireAll ? .and(nodes) : .or(nodes)
    }
}
