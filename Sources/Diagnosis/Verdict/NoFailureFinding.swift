import Correlation
import EventImport
import Foundation

/// What a case says when no failed attempt is found in it: "no failure" when the client's own
/// log covers the period and shows only connections that ended normally (a ticket that merely
/// mentions 0x904 is hearsay then), and "failure not located" when there is no error report and no
/// client log covering it. For the latter it asks for what would locate the failure and lists the
/// host's records of failed attempts near the ticket's date as candidates.
struct NoFailureFinding {
    /// The most candidates listed.
    static let candidateLimit = 15
    /// How soon after a profile error a logoff makes it "a profile error followed by a quick logoff".
    static let quickLogoff: Int64 = 120 * EventTimestamp.ticksPerSecond

    let index: CaseIndex
    let hints: TicketHints
    /// How far past its last event a log is still taken to cover a time.
    let coverageSlack: Int64
    /// The error reports that give no time (and that no client record could be tied to).
    var untimed: [ClientReport] = []

    /// The diagnosis of a case with no failed attempt.
    func diagnose(warnings: [String]) -> Diagnosis {
        let documents = index.documents.filter { !Diagnoser.isAnswerKey($0.source) }
        let times = documents.flatMap { TicketTime.find(in: $0) }
        let span = Self.hull(times.map { $0.span(utcOffset: hints.utcOffset?.seconds) })
        let mention = documents.first { $0.text.lowercased().contains("0x904") }?.source
        var notes: [String] = []
        let clientLogs = index.machines.compactMap { index.coverage(of: MissingLogAdvisor.clientChannel, on: $0) }
        let covering = clientLogs.filter { log in
            guard let span else { return true }
            return log.first <= span.upperBound && log.last.ticks + coverageSlack >= span.lowerBound.ticks
        }
        let asked = times.map { "\($0.text) (\($0.source))" }.joined(separator: ", ")
        if !covering.isEmpty {
            for log in covering { notes.append(cleanDisconnects(on: log)) }
            if let mention {
                notes.append(
                    "\(mention) mentions 0x904, but the client's own log shows no failed connection in the period it covers: the report is not borne out")
            }
            if !asked.isEmpty { notes.append("the ticket's time (\(asked)) lies in the period the client's log covers") }
            notes += coverageNotes()
            var diagnosis = Diagnosis(
                verdict: .noFailureFound, failures: [], missingLogs: [], warnings: warnings, inputs: index.inputs.sorted(), notes: notes)
            diagnosis.noFailureEvidence = cleanDisconnectRecords(on: covering, in: span)
            return diagnosis
        }
        var located = "failure not located: the case holds no error report"
        if let report = untimed.first {
            let extended = report.extendedCode.map { ", extended \(DisconnectCodes.hex($0))" } ?? ""
            located =
                "failure not located: \(report.source) (line \(report.line)) reports \(DisconnectCodes.hex(report.code ?? 0))\(extended) but gives no time"
        }
        if clientLogs.isEmpty {
            located += untimed.isEmpty ? " and no Remote Desktop client log" : "; the case holds no Remote Desktop client log"
        } else {
            let periods = clientLogs.map { "\($0.displayName): \($0.first.iso8601(fractionDigits: 0)) to \($0.last.iso8601(fractionDigits: 0))" }
            located += ", and the client's log (\(periods.joined(separator: "; "))) does not cover the ticket's time (\(asked))"
        }
        if let mention, untimed.isEmpty { located += "; \(mention) mentions 0x904" }
        notes.append(located)
        notes.append(
            "to locate it, add the user's error text (the dialog's details, with its time stamp), the client's Microsoft-Windows-TerminalServices-RDPClient/Operational log, or give --time")
        let (candidates, more) = self.candidates(in: span)
        if !candidates.isEmpty {
            notes.append(
                "host records of failed attempts " + (span == nil ? "in the last day of the host's logs" : "near the ticket's date")
                    + " are listed as candidates" + (more > 0 ? " (the \(candidates.count) nearest; \(more) more)" : ""))
        }
        notes += coverageNotes()
        let client = clientName()
        let around = span.map { EventTimestamp(ticks: ($0.lowerBound.ticks + $0.upperBound.ticks) / 2) } ?? latestHostRecord()
        let missing = MissingLog(
            machine: client, channel: MissingLogAdvisor.clientChannel,
            reason: "the client's own record of the attempt (1024, 1026) locates the failure and its time",
            command: MissingLogAdvisor.exportCommand(channel: MissingLogAdvisor.clientChannel, machine: client, around: around))
        return Diagnosis(
            verdict: .inconclusive, failures: [], missingLogs: [missing], warnings: warnings, inputs: index.inputs.sorted(), notes: notes,
            candidates: candidates)
    }

    /// One line per log (the client's own log is described on its own): which machine's log covers which period.
    private func coverageNotes() -> [String] {
        index.machines.flatMap { machine in
            (index.coverage[machine] ?? [:]).values.filter { $0.channel.lowercased() != CaseIndex.clientChannel }
                .sorted { $0.channel < $1.channel }.map { log in
                "\(log.displayName): \(log.channel) covers \(log.first.iso8601(fractionDigits: 0)) to \(log.last.iso8601(fractionDigits: 0)) (\(log.events) records)"
            }
        }
    }

