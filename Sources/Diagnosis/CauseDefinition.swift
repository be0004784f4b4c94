import Correlation
import Dispatch
import EventImport
import Foundation
import SigmaKit
import Synchronization
import Yams

/// One candidate cause of a failed connection, as defined in `Rules/causes/<id>.yml`.
///
/// The format is documented in `Rules/causes/README.md`. A cause lists the evidence that
/// supports it and the evidence that rules it out, each as a Sigma rule (by `name`) seen in a
/// window around the failure, the newest of several rules before it, an event whose interval
/// holds the failure, an expected event that is missing, or the failure's own disconnect code.
public struct CauseDefinition: Sendable {
    /// Which machine an evidence item is looked for on: the target host, the client, or the RD
    /// Gateway the connection went through (the machine whose `TerminalServices-Gateway` log is in
    /// the case; see ``GatewayPath``).
    public enum Machine: String, Sendable, Hashable {
        case host, client, gateway
    }

    /// What an evidence item tests.
    public enum Test: Sendable, Hashable {
        /// A hit of any of these rules within the window.
        case present(rules: [String])
        /// No hit of any of these rules within the window, while the machine's logs cover it.
        case absent(rules: [String])
        /// The newest hit among `rules` before the failure (within `lookback`) is one of `is`.
        case latest(rules: [String], is: [String], lookback: Int64)
        /// A hit of `rule` whose `start`…`end` fields (date-times) hold the failure time.
        case interval(rule: String, start: String, end: String)
        /// The failure's own primary disconnect code is one of these.
        case code([UInt32])
    }

    /// One piece of evidence a cause looks for.
    public struct Evidence: Sendable, Hashable {
        /// What is tested.
        public var test: Test
        /// Where.
        public var machine: Machine
        /// Window start and end, in ticks relative to the failure (start ≤ 0 ≤ end usually).
        public var window: (start: Int64, end: Int64)
        /// How strongly it counts, 0…1.
        public var weight: Double
        /// One line that explains it; `{Field}` placeholders quote the event, `{host}`/`{client}` the failure.
        public var says: String
        /// When set, a hit counts only if this field names the failing client's address (when known).
        public var sameClientField: String?
        /// When set, a record logged at the identified attempt counts in this tier (decisive, with its own weight).
        public var atAttempt: AtAttempt?
        /// True when the item only corroborates: it counts only when another item of the cause holds.
        public var corroborates: Bool = false
        /// Where the item is defined (`file:line`).
        public var location: String
        /// For a `latest` item: what shows that the state it found had ended before the failure
        /// (`ended-by`), even when the record of the change back is missing.
        public var endedBy: StateEnd? = nil
        /// For a client `rule` item: when the change it found (an update) counts as the start of the
        /// client's failures (`regression`).
        public var regression: Regression? = nil

        public static func == (lhs: Evidence, rhs: Evidence) -> Bool {
            lhs.test == rhs.test && lhs.machine == rhs.machine && lhs.window == rhs.window && lhs.weight == rhs.weight
                && lhs.says == rhs.says && lhs.sameClientField == rhs.sameClientField && lhs.atAttempt == rhs.atAttempt
                && lhs.corroborates == rhs.corroborates && lhs.endedBy == rhs.endedBy && lhs.regression == rhs.regression
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(test)
            hasher.combine(says)
        }

        /// Every Sigma rule name the item refers to, on any machine (its own rules and the host
        /// rules of a `regression`).
        public var allRuleNames: [String] { ruleNames + (regression?.others ?? []) }

        /// Every Sigma rule name the item refers to on its own machine.
        public var ruleNames: [String] {
            switch test {
            case .present(let rules), .absent(let rules): rules
            case .latest(let rules, let latest, _): rules + latest + (endedBy?.ruleNames ?? [])
            case .interval(let rule, _, _): [rule]
            case .code: []
            }
        }
    }

    /// The "at the attempt" tier of an evidence item: a record logged within `within` of the
    /// identified attempt (its connection on the host, for its client or naming nobody) is
    /// decisive and counts with `weight`; the same kind of record from longer before counts with
    /// the item's own weight. For `absent`, `latest`, `interval` and `code` items, holding at all
    /// is at the attempt (the proven silence around it, the state at its moment, its own code).
    public struct AtAttempt: Sendable, Hashable {
        /// How far from the attempt's connection the record may lie, in ticks.
        public var within: Int64
        /// The weight of a record at the attempt, 0…1.
        public var weight: Double
    }

