import Correlation
public import EventImport
import Foundation

/// What the ticket notes and e-mails of a case say, read as a person reads them: the time zone,
/// the machines (which is the client and which the target), the users, the client's address,
/// and which line says what (to link each error report to its line).
///
/// Labelled fields are read in English and German (`Target:`, `Server:`, `Host:`, `Ziel:`,
/// `Client:`, `Device:`, `PC:`, `Rechner:`, `Gerät:`, `User:`, `Benutzer:`, `IP:`…), as are the
/// words around an unlabelled name ("from WKS-042 to RDSH-01", "session host RDSH-07", `->`).
/// Ticket ids (`INC0048211`, `Ticket IN-55302`, `#77120`) are not machine names. A zone
/// abbreviation counts only in upper case and next to a time, in parentheses or after "time
/// zone" (French "Cet", German "ist" and English "est" are words).
public struct TicketHints: Sendable, Hashable {
    /// A value a ticket states, and where.
    public struct Mention: Sendable, Hashable {
        /// As written.
        public var value: String
        /// The document.
        public var source: String
        /// The 1-based line.
        public var line: Int
    }

    /// What one line of a ticket names (to link an error report to the line that mentions it).
    struct Line: Hashable {
        var source: String
        var number: Int
        /// The line, lower-cased.
        var text: String
        var clients: [String]
        var targets: [String]
        var users: [String]
        var addresses: [String]
    }

    /// The UTC offset stated (`UTC+2`, `CEST`, `EDT`…), in seconds, with the words that stated it.
    public var utcOffset: (seconds: Int, text: String, source: String)?
    /// Words that look like machine names or addresses (not ticket ids), in order of appearance.
    public var names: [(name: String, source: String)] = []
    /// Machines and addresses the ticket names as the target.
    public var targets: [Mention] = []
    /// Machines the ticket names as the client.
    public var clients: [Mention] = []
    /// Account names of the users the ticket names (`CORP\alice`, `alice@corp`, `alice`).
    public var users: [Mention] = []
    /// Addresses the ticket gives for the client (`IP: 10.20.31.58`).
    public var clientAddresses: [Mention] = []
    /// Client addresses written in parentheses right after a client's name ("WKS-494 (10.30.56.116)"),
    /// by the client's normalized name: which address is whose when a ticket names several.
    var addressesBeside: [String: [Mention]] = [:]
    /// Ticket ids seen (never taken for machines).
    public var ticketIDs: Set<String> = []
    /// Each line that names a machine, a user or an address.
    var lines: [Line] = []

    public static func == (lhs: TicketHints, rhs: TicketHints) -> Bool {
        lhs.utcOffset?.seconds == rhs.utcOffset?.seconds && lhs.names.map(\.name) == rhs.names.map(\.name) && lhs.targets == rhs.targets
            && lhs.clients == rhs.clients && lhs.users == rhs.users && lhs.clientAddresses == rhs.clientAddresses
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(utcOffset?.seconds)
        hasher.combine(names.map(\.name))
        hasher.combine(targets)
    }

    /// Creates empty hints.
    public init() {}

    /// Zone abbreviations users write, with their UTC offsets (North-American readings of the ambiguous ones).
    static let zoneAbbreviations: [String: Int] = [
        "UTC": 0, "GMT": 0, "WET": 0, "BST": 3600, "WEST": 3600, "CET": 3600, "CEST": 7200, "MEZ": 3600, "MESZ": 7200,
        "EET": 7200, "EEST": 10800, "MSK": 10800, "IST": 19800, "SGT": 28800, "JST": 32400, "KST": 32400,
        "AEST": 36000, "AEDT": 39600, "NZST": 43200, "NZDT": 46800, "EST": -18000, "EDT": -14400, "CST": -21600,
        "CDT": -18000, "MST": -25200, "MDT": -21600, "PST": -28800, "PDT": -25200, "AKST": -32400, "AKDT": -28800,
        "HST": -36000,
    ]

    /// The role a word gives the machine name after it.
    enum Role { case client, target, user, address }

    /// Label and context words, English and German, by the role they give.
    static let roleWords: [String: Role] = [
        "target": .target, "server": .target, "host": .target, "sessionhost": .target, "terminalserver": .target, "destination": .target,
        "reach": .target, "to": .target, "remote": .target, "ziel": .target, "zielrechner": .target, "zielserver": .target,
        "zum": .target, "nach": .target, "auf": .target,
        "client": .client, "device": .client, "machine": .client, "pc": .client, "laptop": .client, "notebook": .client,
        "desktop": .client, "workstation": .client, "from": .client, "rechner": .client, "arbeitsplatz": .client, "gerät": .client,
        "geraet": .client, "von": .client, "vom": .client,
        "user": .user, "benutzer": .user, "anwender": .user, "nutzer": .user, "caller": .user, "username": .user, "benutzername": .user,
        "ip": .address, "ip-adresse": .address, "ip-address": .address, "address": .address, "adresse": .address,
    ]

