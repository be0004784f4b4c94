import Diagnosis
import EventImport
import Foundation
import GoldenFiles
import Testing

/// The repository root (found from this file's path).
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Where the golden files live.
let goldenDirectory: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Golden")

/// The project's rule pack, loaded once.
let rulePack: RulePack = RulePack.load(directory: repositoryRoot.appendingPathComponent("Rules").path)

/// Diagnoses a case given relative to the repository root (e.g. `SampleLogs/healthy`).
///
/// The case is read from its absolute path, so the test does not depend on the working
/// directory; the repository prefix is then removed from every string in the diagnosis, so
/// sources read `SampleLogs/…` on every machine.
func diagnose(case relativePath: String) -> Diagnosis {
    let root = repositoryRoot.standardizedFileURL.path
    let absolute = root + "/" + relativePath
    let index = CaseIndex.build(paths: [absolute], engine: rulePack.engine)
    let diagnosis = rulePack.diagnoser.diagnose(index, options: DiagnosisOptions())
    return mapStrings(diagnosis) { $0.replacingOccurrences(of: root + "/", with: "") }
}

/// Applies `transform` to every string in a diagnosis (names, meanings, sources, summaries,
/// remediation, commands, warnings, inputs).
func mapStrings(_ diagnosis: Diagnosis, _ transform: (String) -> String) -> Diagnosis {
    func item(_ item: EvidenceItem) -> EvidenceItem {
        var item = item
        item.rule = transform(item.rule)
        item.meaning = transform(item.meaning)
        item.computer = transform(item.computer)
        item.channel = transform(item.channel)
        item.origin.source = transform(item.origin.source)
        return item
    }
    var diagnosis = diagnosis
    diagnosis.failures = diagnosis.failures.map { failure in
        var failure = failure
        failure.host = failure.host.map(transform)
        failure.client = failure.client.map(transform)
        failure.codeMeaning = transform(failure.codeMeaning)
        failure.context = failure.context.map(transform)
        failure.anchors = failure.anchors.map(item)
        failure.causes = failure.causes.map { cause in
            var cause = cause
            cause.id = transform(cause.id)
            cause.title = transform(cause.title)
            cause.summary = transform(cause.summary)
            cause.evidence = cause.evidence.map(item)
            cause.remediation = cause.remediation.map(transform)
            cause.references = cause.references.map(transform)
            return cause
        }
        return failure
    }
    diagnosis.missingLogs = diagnosis.missingLogs.map { log in
        var log = log
        log.machine = transform(log.machine)
        log.channel = transform(log.channel)
        log.reason = transform(log.reason)
        log.command = transform(log.command)
        return log
    }
    diagnosis.warnings = diagnosis.warnings.map(transform)
    diagnosis.inputs = diagnosis.inputs.map(transform)
    diagnosis.notes = diagnosis.notes.map(transform)
    diagnosis.candidates = diagnosis.candidates.map(item)
    diagnosis.noFailureEvidence = diagnosis.noFailureEvidence.map(item)
    return diagnosis
}

// MARK: - Golden files

/// Compares `actual` with the golden file `name` in `Golden/` (see `Golden.expect`).
func expectGolden(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    Golden.expect(actual, named: name, in: goldenDirectory, suite: "ReportsTests", sourceLocation: sourceLocation)
}

/// The first differing line, with context (see `Golden.firstDifference`).
func firstDifference(expected: String, actual: String) -> String {
    Golden.firstDifference(expected: expected, actual: actual)
}

// MARK: - Structure checks

/// A tag in an HTML document.
struct HTMLTag: Equatable {
    var name: String
    var isClosing: Bool
    var attributes: [(name: String, value: String)]

    static func == (lhs: HTMLTag, rhs: HTMLTag) -> Bool { lhs.name == rhs.name && lhs.isClosing == rhs.isClosing }
}

