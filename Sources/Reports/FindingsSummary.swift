public import Foundation
import EventImport

/// What broke most: the findings of many cases counted per period (day or ISO week), host,
/// verdict and cause, for `rdpcause summary OUT/`.
///
/// The cases come from a findings folder (each `<case>/findings.json` under it, as
/// `analyze --output` and `watch` write them) or from the watcher's ledger (its `done` records,
/// each naming the case folder beside the ledger). A findings file that cannot be read is
/// reported, never skipped silently.
public struct FindingsSummary: Sendable {
    /// How cases are grouped in time.
    public enum Period: String, Sendable, CaseIterable {
        /// A UTC calendar day (`2026-12-06`).
        case day
        /// An ISO 8601 week (`2026-W49`).
        case week
    }

    /// One case, as counted.
    public struct Case: Sendable, Hashable {
        /// The findings folder's name.
        public var name: String
        /// When it was analysed (`analysedAt`, else the findings file's modification time).
        public var time: Date
        /// The primary failure's host, or `unknown host`.
        public var host: String
        /// The verdict.
        public var verdict: String
        /// The likely cause's id when a cause was found, else `-`.
        public var cause: String
    }

    /// One group of the table: how many cases share a period, host, verdict and cause.
    public struct Group: Sendable, Hashable {
        /// The period (`2026-12-06` or `2026-W49`).
        public var period: String
        /// The host.
        public var host: String
        /// The verdict.
        public var verdict: String
        /// The cause id, or `-`.
        public var cause: String
        /// How many cases.
        public var count: Int
    }

    /// The cases read.
    public var cases: [Case] = []
    /// Findings that could not be read: `path: reason`.
    public var problems: [String] = []