    /// Words after which a token is a ticket id.
    static let ticketWords: Set<String> = ["ticket", "case", "incident", "request", "vorgang", "ticketnummer", "fall", "anfrage", "störung", "inc"]

    /// Reads hints from a text document.
    public mutating func read(_ document: TextDocument) {
        let lines = document.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var previous: [String] = []
        for (index, raw) in lines.enumerated() {
            // "INC0048211 | Priority: P3 | Category: …": each field on its own.
            let first = self.lines.count
            for field in raw.components(separatedBy: " | ") {
                read(line: field, number: index + 1, source: document.source, previous: &previous)
            }
            joinFields(from: first, of: String(raw))
        }
    }

    /// Makes the fields of one line read since `first` one ``Line`` again: "Benutzer: bob | Rechner:
    /// WKS-202 | Ziel: RDSH-02 | Meldung: error-bob.txt" names its report, client and target together.
    private mutating func joinFields(from first: Int, of raw: String) {
        guard lines.count - first > 1 else { return }
        let fields = lines[first...]
        var joined = Line(source: fields[first].source, number: fields[first].number, text: raw.lowercased(), clients: [], targets: [], users: [], addresses: [])
        for field in fields {
            joined.clients += field.clients
            joined.targets += field.targets
            joined.users += field.users
            joined.addresses += field.addresses
        }
        lines.replaceSubrange(first..., with: [joined])
    }

    private mutating func read(line raw: String, number: Int, source: String, previous: inout [String]) {
        let (label, value, hasLabel) = Self.split(raw)
        let labelRole = hasLabel ? Self.role(ofLabel: label) : nil
        let words = Self.words(value)
        var entry = Line(source: source, number: number, text: raw.lowercased(), clients: [], targets: [], users: [], addresses: [])
        if hasLabel, Self.ticketWords.contains(where: { label.lowercased().contains($0) }), let first = words.first {
            ticketIDs.insert(first.bare.uppercased())
        }
        var firstInValue = true
        var context = hasLabel ? [] : previous
        var arrowLeft: String?
        // The role of the machine name just before (an alias in parentheses shares it).
        var lastRole: Role??
        // The machine name just before, when it was a client's name (not an address).
        var lastClient: String?
        for (position, word) in words.enumerated() {
            let lower = word.bare.lowercased()
            defer { context.append(lower) }
            if utcOffset == nil, let offset = zone(word, in: words, at: position, context: context) {
                utcOffset = (offset, word.bare, source)
                continue
            }
            if ["->", "→", "=>", "-->"].contains(word.raw) {
                arrowLeft = entry.clients.last ?? names.last.map(\.name)
                continue
            }
            if Self.isTicketID(word.bare, after: context.last) {
                ticketIDs.insert(word.bare.uppercased())
                continue
            }
            let role = Self.role(of: context.suffix(4), label: firstInValue ? labelRole : nil) ?? labelRole
            // A user label names the user first; a name after a later role word ("Server:") has that role.
            if role == .user, let account = Self.account(word.raw) {
                users.append(Mention(value: account, source: source, line: number))
                entry.users.append(account)
                continue
            }
            guard HostNameLike.looksLikeMachine(word.bare) else {
                lastRole = nil
                continue
            }
            names.append((word.bare, source))
            let isAddress = HostNameLike.isIPv4(word.bare)
            var assigned = arrowLeft != nil ? .target : role
            if word.inParentheses, let alias = lastRole {
                // "RDSH-02 (10.20.4.22)": another name of the machine just before.
                assigned = alias
                if isAddress, let client = lastClient {
                    addressesBeside[HostName.normalized(client), default: []].append(Mention(value: word.bare, source: source, line: number))
                }
            }
            lastClient = nil
            lastRole = .some(assigned)
            switch assigned {
            case .target?:
                targets.append(Mention(value: word.bare, source: source, line: number))
                entry.targets.append(word.bare)
            case .client?, .user?:
                if isAddress {
                    clientAddresses.append(Mention(value: word.bare, source: source, line: number))
                    entry.addresses.append(word.bare)
                } else {
                    clients.append(Mention(value: word.bare, source: source, line: number))
                    entry.clients.append(word.bare)
                    lastClient = word.bare
                }
            case .address?:
                clientAddresses.append(Mention(value: word.bare, source: source, line: number))
                entry.addresses.append(word.bare)
            case nil:
                break
            }
            if let left = arrowLeft, !isAddress {
                if !entry.clients.contains(left) {
                    clients.append(Mention(value: left, source: source, line: number))
                    entry.clients.append(left)
                }
                arrowLeft = nil
            }
            firstInValue = false
        }
        previous = Array(context.suffix(4))
        if !(entry.clients.isEmpty && entry.targets.isEmpty && entry.users.isEmpty && entry.addresses.isEmpty) || !words.isEmpty {
            lines.append(entry)
        }
    }

