/// Escaping of untrusted text for HTML (element content and quoted attribute values alike).
enum HTMLText {
    /// Escapes `& < > " '` after removing line breaks and control characters (``Sanitizer``).
    static func escape(_ text: String) -> String {
        escapeClean(Sanitizer.clean(text))
    }

    /// Text that marks commands and paths with backticks (remediation steps): each complete
    /// `` `…` `` span becomes `<code>`, everything is escaped.
    static func rich(_ text: String) -> String {
        RichText.segments(Sanitizer.clean(text)).map { segment in
            switch segment {
            case .text(let text): escapeClean(text)
            case .code(let code): "<code>" + escapeClean(Sanitizer.trimmed(code)) + "</code>"
            }
        }.joined()
    }

    /// A reference: a link for a safe http(s) URL, otherwise escaped text.
    static func link(_ url: String) -> String {
        let text = escape(url)
        return Wording.isSafeLink(url) ? "<a href=\"\(text)\" rel=\"noreferrer noopener\">\(text)</a>" : text
    }

    /// Escapes text and allows line breaks after `/`, `\\`, `_` and `!` (paths and rule names in
    /// narrow table cells).
    static func breakable(_ text: String) -> String {
        var output = ""
        for character in escape(text) {
            output.append(character)
            if character == "/" || character == "\\" || character == "_" || character == "!" { output += "<wbr>" }
        }
        return output
    }

    /// Escapes text that is already free of control characters.
    static func escapeClean(_ text: String) -> String {
        // Most text has nothing to escape: one pass over its bytes finds that.
        let plain = text.utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { byte in
                byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"")
                    || byte == UInt8(ascii: "'")
            }
        }
        return plain == true ? text : escapeScalars(text)
    }

    /// Escapes text free of control characters scalar by scalar (what ``escapeClean(_:)`` does
    /// when the text has anything to escape).
    static func escapeScalars(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