    /// When a change on the client (an update a `rule` item found) is taken as the start of its
    /// failures: it lies at most `within` before the client's first failure after it, the client did
    /// not fail in the `within` before it, and the host shows other clients' sessions succeeding
    /// after it (`others`). Then the item counts with `weight`; otherwise with the item's own
    /// (weaker) weight, or not at all when the failures predate it or it came after the failure.
    public struct Regression: Sendable, Hashable {
        /// How long before the client's first failure the change may lie, in ticks.
        public var within: Int64
        /// Host rules whose records show another client's session succeeding.
        public var others: [String]
        /// The weight when the change started the failures and other clients still connect, 0…1.
        public var weight: Double
    }

    /// What ends a state that a `latest` item found (a host that went down, a service that stopped).
    public enum StateEnd: Sendable, Hashable {
        /// Any record the machine wrote afterwards, in any log (`ended-by: any-record`).
        case anyRecord
        /// A hit of one of these rules afterwards (`ended-by: [rule, …]`).
        case rules([String])

        /// The rule names it refers to.
        public var ruleNames: [String] {
            if case .rules(let names) = self { return names }
            return []
        }
    }

    /// How far a failed attempt got, which a cause presupposes (`precondition` in the cause file).
    public enum Precondition: String, Sendable, Hashable {
        /// The attempt reached the host's RDP stack (TLS, certificate, key, NLA, logon rights, profile).
        case reachedStack = "reached-stack"
        /// The attempt never got past the security layer: it did not reach the stack, or was cut
        /// before TLS and authentication completed (host asleep, service down, network path).
        case notPastSecurity = "not-past-security"
    }

    /// A log that must cover the failure for the cause to be assessed.
    public struct Need: Sendable, Hashable {
        /// On which machine.
        public var machine: Machine
        /// The channel (as in `System/Channel`).
        public var channel: String
        /// Why it is needed (said when it is missing).
        public var why: String
    }

    /// The cause id (part of the JSON contract).
    public var id: String
    /// A short headline.
    public var title: String
    /// A paragraph explaining the cause.
    public var description: String
    /// The machine the cause lives on.
    public var side: Machine
    /// True when the cause is what remains once host-side causes are excluded (e.g. `client-side`).
    public var residual: Bool
    /// Logs that must cover the failure.
    public var needs: [Need]
    /// Evidence for the cause.
    public var evidence: [Evidence]
    /// Evidence against it.
    public var against: [Evidence]
    /// How far the attempt must have got for the cause to hold (nil: no condition).
    public var precondition: Precondition? = nil
    /// Concrete steps that fix it.
    public var remediation: [String]
    /// Where to read more.
    public var references: [String]
    /// The file it was loaded from.
    public var source: String
}

/// A problem in a cause file, with its position.
public struct CauseDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// `error` (the cause was not loaded) or `warning`.
    public var severity: String
    /// The file.
    public var source: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// What is wrong.
    public var message: String

    /// `file:line:column: severity: message`.
    public var description: String {
        "\(sourceLocation(source, line: line, column: column)): \(severity): \(message)"
    }
}

/// Loads cause definitions from YAML.
public enum CauseLoader {
    /// Loads every `*.yml`/`*.yaml` in `directory` (not recursive), sorted by name.
    public static func load(directory: String) -> (causes: [CauseDefinition], diagnostics: [CauseDiagnostic]) {
        let folder = read(directory: directory)
        let result = load(files: folder.files)
        return (result.causes, folder.diagnostics + result.diagnostics)
    }

