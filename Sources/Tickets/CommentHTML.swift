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
        for block in MarkdownBlocks.parse(markdown) {
            switch block {
            case .heading(let level, let text):
                html.append("<h\(level)>" + inline(text) + "</h\(level)>")
            case .paragraph(let text):
                html.append("<p>" + inline(text) + "</p>")
            case .list(let ordered, let items):
                let tag = ordered ? "ol" : "ul"
                html.append("<\(tag)>")
                html += items.map { "<li>" + inline($0) + "</li>" }
                html.append("</\(tag)>")
            case .table(let rows):
                html.append("<table>")
                for (index, row) in rows.enumerated() {
                    let tag = index == 0 ? "th" : "td"
                    html.append("<tr>" + row.map { "<\(tag)>" + inline($0) + "</\(tag)>" }.joined() + "</tr>")
                }
                html.append("</table>")
            case .code(let text):
                html.append("<pre><code>" + escape(text) + "</code></pre>")
            case .detailsStart(let summary):
                html.append("<details><summary>" + inline(summary) + "</summary>")
            case .detailsEnd:
                html.append("</details>")
            }
        }
        return html.joined(separator: "\n") + "\n"
    }

    /// Inline Markdown to HTML: escapes, code spans, strong and emphasis, autolinks.
    static func inline(_ text: String) -> String {
        var output = ""
        for piece in MarkdownInline.parse(text) {
            switch piece {
            case .text(let literal): output += escape(literal)
            case .entity(let name): output += "&\(name);"
            case .code(let code): output += "<code>" + escape(code) + "</code>"
            case .strong(let open): output += open ? "<strong>" : "</strong>"
            case .emphasis(let open): output += open ? "<em>" : "</em>"
            case .autolink(let url):
                let escaped = escape(url)
                output += "<a href=\"\(escaped)\">\(escaped)</a>"
            }
        }
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
