import Foundation
import EventImport

/// The documented syntax of the two `wevtutil` commands a collection script runs
/// (MicrosoftDocs windowsserverdocs, administration/windows-commands/wevtutil.md):
///
///     wevtutil {qe | query-events} <Path> [/lf:<Logfile>] [/sq:<Structquery>] [/q:<Query>] [/bm:<Bookmark>]
///              [/sbm:<Savebm>] [/rd:<Direction>] [/f:<Format>] [/l:<Locale>] [/c:<Count>] [/e:<Element>]
///     wevtutil {epl | export-log} <Path> <Exportfile> [/lf:<Logfile>] [/sq:<Structquery>] [/q:<Query>] [/ow:<Overwrite>]
///     options of every command: [/r:<Remote>] [/u:<Username>] [/p:<Password>] [/a:<Auth>] [/uni:<Unicode>]
///
/// `/f` is XML, Text (or RenderedXml); `/lf`, `/sq`, `/rd`, `/ow`, `/uni` are true or false; `/e` names
/// the root element. The `/q` XPath must be one of the two forms the scripts write, well formed.
enum WevtutilSyntax {
    static let globalOptions: Set<String> = ["r", "u", "p", "a", "uni"]
    static let queryOptions: Set<String> = ["lf", "sq", "q", "bm", "sbm", "rd", "f", "l", "c", "e"]
    static let exportOptions: Set<String> = ["lf", "sq", "q", "ow"]
    static let booleanOptions: Set<String> = ["lf", "sq", "rd", "ow", "uni"]

    /// Problems with a `wevtutil` argument list (without the program name); empty when it is valid.
    static func problems(_ arguments: [String]) -> [String] {
        guard let command = arguments.first else { return ["no command"] }
        let positionalCount: Int
        let allowed: Set<String>
        switch command.lowercased() {
        case "qe", "query-events":
            positionalCount = 1
            allowed = queryOptions.union(globalOptions)
        case "epl", "export-log":
            positionalCount = 2
            allowed = exportOptions.union(globalOptions)
        default:
            return ["'\(command)' is not qe/query-events or epl/export-log"]
        }
        var problems: [String] = []
        let rest = arguments.dropFirst()
        let positional = rest.prefix { !$0.hasPrefix("/") }
        if positional.count != positionalCount {
            problems.append("\(command) takes \(positionalCount) path argument(s) before its options, not \(positional.count)")
        }
        if positional.contains(where: { $0.isEmpty }) { problems.append("an empty path") }
        var seen = Set<String>()
        for option in rest.dropFirst(positional.count) {
            guard option.hasPrefix("/"), let colon = option.firstIndex(of: ":") else {
                problems.append("'\(option)' is not an option of the form /name:value")
                continue
            }
            let name = option[option.index(after: option.startIndex)..<colon].lowercased()
            let value = String(option[option.index(after: colon)...])
            guard allowed.contains(name) else {
                problems.append("/\(name) is not an option of \(command)")
                continue
            }
            if !seen.insert(name).inserted { problems.append("/\(name) is given twice") }
            if booleanOptions.contains(name) && !["true", "false"].contains(value.lowercased()) {
                problems.append("/\(name):\(value) is not true or false")
            }
            switch name {
            case "f" where !["xml", "text", "renderedxml"].contains(value.lowercased()):
                problems.append("/f:\(value) is not XML, Text or RenderedXml")
            case "e" where !isElementName(value):
                problems.append("/e:\(value) is not an element name")
            case "q":
                problems += queryProblems(value)
            default:
                break
            }
        }
        if seen.contains("q") && seen.contains("sq") { problems.append("/q is not available with /sq") }
        return problems
    }

    static func isElementName(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || "_.-".contains($0) }
    }

    /// The scripts' XPath forms: a closed time range, or a span back from now.
    static func queryProblems(_ query: String) -> [String] {
        var depth = 0
        var quoted = false
        for character in query {
            if character == "'" { quoted.toggle() }
            if quoted { continue }
            if character == "[" { depth += 1 }
            if character == "]" { depth -= 1 }
            if depth < 0 { return ["/q:\(query) closes a bracket it did not open"] }
        }
        if depth != 0 || quoted { return ["/q:\(query) has unbalanced brackets or quotes"] }
        let rangePrefix = "*[System[TimeCreated[@SystemTime>='"
        if query.hasPrefix(rangePrefix), query.hasSuffix("']]]") {
            let inner = query.dropFirst(rangePrefix.count).dropLast("']]]".count)
            let parts = inner.components(separatedBy: "' and @SystemTime<='")
            guard parts.count == 2, let start = EventTimestamp(iso8601: parts[0]), let end = EventTimestamp(iso8601: parts[1]),
                parts.allSatisfy({ $0.hasSuffix("Z") })
            else { return ["/q:\(query) does not hold two UTC times"] }
            return start < end ? [] : ["/q:\(query) ends before it starts"]
        }
        let spanPrefix = "*[System[TimeCreated[timediff(@SystemTime) <= "
        if query.hasPrefix(spanPrefix), query.hasSuffix("]]]") {
            let number = query.dropFirst(spanPrefix.count).dropLast(3)
            return Int64(number).map { $0 > 0 ? [] : ["/q: a span must be positive"] } ?? ["/q:\(query) has no span in milliseconds"]
        }
        return ["/q:\(query) is not a time filter the scripts write"]
    }
}

/// Splits a Windows command line as the C runtime does for `argv` (quotes group, `\"` is a quote,
/// backslashes are literal elsewhere); a `>` outside quotes ends the command (a redirection).
enum WindowsCommandLine {
    static func split(_ line: String) -> [String] {
        var arguments: [String] = []
        var current = ""
        var inWord = false
        var quoted = false
        var characters = Array(line)[...]
        while let character = characters.popFirst() {
            switch character {
            case "\\" where characters.first == "\"":
                current.append("\"")
                characters = characters.dropFirst()
                inWord = true
            case "\"":
                quoted.toggle()
                inWord = true
            case " " where !quoted, "\t" where !quoted:
                if inWord { arguments.append(current) }
                current = ""
                inWord = false
            case ">" where !quoted && !inWord:
                return arguments
            default:
                current.append(character)
                inWord = true
            }
        }
        if inWord { arguments.append(current) }
        return arguments
    }
}
