import Foundation

/// One block of the Markdown subset `MarkdownReport` writes, as the comment renderers
/// (``CommentHTML``, ``CommentWikiMarkup``) read it.
enum MarkdownBlock: Equatable {
    /// `## Title`: level 1 to 6 and the heading's inline text.
    case heading(level: Int, text: String)
    /// Consecutive text lines, joined with single spaces.
    case paragraph(String)
    /// Consecutive `- item` (unordered) or `1. item` (ordered) lines.
    case list(ordered: Bool, items: [String])
    /// Consecutive `| a | b |` rows, the first being the header; the `|---|` separator is dropped.
    case table(rows: [[String]])
    /// The lines of a fenced code block, verbatim.
    case code(String)
    /// `<details><summary>…</summary>`: the summary's inline text.
    case detailsStart(summary: String)
    /// `</details>`.
    case detailsEnd
}

/// Splits Markdown into ``MarkdownBlock``s: ATX headings, paragraphs, `-` and `1.` lists, pipe
/// tables, fenced code blocks and `<details>`/`<summary>` lines. Inline text stays unparsed
/// (see ``MarkdownInline``).
enum MarkdownBlocks {
    /// The blocks of `markdown`, in order.
    static func parse(_ markdown: String) -> [MarkdownBlock] {
        var blocks: [MarkdownBlock] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])?
        var table: [[String]] = []
        var fence: String?
        var code: [String] = []

        func closeParagraph() {
            if !paragraph.isEmpty { blocks.append(.paragraph(paragraph.joined(separator: " "))) }
            paragraph = []
        }
        func closeList() {
            if let open = list { blocks.append(.list(ordered: open.ordered, items: open.items)) }
            list = nil
        }
        func closeTable() {
            guard !table.isEmpty else { return }
            let rows = table.enumerated().filter { $0.offset != 1 || !$0.element.allSatisfy(isSeparatorCell) }.map(\.element)
            blocks.append(.table(rows: rows))
            table = []
        }
        func closeBlocks() {
            closeParagraph()
            closeList()
            closeTable()
        }

        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let open = fence {
                if line == open {
                    blocks.append(.code(code.joined(separator: "\n")))
                    fence = nil
                    code = []
                } else {
                    code.append(line)
                }
                continue
            }
            if line.hasPrefix("```") && line.allSatisfy({ $0 == "`" }) {
                closeBlocks()
                fence = line
                continue
            }
            if line.trimmingSpaces.isEmpty {
                closeBlocks()
                continue
            }
            if line == "</details>" {
                closeBlocks()
                blocks.append(.detailsEnd)
                continue
            }
            if line.hasPrefix("<details><summary>") && line.hasSuffix("</summary>") {
                closeBlocks()
                let summary = line.dropFirst("<details><summary>".count).dropLast("</summary>".count)
                blocks.append(.detailsStart(summary: String(summary)))
                continue
            }
            if let level = headingLevel(line) {
                closeBlocks()
                blocks.append(.heading(level: level, text: String(line.dropFirst(level + 1))))
                continue
            }
            if line.hasPrefix("|") {
                closeParagraph()
                closeList()
                table.append(cells(line))
                continue
            }
            if let (ordered, item) = listItem(line) {
                closeParagraph()
                closeTable()
                if list?.ordered != ordered { closeList() }
                list = (ordered, (list?.items ?? []) + [item])
                continue
            }
            closeList()
            closeTable()
            paragraph.append(line)
        }
        if fence != nil { blocks.append(.code(code.joined(separator: "\n"))) }
        closeBlocks()
        return blocks
    }

    /// `2` for `## Title`; `nil` when the line is not a heading.
    private static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    /// `(false, text)` for `- text`, `(true, text)` for `12. text`.
    private static func listItem(_ line: String) -> (Bool, String)? {
        if line.hasPrefix("- ") { return (false, String(line.dropFirst(2))) }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") else { return nil }
        return (true, String(line.dropFirst(digits.count + 2)))
    }

    /// The cells of a `| a | b |` row, split at pipes that are not escaped.
    private static func cells(_ line: String) -> [String] {
        var result: [String] = []
        var current = ""
        var escaped = false
        for character in line.dropFirst() {
            if escaped {
                current += "\\" + String(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "|" {
                result.append(current.trimmingSpaces)
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.trimmingSpaces.isEmpty { result.append(current.trimmingSpaces) }
        return result
    }

    private static func isSeparatorCell(_ cell: String) -> Bool {
        !cell.isEmpty && cell.allSatisfy { $0 == "-" || $0 == ":" }
    }
}

/// One piece of a block's inline Markdown: literal text, a code span, a `**`/`*` boundary, an
/// `<https://…>` autolink, or one of the entities `MarkdownReport` writes (`&lt;`, `&gt;`,
/// `&amp;`, `&quot;`).
enum MarkdownInline: Equatable {
    /// Literal text (backslash escapes already resolved).
    case text(String)
    /// An entity by name (`lt`, `gt`, `amp`, `quot`).
    case entity(String)
    /// A code span's content, verbatim and trimmed of spaces.
    case code(String)
    /// Opens (`true`) or closes strong emphasis.
    case strong(Bool)
    /// Opens (`true`) or closes emphasis.
    case emphasis(Bool)
    /// An autolink's URL (no spaces, `<` or `"`).
    case autolink(String)

    /// The pieces of `text`; emphasis left open at the end is closed (emphasis, then strong).
    static func parse(_ text: String) -> [MarkdownInline] {
        let characters = Array(text)
        var pieces: [MarkdownInline] = []
        var literal = ""
        func add(_ piece: MarkdownInline) {
            if !literal.isEmpty { pieces.append(.text(literal)) }
            literal = ""
            pieces.append(piece)
        }
        var strong = false
        var emphasis = false
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "\\" where next.map { $0.isASCII && $0.isPunctuation || $0.isASCII && $0.isSymbol } == true:
                literal.append(next ?? " ")
                index += 2
                continue
            case "`":
                let run = characters[index...].prefix { $0 == "`" }.count
                let fence = String(repeating: "`", count: run)
                let rest = String(characters[(index + run)...])
                if let end = rest.range(of: fence) {
                    add(.code(String(rest[..<end.lowerBound]).trimmingSpaces))
                    index += run + rest.distance(from: rest.startIndex, to: end.upperBound)
                    continue
                }
                literal += fence
                index += run
                continue
            case "*" where next == "*":
                strong.toggle()
                add(.strong(strong))
                index += 2
                continue
            case "*":
                emphasis.toggle()
                add(.emphasis(emphasis))
            case "<":
                let rest = String(characters[(index + 1)...])
                if rest.hasPrefix("https://") || rest.hasPrefix("http://"), let end = rest.firstIndex(of: ">"),
                    !rest[..<end].contains(where: { $0 == " " || $0 == "<" || $0 == "\"" })
                {
                    add(.autolink(String(rest[..<end])))
                    index += 1 + rest.distance(from: rest.startIndex, to: end) + 1
                    continue
                }
                literal.append("<")
            case "&":
                let rest = characters[(index + 1)...]
                if let name = ["lt", "gt", "amp", "quot"].first(where: { rest.starts(with: $0 + ";") }) {
                    add(.entity(name))
                    index += 1 + name.count + 1
                    continue
                }
                literal.append("&")
            default:
                literal.append(character)
            }
            index += 1
        }
        if emphasis { add(.emphasis(false)) }
        if strong { add(.strong(false)) }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        return pieces
    }
}

extension String {
    /// The string without leading and trailing spaces.
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
