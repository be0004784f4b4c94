/// Escaping of untrusted text for CommonMark / GitHub-flavoured Markdown.
///
/// The goal is that event content renders as the literal text it is: it cannot open emphasis,
/// code, links, images, autolinks, HTML, headings, list items, quotes, table cells or math, and it
/// cannot end a line. Only what needs it is escaped, so a raw report stays readable (a Windows
/// path keeps single backslashes).
enum MarkdownText {
    /// Characters always preceded by a backslash: code, emphasis, links, tables, strikethrough,
    /// math and headings. (`_` only where it could delimit emphasis, see below.)
    private static let backslashed: Set<Unicode.Scalar> = ["`", "*", "[", "]", "#", "|", "~", "$"]

    /// Escapes one piece of untrusted text for use inside a line (paragraph, list item, heading or
    /// table cell). Control characters and line breaks are removed first (``Sanitizer``).
    ///
    /// `<` and `&` become entities (so no HTML tag, autolink or entity can form and the text
    /// never contains a raw `<`); `>` stays literal except where it would start a quote. When
    /// `atLineStart` (the default), a leading list, quote or heading marker is escaped too.
    static func escape(_ text: String, atLineStart: Bool = true) -> String {
        escapeClean(Sanitizer.clean(text), atLineStart: atLineStart)
    }

    private static func escapeClean(_ text: String, atLineStart: Bool) -> String {
        needsNoEscape(text, atLineStart: atLineStart) ? text : escapeScalars(text, atLineStart: atLineStart)
    }

