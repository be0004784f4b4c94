import Correlation
import EventImport

/// Finds the failed attempts of a case: the users' error reports and the client's own disconnect
/// records (RDPClient 1026 with an error reason, joined to 1024/1102 by ActivityID), a report
/// joined to the client record it describes, and retries folded into one failure.
struct FailureCollector {
    let index: CaseIndex
    let reports: [ClientReport]
    let options: DiagnosisOptions

    /// The failed attempts, and warnings about client records that are not diagnosed.
    func collect(warnings: inout [String]) -> [FailedAttempt] {
        let logged = foldRetries(clientLogFailures())
        var failures: [FailedAttempt] = []
        var used = Set<Int>()
        for report in reports {
            var failure = FailedAttempt(
                time: report.time ?? .epoch, timeIsUTC: report.timeIsUTC, code: report.code ?? 0, extendedCode: report.extendedCode,
                activityID: report.activityID, clientMachine: report.clientComputer.map(HostName.normalized),
                target: report.remoteComputer, report: report)
            failure.context.append("failure reported in \(report.source) (line \(report.line))")
            if let match = clientRecord(of: report, failure: failure, in: logged, excluding: used) {
                used.insert(match)
                join(&failure, report: report, to: logged[match])
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
        if failures.isEmpty, options.time == nil, let mention = mentionOf0x904() {
            // A ticket or e-mail names the error but gives no report and the client log is absent:
            // anchor on the host's latest connection record, and say so.
            let traces = index.hits.filter { Diagnoser.RuleName.hostConnection.contains($0.key) }.values.flatMap { $0 }
            if let latest = traces.max(by: { $0.event.time < $1.event.time }) {
                var failure = FailedAttempt(time: latest.event.time, timeIsUTC: true, code: DisconnectCodes.socketClosed, extendedCode: nil)
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
                var failure = FailedAttempt(time: time, timeIsUTC: isUTC, code: DisconnectCodes.socketClosed, extendedCode: 7)
                failure.context.append("failure time given with --time")
                failures.append(failure)
            } else {
                warnings.append("--time \(text) is not a time rdpcause can read (use ISO 8601, e.g. 2026-06-12T21:41:53)")
            }
        }
        return failures
    }

    /// Client log failures: 1026 with an error reason, joined to its 1024 and 1102 by ActivityID.
    private func clientLogFailures() -> [FailedAttempt] {
        var logged: [FailedAttempt] = []
        let attempts = index.hits[Diagnoser.RuleName.clientConnectAttempt] ?? []
        let addresses = index.hits[Diagnoser.RuleName.clientServerAddress] ?? []
        for hit in index.hits[Diagnoser.RuleName.clientDisconnect] ?? [] {
            guard let reason = hit.event.field(caseInsensitive: "Value").flatMap({ UInt32($0) }),
                DisconnectCodes.isError(reason)
            else { continue }
            let activity = hit.event.activityID
            let attempt = activity.isEmpty ? nil : attempts.last { $0.event.activityID == activity && $0.event.time <= hit.event.time }
            let address = activity.isEmpty ? nil : addresses.last { $0.event.activityID == activity }
            logged.append(
                FailedAttempt(
                    time: hit.event.time, timeIsUTC: true, code: reason, activityID: activity.isEmpty ? nil : activity,
                    clientMachine: hit.machine, target: attempt?.event.field(caseInsensitive: "Value"),
                    serverAddress: address?.event.field(caseInsensitive: "Value"), disconnect: hit, connectAttempt: attempt))
        }
        return logged
    }

    /// Retries: the same code to the same target within five minutes is one failure (the last).
    private func foldRetries(_ logged: [FailedAttempt]) -> [FailedAttempt] {
        var merged: [FailedAttempt] = []
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
        return merged
    }

    /// The client record a report describes: the same ActivityID, or the same code at a time the
    /// report's clock explains (within two minutes, any whole quarter-hour offset for a local time).
    private func clientRecord(
        of report: ClientReport, failure: FailedAttempt, in logged: [FailedAttempt], excluding used: Set<Int>
    ) -> Int? {
        if let activity = report.activityID,
            let match = logged.indices.first(where: { !used.contains($0) && logged[$0].activityID == activity })
        {
            return match
        }
        guard let time = report.time else { return nil }
        let distance = { (candidate: Int) in Self.offsetDistance(time, logged[candidate].time, isUTC: report.timeIsUTC) }
        let match = logged.indices.filter { !used.contains($0) && logged[$0].code == failure.code }.min { distance($0) < distance($1) }
        guard let match, distance(match) <= 120 else { return nil }
        return match
    }

    /// Takes the client record's time, ActivityID, target and records into a report's failure.
    private func join(_ failure: inout FailedAttempt, report: ClientReport, to log: FailedAttempt) {
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

    /// The first document (not an answer key) that mentions the 0x904 error code.
    private func mentionOf0x904() -> String? {
        index.documents.first { document in
            !Diagnoser.isAnswerKey(document.source) && document.text.lowercased().contains("0x904")
        }?.source
    }

    /// Seconds between a report time and a log time, allowing any whole quarter-hour UTC offset when local.
    static func offsetDistance(_ report: EventTimestamp, _ log: EventTimestamp, isUTC: Bool) -> Double {
        let delta = Double(report.ticks - log.ticks) / Double(EventTimestamp.ticksPerSecond)
        if isUTC { return abs(delta) }
        guard abs(delta) <= 14 * 3600 + 120 else { return .infinity }
        let remainder = delta - (delta / 900).rounded() * 900
        return abs(remainder)
    }
}