    /// Reads `path`: a findings folder, or a ledger file (`.jsonl`).
    public static func read(_ path: String) -> FindingsSummary {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return FindingsSummary(problems: ["\(path): no such file or folder"])
        }
        return isDirectory.boolValue ? readFolder(path) : readLedger(path)
    }

    private static func readFolder(_ folder: String) -> FindingsSummary {
        var summary = FindingsSummary()
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        for name in names {
            let file = (folder as NSString).appendingPathComponent(name) + "/findings.json"
            guard FileManager.default.fileExists(atPath: file) else { continue }
            summary.add(file: file, name: name)
        }
        if summary.cases.isEmpty && summary.problems.isEmpty {
            summary.problems.append("\(folder): no findings (no <case>/findings.json under it)")
        }
        return summary
    }

    private static func readLedger(_ ledger: String) -> FindingsSummary {
        var summary = FindingsSummary()
        guard let data = FileManager.default.contents(atPath: ledger) else {
            return FindingsSummary(problems: ["\(ledger): cannot be read"])
        }
        let folder = (ledger as NSString).deletingLastPathComponent
        var seen = Set<String>()
        for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            guard let record = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                summary.problems.append("\(ledger):\(number + 1): not a ledger record")
                continue
            }
            guard record["state"] as? String == "done", let name = record["caseName"] as? String, seen.insert(name).inserted else { continue }
            guard !name.contains("/"), name != "..", name != "." else {
                summary.problems.append("\(ledger):\(number + 1): case name \(name) is not a folder name")
                continue
            }
            summary.add(file: (folder as NSString).appendingPathComponent(name) + "/findings.json", name: name)
        }
        return summary
    }

    private mutating func add(file: String, name: String) {
        guard let data = FileManager.default.contents(atPath: file),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let verdict = object["verdict"] as? String
        else {
            problems.append("\(file): not a findings document")
            return
        }
        let failure = (object["failures"] as? [[String: Any]])?.first
        let top = (failure?["causes"] as? [[String: Any]])?.first
        let cause = verdict == "cause-found" ? (top?["id"] as? String ?? "-") : "-"
        let analysed = (object["analysedAt"] as? String).flatMap { EventTimestamp(iso8601: $0) }
            .map { Date(timeIntervalSince1970: $0.secondsSinceEpoch) }
        let modified = (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date
        cases.append(
            Case(name: name, time: analysed ?? modified ?? Date(timeIntervalSince1970: 0), host: failure?["host"] as? String ?? "unknown host",
                verdict: verdict, cause: cause))
    }

    /// The period a time falls in (UTC).
    public static func period(of time: Date, _ period: Period) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        switch period {
        case .day:
            let parts = calendar.dateComponents([.year, .month, .day], from: time)
            return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        case .week:
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: time)
            return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? 0, parts.weekOfYear ?? 0)
        }
    }

    /// The cases grouped by period, host, verdict and cause, in that order.
    public func groups(by period: Period) -> [Group] {
        var counts: [Group: Int] = [:]
        for item in cases {
            counts[Group(period: Self.period(of: item.time, period), host: item.host, verdict: item.verdict, cause: item.cause, count: 0), default: 0] += 1
        }
        return counts.map { key, count in
            var group = key
            group.count = count
            return group
        }.sorted { ($0.period, $0.host, $0.verdict, $0.cause) < ($1.period, $1.host, $1.verdict, $1.cause) }
    }

    /// Counts of one attribute, most first (ties by name).
    public func totals(_ attribute: KeyPath<Case, String>) -> [(String, Int)] {
        Dictionary(grouping: cases, by: { $0[keyPath: attribute] }).map { ($0.key, $0.value.count) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }

    /// The text form: totals per verdict, cause and host, then each period's causes.
    public func text(by period: Period) -> String {
        var lines = ["\(cases.count) case\(cases.count == 1 ? "" : "s")"]
        let list = { (pairs: [(String, Int)]) in pairs.map { "\($0.0) \($0.1)" }.joined(separator: ", ") }
        lines.append("by verdict: " + list(totals(\.verdict)))
        let causes = cases.filter { $0.cause != "-" }
        if !causes.isEmpty { lines.append("by cause: " + list(FindingsSummary(cases: causes).totals(\.cause))) }
        lines.append("by host: " + list(totals(\.host)))
        let periods = Dictionary(grouping: cases, by: { Self.period(of: $0.time, period) })
        for key in periods.keys.sorted() {
            let items = periods[key] ?? []
            let found = FindingsSummary(cases: items.filter { $0.cause != "-" }).totals(\.cause)
            let open = items.count - items.filter { $0.cause != "-" }.count
            var parts = found.map { "\($0.0) \($0.1)" }
            if open > 0 { parts.append("no cause \(open)") }
            lines.append("\(key): \(items.count) case\(items.count == 1 ? "" : "s") — " + parts.joined(separator: ", "))
        }
        return lines.map { TerminalSafe.line($0) }.joined(separator: "\n") + "\n"
    }

    /// The CSV form (RFC 4180): `period,host,verdict,cause,count`.
    public func csv(by period: Period) -> String {
        var lines = ["\(period.rawValue),host,verdict,cause,count"]
        for group in groups(by: period) {
            lines.append([group.period, group.host, group.verdict, group.cause].map(Self.csvField).joined(separator: ",") + ",\(group.count)")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The JSON form: `{"cases": N, "period": "week", "groups": [{period, host, verdict, cause, count}]}`.
    public func json(by period: Period) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.member("cases", cases.count)
        json.member("period", period.rawValue)
        json.key("groups")
        json.beginArray()
        for group in groups(by: period) {
            json.element()
            json.beginObject()
            json.member("period", group.period)
            json.member("host", group.host)
            json.member("verdict", group.verdict)
            json.member("cause", group.cause)
            json.member("count", group.count)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        json.newline()
        return json.text
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break; a leading `=`, `+`,
    /// `-` or `@` is prefixed with `'` so a spreadsheet does not run it as a formula.
    static func csvField(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first), value != "-" { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
