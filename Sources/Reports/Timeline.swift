import Diagnosis
import EventImport

/// The SVG timeline of one failure: a client lane and a host lane around the failure.
///
/// Host events are shifted by the clock skew onto the client's clock, so the two lanes line up
/// (the lane says "host clock +47 s"). The time axis is symmetric-logarithmic around the failure,
/// so events seconds apart near the failure and events hours or days earlier both stay readable.
/// Each evidence record is one mark (a record used by several causes is drawn once); its `<title>`
/// lists the matched rules and their meanings. Labels are stacked in rows so they never overlap.
struct Timeline {
    enum Lane: Int, CaseIterable {
        case client, host
    }

    /// One mark on the timeline: a record, or the records of one lane that fall on the same spot.
    struct Mark {
        var lane: Lane
        /// Seconds from the failure, on the client's clock.
        var offset: Double
        var role: EvidenceItem.Role
        var label: String
        var tooltip: [String]
        var x: Double = 0
        var row: Int = 0
        var labelWidth: Double = 0
    }

    // MARK: Geometry (SVG user units)

    static let width = 960.0
    static let plotLeft = 178.0
    static let plotRight = 940.0
    static let topMargin = 34.0
    static let laneGap = 8.0
    static let rowHeight = 13.0
    static let characterWidth = 6.6
    static let labelGap = 6.0

    /// Seconds at which the axis may end and has ticks.
    static let tickSeconds: [Double] = [10, 60, 600, 3600, 6 * 3600, 86_400, 7 * 86_400, 30 * 86_400, 365 * 86_400]

    var failure: FailureDiagnosis
    var number: Int
    var marks: [Mark]
    /// Seconds covered before and after the failure.
    var before: Double
    var after: Double
    var laneTop: [Double] = []
    var laneHeight: [Double] = []
    var height: Double = 0

    init(_ failure: FailureDiagnosis, number: Int) {
        self.failure = failure
        self.number = number
        self.marks = Self.collect(failure)
        let earliest = marks.map(\.offset).min() ?? 0
        let latest = marks.map(\.offset).max() ?? 0
        before = Self.tickSeconds.first { $0 >= max(60, -earliest) } ?? max(60, -earliest)
        after = Self.tickSeconds.first { $0 >= max(60, latest) } ?? max(60, latest)
        layOut()
    }

    // MARK: - Data