    /// A word of a line: as written (with its punctuation) and bare.
    struct Word {
        var raw: String
        var bare: String
        var inParentheses: Bool
    }

    private static func words(_ text: String) -> [Word] {
        text.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "|" }).map { piece in
            let raw = String(piece)
            let bare = raw.trimmingCharacters(in: CharacterSet(charactersIn: "()[]<>\"'`“”‘’!?.:\\"))
            return Word(raw: raw, bare: bare, inParentheses: raw.hasPrefix("(") || raw.hasSuffix(")"))
        }
    }

    /// `Label: value` (a label is short and holds a letter; `21:40` is not a label).
    private static func split(_ line: String) -> (label: String, value: String, hasLabel: Bool) {
        // A colon between digits is a time (21:40), not a label's.
        let characters = Array(line)
        guard let offset = characters.indices.first(where: { position in
            guard characters[position] == ":" || characters[position] == "=" else { return false }
            let before = position > 0 ? characters[position - 1] : " "
            let after = position + 1 < characters.count ? characters[position + 1] : " "
            return !(before.isNumber && after.isNumber)
        }) else { return ("", line, false) }
        let colon = line.index(line.startIndex, offsetBy: offset)
        let label = line[..<colon].trimmingCharacters(in: .whitespaces)
        guard !label.isEmpty, label.count <= 30, label.contains(where: \.isLetter), !label.contains(where: { $0 == "(" || $0 == ")" })
        else { return ("", line, false) }
        let rest = line[line.index(after: colon)...]
        guard !rest.hasPrefix("//") else { return ("", line, false) }
        return (label, String(rest), true)
    }

    /// The role a label gives its value: a device word beats a user word ("User's machine").
    private static func role(ofLabel label: String) -> Role? {
        let words = label.lowercased().split(whereSeparator: { !$0.isLetter && $0 != "-" }).map(String.init)
        let roles = words.compactMap { roleWords[$0] ?? (($0.hasSuffix("s") ? roleWords[String($0.dropLast())] : nil)) }
        if roles.contains(.target) { return .target }
        if roles.contains(.client) { return .client }
        if roles.contains(.address) { return .address }
        if roles.contains(.user) || label.lowercased().hasPrefix("reported by") { return .user }
        return nil
    }

    /// The role the nearest role word before a name gives it (the label's, for the first name of a value).
    private static func role(of context: ArraySlice<String>, label: Role?) -> Role? {
        if let label { return label }
        for word in context.reversed() {
            if let role = roleWords[word], role == .client || role == .target { return role }
        }
        return nil
    }

    /// An account name as written on a user line: `DOMAIN\user`, `user@domain`, or a lower-case login.
    static func account(_ raw: String) -> String? {
        let word = raw.trimmingCharacters(in: CharacterSet(charactersIn: "()[]<>\"',;:.!?"))
        if word.contains("\\") || (word.contains("@") && !word.hasPrefix("@")) {
            return RecordIdentity.user(word) == nil ? nil : word
        }
        guard word.count >= 3, word.count <= 32, word == word.lowercased(), word.first?.isLetter == true,
            word.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }), !commonWords.contains(word)
        else { return nil }
        return word
    }

    /// Lower-case words that follow a user label without being a login.
    static let commonWords: Set<String> = [
        "and", "the", "from", "with", "his", "her", "their", "on", "at", "in", "for", "laptop", "desktop", "says", "reports", "cannot",
        "und", "der", "die", "das", "mit", "von", "auf", "sein", "ihr", "meldet", "kann", "nicht", "user", "benutzer",
    ]

    /// A ticket id: a ServiceNow or RT number, or any word after "Ticket", "Case", "Incident"…, or `#123`.
    private static func isTicketID(_ word: String, after previous: String?) -> Bool {
        let upper = word.uppercased()
        if word.hasPrefix("#"), word.dropFirst().allSatisfy(\.isNumber), word.count > 1 { return true }
        for prefix in ["INC", "RITM", "REQ", "CHG", "PRB", "TASK", "SCTASK", "RT-", "RT"] where upper.hasPrefix(prefix) {
            let rest = upper.dropFirst(prefix.count)
            if rest.count >= 3, rest.allSatisfy(\.isNumber) { return true }
        }
        if let previous, ticketWords.contains(previous) || previous.hasSuffix("#") {
            return word.contains(where: \.isNumber)
        }
        return false
    }

    /// The zone a word states: `UTC+2` anywhere; an abbreviation only in upper case and next to a
    /// time, in parentheses, or after words that state the ticket's zone ("time zone", "all times",
    /// "Zeitangaben in", "heures … en").
    private func zone(_ word: Word, in words: [Word], at position: Int, context: [String]) -> Int? {
        if let explicit = Self.explicitOffset(word.bare) { return explicit }
        guard word.bare == word.bare.uppercased(), let seconds = Self.zoneAbbreviations[word.bare] else { return nil }
        let nearTime = (max(0, position - 2)..<min(words.count, position + 3)).contains { Self.isClock(words[$0].bare) }
        // "All times CEST", "Alle Zeitangaben in MEZ", "Heures indiquées en CET": a zone stated for the ticket's times.
        let zoneWords = context.suffix(3).contains {
            ["zone", "timezone", "zeitzone", "time", "times", "zeit", "zeiten", "zeitangaben", "uhrzeit", "fuseau", "heure", "heures"].contains($0)
        }
        return nearTime || word.inParentheses || zoneWords ? seconds : nil
    }

    /// `21:40`, `9:41:53`, `9:41PM`.
    private static func isClock(_ word: String) -> Bool {
        var text = word.uppercased()
        for suffix in ["AM", "PM"] where text.hasSuffix(suffix) { text.removeLast(2) }
        let parts = text.split(separator: ":")
        return (2...3).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.count <= 2 && $0.allSatisfy(\.isNumber) }
    }

    /// `UTC+2`, `UTC-05:00`, `GMT+1`, `UTC` and `GMT` alone, in any letter case (a zone abbreviation: see ``zone``).
    static func offset(_ token: String) -> Int? {
        if let explicit = explicitOffset(token) { return explicit }
        let upper = token.uppercased()
        return token == upper ? zoneAbbreviations[upper] : nil
    }

    private static func explicitOffset(_ token: String) -> Int? {
        let upper = token.uppercased()
        for prefix in ["UTC", "GMT"] where upper.hasPrefix(prefix) && upper.count > prefix.count {
            if let seconds = UTCOffsetText.signedSeconds(upper.dropFirst(prefix.count)) { return seconds }
        }
        if upper == "UTC" || upper == "GMT", token == upper { return 0 }
        return nil
    }

    /// The ticket's line that mentions `file` (an error report's file name), if any.
    func line(mentioning file: String) -> Line? {
        let name = (file.split(whereSeparator: { $0 == "/" || $0 == "!" }).last.map(String.init) ?? file).lowercased()
        guard !name.isEmpty else { return nil }
        return lines.first { $0.text.contains(name) && !($0.clients.isEmpty && $0.targets.isEmpty && $0.users.isEmpty) }
    }

    /// The one address the ticket writes beside the client `machine` (normalized), nil when it
    /// writes none or several different ones.
    func address(besideClient machine: String) -> Mention? {
        let written = addressesBeside[machine] ?? []
        guard let first = written.first, Set(written.map(\.value)).count == 1 else { return nil }
        return first
    }

    /// The ticket's line that names `machine` (normalized) as a client.
    func line(withClient machine: String) -> Line? {
        lines.first { $0.clients.contains { HostName.normalized($0) == machine } && !$0.targets.isEmpty }
    }
}

/// Heuristics for spotting machine names and addresses in free text.
enum HostNameLike {
    static func looksLikeMachine(_ token: String) -> Bool {
        guard token.count >= 3, token.count <= 253 else { return false }
        if isIPv4(token) { return true }
        let hasDigitOrDash = token.contains { $0.isNumber || $0 == "-" }
        let hasLetter = token.contains { $0.isLetter }
        let allowed = token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }
        // Machine names in tickets nearly always mix letters with digits or dashes (WKS-042, RDSH01).
        return allowed && hasLetter && (hasDigitOrDash || token.contains("."))
            && !token.hasPrefix("0x") && !token.hasSuffix(".txt") && !token.hasSuffix(".xml") && !token.hasSuffix(".json")
            && !token.hasSuffix(".-") && token.first != "-" && token.last != "-"
    }

    static func isIPv4(_ token: String) -> Bool {
        let parts = token.split(separator: ".")
        return parts.count == 4 && parts.allSatisfy { part in part.allSatisfy(\.isNumber) && (Int(part) ?? 999) < 256 }
    }
}
