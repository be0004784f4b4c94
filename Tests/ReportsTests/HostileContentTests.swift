import Diagnosis
import Foundation
import Reports
import Testing

/// Event content an attacker controls (computer names, event data, file names in an archive)
/// must render as text in both reports and must not change their structure.
@Suite("Hostile event content")
struct HostileContentTests {
    /// Everything the issue lists, in one string: HTML and attribute injection, table pipes,
    /// backticks, a Markdown link with a script URL, a terminal escape, NUL, line breaks, and
    /// Markdown block markers after the line breaks.
    static let payload =
        "<script>alert(1)</script>\"><img src=x onerror=alert(1)> | col | `code` [link](javascript:alert(1)) "
        + "\u{1B}[31m red \u{0} nul\nsecond line\r\n# heading\n- item\n| a | b |\n```\n</details>\u{202E}txt.exe *em* _em_ "
        + "<b>bold</b> &lt;entity&gt; ![img](x) www.example.com http://example.com $x$ \\"

    /// What a hostile string may start with: each would open a block if not escaped.
    static let prefixes = ["", "- ", "+ ", "# ", "1. ", "> ", "| ", "    ", "=== ", "```", "<details>"]

    /// The private-key case with the inconclusive case's missing logs and a warning, so that
    /// every section of both reports is present.
    static func baseline() throws -> Diagnosis {
        var diagnosis = try #require(sampleDiagnoses["private-key-inaccessible"])
        diagnosis.missingLogs = try #require(sampleDiagnoses["inconclusive"]).missingLogs
        diagnosis.warnings = ["a warning"]
        return diagnosis
    }

    /// The baseline with the payload around every non-empty string.
    static func hostile(prefix: String) throws -> Diagnosis {
        let baseline = try baseline()
        // Empty strings stay empty, so both reports have the same optional parts.
        var diagnosis = mapStrings(baseline) { $0.isEmpty ? $0 : "\(prefix)\(payload) \($0) \(payload)" }
        for index in diagnosis.failures.indices {
            for cause in diagnosis.failures[index].causes.indices {
                // The rule pack's own links stay (so the benign and hostile reports have the same
                // links); the hostile ones must not become links.
                diagnosis.failures[index].causes[cause].references =
                    baseline.failures[index].causes[cause].references + [
                    "javascript:alert(1)", "https://example.com/\"onmouseover=\"alert(1)", "https://example.com/<script>",
                ]
            }
        }
        return diagnosis
    }

    static let caseName = "SampleLogs/<script>alert(1)</script> | `x` [a](javascript:b)"

    /// A case whose failure could not be located: notes and candidates instead of failures.
    static func notLocated(prefix: String) throws -> Diagnosis {
        var diagnosis = try #require(sampleDiagnoses["healthy"])
        diagnosis.verdict = .inconclusive
        diagnosis.notes = ["failure not located: the case holds no error report", "RDSH-05: Security covers A to B"]
        diagnosis.candidates = try #require(sampleDiagnoses["private-key-inaccessible"]?.failures.first?.causes.first?.evidence)
        return mapStrings(diagnosis) { $0.isEmpty ? $0 : "\(prefix)\(payload) \($0) \(payload)" }
    }

