import Correlation
import EventImport
import Foundation
import SigmaKit

/// Finds failed connections in a case and weighs every cause for each.
///
/// Failures come from the client's error reports (text or JSON, anywhere in the case) and from
/// the client's own log (RDPClient 1026 with an error reason, joined to 1024/1102 by
/// ActivityID). For each failure the diagnoser decides the target host, the client, the UTC time
/// (resolving local report times through `--utc-offset`, a zone in a ticket note, the client's
/// log, or the offset that aligns the report with the host's connection events) and the clock
/// skew between client and host, then evaluates each ``CauseDefinition`` in the host's or the
/// client's clock. Every decision is recorded in ``FailureDiagnosis/context``.
public struct Diagnoser: Sendable {
    /// Rule names the diagnoser itself relies on (the rule pack in `Rules/sigma` defines them).
    public enum RuleName {
        public static let clientDisconnect = "rdp_client_disconnect"
        public static let clientConnectAttempt = "rdp_client_connect_attempt"
        public static let clientServerAddress = "rdp_client_server_address"
        public static let hostConnection = ["rdp_stack_connection", "rdp_listener_connection", "rdp_tcp_established"]
        public static let hostClientAddress = [
            "rdp_stack_connection", "rdp_user_authenticated", "rdp_session_logon", "rdp_logon_success",
            "logon_failure_credentials", "logon_failure_rights", "logon_failure_infrastructure", "rdp_nla_bad_credentials",
        ]
        /// Records a connection attempt leaves on the host, used to align a local report time.
        public static let alignmentTraces = hostAttemptTraces + ["wfp_rdp_blocked", "rdp_session_denied"]
        public static let hostAttemptTraces =
            hostConnection + hostClientAddress + [
                "schannel_private_key_access_failed", "schannel_no_common_cipher", "schannel_fatal_alert_sent",
                "schannel_credential_creation_failed", "rdp_security_layer_error", "termdd_protocol_error",
            ]
    }

    /// The causes weighed.
    public let causes: [CauseDefinition]
    /// For each Sigma rule name, the channels its events are written to (for absence checks).
    public let ruleChannels: [String: [String]]
    /// How much host-side windows widen on each side when the client–host clock skew is unknown.
    static let unknownSkewSlack: Int64 = 5 * 60 * EventTimestamp.ticksPerSecond

    /// How far past its last event a log is still taken to cover a time.
    public var coverageSlack: Int64 = 15 * 60 * EventTimestamp.ticksPerSecond

    /// Creates a diagnoser.
    public init(causes: [CauseDefinition], ruleChannels: [String: [String]]) {
        self.causes = causes
        self.ruleChannels = ruleChannels
    }

    /// `expected.json` files hold a case's expected answer (SampleLogs and test cases); they are
    /// never read as evidence or hints.
    static func isAnswerKey(_ source: String) -> Bool {
        let name = source.split(whereSeparator: { $0 == "/" || $0 == "!" }).last.map(String.init) ?? source
        return name == "expected.json" || name.hasSuffix(".expected.json")
    }

    // MARK: - Failures

    struct Failure {
        var time: EventTimestamp
        var timeIsUTC: Bool
        var code: UInt32
        var extendedCode: UInt32?
        var activityID: String?
        var clientMachine: String?
        var target: String?
        var serverAddress: String?
        var report: ClientReport?
        var disconnect: CaseIndex.Hit?
        var connectAttempt: CaseIndex.Hit?
        var context: [String] = []
    }

    /// Diagnoses a case.
    public func diagnose(_ index: CaseIndex, options: DiagnosisOptions = DiagnosisOptions()) -> Diagnosis {
        var warnings = index.importDiagnostics.map(\.description) + index.ruleDiagnostics.map(\.description)
        var hints = TicketHints()
        let documents = index.documents.filter { !Self.isAnswerKey($0.source) }
        let (reports, reportProblems) = ClientReport.read(documents)
        warnings += reportProblems
        for document in documents { hints.read(document) }
        var failures = collectFailures(index, reports: reports, hints: hints, options: options, warnings: &warnings)
        if failures.isEmpty {
            return Diagnosis(
                verdict: .noFailureFound, failures: [], missingLogs: [], warnings: warnings,
                inputs: index.inputs.sorted())
        }
        failures.sort { a, b in
            if (a.report != nil) != (b.report != nil) { return a.report != nil }
            if (a.code == DisconnectCodes.socketClosed) != (b.code == DisconnectCodes.socketClosed) {
                return a.code == DisconnectCodes.socketClosed
            }
            return a.time > b.time
        }
        var results: [FailureDiagnosis] = []
        var missing: [MissingLog] = []
        for failure in failures {
            let (result, needed) = assess(failure, index: index, hints: hints, options: options)
            results.append(result)
            for log in needed where !missing.contains(log) { missing.append(log) }
        }
        return Diagnosis(
            verdict: results[0].verdict, failures: results, missingLogs: missing, warnings: warnings,
            inputs: index.inputs.sorted())
    }