    /// What the client's own log shows: how many connections, and how they ended.
    private func cleanDisconnects(on log: CaseIndex.Coverage) -> String {
        let disconnects = index.hits([Diagnoser.RuleName.clientDisconnect], on: log.machine, from: log.first, to: log.last)
        let reasons = Set(disconnects.compactMap { $0.event.field(caseInsensitive: "Value").flatMap { UInt32($0) } }).sorted()
        let attempts = index.hits([Diagnoser.RuleName.clientConnectAttempt], on: log.machine, from: log.first, to: log.last).count
        var said = "no failed connection: \(log.displayName)'s Remote Desktop client log covers \(log.first.iso8601(fractionDigits: 0)) to \(log.last.iso8601(fractionDigits: 0))"
        said += " with \(attempts) connection attempt(s)"
        if !reasons.isEmpty {
            said += ", each ended without an error (disconnect reason\(reasons.count == 1 ? "" : "s") \(reasons.map(String.init).joined(separator: ", ")))"
        }
        return said
    }

    /// The client's disconnect records that end its connections without an error: those in `span`
    /// (the ticket's times) when it has any there, else every one in the logs; the nearest to the
    /// span's middle, at most ``candidateLimit``, in time order.
    private func cleanDisconnectRecords(on logs: [CaseIndex.Coverage], in span: ClosedRange<EventTimestamp>?) -> [EvidenceItem] {
        let all = logs.flatMap { index.hits([Diagnoser.RuleName.clientDisconnect], on: $0.machine, from: $0.first, to: $0.last) }
        let inSpan = span.map { span in all.filter { span.contains($0.event.time) } } ?? []
        let chosen = inSpan.isEmpty ? all : inSpan
        let center = span.map { EventTimestamp(ticks: ($0.lowerBound.ticks + $0.upperBound.ticks) / 2) }
        let nearest = chosen.sorted { a, b in
            guard let center else { return a.event.time > b.event.time }
            return abs(a.event.time.ticks - center.ticks) < abs(b.event.time.ticks - center.ticks)
        }.prefix(Self.candidateLimit)
        return nearest.sorted { $0.event.time < $1.event.time }.compactMap { hit in
            guard let reason = hit.event.field(caseInsensitive: "Value").flatMap({ UInt32($0) }), !DisconnectCodes.isError(reason) else { return nil }
            let said = DisconnectCodes.meaning(of: reason) ?? "not an error"
            return EvidenceItem(
                .supports, rule: hit.rule, hit: hit,
                meaning: "\(index.displayName(hit.machine)) recorded the end of a connection: disconnect reason \(reason), \(said)")
        }
    }

    /// Host records of failed attempts in `span` (else in the last day of the host's logs),
    /// nearest first, at most ``candidateLimit``, then in time order; and how many more there were.
    private func candidates(in span: ClosedRange<EventTimestamp>?) -> ([EvidenceItem], Int) {
        guard let latest = latestHostRecord() else { return ([], 0) }
        let day = 86_400 * EventTimestamp.ticksPerSecond
        let window = span ?? EventTimestamp(ticks: latest.ticks - day)...latest
        let center = EventTimestamp(ticks: (window.lowerBound.ticks + window.upperBound.ticks) / 2)
        let hosts = Set(index.machines.filter { !index.isClient($0) })
        var found: [EvidenceItem] = []
        var seen = Set<EventOrigin>()
        for (rule, says) in Diagnoser.RuleName.failureCandidates {
            for hit in index.hits([rule], on: nil, from: window.lowerBound, to: window.upperBound)
            where hosts.contains(hit.machine) && seen.insert(hit.event.origin).inserted {
                var meaning = text(for: hit).render(says, event: hit.event)
                if rule == "profile_load_failed", let logoff = index.hits(
                    ["rdp_session_logoff"], on: hit.machine, from: hit.event.time, to: EventTimestamp(ticks: hit.event.time.ticks + Self.quickLogoff)
                ).first {
                    meaning += ", followed by a logoff at \(logoff.event.time.iso8601(fractionDigits: 0))"
                }
                found.append(EvidenceItem(.failure, rule: rule, hit: hit, meaning: meaning))
            }
        }
        let nearest = found.sorted { abs($0.time.ticks - center.ticks) < abs($1.time.ticks - center.ticks) }
        let kept = nearest.prefix(Self.candidateLimit).sorted { $0.time < $1.time }
        return (Array(kept), found.count - kept.count)
    }

    private func text(for hit: CaseIndex.Hit) -> EvidenceText {
        EvidenceText(
            context: AttemptContext(
                time: hit.event.time, hostMachine: hit.machine, hostDisplay: index.displayName(hit.machine), clientMachine: nil,
                clientDisplay: nil, clientAddress: nil, skew: 0, skewKnown: false, code: DisconnectCodes.socketClosed, notes: []))
    }

    /// The latest record of any machine that is not a client.
    private func latestHostRecord() -> EventTimestamp? {
        index.machines.filter { !index.isClient($0) }.flatMap { (index.coverage[$0] ?? [:]).values.map(\.last) }.max()
    }

    /// The client as the ticket names it: the one machine it names that wrote no log in the case.
    private func clientName() -> String {
        let named = hints.names.map(\.name).filter { index.coverage[HostName.normalized($0)] == nil && !HostNameLike.isIPv4($0) }
        let distinct = Set(named.map(HostName.normalized))
        return distinct.count == 1 ? named[0] : "the client"
    }

    /// The smallest span holding all of `spans`.
    private static func hull(_ spans: [ClosedRange<EventTimestamp>]) -> ClosedRange<EventTimestamp>? {
        guard let low = spans.map(\.lowerBound).min(), let high = spans.map(\.upperBound).max() else { return nil }
        return low...high
    }
}