/// Scans the tags of an HTML document (the raw text of `<style>` is skipped) and checks that
/// every element is closed in order. Returns the tags and the problems found.
func scanHTML(_ html: String) -> (tags: [HTMLTag], problems: [String]) {
    let voidElements: Set<String> = ["meta", "br", "hr", "img", "input", "link", "wbr", "col"]
    let scalars = Array(html.unicodeScalars)
    var tags: [HTMLTag] = []
    var problems: [String] = []
    var stack: [String] = []
    var index = 0
    while index < scalars.count {
        guard scalars[index] == "<" else {
            index += 1
            continue
        }
        var end = index + 1
        var quote: Unicode.Scalar?
        while end < scalars.count {
            let scalar = scalars[end]
            if let open = quote {
                if scalar == open { quote = nil }
            } else if scalar == "\"" || scalar == "'" {
                quote = scalar
            } else if scalar == ">" {
                break
            }
            end += 1
        }
        guard end < scalars.count else {
            problems.append("unterminated tag at \(index)")
            break
        }
        let body = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
        index = end + 1
        if body.hasPrefix("!") { continue }
        let isClosing = body.hasPrefix("/")
        let selfClosing = body.hasSuffix("/")
        var text = Substring(body.dropFirst(isClosing ? 1 : 0))
        if selfClosing { text = text.dropLast() }
        let name = String(text.prefix { !$0.isWhitespace }).lowercased()
        let tag = HTMLTag(name: name, isClosing: isClosing, attributes: parseAttributes(String(text.dropFirst(name.count))))
        tags.append(tag)
        if isClosing {
            if stack.last == name {
                stack.removeLast()
            } else {
                problems.append("</\(name)> closes <\(stack.last ?? "nothing")>")
            }
        } else if !selfClosing && !voidElements.contains(name) {
            stack.append(name)
        }
        if name == "style" && !isClosing {
            // Raw text: skip to </style>.
            let rest = String(String.UnicodeScalarView(scalars[index...]))
            guard let close = rest.range(of: "</style>") else {
                problems.append("unterminated <style>")
                break
            }
            index += rest.unicodeScalars.distance(from: rest.unicodeScalars.startIndex, to: close.lowerBound)
        }
    }
    if !stack.isEmpty { problems.append("unclosed elements: \(stack)") }
    return (tags, problems)
}

private func parseAttributes(_ text: String) -> [(name: String, value: String)] {
    var attributes: [(name: String, value: String)] = []
    var scalars = Substring(text).unicodeScalars
    func skipSpaces() { while let first = scalars.first, first == " " || first == "\n" { scalars.removeFirst() } }
    while true {
        skipSpaces()
        guard !scalars.isEmpty else { break }
        var name = ""
        while let first = scalars.first, first != "=", first != " ", first != "\n" {
            name.unicodeScalars.append(first)
            scalars.removeFirst()
        }
        var value = ""
        if scalars.first == "=" {
            scalars.removeFirst()
            if let quote = scalars.first, quote == "\"" || quote == "'" {
                scalars.removeFirst()
                while let first = scalars.first, first != quote {
                    value.unicodeScalars.append(first)
                    scalars.removeFirst()
                }
                if !scalars.isEmpty { scalars.removeFirst() }
            } else {
                while let first = scalars.first, first != " " {
                    value.unicodeScalars.append(first)
                    scalars.removeFirst()
                }
            }
        }
        attributes.append((name.lowercased(), value))
    }
    return attributes
}

/// The kind of each line of a Markdown document: what a renderer would make of its start.
///
/// Fenced code blocks are one entry each; table rows include their number of cell separators
/// (unescaped `|` outside code spans).
func markdownSkeleton(_ markdown: String) -> [String] {
    var kinds: [String] = []
    var fence: String?
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
        if let open = fence {
            if line == open { fence = nil }
            continue
        }
        if line.hasPrefix("```") {
            fence = String(line.prefix { $0 == "`" })
            kinds.append("fence")
            continue
        }
        if line.isEmpty {
            kinds.append("blank")
        } else if line.hasPrefix("|") {
            kinds.append("row \(unescapedPipes(String(line)))")
        } else if let hashes = line.firstIndex(where: { $0 != "#" }), hashes != line.startIndex, line[hashes] == " " {
            kinds.append("heading \(line.distance(from: line.startIndex, to: hashes))")
        } else if line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ") {
            kinds.append("item")
        } else if line.first?.isNumber == true, let dot = line.firstIndex(where: { !$0.isNumber }), line[dot...].hasPrefix(". ") {
            kinds.append("ordered")
        } else if line.hasPrefix("<") {
            kinds.append("html \(line)")
        } else if line.hasPrefix(">") || line.hasPrefix("    ") || line.hasPrefix("\t")
            || line.allSatisfy({ $0 == "=" || $0 == " " }) || line.allSatisfy({ "-*_ ".contains($0) })
        {
            // A quote, an indented code block, a setext underline or a thematic break.
            kinds.append("structure \(line.prefix(4))")
        } else {
            kinds.append("paragraph")
        }
    }
    if fence != nil { kinds.append("unclosed fence") }
    return kinds
}