    private func collectFailures(
        _ index: CaseIndex, reports: [ClientReport], hints: TicketHints, options: DiagnosisOptions, warnings: inout [String]
    ) -> [Failure] {
        // Client log failures: 1026 with an error reason, joined by ActivityID.
        var logged: [Failure] = []
        let attempts = index.hits[RuleName.clientConnectAttempt] ?? []
        let addresses = index.hits[RuleName.clientServerAddress] ?? []
        for hit in index.hits[RuleName.clientDisconnect] ?? [] {
            guard let reason = hit.event.field(caseInsensitive: "Value").flatMap({ UInt32($0) }),
                DisconnectCodes.isError(reason)
            else { continue }
            let activity = hit.event.activityID
            let attempt = activity.isEmpty ? nil : attempts.last { $0.event.activityID == activity && $0.event.time <= hit.event.time }
            let address = activity.isEmpty ? nil : addresses.last { $0.event.activityID == activity }
            logged.append(
                Failure(
                    time: hit.event.time, timeIsUTC: true, code: reason, activityID: activity.isEmpty ? nil : activity,
                    clientMachine: hit.machine, target: attempt?.event.field(caseInsensitive: "Value"),
                    serverAddress: address?.event.field(caseInsensitive: "Value"), disconnect: hit, connectAttempt: attempt))
        }
        // Retries: the same code to the same target within five minutes is one failure.
        var merged: [Failure] = []
        for failure in logged.sorted(by: { $0.time < $1.time }) {
            if let last = merged.last, last.code == failure.code, last.target == failure.target,
                failure.time.ticks - last.time.ticks <= 300 * EventTimestamp.ticksPerSecond
            {
                merged[merged.count - 1] = failure
                merged[merged.count - 1].context = last.context + ["the client retried; the last attempt is diagnosed"]
                continue
            }
            merged.append(failure)
        }
        logged = merged

        var failures: [Failure] = []
        var used = Set<Int>()
        for report in reports {
            var failure = Failure(
                time: report.time ?? .epoch, timeIsUTC: report.timeIsUTC, code: report.code ?? 0, extendedCode: report.extendedCode,
                activityID: report.activityID, clientMachine: report.clientComputer.map(HostName.normalized),
                target: report.remoteComputer, report: report)
            failure.context.append("failure reported in \(report.source) (line \(report.line))")
            // Link to the client log: same ActivityID, or same code at a time the report's clock explains.
            var match: Int?
            if let activity = report.activityID {
                match = logged.indices.first { !used.contains($0) && logged[$0].activityID == activity }
            }
            if match == nil, let time = report.time {
                match = logged.indices.filter { !used.contains($0) && logged[$0].code == failure.code }.min { a, b in
                    offsetDistance(time, logged[a].time, isUTC: report.timeIsUTC) < offsetDistance(time, logged[b].time, isUTC: report.timeIsUTC)
                }
                if let candidate = match, offsetDistance(time, logged[candidate].time, isUTC: report.timeIsUTC) > 120 {
                    match = nil
                }
            }
            if let match {
                used.insert(match)
                let log = logged[match]
                if let reportTime = report.time, !report.timeIsUTC {
                    let offset = Int((Double(reportTime.ticks - log.time.ticks) / Double(EventTimestamp.ticksPerSecond) / 900).rounded()) * 900
                    failure.context.append(
                        "the report's local time \(reportTime.iso8601(fractionDigits: 0).dropLast()) matches the client log's UTC time: the client's UTC offset is \(formatOffset(offset))")
                }
                failure.time = log.time
                failure.timeIsUTC = true
                failure.activityID = log.activityID ?? failure.activityID
                failure.clientMachine = failure.clientMachine ?? log.clientMachine
                failure.target = failure.target ?? log.target
                failure.serverAddress = log.serverAddress
                failure.disconnect = log.disconnect
                failure.connectAttempt = log.connectAttempt
                failure.context.append("matched to the client's disconnect record \(log.disconnect?.event.locator ?? "")")
            }
            failures.append(failure)
        }
        for (position, failure) in logged.enumerated() where !used.contains(position) {
            var failure = failure
            failure.context.append("failure found in the client's log: \(failure.disconnect?.event.locator ?? "")")
            if !reports.isEmpty {
                let close = failures.contains { abs($0.time.ticks - failure.time.ticks) < 86_400 * EventTimestamp.ticksPerSecond }
                guard close || failure.code == DisconnectCodes.socketClosed else {
                    warnings.append(
                        "the client log also holds a disconnect with reason \(failure.code) (\(DisconnectCodes.hex(failure.code))) at \(failure.time), far from the reported failure; it is not diagnosed")
                    continue
                }
            }
            failures.append(failure)
        }
        if failures.isEmpty, options.time == nil, let mention = mentionOf0x904(index) {
            // A ticket or e-mail names the error but gives no report and the client log is absent:
            // anchor on the host's latest connection record, and say so.
            let traces = index.hits.filter { RuleName.hostConnection.contains($0.key) }.values.flatMap { $0 }
            if let latest = traces.max(by: { $0.event.time < $1.event.time }) {
                var failure = Failure(time: latest.event.time, timeIsUTC: true, code: DisconnectCodes.socketClosed, extendedCode: nil)
                failure.context.append(
                    "\(mention) mentions 0x904 but gives no error report with a time; the failure is placed at the host's latest connection record, \(latest.event.locator) (give --time to set it)")
                failures.append(failure)
            } else {
                warnings.append("\(mention) mentions 0x904, but the case has no report with a time, no client log and no host connection record; give --time")
            }
        }
        if failures.isEmpty, let text = options.time {
            let isUTC = text.hasSuffix("Z") || text.contains("+") || text.dropFirst(10).contains("-")
            if let time = ClientReport.parseReportTime(text) {
                var failure = Failure(time: time, timeIsUTC: isUTC, code: DisconnectCodes.socketClosed, extendedCode: 7)
                failure.context.append("failure time given with --time")
                failures.append(failure)
            } else {
                warnings.append("--time \(text) is not a time rdpcause can read (use ISO 8601, e.g. 2026-06-12T21:41:53)")
            }
        }
        return failures
    }

