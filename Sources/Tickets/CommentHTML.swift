import Foundation

/// Turns `findings.md` into an HTML fragment for ticket systems whose comments render HTML
/// (Request Tracker's `text/html` comments, Zendesk's `html_body`), so the findings arrive
/// formatted instead of as raw Markdown.
///
/// It reads the subset `MarkdownReport` writes: ATX headings, paragraphs, `-` and `1.` lists,
/// pipe tables, fenced code blocks, `<details>`/`<summary>` lines, `**strong**`, `*emphasis*`,
/// `` `code` ``, `<https://…>` autolinks, backslash escapes and the `&lt;`/`&amp;` entities it
/// writes for content. Everything else is text: every `<`, `>`, `"` and stray `&` is escaped, so
/// no tag, attribute or link can come from the findings' content.
public enum CommentHTML {
    /// The fragment for `markdown`.
    public static func render(_ markdown: String) -> String {
        var html: [String] = []
        var paragraph: [String] = []
        var list: String?
        var table: [[String]] = []
        var fence: String?
        var code: [String] = []

        func closeParagraph() {
            if !paragraph.isEmpty { html.append("<p>" + inline(paragraph.joined(separator: " ")) + "</p>") }
            paragraph = []
        }
        func closeList() {
            if let open = list { html.append("</\(open)>") }
            list = nil
        }
        func closeTable() {
            guard !table.isEmpty else { return }
            html.append("<table>")
            for (index, row) in table.enumerated() where index != 1 || !row.allSatisfy(isSeparatorCell) {
                let tag = index == 0 ? "th" : "td"
                html.append("<tr>" + row.map { "<\(tag)>" + inline($0) + "</\(tag)>" }.joined() + "</tr>")
            }
            html.append("</table>")
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
                    html.append("<pre><code>" + escape(code.joined(separator: "\n")) + "</code></pre>")
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
                html.append("</details>")
                continue
            }
            if line.hasPrefix("<details><summary>") && line.hasSuffix("</summary>") {
                closeBlocks()
                let summary = line.dropFirst("<details><summary>".count).dropLast("</summary>".count)
                html.append("<details><summary>" + inline(String(summary)) + "</summary>")
                continue
            }
            if let level = headingLevel(line) {
                closeBlocks()
                html.append("<h\(level)>" + inline(String(line.dropFirst(level + 1))) + "</h\(level)>")
                continue
            }
            if line.hasPrefix("|") {
                closeParagraph()
                closeList()
                table.append(cells(line))
                continue
            }
            if let (kind, item) = listItem(line) {
                closeParagraph()
                closeTable()
                if list != kind {
                    closeList()
                    html.append("<\(kind)>")
                    list = kind
                }
                html.append("<li>" + inline(item) + "</li>")
                continue
            }
            closeList()
            closeTable()
            paragraph.append(line)
        }
        if fence != nil { html.append("<pre><code>" + escape(code.joined(separator: "\n")) + "</code></pre>") }
        closeBlocks()
        return html.joined(separator: "\n") + "\n"
    }

    /// `2` for `## Title`; `nil` when the line is not a heading.
    private static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    /// `("ul", text)` for `- text`, `("ol", text)` for `12. text`.
    private static func listItem(_ line: String) -> (String, String)? {
        if line.hasPrefix("- ") { return ("ul", String(line.dropFirst(2))) }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") else { return nil }
        return ("ol", String(line.dropFirst(digits.count + 2)))
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

    /// Inline Markdown to HTML: escapes, code spans, strong and emphasis, autolinks.
    static func inline(_ text: String) -> String {
        let characters = Array(text)
        var output = ""
        var strong = false
        var emphasis = false
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "\\" where next.map { $0.isASCII && $0.isPunctuation || $0.isASCII && $0.isSymbol } == true:
                output += escape(String(next ?? " "))
                index += 2
                continue
            case "`":
                let run = characters[index...].prefix { $0 == "`" }.count
                let fence = String(repeating: "`", count: run)
                let rest = String(characters[(index + run)...])
                if let end = rest.range(of: fence) {
                    output += "<code>" + escape(String(rest[..<end.lowerBound]).trimmingSpaces) + "</code>"
                    index += run + rest.distance(from: rest.startIndex, to: end.upperBound)
                    continue
                }
                output += escape(fence)
                index += run
                continue
            case "*" where next == "*":
                output += strong ? "</strong>" : "<strong>"
                strong.toggle()
                index += 2
                continue
            case "*":
                output += emphasis ? "</em>" : "<em>"
                emphasis.toggle()
            case "<":
                let rest = String(characters[(index + 1)...])
                if rest.hasPrefix("https://") || rest.hasPrefix("http://"), let end = rest.firstIndex(of: ">"),
                    !rest[..<end].contains(where: { $0 == " " || $0 == "<" || $0 == "\"" })
                {
                    let url = escape(String(rest[..<end]))
                    output += "<a href=\"\(url)\">\(url)</a>"
                    index += 1 + rest.distance(from: rest.startIndex, to: end) + 1
                    continue
                }
                output += "&lt;"
            case "&":
                let rest = String(characters[(index + 1)...])
                output += ["lt;", "gt;", "amp;", "quot;"].contains(where: rest.hasPrefix) ? "&" : "&amp;"
            default:
                output += escape(String(character))
            }
            index += 1
        }
        if emphasis { output += "</em>" }
        if strong { output += "</strong>" }
        return output
    }

    /// Text with `&`, `<`, `>` and `"` as entities.
    static func escape(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            default: output.append(character)
            }
        }
        return output
    }
}

extension String {
    /// The string without leading and trailing spaces.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