    /// Every evidence record of the failure (failure records and the evidence of all causes),
    /// one mark per record; proven absences have no time of their own and are left out.
    static func collect(_ failure: FailureDiagnosis) -> [Mark] {
        struct Key: Hashable {
            var computer: String, channel: String, eventID: UInt32, recordID: UInt64?, source: String, line: Int, ticks: Int64
        }
        var order: [Key] = []
        var items: [Key: (item: EvidenceItem, role: EvidenceItem.Role, uses: [String])] = [:]
        let tagged = failure.anchors.map { ("failure", $0) }
            + failure.causes.flatMap { cause in cause.evidence.map { (cause.id, $0) } }
        for (cause, item) in tagged where item.role != .missing {
            let key = Key(
                computer: item.computer, channel: item.channel, eventID: item.eventID, recordID: item.recordID,
                source: item.origin.source, line: item.origin.line, ticks: item.time.ticks)
            let use = "\(cause) — \(item.role.rawValue) — \(item.rule): \(item.meaning)"
            if var existing = items[key] {
                if priority(item.role) < priority(existing.role) { existing.role = item.role }
                if !existing.uses.contains(use) { existing.uses.append(use) }
                items[key] = existing
            } else {
                order.append(key)
                items[key] = (item, item.role, [use])
            }
        }
        let failureOnClient = failure.time.secondsSinceEpoch
        var marks: [Mark] = []
        for key in order {
            guard let entry = items[key] else { continue }
            let item = entry.item
            let lane = lane(of: item, failure: failure)
            let clientTime = item.time.secondsSinceEpoch - (lane == .host ? failure.clockSkewSeconds ?? 0 : 0)
            let label = Self.label(item)
            var header = "\(Wording.time(item.time)) \(lane == .host ? "host" : "client") clock — \(item.computer)"
            let event = Wording.event(item)
            if !event.isEmpty { header += " — \(event)" }
            var tooltip = [header]
            let source = Wording.source(item)
            if !source.isEmpty { tooltip.append(source) }
            tooltip += entry.uses
            marks.append(Mark(lane: lane, offset: clientTime - failureOnClient, role: entry.role, label: label, tooltip: tooltip))
        }
        // Time order (ties keep the order above): a stable order for clustering and label rows.
        return marks.enumerated().sorted { lhs, rhs in
            if lhs.element.offset != rhs.element.offset { return lhs.element.offset < rhs.element.offset }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// Which lane a record belongs to: the client's when its machine is the client (by full or
    /// first DNS label, ignoring case) or it is the user's report or a client log; else the host's.
    static func lane(of item: EvidenceItem, failure: FailureDiagnosis) -> Lane {
        if let client = failure.client, sameMachine(item.computer, client) { return .client }
        if let host = failure.host, sameMachine(item.computer, host) { return .host }
        if item.rule == "client-report" || item.channel.contains("RDPClient") { return .client }
        return .host
    }

    /// Whether two names denote the same machine: equal ignoring case, or two host names
    /// (letters, digits, `-`, `_`, `.`) with the same first DNS label (`WKS-058` and
    /// `wks-058.corp.example`).
    static func sameMachine(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.lowercased()
        let right = rhs.lowercased()
        if left == right { return true }
        func isHostName(_ name: String) -> Bool {
            !name.isEmpty
                && name.unicodeScalars.allSatisfy {
                    $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
                }
        }
        guard isHostName(left), isHostName(right) else { return false }
        let leftLabel = left.split(separator: ".", maxSplits: 1).first ?? ""
        let rightLabel = right.split(separator: ".", maxSplits: 1).first ?? ""
        return !leftLabel.isEmpty && leftLabel == rightLabel
    }

    static func priority(_ role: EvidenceItem.Role) -> Int {
        switch role {
        case .failure: 0
        case .supports: 1
        case .refutes: 2
        case .missing: 3
        }
    }

    // MARK: - Layout

    /// The symmetric-log position of an offset, 0 at the failure.
    static func logPosition(_ seconds: Double) -> Double {
        let magnitude = log10Approx(1 + abs(seconds))
        return seconds < 0 ? -magnitude : magnitude
    }

    /// x of an offset in seconds.
    func x(_ seconds: Double) -> Double {
        let left = Self.logPosition(-before)
        let right = Self.logPosition(after)
        let clamped = min(max(seconds, -before), after)
        return Self.plotLeft + (Self.logPosition(clamped) - left) / (right - left) * (Self.plotRight - Self.plotLeft)
    }

    /// Records closer than this (in SVG units) in one lane are drawn as one mark, so every
    /// record's tooltip stays reachable.
    static let clusterDistance = 5.0

    /// Merges the records of a lane that fall on (nearly) the same spot into one mark: the most
    /// significant role, the labels joined, every record in the tooltip.
    private mutating func cluster() {
        var merged: [Mark] = []
        var members: [Int: [Mark]] = [:]
        for var mark in marks {
            mark.x = x(mark.offset)
            if let index = merged.lastIndex(where: { $0.lane == mark.lane }),
                mark.x - (members[index]?.first?.x ?? merged[index].x) < Self.clusterDistance
            {
                members[index, default: []].append(mark)
            } else {
                merged.append(mark)
                members[merged.count - 1] = [mark]
            }
        }
        for index in merged.indices {
            guard let group = members[index], group.count > 1 else { continue }
            var labels: [String] = []
            for mark in group where !labels.contains(mark.label) { labels.append(mark.label) }
            merged[index].label = labels.count > 4
                ? labels.prefix(3).joined(separator: " · ") + " +\(labels.count - 3)" : labels.joined(separator: " · ")
            merged[index].role = group.min { Self.priority($0.role) < Self.priority($1.role) }?.role ?? merged[index].role
            merged[index].tooltip = ["\(group.count) records:"] + group.flatMap { [""] + $0.tooltip }
        }
        marks = merged
    }

    private mutating func layOut() {
        cluster()
        var rows: [Lane: Int] = [:]
        // The labels placed in each row of a lane; a label kept inside the plot may start left of
        // the previous one, so a row takes it only when it overlaps none of them.
        var rowLabels: [Lane: [[ClosedRange<Double>]]] = [:]
        for index in marks.indices {
            let x = marks[index].x
            let width = Double(marks[index].label.count) * Self.characterWidth + 2
            marks[index].labelWidth = width
            let center = labelCenter(x: x, width: width)
            let lane = marks[index].lane
            let span = (center - width / 2 - Self.labelGap)...(center + width / 2)
            var placed = rowLabels[lane] ?? []
            let row = placed.firstIndex { labels in labels.allSatisfy { !$0.overlaps(span) } } ?? placed.count
            if row == placed.count { placed.append([]) }
            placed[row].append(span)
            rowLabels[lane] = placed
            marks[index].row = row
            rows[lane] = max(rows[lane] ?? 0, row + 1)
        }
        var top = Self.topMargin
        for lane in Lane.allCases {
            laneTop.append(top)
            // Room for the mark, the label rows, and the three lines of the lane's name.
            let height = max(58, 36 + Double(rows[lane] ?? 0) * Self.rowHeight)
            laneHeight.append(height)
            top += height + Self.laneGap
        }
        height = top + 52
    }

    /// Where a label of `width` is centred for a mark at `x`: at the mark, kept inside the plot.
    func labelCenter(x: Double, width: Double) -> Double {
        min(max(x, Self.plotLeft + width / 2), Self.plotRight - width / 2)
    }

    func markY(_ lane: Lane) -> Double { laneTop[lane.rawValue] + 17 }

    func labelY(_ mark: Mark) -> Double { markY(mark.lane) + 22 + Double(mark.row) * Self.rowHeight }

    // MARK: - SVG

    func svg() -> String {
        var out: [String] = []
        let axisY = laneTop[1] + laneHeight[1] + 4
        let failureX = x(0)
        out.append(
            "<svg class=\"timeline\" viewBox=\"0 0 \(n(Self.width)) \(n(height))\" width=\"\(n(Self.width))\" height=\"\(n(height))\" "
                + "role=\"img\" aria-label=\"Timeline of failure \(number): client and host events around the failure\">")
        // Lanes.
        for lane in Lane.allCases {
            let top = laneTop[lane.rawValue]
            let laneHeight = laneHeight[lane.rawValue]
            out.append(
                "<rect class=\"lane lane-\(lane == .client ? "client" : "host")\" x=\"4\" y=\"\(n(top))\" width=\"\(n(Self.width - 8))\" height=\"\(n(laneHeight))\" rx=\"4\"/>")
            out.append("<line class=\"lane-axis\" x1=\"\(n(Self.plotLeft))\" y1=\"\(n(markY(lane)))\" x2=\"\(n(Self.plotRight))\" y2=\"\(n(markY(lane)))\"/>")
            let name = lane == .client ? Wording.client(failure) : Wording.host(failure)
            out.append("<text class=\"lane-title\" x=\"12\" y=\"\(n(top + 17))\">\(lane == .client ? "Client" : "Host")</text>")
            out.append(
                "<text class=\"lane-name\" x=\"12\" y=\"\(n(top + 32))\"><title>\(HTMLText.escape(name))</title>\(HTMLText.escape(Self.truncated(name, to: 24)))</text>")
            if lane == .host {
                let clock: String
                if let skew = failure.clockSkewSeconds {
                    clock = Self.inSync(skew) ? "host clock in sync" : "host clock \(Wording.shortSkew(skew))"
                } else {
                    clock = "host clock: skew unknown"
                }
                out.append("<text class=\"lane-clock\" x=\"12\" y=\"\(n(top + 46))\">\(clock)</text>")
            } else {
                out.append("<text class=\"lane-clock\" x=\"12\" y=\"\(n(top + 46))\">reference clock</text>")
            }
            if !marks.contains(where: { $0.lane == lane }) {
                let text = "no \(lane == .client ? "client" : "host") records in this case"
                out.append("<text class=\"lane-empty\" x=\"\(n(failureX + 10))\" y=\"\(n(markY(lane) + 22))\">\(text)</text>")
            }
        }
        // Axis and ticks.
        out.append("<line class=\"axis\" x1=\"\(n(Self.plotLeft))\" y1=\"\(n(axisY))\" x2=\"\(n(Self.plotRight))\" y2=\"\(n(axisY))\"/>")
        for (seconds, label) in ticks() {
            let tickX = x(seconds)
            out.append("<line class=\"tick\" x1=\"\(n(tickX))\" y1=\"\(n(Self.topMargin))\" x2=\"\(n(tickX))\" y2=\"\(n(axisY + 4))\"/>")
            out.append("<text class=\"tick-label\" x=\"\(n(tickX))\" y=\"\(n(axisY + 16))\">\(label)</text>")
        }
        out.append(
            "<text class=\"axis-caption\" x=\"\(n(Self.plotLeft))\" y=\"\(n(axisY + 36))\">time from the failure on the client’s clock (log scale)</text>")
        // Legend.
        var legendX = Self.plotRight - 220
        for role in [EvidenceItem.Role.failure, .supports, .refutes] {
            out.append("<g class=\"mark m-\(role.rawValue)\">\(glyph(role, x: legendX, y: axisY + 32))</g>")
            out.append("<text class=\"legend\" x=\"\(n(legendX + 9))\" y=\"\(n(axisY + 36))\">\(role.rawValue)</text>")
            legendX += 75
        }
        // The failure.
        out.append(
            "<line class=\"failure-line\" x1=\"\(n(failureX))\" y1=\"\(n(Self.topMargin - 12))\" x2=\"\(n(failureX))\" y2=\"\(n(axisY))\"/>")
        let failureLabel = failureCaption()
        let labelWidth = Double(failureLabel.count) * Self.characterWidth
        let center = min(max(failureX, Self.plotLeft + labelWidth / 2), Self.plotRight - labelWidth / 2)
        out.append("<text class=\"failure-label\" x=\"\(n(center))\" y=\"\(n(Self.topMargin - 16))\">\(HTMLText.escape(failureLabel))</text>")
        // Marks, with their labels and tooltips.
        for mark in marks {
            let y = markY(mark.lane)
            let labelY = labelY(mark)
            let center = labelCenter(x: mark.x, width: mark.labelWidth)
            out.append("<g class=\"mark m-\(mark.role.rawValue)\">")
            out.append("<title>\(mark.tooltip.map(HTMLText.escape).joined(separator: "\n"))</title>")
            out.append("<line class=\"leader\" x1=\"\(n(mark.x))\" y1=\"\(n(y + 6))\" x2=\"\(n(center))\" y2=\"\(n(labelY - 9))\"/>")
            out.append(glyph(mark.role, x: mark.x, y: y))
            out.append("<text class=\"mark-label\" x=\"\(n(center))\" y=\"\(n(labelY))\">\(HTMLText.escape(mark.label))</text>")
            out.append("</g>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    /// Whether a skew is too small to mention (under half a second).
    static func inSync(_ skew: Double) -> Bool { abs(skew) < 0.5 }

    /// "failure 12:25:44Z client · 12:26:31Z host clock".
    func failureCaption() -> String {
        let clientTime = failure.time
        guard let skew = failure.clockSkewSeconds, !Self.inSync(skew), let hostTime = failure.hostTime else {
            return "failure \(Wording.time(clientTime))"
        }
        return "failure \(Self.clock(clientTime)) client · \(Self.clock(hostTime)) host clock"
    }

    /// `12:25:44Z`.
    static func clock(_ time: EventTimestamp) -> String {
        let iso = Wording.time(time)
        guard let tee = iso.firstIndex(of: "T") else { return iso }
        return String(iso[iso.index(after: tee)...])
    }

    func ticks() -> [(Double, String)] {
        var result: [(Double, String)] = [(0, "0")]
        for seconds in Self.tickSeconds where seconds <= before { result.append((-seconds, "−" + Self.duration(seconds))) }
        for seconds in Self.tickSeconds where seconds <= after { result.append((seconds, "+" + Self.duration(seconds))) }
        return result.sorted { $0.0 < $1.0 }
    }

    static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<60: "\(Int(seconds)) s"
        case ..<3600: "\(Int(seconds / 60)) min"
        case ..<86_400: "\(Int(seconds / 3600)) h"
        case ..<(365 * 86_400): "\(Int(seconds / 86_400)) d"
        default: "\(Int(seconds / (365 * 86_400))) y"
        }
    }

    func glyph(_ role: EvidenceItem.Role, x: Double, y: Double) -> String {
        switch role {
        case .failure:
            "<path d=\"M\(n(x)) \(n(y - 7))L\(n(x + 7)) \(n(y))L\(n(x)) \(n(y + 7))L\(n(x - 7)) \(n(y))Z\"/>"
        case .refutes, .missing:
            "<rect x=\"\(n(x - 5))\" y=\"\(n(y - 5))\" width=\"10\" height=\"10\"/>"
        case .supports:
            "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"6\"/>"
        }
    }

    /// A mark's label: the event id with what the record means (`36870 private key access failed`),
    /// `missing: …` for an absence, `report` for the user's report.
    static func label(_ item: EvidenceItem) -> String {
        if item.rule == "client-report" { return "report" }
        let first = item.rule.split(separator: ",").first.map(String.init) ?? item.rule
        var meaning = first.filter { $0 != " " }
        for prefix in ["rdp_", "schannel_"] where meaning.hasPrefix(prefix) { meaning.removeFirst(prefix.count) }
        meaning = String(meaning.map { $0 == "_" || $0 == "-" ? " " : $0 })
        if item.role == .missing { return truncated("missing: " + meaning, to: 30) }
        return truncated(item.eventID != 0 ? "\(item.eventID) \(meaning)" : meaning, to: 30)
    }

    static func truncated(_ text: String, to length: Int) -> String {
        let clean = Sanitizer.clean(text)
        return clean.count <= length ? clean : String(clean.prefix(length - 1)) + "…"
    }

    /// A coordinate with one decimal.
    private func n(_ value: Double) -> String {
        let text = Wording.fixed(value, digits: 1)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}

/// log10 without Foundation: enough precision for drawing.
private func log10Approx(_ value: Double) -> Double {
    guard value > 0 else { return 0 }
    var exponent = 0.0
    var mantissa = value
    while mantissa >= 10 {
        mantissa /= 10
        exponent += 1
    }
    while mantissa < 1 {
        mantissa *= 10
        exponent -= 1
    }
    // ln(m) by the series of atanh: ln(m) = 2 atanh((m-1)/(m+1)).
    let z = (mantissa - 1) / (mantissa + 1)
    let z2 = z * z
    var term = z
    var sum = 0.0
    var k = 1.0
    for _ in 0..<60 {
        sum += term / k
        term *= z2
        k += 2
    }
    return exponent + 2 * sum / 2.302585092994046
}