    /// The first document (not an answer key) that mentions the 0x904 error code.
    private func mentionOf0x904(_ index: CaseIndex) -> String? {
        index.documents.first { document in
            !Self.isAnswerKey(document.source) && document.text.lowercased().contains("0x904")
        }?.source
    }

    /// Seconds between a report time and a log time, allowing any whole quarter-hour UTC offset when local.
    private func offsetDistance(_ report: EventTimestamp, _ log: EventTimestamp, isUTC: Bool) -> Double {
        let delta = Double(report.ticks - log.ticks) / Double(EventTimestamp.ticksPerSecond)
        if isUTC { return abs(delta) }
        guard abs(delta) <= 14 * 3600 + 120 else { return .infinity }
        let remainder = delta - (delta / 900).rounded() * 900
        return abs(remainder)
    }

    // MARK: - Assessment

    struct Context {
        var time: EventTimestamp
        var hostMachine: String?
        var hostDisplay: String?
        var clientMachine: String?
        var clientDisplay: String?
        var clientAddress: String?
        var skew: Int64
        var skewKnown: Bool
        var code: UInt32
        var notes: [String]
    }

    private func assess(
        _ failure: Failure, index: CaseIndex, hints: TicketHints, options: DiagnosisOptions
    ) -> (FailureDiagnosis, [MissingLog]) {
        var context = resolveContext(failure, index: index, hints: hints, options: options)
        var anchors: [EvidenceItem] = []
        if let disconnect = failure.disconnect {
            anchors.append(
                item(.failure, rule: RuleName.clientDisconnect, hit: disconnect,
                    meaning: "the client recorded the disconnect, reason \(failure.code) (\(DisconnectCodes.hex(failure.code)))"))
        }
        if let attempt = failure.connectAttempt {
            anchors.append(
                item(.failure, rule: RuleName.clientConnectAttempt, hit: attempt,
                    meaning: "the client started connecting to \(failure.target ?? "the server")"))
        }
        if let report = failure.report {
            var parts = ["the user's report: error code \(DisconnectCodes.hex(report.code ?? 0))"]
            if let extended = report.extendedCode { parts.append("extended \(DisconnectCodes.hex(extended))") }
            anchors.append(
                EvidenceItem(
                    role: .failure, rule: "client-report", meaning: parts.joined(separator: ", "), time: context.time, computer: context.clientDisplay ?? "",
                    channel: "", eventID: 0, recordID: nil, origin: EventOrigin(source: report.source, line: report.line)))
        }

        var assessments: [(CauseAssessment, Double, CauseDefinition)] = []
        var missing: [MissingLog] = []
        for cause in causes where !cause.residual {
            let (assessment, score, needed) = evaluate(cause, failure: failure, context: context, index: index, otherBest: 0)
            assessments.append((assessment, score, cause))
            missing += needed
        }
        let bestHostScore = assessments.map(\.1).max() ?? 0
        for cause in causes where cause.residual {
            let (assessment, score, needed) = evaluate(cause, failure: failure, context: context, index: index, otherBest: bestHostScore)
            assessments.append((assessment, score, cause))
            missing += needed
        }
        assessments.sort { a, b in
            if a.1 != b.1 { return a.1 > b.1 }
            return rank(a.0.status) < rank(b.0.status)
        }
        let verdict: Diagnosis.Verdict = assessments.first?.0.status == .likely ? .causeFound : .inconclusive
        if verdict == .causeFound {
            missing = []
        } else {
            missing += basicLogs(context: context, index: index)
        }
        var meaning = DisconnectCodes.meaning(of: failure.code).map { "\(DisconnectCodes.hex(failure.code)): \($0)" }
            ?? "\(DisconnectCodes.hex(failure.code)): an unknown disconnect reason"
        if failure.code != DisconnectCodes.socketClosed {
            meaning += " — note: this is not 0x904; the causes below are weighed for the code the client actually reported"
        }
        if let extended = failure.extendedCode {
            meaning += "; extended \(DisconnectCodes.hex(extended)): \(DisconnectCodes.extendedMeaning(of: extended) ?? "unknown")"
        }
        context.notes = failure.context + context.notes
        var unique: [MissingLog] = []
        for log in missing where !unique.contains(where: { $0.machine == log.machine && $0.channel == log.channel }) {
            unique.append(log)
        }
        // With the skew known, the failure is placed on the host's clock (servers are the ones
        // kept in time by the domain); the client's own reading stays in the context.
        var reportedTime = context.time
        if context.skewKnown && context.skew != 0 {
            reportedTime = EventTimestamp(ticks: context.time.ticks + context.skew)
            context.notes.append(
                "the failure time is given on the host's clock; the client's clock read \(context.time.iso8601(fractionDigits: 3))")
        }
        let result = FailureDiagnosis(
            host: context.hostDisplay, client: context.clientDisplay, time: reportedTime, code: failure.code,
            extendedCode: failure.extendedCode, verdict: verdict,
            clockSkewSeconds: context.skewKnown ? Double(context.skew) / Double(EventTimestamp.ticksPerSecond) : nil,
            codeMeaning: meaning, context: context.notes, anchors: anchors, causes: assessments.map(\.0))
        return (result, unique)
    }

