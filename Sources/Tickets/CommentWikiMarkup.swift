/// Turns `findings.md` into Jira wiki markup (the comment format of Jira's REST API v2), so the
/// findings arrive as headings, lists and tables instead of raw Markdown.
///
/// It reads the same subset as ``CommentHTML`` (via ``MarkdownBlocks``) and writes `h1.`…`h6.`
/// headings, `*` and `#` lists, `||head||` and `|cell|` tables, `{{code}}` spans, `{noformat}`
/// blocks, `*strong*`, `_emphasis_` and `[url]` links. Every character Jira reads as markup
/// (`{ } [ ] | * _ - + ^ ~ ! # ?`, and `( ) @` for emoticons and mentions) in the findings' text is
/// escaped with a backslash, and every backslash is written as the entity `&#92;` (a doubled
/// backslash would be a line break), so no markup, macro, mention or link can come from a case's
/// content. A `<details>` section becomes its summary as a paragraph (Jira has no collapsible text
/// in wiki markup); a code block that itself contains `{noformat` has its braces escaped; a paragraph
/// that begins like `h1. ` or `bq. ` has its first letter written as an entity.
public enum CommentWikiMarkup {
    /// The wiki markup for `markdown`.
    public static func render(_ markdown: String) -> String {
        var blocks: [String] = []
        for block in MarkdownBlocks.parse(markdown) {
            switch block {
            case .heading(let level, let text):
                blocks.append("h\(level). " + inline(text))
            case .paragraph(let text), .detailsStart(let text):
                blocks.append(guardingLineStart(inline(text)))
            case .list(let ordered, let items):
                blocks.append(items.map { (ordered ? "# " : "* ") + inline($0) }.joined(separator: "\n"))
            case .table(let rows):
                let lines = rows.enumerated().map { index, row in
                    let separator = index == 0 ? "||" : "|"
                    return separator + row.map { inline($0).isEmpty ? " " : inline($0) }.joined(separator: separator) + separator
                }
                blocks.append(lines.joined(separator: "\n"))
            case .code(let text):
                let safe = text.lowercased().contains("{noformat") ? escapeBraces(text) : text
                blocks.append("{noformat}\n" + safe + "\n{noformat}")
            case .detailsEnd:
                continue
            }
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// Inline Markdown to wiki markup: escaped text, `{{code}}`, `*strong*`, `_emphasis_`, `[url]`.
    static func inline(_ text: String) -> String {
        var output = ""
        for piece in MarkdownInline.parse(text) {
            switch piece {
            case .text(let literal): output += escape(literal)
            case .entity(let name): output += escape(entities[name] ?? "")
            case .code(let code): output += code.isEmpty ? "" : "{{" + escape(code) + "}}"
            case .strong: output += "*"
            case .emphasis: output += "_"
            case .autolink(let url): output += "[" + linkTarget(url) + "]"
            }
        }
        return output
    }

    /// Text with every wiki markup character backslash-escaped, backslashes as `&#92;` and line
    /// breaks as spaces (a line break would end a list item or table row).
    public static func escape(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "\\": output += "&#92;"
            case "\n", "\r", "\r\n": output += " "
            case "{", "}", "[", "]", "|", "*", "_", "-", "+", "^", "~", "!", "#", "?", "(", ")", "@":
                output += "\\" + String(character)
            default: output.append(character)
            }
        }
        return output
    }

    /// A paragraph whose text begins like a block macro (`h1. `…`h6. `, `bq. `) with its first
    /// letter as an entity, so Jira shows the text instead of a heading or quotation.
    static func guardingLineStart(_ line: String) -> String {
        let head = line.prefix(4)
        let isBlockStart =
            (head.count == 4 && head.first == "h" && head.dropFirst().first.map { ("1"..."6").contains($0) } == true
                && head.hasSuffix(". ")) || head == "bq. "
        guard isBlockStart, let first = line.first?.asciiValue else { return line }
        return "&#\(first);" + line.dropFirst()
    }

    private static let entities = ["lt": "<", "gt": ">", "amp": "&", "quot": "\""]

    /// A URL with the characters that would end or split a `[…]` link percent-encoded.
    private static func linkTarget(_ url: String) -> String {
        var output = ""
        for character in url {
            switch character {
            case "[": output += "%5B"
            case "]": output += "%5D"
            case "|": output += "%7C"
            case "{": output += "%7B"
            case "}": output += "%7D"
            case "\\": output += "%5C"
            default: output.append(character)
            }
        }
        return output
    }

    /// `{` and `}` backslash-escaped, so a code block cannot close its own `{noformat}`.
    private static func escapeBraces(_ text: String) -> String {
        var output = ""
        for character in text {
            if character == "{" || character == "}" { output += "\\" }
            output.append(character)
        }
        return output
    }
}