    @Test(arguments: prefixes)
    func textMakesEveryControlCharacterVisible(prefix: String) throws {
        let text = TextReport.render(try Self.hostile(prefix: prefix), caseName: Self.caseName + "\u{1B}[2J")
        let bad = text.unicodeScalars.filter { $0 != "\n" && ($0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value)) }
        #expect(bad.isEmpty, "\(bad.map { String($0.value, radix: 16) })")
    }

    @Test(arguments: prefixes)
    func notesAndCandidatesOfAFailureNotLocatedAreEscaped(prefix: String) throws {
        let diagnosis = try Self.notLocated(prefix: prefix)
        let html = HTMLReport.render(diagnosis, caseName: Self.caseName)
        for needle in ["<script", "<img", "<b>bold", "\u{1B}", "\u{202E}"] {
            #expect(!html.lowercased().contains(needle), "raw \(needle.debugDescription) in the HTML")
        }
        #expect(scanHTML(html).problems.isEmpty)
        let markdown = MarkdownReport.render(diagnosis, caseName: Self.caseName)
        #expect(markdownInjectionProblems(markdown).isEmpty, "\(markdownInjectionProblems(markdown))")
        #expect(markdown.contains("Candidates: host records of failed attempts"))
        let text = TextReport.render(diagnosis, caseName: Self.caseName)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0 })
        #expect(text.contains("candidate: "))
    }

    @Test(arguments: prefixes)
    func htmlEscapesEverythingAndKeepsItsStructure(prefix: String) throws {
        let benign = HTMLReport.render(try Self.baseline(), caseName: "SampleLogs/private-key-inaccessible")
        let html = HTMLReport.render(try Self.hostile(prefix: prefix), caseName: Self.caseName)

        // Nothing dangerous appears raw.
        let lower = html.lowercased()
        for needle in ["<script", "<img", "</script", "javascript:alert(1)\"", "<b>bold", "\u{1B}", "\u{0}", "\r", "\u{202E}"] {
            #expect(!lower.contains(needle), "raw \(needle.debugDescription) in the HTML")
        }
        #expect(html.unicodeScalars.allSatisfy { $0 == "\n" || ($0.value >= 0x20 && $0.value != 0x7F && !(0x80..<0xA0).contains($0.value)) })

        // The same tags in the same order as the benign report: content added no element.
        let (tags, problems) = scanHTML(html)
        #expect(problems.isEmpty, "\(problems)")
        let (benignTags, _) = scanHTML(benign)
        // Remediation steps mark code with backticks, so the payload's `code` adds <code> there;
        // Paths and rule names get <wbr> break opportunities, as many as they have `/` and `_`.
        let names = tags.map(\.name).filter { $0 != "code" && $0 != "wbr" }
        let benignNames = benignTags.map(\.name).filter { $0 != "code" && $0 != "wbr" }
        #expect(names == benignNames,
            "\(firstDifference(expected: benignNames.joined(separator: "\n"), actual: names.joined(separator: "\n")))")
        #expect(tags.filter { $0.name == "table" && !$0.isClosing }.count == tags.filter { $0.name == "table" && $0.isClosing }.count)
        for tag in tags {
            for attribute in tag.attributes {
                #expect(!attribute.name.hasPrefix("on"), "event-handler attribute \(attribute.name) on <\(tag.name)>")
                if attribute.name == "href" { #expect(attribute.value.hasPrefix("https://") && !attribute.value.contains("\"")) }
            }
        }
        #expect(tags.filter { $0.name == "a" && !$0.isClosing }.count == benignTags.filter { $0.name == "a" && !$0.isClosing }.count,
            "only the rule pack's own https references become links")
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"))

        // The content is still shown, as text.
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("\\u{1b}[31m red \\u{0} nul second line  # heading - item"))
        #expect(html.contains("\\u{202e}txt.exe"))
    }

    @Test(arguments: prefixes)
    func markdownEscapesEverythingAndKeepsItsStructure(prefix: String) throws {
        let benign = MarkdownReport.render(try Self.baseline(), caseName: "SampleLogs/private-key-inaccessible")
        let markdown = MarkdownReport.render(try Self.hostile(prefix: prefix), caseName: Self.caseName)

        // Same line structure: no line, heading, list item, table row, cell or fence was added.
        #expect(markdownSkeleton(markdown) == markdownSkeleton(benign), "\(firstDifference(expected: markdownSkeleton(benign).joined(separator: "\n"), actual: markdownSkeleton(markdown).joined(separator: "\n")))")
        #expect(markdownSkeleton(markdown).filter { $0.hasPrefix("row") }.allSatisfy { $0 == "row 9" })

        // No raw HTML, link, image, control character or unescaped bracket outside code.
        #expect(markdownInjectionProblems(markdown).isEmpty, "\(markdownInjectionProblems(markdown).prefix(5))")
        let text = outsideCode(markdown)
        let lower = text.lowercased()
        for needle in ["<script", "<img", "<b>", "[link](javascript:", "\u{1B}", "\u{0}", "\r", "\u{202E}", "http://example", "www.example"] {
            #expect(!lower.contains(needle), "raw \(needle.debugDescription) in the Markdown")
        }
        #expect(text.components(separatedBy: "<details>").count == benign.components(separatedBy: "<details>").count)
        #expect(text.components(separatedBy: "</details>").count == benign.components(separatedBy: "</details>").count)

        // The content is still shown, escaped.
        // (`>` needs no escape once no `<` is raw, except where it would start a quote.)
        #expect(text.contains("&lt;script>alert(1)&lt;/script>\">&lt;img src=x onerror=alert(1)> \\| col \\| \\`code\\` \\[link\\](javascript:alert(1))"))
        #expect(text.contains("\\*em\\* \\_em\\_ &lt;b>bold&lt;/b> &amp;lt;entity&amp;gt; !\\[img\\](x) www\\.example.com http\\://example.com \\$x\\$"))
    }

    @Test func markdownEscapesLineStartMarkersAndKeepsWindowsPaths() throws {
        var diagnosis = try #require(sampleDiagnoses["healthy"])
        diagnosis.warnings = [
            "- not an item", "+ not an item", "1. not a list", "2) not a list", "=== not a heading", "> not a quote",
            "10.20.4.22 is an address", "rdp_client_disconnect _em_ a > b",
            #"C:\Users\alice\NTUSER.DAT and \\server\share\*"#,
        ]
        let markdown = MarkdownReport.render(diagnosis, caseName: "x")
        #expect(markdown.contains("- \\- not an item"))
        #expect(markdown.contains("- \\+ not an item"))
        #expect(markdown.contains("- 1\\. not a list"))
        #expect(markdown.contains("- 2\\) not a list"))
        #expect(markdown.contains("- === not a heading"))
        #expect(markdown.contains("- \\=== not a heading") == false)
        #expect(markdown.contains("- \\> not a quote"))
        #expect(markdown.contains("- 10.20.4.22 is an address"))
        #expect(markdown.contains("- rdp_client_disconnect \\_em\\_ a > b"))
        #expect(markdown.contains(#"C:\Users\alice\NTUSER.DAT and \\\server\share\\\*"#))
    }
}