    private func rank(_ status: CauseAssessment.Status) -> Int {
        switch status {
        case .likely: 0
        case .possible: 1
        case .ruledOut: 2
        case .notAssessable: 3
        }
    }

    // MARK: - Context

    private func resolveContext(_ failure: Failure, index: CaseIndex, hints: TicketHints, options: DiagnosisOptions) -> Context {
        var notes: [String] = []
        let hostMachines = index.machines.filter { index.isHost($0) || !index.isClient($0) }
        let clientMachines = index.machines.filter { index.isClient($0) }

        // Client.
        var clientMachine: String?
        var clientDisplay: String?
        if let given = options.client {
            clientMachine = HostName.normalized(given)
            clientDisplay = given
            notes.append("client given with --client: \(given)")
        } else if let machine = failure.clientMachine {
            clientMachine = machine
            clientDisplay = index.coverage[machine] != nil ? index.displayName(machine) : failure.report?.clientComputer ?? machine
        } else if let named = hints.names.first(where: { clientMachines.contains(HostName.normalized($0.name)) }) {
            clientMachine = HostName.normalized(named.name)
            clientDisplay = named.name
            notes.append("client \(named.name) named in \(named.source)")
        } else if clientMachines.count == 1, let only = clientMachines.first {
            clientMachine = only
            clientDisplay = index.displayName(only)
            notes.append("client \(clientDisplay ?? only): the only machine in the case with a Remote Desktop client log")
        }

        // Host.
        var hostMachine: String?
        var hostDisplay: String?
        let candidates: [(String, String)] =
            [options.host.map { ($0, "given with --host") }, failure.target.map { ($0, "the server name the client used") },
             failure.serverAddress.map { ($0, "the server address the client used") }].compactMap { $0 }
            + hints.names.map { ($0.name, "named in \($0.source)") }
        for (name, why) in candidates {
            let normalized = HostName.normalized(name)
            if normalized == clientMachine { continue }
            if index.coverage[normalized] != nil {
                hostMachine = normalized
                hostDisplay = index.displayName(normalized)
                notes.append("host \(hostDisplay ?? name): \(why) (\(name))")
                break
            }
            if hostDisplay == nil && options.host != nil { hostDisplay = name }
        }
        if hostMachine == nil {
            let others = hostMachines.filter { $0 != clientMachine }
            if others.count == 1, let only = others.first {
                hostMachine = only
                hostDisplay = index.displayName(only)
                let named = failure.target ?? failure.serverAddress
                notes.append(
                    "host \(hostDisplay ?? only): the only other machine whose logs are in the case"
                        + (named.map { " (the client connected to \($0))" } ?? ""))
            } else if hostDisplay == nil {
                hostDisplay = failure.target ?? failure.serverAddress
                if let display = hostDisplay {
                    notes.append("host \(display) has no logs in this case")
                } else {
                    notes.append("the target host is unknown: give it with --host")
                }
            }
        }

        // Time.
        var time = failure.time
        if !failure.timeIsUTC {
            if let offset = options.utcOffsetSeconds {
                time = EventTimestamp(ticks: time.ticks - Int64(offset) * EventTimestamp.ticksPerSecond)
                notes.append("the report's local time was converted with --utc-offset \(formatOffset(offset))")
            } else if let zone = hints.utcOffset {
                time = EventTimestamp(ticks: time.ticks - Int64(zone.seconds) * EventTimestamp.ticksPerSecond)
                notes.append("the report's local time was converted with the zone \(zone.text) (\(formatOffset(zone.seconds))) stated in \(zone.source)")
            } else if let (offset, count) = alignOffset(time, host: hostMachine, index: index) {
                time = EventTimestamp(ticks: time.ticks - Int64(offset) * EventTimestamp.ticksPerSecond)
                notes.append(
                    "the report's time is local with no zone; UTC\(formatOffset(offset)) aligns it with \(count) connection record(s) on the host")
            } else {
                notes.append("the report's time is local with no zone and nothing aligns it; it was taken as UTC (give --utc-offset)")
            }
        }

        // Clock skew: the client's connect attempt against the host's first record of that connection.
        var skew: Int64 = 0
        var skewKnown = false
        if let hostMachine, let clientStart = failure.connectAttempt?.event.time ?? failure.disconnect?.event.time {
            let window = 10 * 60 * EventTimestamp.ticksPerSecond
            let candidates = index.hits(RuleName.hostConnection, on: hostMachine,
                from: EventTimestamp(ticks: clientStart.ticks - window), to: EventTimestamp(ticks: clientStart.ticks + window))
            if let nearest = candidates.min(by: { abs($0.event.time.ticks - clientStart.ticks) < abs($1.event.time.ticks - clientStart.ticks) }) {
                skew = nearest.event.time.ticks - clientStart.ticks
                skewKnown = true
                let seconds = Double(skew) / Double(EventTimestamp.ticksPerSecond)
                notes.append(
                    String(format: "clock skew: the host's clock is %+.1f s from the client's (client connect %@ vs host %@)",
                        seconds, clientStart.iso8601(fractionDigits: 3), nearest.event.locator))
            }
        }

        // Client address: from the host's records of this connection.
        var address: String?
        if let hostMachine {
            let hostTime = EventTimestamp(ticks: time.ticks + skew)
            let span = 180 * EventTimestamp.ticksPerSecond
            let records = index.hits(RuleName.hostClientAddress, on: hostMachine,
                from: EventTimestamp(ticks: hostTime.ticks - span), to: EventTimestamp(ticks: hostTime.ticks + span))
            let byName = records.first { hit in
                guard let clientDisplay, let workstation = hit.event.field(caseInsensitive: "WorkstationName") else { return false }
                return HostName.normalized(workstation) == HostName.normalized(clientDisplay)
            }
            let chosen = byName ?? records.min { abs($0.event.time.ticks - hostTime.ticks) < abs($1.event.time.ticks - hostTime.ticks) }
            if let chosen, let ip = clientAddress(of: chosen.event) {
                address = ip
                notes.append("client address \(ip), from \(chosen.event.locator)")
            }
        }
        return Context(
            time: time, hostMachine: hostMachine, hostDisplay: hostDisplay, clientMachine: clientMachine,
            clientDisplay: clientDisplay, clientAddress: address, skew: skew, skewKnown: skewKnown, code: failure.code,
            notes: notes)
    }