    /// Escapes text free of control characters scalar by scalar (what ``escapeClean(_:atLineStart:)``
    /// does when the text has anything that may need it).
    static func escapeScalars(_ text: String, atLineStart: Bool) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = ""
        output.unicodeScalars.reserveCapacity(scalars.count + 8)
        var index = 0
        if atLineStart, let marker = lineStartMarker(scalars) {
            output.unicodeScalars.append(contentsOf: scalars[0..<marker])
            output += "\\"
            index = marker
        }
        while index < scalars.count {
            let scalar = scalars[index]
            let previous: Unicode.Scalar? = index > 0 ? scalars[index - 1] : nil
            let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
            switch scalar {
            case "\\":
                // A backslash is literal unless it precedes ASCII punctuation (or ends the text,
                // where whatever the report appends would follow it).
                if let next, !isASCIIPunctuation(next) {
                    output += "\\"
                } else {
                    output += "\\\\"
                }
            case "<": output += "&lt;"
            case "&": output += "&amp;"
            case "_":
                // Inside a word (`rdp_client_disconnect`) `_` cannot open or close emphasis.
                if let previous, let next, isWordCharacter(previous), isWordCharacter(next) {
                    output += "_"
                } else {
                    output += "\\_"
                }
            case ":" where next == "/" && index + 2 < scalars.count && scalars[index + 2] == "/":
                // `scheme://` would become a GFM autolink.
                output += "\\:"
            case "." where index >= 3 && isWWW(scalars, endingAt: index - 1):
                // `www.example.com` would become a GFM autolink.
                output += "\\."
            default:
                if backslashed.contains(scalar) { output += "\\" }
                output.unicodeScalars.append(scalar)
            }
            index += 1
        }
        return output
    }

    /// True when ``escapeClean(_:atLineStart:)`` would return `text` as it is: no character it
    /// escapes, no `://` or `www.` that could become an autolink, and (at the start of a line) no
    /// first character that could begin a block. Most report text is such plain prose, and this
    /// one pass over its bytes is much cheaper than escaping it scalar by scalar. Bytes of
    /// non-ASCII characters pass (none is ever escaped), except before a `.`, where the slow path
    /// decides.
    static func needsNoEscape(_ text: String, atLineStart: Bool) -> Bool {
        let answer = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            if atLineStart, let first = bytes.first, first == UInt8(ascii: ">") || first == UInt8(ascii: "-")
                || first == UInt8(ascii: "+") || first == UInt8(ascii: "=") || (0x30...0x39).contains(first)
            {
                return false
            }
            for index in bytes.indices {
                switch bytes[index] {
                case UInt8(ascii: "\\"), UInt8(ascii: "<"), UInt8(ascii: "&"), UInt8(ascii: "_"), UInt8(ascii: "`"),
                    UInt8(ascii: "*"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "#"), UInt8(ascii: "|"),
                    UInt8(ascii: "~"), UInt8(ascii: "$"):
                    return false
                case UInt8(ascii: ":"):
                    let slashes = index + 2 < bytes.count && bytes[index + 1] == UInt8(ascii: "/") && bytes[index + 2] == UInt8(ascii: "/")
                    if slashes { return false }
                case UInt8(ascii: "."):
                    let mayEndWWW = index >= 3 && bytes[(index - 3)..<index].contains { $0 | 0x20 == UInt8(ascii: "w") || $0 >= 0x80 }
                    if mayEndWWW { return false }
                default:
                    continue
                }
            }
            return true
        }
        return answer ?? false
    }

    /// The index of the character to escape when the text, at the start of a line, would begin a
    /// list item (`-`, `+`, `1.`, `1)`), a quote (`>`), a thematic break or a setext underline
    /// (a run of `-` or `=`); nil otherwise. (`*` and `#` are always escaped.)
    private static func lineStartMarker(_ scalars: [Unicode.Scalar]) -> Int? {
        guard let first = scalars.first else { return nil }
        let endsMarker = { (index: Int) in index >= scalars.count || scalars[index] == " " }
        switch first {
        case ">":
            return 0
        case "-", "+", "=":
            return endsMarker(1) || scalars.allSatisfy({ $0 == first || $0 == " " }) ? 0 : nil
        default:
            var digits = 0
            while digits < scalars.count, ("0"..."9").contains(scalars[digits]) { digits += 1 }
            guard digits > 0, digits < scalars.count, scalars[digits] == "." || scalars[digits] == ")" else { return nil }
            return endsMarker(digits + 1) ? digits : nil
        }
    }

    /// Inline code for untrusted text: the fence is longer than any backtick run inside, and the
    /// content is padded when it starts or ends with a backtick or space. Inside code nothing is
    /// interpreted, so only line breaks and control characters are removed. Not for table cells.
    static func code(_ text: String) -> String {
        let content = Sanitizer.clean(text)
        let fence = String(repeating: "`", count: longestBacktickRun(content) + 1)
        let padded = content.hasPrefix("`") || content.hasSuffix("`") || content.isEmpty ? " \(content) " : content
        return fence + padded + fence
    }

    /// A fenced code block (for a command to copy); untrusted content cannot close the fence.
    static func codeBlock(_ text: String) -> String {
        let content = Sanitizer.clean(text)
        let fence = String(repeating: "`", count: max(3, longestBacktickRun(content) + 1))
        return fence + "\n" + content + "\n" + fence
    }

    /// Text that marks commands and paths as code with backticks (remediation steps): each
    /// complete `` `…` `` span becomes inline code, everything else is escaped.
    static func rich(_ text: String) -> String {
        RichText.segments(Sanitizer.clean(text)).enumerated().map { index, segment in
            switch segment {
            // Spaces next to code spans are kept; the text is already free of control characters.
            case .text(let text): escapeClean(text, atLineStart: index == 0)
            case .code(let code): MarkdownText.code(code)
            }
        }.joined()
    }

    /// A link to a reference: an autolink for a safe http(s) URL, otherwise escaped text.
    static func link(_ url: String) -> String {
        Wording.isSafeLink(url) ? "<\(url)>" : escape(url, atLineStart: false)
    }

    private static func isWWW(_ scalars: [Unicode.Scalar], endingAt end: Int) -> Bool {
        let start = end - 2
        guard start >= 0 else { return false }
        let word = String(String.UnicodeScalarView(scalars[start...end])).lowercased()
        guard word == "www" else { return false }
        return start == 0 || !isWordCharacter(scalars[start - 1])
    }

    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
    }

    static func isASCIIPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: true
        default: false
        }
    }

    static func longestBacktickRun(_ text: String) -> Int {
        var longest = 0
        var run = 0
        for scalar in text.unicodeScalars {
            if scalar == "`" {
                run += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        return longest
    }
}

/// Splits text into plain text and `` `code` `` spans (a backtick run closed by a run of the same
/// length, as in CommonMark); an unclosed run stays text.
enum RichText {
    enum Segment: Equatable {
        case text(String)
        case code(String)
    }

    static func segments(_ text: String) -> [Segment] {
        let scalars = Array(text.unicodeScalars)
        var segments: [Segment] = []
        var plain = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "`" else {
                plain.append(scalars[index])
                index += 1
                continue
            }
            var runEnd = index
            while runEnd < scalars.count, scalars[runEnd] == "`" { runEnd += 1 }
            let length = runEnd - index
            if let close = closingRun(scalars, from: runEnd, length: length) {
                if !plain.isEmpty {
                    segments.append(.text(String(plain)))
                    plain = String.UnicodeScalarView()
                }
                segments.append(.code(String(String.UnicodeScalarView(scalars[runEnd..<close]))))
                index = close + length
            } else {
                plain.append(contentsOf: scalars[index..<runEnd])
                index = runEnd
            }
        }
        if !plain.isEmpty { segments.append(.text(String(plain))) }
        return segments
    }

    private static func closingRun(_ scalars: [Unicode.Scalar], from start: Int, length: Int) -> Int? {
        var index = start
        while index < scalars.count {
            guard scalars[index] == "`" else {
                index += 1
                continue
            }
            var runEnd = index
            while runEnd < scalars.count, scalars[runEnd] == "`" { runEnd += 1 }
            if runEnd - index == length { return index }
            index = runEnd
        }
        return nil
    }
}