/// The document without its fenced code blocks and inline code spans (whose content is literal).
func outsideCode(_ markdown: String) -> String {
    var kept: [String] = []
    var fence: String?
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
        if let open = fence {
            if line == open { fence = nil }
            continue
        }
        if line.hasPrefix("```") {
            fence = String(line.prefix { $0 == "`" })
            continue
        }
        let scalars = Array(line.unicodeScalars)
        var text = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\\", index + 1 < scalars.count {
                text.append(contentsOf: scalars[index...(index + 1)])
                index += 2
                continue
            }
            guard scalars[index] == "`" else {
                text.append(scalars[index])
                index += 1
                continue
            }
            var run = index
            while run < scalars.count, scalars[run] == "`" { run += 1 }
            let length = run - index
            var close = run
            var end: Int?
            while close < scalars.count {
                guard scalars[close] == "`" else {
                    close += 1
                    continue
                }
                var closeEnd = close
                while closeEnd < scalars.count, scalars[closeEnd] == "`" { closeEnd += 1 }
                if closeEnd - close == length {
                    end = closeEnd
                    break
                }
                close = closeEnd
            }
            guard let end else {
                text.append(contentsOf: scalars[index..<run])
                index = run
                continue
            }
            text.append(contentsOf: "(code)".unicodeScalars)
            index = end
        }
        kept.append(String(text))
    }
    return kept.joined(separator: "\n")
}

/// The number of `|` that are neither backslash-escaped nor inside a code span.
func unescapedPipes(_ line: String) -> Int {
    let scalars = Array(line.unicodeScalars)
    var count = 0
    var index = 0
    while index < scalars.count {
        switch scalars[index] {
        case "\\":
            index += 2
            continue
        case "|":
            count += 1
        default:
            break
        }
        index += 1
    }
    return count
}

/// Problems in the Markdown text outside code: unescaped `[`, `]` or `<` that does not start one of
/// the report's own `<details>`/`<summary>` tags, and control characters anywhere.
func markdownInjectionProblems(_ markdown: String) -> [String] {
    var problems: [String] = []
    let allowedTags = ["<details>", "</details>", "<summary>", "</summary>"]
    var fence: String?
    for (number, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        if line.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) }) {
            problems.append("line \(number + 1): control character")
        }
        if let open = fence {
            if line == open { fence = nil }
            continue
        }
        if line.hasPrefix("```") {
            fence = String(line.prefix { $0 == "`" })
            continue
        }
        let scalars = Array(line.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" {
                index += 2
                continue
            }
            if scalar == "`" {
                var run = index
                while run < scalars.count, scalars[run] == "`" { run += 1 }
                let length = run - index
                var close = run
                var found: Int?
                while close < scalars.count {
                    if scalars[close] == "`" {
                        var end = close
                        while end < scalars.count, scalars[end] == "`" { end += 1 }
                        if end - close == length {
                            found = end
                            break
                        }
                        close = end
                    } else {
                        close += 1
                    }
                }
                guard let found else {
                    problems.append("line \(number + 1): unclosed code span")
                    break
                }
                index = found
                continue
            }
            if scalar == "[" || scalar == "]" {
                problems.append("line \(number + 1): unescaped \(scalar)")
            }
            if scalar == "<" {
                let rest = String(String.UnicodeScalarView(scalars[index...]))
                let isAutolink = rest.hasPrefix("<https://") && rest.prefix { $0 != ">" }.allSatisfy { !$0.isWhitespace }
                if !isAutolink && !allowedTags.contains(where: { rest.hasPrefix($0) }) {
                    problems.append("line \(number + 1): raw < in \(rest.prefix(20))")
                }
            }
            index += 1
        }
    }
    if fence != nil { problems.append("unclosed fence") }
    return problems
}