    /// Host records of a connection that went well.
    static let successTraces: Set<String> = ["rdp_user_authenticated", "rdp_session_logon", "rdp_logon_success"]

    /// UTC offsets in use somewhere (whole hours, and the half and three-quarter hours some zones use).
    static let zoneOffsets: [Int] =
        Array(-12...14).map { $0 * 3600 } + [-12600, -9000, 12600, 16200, 19800, 20700, 23400, 34200, 37800]

    /// The UTC offset that best explains a local report time by the host's records of the attempt.
    ///
    /// A failure is reported seconds after the attempt reached the host, and the client's clock may
    /// run minutes off, so each offset is scored by the host's connection-attempt records from five
    /// minutes before to one minute after the reported time, the closer the heavier. Returns the
    /// offset and the number of records.
    private func alignOffset(_ local: EventTimestamp, host: String?, index: CaseIndex) -> (Int, Int)? {
        var best: (offset: Int, score: Double, count: Int)?
        let second = EventTimestamp.ticksPerSecond
        for offset in Self.zoneOffsets {
            let utc = local.ticks - Int64(offset) * second
            var score = 0.0
            var count = 0
            for rule in RuleName.alignmentTraces {
                // The user reports a failure: errors weigh more than plain connections, successes least.
                let weight = RuleName.hostConnection.contains(rule) ? 1.0 : (Self.successTraces.contains(rule) ? 0.5 : 2.0)
                for hit in index.hits([rule], on: host, from: EventTimestamp(ticks: utc - 300 * second), to: EventTimestamp(ticks: utc + 60 * second)) {
                    score += weight / (1 + abs(Double(hit.event.time.ticks - utc) / Double(second)) / 60)
                    count += 1
                }
            }
            guard count > 0 else { continue }
            if score > (best?.score ?? 0) || (score == best?.score && abs(offset) < abs(best?.offset ?? .max)) {
                best = (offset, score, count)
            }
        }
        return best.map { ($0.offset, $0.count) }
    }