    /// The texts of the `*.yml`/`*.yaml` files in `directory` (not recursive), sorted by name, and
    /// an error for each file that cannot be read as UTF-8 text. A missing folder holds no files.
    public static func read(directory: String) -> (files: [(source: String, text: String)], diagnostics: [CauseDiagnostic]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yml") || $0.hasSuffix(".yaml")) }.sorted()
        var files: [(source: String, text: String)] = []
        var diagnostics: [CauseDiagnostic] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            let text: String
            switch YAMLInput.read(path: path) {
            case .success(let read): text = read
            case .failure(let problem):
                diagnostics.append(CauseDiagnostic(severity: "error", source: path, message: problem.message + "; the cause is not loaded"))
                continue
            }
            files.append((path, text))
        }
        return (files, diagnostics)
    }

    /// Loads the causes of several files (`source` names each in diagnostics); a cause id defined
    /// twice is an error.
    ///
    /// The files are parsed on every core (YAML parsing made the causes the longest part of
    /// loading the rules, which every case waits for) and taken in the order given.
    public static func load(files: [(source: String, text: String)]) -> (causes: [CauseDefinition], diagnostics: [CauseDiagnostic]) {
        let parsed = Mutex([(causes: [CauseDefinition], diagnostics: [CauseDiagnostic])](repeating: ([], []), count: files.count))
        DispatchQueue.concurrentPerform(iterations: files.count) { position in
            let result = load(yaml: files[position].text, source: files[position].source)
            parsed.withLock { $0[position] = result }
        }
        var causes: [CauseDefinition] = []
        var diagnostics: [CauseDiagnostic] = []
        for result in parsed.withLock({ $0 }) {
            causes += result.causes
            diagnostics += result.diagnostics
        }
        var seen: [String: String] = [:]
        for cause in causes {
            if let first = seen[cause.id] {
                diagnostics.append(
                    CauseDiagnostic(severity: "error", source: cause.source, message: "duplicate cause id `\(cause.id)` (also in \(first))"))
            }
            seen[cause.id] = cause.source
        }
        return (causes, diagnostics)
    }

    /// Loads the cause defined by one YAML document.
    public static func load(yaml: String, source: String) -> (causes: [CauseDefinition], diagnostics: [CauseDiagnostic]) {
        var diagnostics: [CauseDiagnostic] = []
        func problem(_ node: Node?, _ message: String, severity: String = "error") {
            diagnostics.append(
                CauseDiagnostic(
                    severity: severity, source: source, line: node?.mark.map { $0.line }, column: node?.mark.map { $0.column },
                    message: message))
        }
        if let tooLarge = YAMLInput.sizeProblem(yaml) {
            problem(nil, tooLarge.message + "; the cause is not loaded")
            return ([], diagnostics)
        }
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                problem(nil, "the file is empty")
                return ([], diagnostics)
            }
            root = composed
        } catch {
            let invalid = YAMLInput.problem(error, text: yaml)
            diagnostics.append(
                CauseDiagnostic(
                    severity: "error", source: source, line: invalid.line, column: invalid.column,
                    message: "not valid YAML: \(invalid.message); the cause is not loaded"))
            return ([], diagnostics)
        }
        guard let map = root.mapping else {
            problem(root, "a cause file holds one mapping (id, title, evidence, …)")
            return ([], diagnostics)
        }
        let known: Set<String> = [
            "id", "title", "description", "side", "residual", "needs", "evidence", "against", "remediation", "references",
            "precondition",
        ]
        for (key, _) in map where !known.contains(key.string ?? "") {
            problem(key, "unknown key `\(key.string ?? "")` (known: \(known.sorted().joined(separator: ", ")))", severity: "warning")
        }
        func string(_ key: String, required: Bool = true) -> String? {
            guard let node = map[key] else {
                if required { problem(root, "missing `\(key)`") }
                return nil
            }
            guard let value = node.string else {
                problem(node, "`\(key)` must be text")
                return nil
            }
            return value
        }
        // YAML aliases let a small file repeat a long list many times over: every list entry read
        // counts against one budget, so the work stays proportional to a file of the size limit.
        var listEntries = 0
        var listBudgetExceeded = false
        func admit(_ sequence: Node.Sequence) -> Bool {
            listEntries += sequence.count
            guard listEntries > maxListEntries else { return true }
            if !listBudgetExceeded {
                problem(.sequence(sequence), "the cause's lists hold more than \(maxListEntries) entries in all (aliases count each time)")
                listBudgetExceeded = true
            }
            return false
        }
        func list(_ node: Node?, _ key: String) -> [Node] {
            guard let node else { return [] }
            guard let sequence = node.sequence else {
                problem(node, "`\(key)` must be a list")
                return []
            }
            return admit(sequence) ? Array(sequence) : []
        }
        func strings(_ key: String) -> [String] {
            list(map[key], key).compactMap { item in
                if let text = item.string { return text }
                problem(item, "each entry of `\(key)` must be text")
                return nil
            }
        }
        func names(_ node: Node?, _ key: String) -> [String] {
            guard let node else { return [] }
            if let text = node.string { return [text] }
            return list(node, key).compactMap { item in
                if let text = item.string { return text }
                problem(item, "each entry of `\(key)` must be text")
                return nil
            }
        }
        func machine(_ node: Node?, _ key: String) -> CauseDefinition.Machine {
            guard let node else { return .host }
            guard let text = node.string, let machine = CauseDefinition.Machine(rawValue: text) else {
                problem(node, "`\(key)` is host, client or gateway")
                return .host
            }
            return machine
        }
        let id = string("id") ?? ""
        let title = string("title") ?? ""
        let side = machine(map["side"], "side")
        var residual = false
        if let node = map["residual"] {
            if let value = node.bool { residual = value } else { problem(node, "`residual` is true or false") }
        }
        var precondition: CauseDefinition.Precondition?
        if let node = map["precondition"] {
            if let text = node.string, let value = CauseDefinition.Precondition(rawValue: text) {
                precondition = value
            } else {
                problem(node, "`precondition` is reached-stack or not-past-security")
            }
        }
        var needs: [CauseDefinition.Need] = []
        for item in list(map["needs"], "needs") {
            guard item.mapping != nil, let channel = item["channel"]?.string else {
                problem(item, "each `needs` entry is a map that names a `channel`")
                continue
            }
            needs.append(
                CauseDefinition.Need(machine: machine(item["machine"], "machine"), channel: channel, why: item["why"]?.string ?? ""))
        }
        let reader = EvidenceReader(source: source, problem: problem, names: names, machine: machine)
        let evidence = list(map["evidence"], "evidence").compactMap(reader.read)
        let against = list(map["against"], "against").compactMap(reader.read)
        if against.contains(where: { $0.regression != nil }) {
            // A regression weighs an update for the cause; it cannot refute one.
            problem(map["against"], "`regression` belongs to an `evidence` item, not to `against`")
        }
        if evidence.isEmpty { problem(map["evidence"] ?? root, "a cause needs at least one `evidence` item") }
        let remediation = strings("remediation")
        if remediation.isEmpty { problem(root, "a cause needs `remediation` steps") }
        let references = strings("references")
        guard diagnostics.allSatisfy({ $0.severity != "error" }) else { return ([], diagnostics) }
        let cause = CauseDefinition(
            id: id, title: title, description: string("description", required: false) ?? "", side: side, residual: residual,
            needs: needs, evidence: evidence, against: against, precondition: precondition, remediation: remediation,
            references: references, source: source)
        return ([cause], diagnostics)
    }

    /// The most list entries one cause file may hold in all (evidence items, rule names, steps…),
    /// counting an aliased list each time it is used.
    public static let maxListEntries = 10_000

    /// Reads evidence items with the checks of the file being loaded.
    private struct EvidenceReader {
        let source: String
        let problem: (Node?, String, String) -> Void
        let names: (Node?, String) -> [String]
        let machine: (Node?, String) -> CauseDefinition.Machine

        func fail(_ at: Node?, _ message: String) -> CauseDefinition.Evidence? {
            problem(at, message, "error")
            return nil
        }

        func read(_ node: Node) -> CauseDefinition.Evidence? {
            guard node.mapping != nil else { return fail(node, "an evidence item is a mapping") }
            let test: CauseDefinition.Test
            if let rule = node["rule"] {
                test = .present(rules: names(rule, "rule"))
            } else if let absent = node["absent"] {
                test = .absent(rules: names(absent, "absent"))
            } else if let latest = node["latest"] {
                guard let lookbackText = latest["lookback"]?.string, let lookback = parseSignedSpan(lookbackText) else {
                    return fail(latest, "`latest` needs `rules`, `is` and a `lookback` such as 7d (at most \(maxSpanText))")
                }
                test = .latest(rules: names(latest["rules"], "rules"), is: names(latest["is"], "is"), lookback: lookback)
            } else if let interval = node["interval"] {
                guard let rule = interval["rule"]?.string, let start = interval["start"]?.string, let end = interval["end"]?.string
                else {
                    return fail(interval, "`interval` needs `rule`, `start` and `end` fields")
                }
                test = .interval(rule: rule, start: start, end: end)
            } else if let codes = node["code"] {
                var values: [UInt32] = []
                for text in names(codes, "code") {
                    // Decimal as written in the client log (2308) or hexadecimal (0x904).
                    let code = text.lowercased().hasPrefix("0x") ? UInt32(text.dropFirst(2), radix: 16) : UInt32(text)
                    guard let code else { return fail(codes, "`code` values are disconnect codes (0 to 4294967295), not '\(text)'") }
                    values.append(code)
                }
                test = .code(Array(Set(values)).sorted())
            } else {
                return fail(node, "an evidence item needs one of `rule`, `absent`, `latest`, `interval` or `code`")
            }
            var window: (Int64, Int64) = (0, 0)
            if let windowNode = node["window"] {
                guard let bounds = windowNode.sequence, bounds.count == 2, let start = bounds[0].string.flatMap(parseSignedSpan),
                    let end = bounds[1].string.flatMap(parseSignedSpan), start <= end
                else {
                    return fail(windowNode, "`window` is [start, end] relative to the failure, e.g. [-5m, 2m], each at most \(maxSpanText)")
                }
                window = (start, end)
            } else if case .present = test {
                return fail(node, "a `rule` item needs a `window`")
            } else if case .absent = test {
                return fail(node, "an `absent` item needs a `window`")
            }
            guard let weight = node["weight"]?.float, weight > 0, weight <= 1 else {
                return fail(node["weight"] ?? node, "`weight` must be a number in (0, 1]")
            }
            var atAttempt: CauseDefinition.AtAttempt?
            if let tier = node["at-attempt"] {
                guard tier.mapping != nil, let withinText = tier["within"]?.string, let within = parseSignedSpan(withinText), within >= 0,
                    let tierWeight = tier["weight"]?.float, tierWeight > 0, tierWeight <= 1
                else {
                    return fail(tier, "`at-attempt` is {within: <span such as 5s>, weight: <number in (0, 1]>}")
                }
                if tierWeight == CauseEvaluator.likelyThreshold {
                    // One record alone would land exactly on the threshold: a confidence that says nothing.
                    problem(tier, "`at-attempt` weight \(tierWeight) puts the cause exactly on the likely threshold with one record; choose a weight above or below it", "warning")
                }
                atAttempt = CauseDefinition.AtAttempt(within: within, weight: tierWeight)
            }
            var corroborates = false
            if let flag = node["corroborates"] {
                guard let value = flag.bool else { return fail(flag, "`corroborates` is true or false") }
                corroborates = value
            }
            var endedBy: CauseDefinition.StateEnd?
            if let endNode = node["ended-by"] {
                guard case .latest = test else { return fail(endNode, "`ended-by` belongs to a `latest` item") }
                if endNode.string == "any-record" {
                    endedBy = .anyRecord
                } else {
                    let rules = names(endNode, "ended-by")
                    guard !rules.isEmpty else { return fail(endNode, "`ended-by` is any-record or a list of rule names") }
                    endedBy = .rules(rules)
                }
            }
            let side = machine(node["machine"], "machine")
            var regression: CauseDefinition.Regression?
            if let regressionNode = node["regression"] {
                guard case .present = test, side == .client else {
                    return fail(regressionNode, "`regression` belongs to a `rule` item on the client")
                }
                let message = "`regression` is {within: <span such as 14d>, others: [host rules], weight: <number in (0, 1]>}"
                guard regressionNode.mapping != nil, let withinText = regressionNode["within"]?.string,
                    let within = parseSignedSpan(withinText), within > 0, let strong = regressionNode["weight"]?.float, strong > 0, strong <= 1
                else { return fail(regressionNode, message) }
                let others = names(regressionNode["others"], "others")
                guard !others.isEmpty else { return fail(regressionNode, message) }
                regression = CauseDefinition.Regression(within: within, others: others, weight: strong)
            }
            return CauseDefinition.Evidence(
                test: test, machine: side, window: window, weight: weight,
                says: node["says"]?.string ?? "", sameClientField: node["same-client"]?.string, atAttempt: atAttempt,
                corroborates: corroborates, location: "\(source):\((node.mark?.line ?? 0))", endedBy: endedBy,
                regression: regression)
        }
    }
}

/// How long a span in a cause file may be, as said in messages.
private let maxSpanText = "3650d (10 years)"

/// Parses `-5m`, `2m`, `30s`, `7d`, `0` into ticks: a sign, then a Sigma timespan.
func parseSignedSpan(_ text: String) -> Int64? {
    var value = text.trimmingCharacters(in: .whitespaces)
    var sign: Int64 = 1
    if value.hasPrefix("-") {
        sign = -1
        value.removeFirst()
    } else if value.hasPrefix("+") {
        value.removeFirst()
    }
    if value == "0" { return 0 }
    return parseTimespan(value).map { sign * $0 }
}
