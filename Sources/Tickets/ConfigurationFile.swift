import Foundation
import Yams

/// The YAML form of the ticket-system configuration (`--config FILE`), read key by key.
///
/// The file holds credentials, so no error ever quotes its content: YAML syntax errors, unknown
/// keys and wrong types are reported as `file:line:column: reason`, where the reason is libyaml's
/// fixed wording or rdpcause's own. (Yams' error descriptions quote the offending line with a
/// caret under it; on a `token:` line that is the token.)
struct ConfigurationFile {
    var system: String?
    var url: String?
    var token: String?
    var user: String?
    var password: String?
    var ticketPatterns: [String]?
    var servicenowTable: String?
    var timeout: Double?
    var retries: Int?
    var jiraServiceDesk: Bool?

    /// The keys the file may hold.
    static let keys = [
        "system", "url", "token", "user", "password", "ticketPatterns", "servicenowTable", "jiraServiceDesk", "timeout",
        "retries",
    ]
    /// Accepted per-request timeouts, in seconds.
    static let timeoutRange = 0.1...3600.0
    /// Accepted attempt counts.
    static let retriesRange = 1...100

    /// Reads and checks `path`.
    static func read(_ path: String) throws(TicketError) -> ConfigurationFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw TicketError(request: "read \(path)", status: nil, message: "cannot read the configuration file")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw syntaxError(error, file: path)
        }
        var file = ConfigurationFile()
        guard let root else { return file }  // an empty file configures nothing
        guard let mapping = root.mapping else {
            throw problem(path, root.mark, "the configuration must be a mapping of keys (\(keys.joined(separator: ", ")))")
        }
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string, keys.contains(key) else {
                // The key itself is not echoed (a misplaced line may hold a secret); the known key
                // nearest to it is.
                let nearest = keyNode.scalar.flatMap { NearestName.closest(to: $0.string, in: keys) }
                throw problem(
                    path, keyNode.mark,
                    "unknown key" + (nearest.map { "; did you mean `\($0)`?" } ?? "") + " (known keys: \(keys.joined(separator: ", ")))")
            }
            try file.set(key, value, path: path)
        }
        return file
    }

    private mutating func set(_ key: String, _ value: Node, path: String) throws(TicketError) {
        func text() throws(TicketError) -> String? {
            if value.null != nil { return nil }
            guard let scalar = value.scalar else { throw Self.problem(path, value.mark, "`\(key)` must be a single text value") }
            return scalar.string
        }
        switch key {
        case "system": system = try text()
        case "url": url = try text()
        case "token": token = try text()
        case "user": user = try text()
        case "password": password = try text()
        case "servicenowTable": servicenowTable = try text()
        case "ticketPatterns":
            if value.null != nil { return }
            if value.scalar != nil {
                ticketPatterns = [try text() ?? ""]
                return
            }
            guard let sequence = value.sequence else {
                throw Self.problem(path, value.mark, "`ticketPatterns` must be a list of regular expressions")
            }
            var patterns: [String] = []
            for item in sequence {
                guard let pattern = item.scalar?.string else {
                    throw Self.problem(path, item.mark, "each of `ticketPatterns` must be a regular expression written as text")
                }
                patterns.append(pattern)
            }
            ticketPatterns = patterns
        case "jiraServiceDesk":
            switch try text()?.lowercased() {
            case "true"?, "yes"?: jiraServiceDesk = true
            case "false"?, "no"?: jiraServiceDesk = false
            default: throw Self.problem(path, value.mark, "`jiraServiceDesk` must be true or false")
            }
        case "timeout":
            guard let seconds = try text().flatMap(Double.init), seconds.isFinite, Self.timeoutRange.contains(seconds) else {
                throw Self.problem(path, value.mark, "`timeout` must be a number of seconds from 0.1 to 3600")
            }
            timeout = seconds
        default:  // "retries"
            guard let count = try text().flatMap({ Int($0) }), Self.retriesRange.contains(count) else {
                throw Self.problem(path, value.mark, "`retries` must be a whole number of attempts from 1 to 100")
            }
            retries = count
        }
    }

    /// `file:line:column` and a reason.
    private static func problem(_ file: String, _ mark: Mark?, _ reason: String) -> TicketError {
        TicketError(request: location(file, mark), status: nil, message: reason)
    }

    private static func location(_ file: String, _ mark: Mark?) -> String {
        mark.map { "\(file):\($0.line):\($0.column)" } ?? file
    }

    /// A YAML syntax error as `file:line:column: not valid YAML: <libyaml's reason>`. Only the
    /// positions and libyaml's fixed wording are used, never the `yaml` text the error carries.
    private static func syntaxError(_ error: any Error, file: String) -> TicketError {
        guard let yamlError = error as? YamlError else {
            return TicketError(request: file, status: nil, message: "not valid YAML")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            // Point at where the construct began (an unterminated quote points at the quote).
            guard let context else { return Self.problem(file, mark, "not valid YAML: \(problem)") }
            return Self.problem(
                file, context.mark, "not valid YAML: \(context.text): \(problem) at line \(mark.line), column \(mark.column)")
        case .reader(let problem, let offset, _, _):
            return TicketError(
                request: file, status: nil, message: "not valid YAML: \(problem)" + (offset.map { " at byte \($0)" } ?? ""))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let known = duplicates.filter(keys.contains)
            let named = known.count == duplicates.count ? " (\(known.joined(separator: ", ")))" : ""
            return Self.problem(file, context.mark, "a key is given more than once\(named)")
        case .dataCouldNotBeDecoded:
            return TicketError(request: file, status: nil, message: "not valid YAML: the file is not UTF-8 text")
        default:
            return TicketError(request: file, status: nil, message: "not valid YAML")
        }
    }
}