    private func clientAddress(of event: WinEvent) -> String? {
        for field in ["ClientIP", "IpAddress", "Param3", "Address", "IPString"] {
            if let value = event.field(caseInsensitive: field), let ip = HostName.ipAddress(value.lowercased()),
                ip != "-", ip != "0.0.0.0", ip != "127.0.0.1"
            {
                return ip
            }
        }
        return nil
    }

    // MARK: - Causes

    private func evaluate(
        _ cause: CauseDefinition, failure: Failure, context: Context, index: CaseIndex, otherBest: Double
    ) -> (CauseAssessment, Double, [MissingLog]) {
        var evidence: [EvidenceItem] = []
        var support = 0.0
        var against = 0.0
        var unassessed: [String] = []
        var missing: [MissingLog] = []
        for item in cause.evidence {
            switch check(item, role: .supports, failure: failure, context: context, index: index) {
            case .matched(let found):
                evidence += found
                support = 1 - (1 - support) * (1 - item.weight)
            case .notFound:
                break
            case .notAssessable(let why):
                unassessed.append(why)
            }
        }
        for item in cause.against {
            if case .matched(let found) = check(item, role: .refutes, failure: failure, context: context, index: index) {
                evidence += found
                against = 1 - (1 - against) * (1 - item.weight)
            }
        }
        var score = support * (1 - against)
        if cause.residual { score *= 1 - otherBest }

        // Coverage of what the cause needs.
        var uncovered: [CauseDefinition.Need] = []
        for need in cause.needs {
            let machine = need.machine == .host ? context.hostMachine : context.clientMachine
            let time = need.machine == .host ? EventTimestamp(ticks: context.time.ticks + context.skew) : context.time
            if !covers(need.channel, on: machine, at: time, index: index) {
                uncovered.append(need)
                missing.append(missingLog(need, context: context))
            }
        }
        let status: CauseAssessment.Status
        var summary: String
        let top = evidence.first { $0.role == .supports || $0.role == .missing }
        if score >= 0.6 {
            status = .likely
            summary = "\(cause.title)" + (top.map { ": \($0.meaning)" } ?? "")
        } else if score >= 0.25 {
            status = .possible
            summary = "\(cause.title)" + (top.map { ": \($0.meaning)" } ?? "")
        } else if support == 0 && !uncovered.isEmpty {
            status = .notAssessable
            summary = uncovered.map { need in
                let machine = (need.machine == .host ? context.hostDisplay : context.clientDisplay) ?? need.machine.rawValue
                return "no \(need.channel) log from \(machine) covers \(context.time.iso8601(fractionDigits: 0))"
            }.joined(separator: "; ")
        } else {
            status = .ruledOut
            if let refuting = evidence.first(where: { $0.role == .refutes }) {
                summary = "ruled out: \(refuting.meaning)"
            } else if support > 0 {
                summary = "weak evidence only" + (top.map { ": \($0.meaning)" } ?? "")
            } else if cause.residual && otherBest >= 0.6 {
                summary = "ruled out: a host-side cause explains the failure"
            } else {
                let logs = cause.needs.map(\.channel).joined(separator: ", ")
                summary = "no sign of it" + (logs.isEmpty ? "" : " in the \(logs) log(s) covering the failure")
            }
        }
        if !unassessed.isEmpty && status != .likely { summary += " (not checked: \(unassessed.joined(separator: "; ")))" }
        let assessment = CauseAssessment(
            id: cause.id, title: cause.title, status: status, confidence: (score * 100).rounded() / 100, summary: summary,
            evidence: evidence.sorted { $0.time < $1.time }, remediation: cause.remediation, references: cause.references)
        return (assessment, score, status == .notAssessable ? missing : [])
    }

    enum CheckResult {
        case matched([EvidenceItem])
        case notFound
        case notAssessable(String)
    }

