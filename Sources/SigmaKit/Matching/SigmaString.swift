/// A Sigma string value: characters and the wildcards `*` (any run) and `?` (one character).
///
/// Parsing follows the specification's escaping rules: `\*`, `\?` and `\\` stand for the plain
/// characters; a backslash before anything else is a plain backslash. So `C:\Windows\*` is the
/// folder prefix followed by a wildcard, `\\*` is a backslash followed by a wildcard, and `\\\*` is
/// a backslash followed by a plain asterisk.
struct SigmaString: Sendable, Hashable {
    /// One element of a Sigma string.
    enum Element: Sendable, Hashable {
        /// A plain character.
        case scalar(Unicode.Scalar)
        /// `*`: any run of characters, possibly empty.
        case anyString
        /// `?`: exactly one character.
        case anyCharacter
    }

    var elements: [Element]

    /// Parses a rule value with wildcards and escapes.
    init(parsing raw: String) {
        var elements: [Element] = []
        elements.reserveCapacity(raw.unicodeScalars.count)
        var scalars = raw.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            switch scalar {
            case "*": elements.append(.anyString)
            case "?": elements.append(.anyCharacter)
            case "\\":
                if let next = pending, next == "*" || next == "?" || next == "\\" {
                    elements.append(.scalar(next))
                    pending = scalars.next()
                } else {
                    elements.append(.scalar("\\"))
                }
            default: elements.append(.scalar(scalar))
            }
        }
        self.elements = elements
    }

    /// A string without wildcards (the output of an encoding modifier, a placeholder value, …).
    init(plain text: String) {
        elements = text.unicodeScalars.map { .scalar($0) }
    }

    init(elements: [Element]) {
        self.elements = elements
    }

    /// Whether the value contains `*` or `?` wildcards.
    var hasWildcards: Bool {
        elements.contains { if case .scalar = $0 { false } else { true } }
    }

    /// The text when the value has no wildcards, else `nil`.
    var plainText: String? {
        var text = String.UnicodeScalarView()
        for element in elements {
            guard case .scalar(let scalar) = element else { return nil }
            text.append(scalar)
        }
        return String(text)
    }

    /// The value with `*` added in front unless it already starts with one (`endswith`, `contains`).
    func withLeadingWildcard() -> SigmaString {
        if elements.first == .anyString { return self }
        return SigmaString(elements: [.anyString] + elements)
    }

    /// The value with `*` added at the end unless it already ends with one (`startswith`, `contains`).
    func withTrailingWildcard() -> SigmaString {
        if elements.last == .anyString { return self }
        return SigmaString(elements: elements + [.anyString])
    }

    /// A readable form for messages, with wildcards shown as `*` and `?`.
    var display: String {
        var text = ""
        for element in elements {
            switch element {
            case .scalar(let scalar):
                if scalar == "*" || scalar == "?" || scalar == "\\" { text.append("\\") }
                text.unicodeScalars.append(scalar)
            case .anyString: text.append("*")
            case .anyCharacter: text.append("?")
            }
        }
        return text
    }
}