    private func check(
        _ item: CauseDefinition.Evidence, role: EvidenceItem.Role, failure: Failure, context: Context, index: CaseIndex
    ) -> CheckResult {
        let machine = item.machine == .host ? context.hostMachine : context.clientMachine
        let base = item.machine == .host ? EventTimestamp(ticks: context.time.ticks + context.skew) : context.time
        // Without a measured skew the host's clock may differ from the report's by minutes: widen.
        let slack = item.machine == .host && !context.skewKnown ? Self.unknownSkewSlack : 0
        let from = EventTimestamp(ticks: base.ticks + item.window.start - slack)
        let to = EventTimestamp(ticks: base.ticks + item.window.end + slack)
        switch item.test {
        case .code(let codes):
            guard codes.contains(failure.code) else { return .notFound }
            let anchor = failure.disconnect
            return .matched([
                EvidenceItem(
                    role: role, rule: "failure-code", meaning: render(item.says, event: anchor?.event, context: context),
                    time: context.time, computer: context.clientDisplay ?? "", channel: anchor?.event.channel ?? "",
                    eventID: anchor?.event.eventID ?? 0, recordID: anchor?.event.recordID,
                    origin: anchor?.event.origin ?? EventOrigin(source: failure.report?.source ?? "", line: failure.report?.line ?? 0))
            ])
        case .present(let rules):
            guard let machine else { return .notAssessable("no logs from the \(item.machine.rawValue)") }
            let hits = index.hits(rules, on: machine, from: from, to: to).filter { sameClient($0, item, context) }
            guard !hits.isEmpty else { return .notFound }
            let nearest = hits.sorted { abs($0.event.time.ticks - base.ticks) < abs($1.event.time.ticks - base.ticks) }.prefix(3)
            return .matched(nearest.map { hit in
                self.item(role, rule: hit.rule, hit: hit, meaning: render(item.says, event: hit.event, context: context))
            })
        case .absent(let rules):
            guard let machine else { return .notAssessable("no logs from the \(item.machine.rawValue)") }
            let channels = Set(rules.flatMap { ruleChannels[$0] ?? [] })
            let covered = channels.contains { channel in
                guard let coverage = index.coverage(of: channel, on: machine) else { return false }
                return coverage.first <= from && coverage.last.ticks + coverageSlack >= base.ticks
            }
            guard covered else {
                return .notAssessable("\(channels.sorted().joined(separator: " or ")) from \(index.displayName(machine)) do not cover the failure")
            }
            guard index.hits(rules, on: machine, from: from, to: to).filter({ sameClient($0, item, context) }).isEmpty else {
                return .notFound
            }
            return .matched([
                EvidenceItem(
                    role: .missing, rule: rules.joined(separator: ", "), meaning: render(item.says, event: nil, context: context),
                    time: base, computer: index.displayName(machine), channel: channels.sorted().joined(separator: ", "), eventID: 0,
                    recordID: nil, origin: EventOrigin(source: "", line: 0))
            ])
        case .latest(let rules, let wanted, let lookback):
            guard let machine else { return .notAssessable("no logs from the \(item.machine.rawValue)") }
            let earlier = index.hits(rules, on: machine, from: EventTimestamp(ticks: base.ticks - lookback), to: EventTimestamp(ticks: base.ticks + item.window.end))
            guard let newest = earlier.last else { return .notFound }
            // The newest event may have matched several of the rules: any wanted one counts.
            let sameEvent = earlier.filter { $0.event.origin == newest.event.origin && $0.event.time == newest.event.time }
            guard let match = sameEvent.first(where: { wanted.contains($0.rule) }) else { return .notFound }
            return .matched([self.item(role, rule: match.rule, hit: match, meaning: render(item.says, event: match.event, context: context))])
        case .interval(let rule, let startField, let endField):
            guard let machine else { return .notAssessable("no logs from the \(item.machine.rawValue)") }
            let day = 2 * 86_400 * EventTimestamp.ticksPerSecond
            for hit in index.hits([rule], on: machine, from: EventTimestamp(ticks: base.ticks - day), to: EventTimestamp(ticks: base.ticks + day)) {
                guard let start = hit.event.field(caseInsensitive: startField).flatMap(parseEventDate),
                    let end = hit.event.field(caseInsensitive: endField).flatMap(parseEventDate),
                    start <= base, base <= end
                else { continue }
                return .matched([self.item(role, rule: rule, hit: hit, meaning: render(item.says, event: hit.event, context: context))])
            }
            return .notFound
        }
    }

    /// Address fields tried when an item says `same-client: yes`.
    static let addressFields = ["ClientIP", "IpAddress", "Param3", "Address", "IPString", "SourceAddress"]

    /// False only when the hit names a client address and it is not the failing client's.
    private func sameClient(_ hit: CaseIndex.Hit, _ item: CauseDefinition.Evidence, _ context: Context) -> Bool {
        guard let field = item.sameClientField, let address = context.clientAddress else { return true }
        let fields = ["yes", "true", "any"].contains(field.lowercased()) ? Self.addressFields : [field]
        for name in fields {
            guard let value = hit.event.field(caseInsensitive: name), let ip = HostName.ipAddress(value.lowercased()),
                ip != "-", ip != "0.0.0.0"
            else { continue }
            return ip == address
        }
        return true
    }

    private func covers(_ channel: String, on machine: String?, at time: EventTimestamp, index: CaseIndex) -> Bool {
        guard let machine, let coverage = index.coverage(of: channel, on: machine) else { return false }
        return coverage.first <= time && coverage.last.ticks + coverageSlack >= time.ticks
    }

    private func missingLog(_ need: CauseDefinition.Need, context: Context) -> MissingLog {
        let machine = (need.machine == .host ? context.hostDisplay : context.clientDisplay) ?? "the \(need.machine.rawValue)"
        let time = need.machine == .host ? EventTimestamp(ticks: context.time.ticks + context.skew) : context.time
        return MissingLog(
            machine: machine, channel: need.channel,
            reason: need.why.isEmpty ? "needed to assess the failure at \(time)" : need.why,
            command: exportCommand(channel: need.channel, machine: machine, around: time))
    }

    /// When the verdict is open, the logs that matter most for this error, if the case lacks them.
    private func basicLogs(context: Context, index: CaseIndex) -> [MissingLog] {
        var logs: [MissingLog] = []
        let hostTime = EventTimestamp(ticks: context.time.ticks + context.skew)
        let hostChannels = [
            ("System", "Schannel, service, power and Remote Desktop certificate events"),
            ("Security", "logon successes and failures (4624/4625)"),
            ("Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational", "whether the connection reached the RDP listener (261, 1149)"),
            ("Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational", "the RDP stack's view of the connection (131, 139, 140)"),
            ("Microsoft-Windows-TerminalServices-LocalSessionManager/Operational", "session logon and shell start (21, 22)"),
        ]
        for (channel, why) in hostChannels where !covers(channel, on: context.hostMachine, at: hostTime, index: index) {
            let machine = context.hostDisplay ?? "the host"
            logs.append(MissingLog(machine: machine, channel: channel, reason: why, command: exportCommand(channel: channel, machine: machine, around: hostTime)))
        }
        let clientChannel = "Microsoft-Windows-TerminalServices-RDPClient/Operational"
        if !covers(clientChannel, on: context.clientMachine, at: context.time, index: index) {
            let machine = context.clientDisplay ?? "the client"
            logs.append(
                MissingLog(machine: machine, channel: clientChannel, reason: "the client's own record of the attempt (1024, 1026)",
                    command: exportCommand(channel: clientChannel, machine: machine, around: context.time)))
        }
        return logs
    }

    private func exportCommand(channel: String, machine: String, around time: EventTimestamp) -> String {
        let from = EventTimestamp(ticks: time.ticks - 3600 * EventTimestamp.ticksPerSecond).iso8601(fractionDigits: 0)
        let to = EventTimestamp(ticks: time.ticks + 3600 * EventTimestamp.ticksPerSecond).iso8601(fractionDigits: 0)
        // Machine names come from untrusted logs: only letters, digits, '.', '_' and '-' reach the
        // command line an engineer pastes; channels come from the rule pack.
        let safe = { (text: String) in
            String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        }
        let file = safe("\(machine)-\(channel.replacingOccurrences(of: "/", with: "-"))") + ".xml"
        let quotedChannel = channel.filter { $0 != "\"" && !$0.isNewline }
        return "wevtutil qe \"\(quotedChannel)\" /f:xml /e:Events /q:\"*[System[TimeCreated[@SystemTime>='\(from)' and @SystemTime<='\(to)']]]\" > \(file)"
    }

    private func item(_ role: EvidenceItem.Role, rule: String, hit: CaseIndex.Hit, meaning: String) -> EvidenceItem {
        EvidenceItem(
            role: role, rule: rule, meaning: meaning, time: hit.event.time, computer: hit.event.computer, channel: hit.event.channel,
            eventID: hit.event.eventID, recordID: hit.event.recordID, origin: hit.event.origin)
    }

    /// Fills `{Field}` from the event (payload or System fields), `{host}`, `{client}`, `{time}`.
    func render(_ template: String, event: WinEvent?, context: Context) -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            output += rest[..<open]
            let key = String(rest[rest.index(after: open)..<close])
            // A field the record does not carry reads "n/a"; braces never reach the report.
            output += placeholder(key, event: event, context: context) ?? "n/a"
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    private func placeholder(_ key: String, event: WinEvent?, context: Context) -> String? {
        switch key {
        case "host": return context.hostDisplay ?? "the host"
        case "client": return context.clientDisplay ?? "the client"
        case "clientAddress": return context.clientAddress ?? "the client"
        case "failureTime": return context.time.iso8601(fractionDigits: 0)
        case "code": return "\(context.code) (\(DisconnectCodes.hex(context.code)))"
        default: break
        }
        guard let event else { return nil }
        switch key {
        case "time": return event.time.iso8601(fractionDigits: 0)
        case "Computer": return event.computer
        case "EventID": return String(event.eventID)
        case "Channel": return event.channel
        case "Provider_Name": return event.provider
        default:
            // Sigma's lookup also matches names that differ only in spaces and case ("Error Code").
            if let value = event.field(caseInsensitive: key) ?? SigmaFields.value(key, in: event) {
                return value.isEmpty ? "(empty)" : value
            }
            if key.hasPrefix("Data"), let position = Int(key.dropFirst(4)), position >= 1, position <= event.unnamedData.count {
                return event.unnamedData[position - 1]
            }
            return nil
        }
    }
}

/// `+02:00`-style text for an offset in seconds.
func formatOffset(_ seconds: Int) -> String {
    let sign = seconds < 0 ? "-" : "+"
    let magnitude = abs(seconds)
    return String(format: "%@%02d:%02d", sign, magnitude / 3600, magnitude % 3600 / 60)
}

/// Reads date-times written into event data (`2026-06-12T19:20:00.5Z`, `2026-06-12 19:20:00`).
func parseEventDate(_ text: String) -> EventTimestamp? {
    EventTimestamp(iso8601: text.trimmingCharacters(in: .whitespaces)) ?? ClientReport.parseReportTime(text)
}
