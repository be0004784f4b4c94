import Correlation
import EventImport

/// Finds the failed attempts of a case: the users' error reports and the client's own disconnect
/// records (RDPClient 1026 with an error reason, joined to 1024/1102 by ActivityID), a report
/// joined to the client record it describes, and retries folded into one failure.
struct FailureCollector {
    let index: CaseIndex
    let reports: [ClientReport]
    let options: DiagnosisOptions
    /// Documents whose report was recognised by its codes and timestamp shape alone.
    var readByShape: Set<String> = []
    /// Documents whose report is a user's note in prose (the code and the dialog's time in sentences).
    var readFromProse: Set<String> = []

    /// The failed attempts, and warnings about client records that are not diagnosed. A report
    /// that gives no time (codes pasted without the dialog's time stamp) is the client log's
    /// failure when the log holds exactly one of its code not tied to another report, or takes
    /// the time of `--time`; otherwise it locates nothing and is returned in `untimed` (a
    /// failure is never placed at a made-up time).
    func collect(warnings: inout [String], untimed: inout [ClientReport]) -> [FailedAttempt] {
        let logged = foldRetries(clientLogFailures())
        var failures: [FailedAttempt] = []
        var used = Set<Int>()
        var timeless: [FailedAttempt] = []
        var unplaced: [FailedAttempt] = []
        for (written, copies) in Self.attempts(of: reports) {
            var notes: [String] = []
            let report = settleDate(of: written, against: logged, notes: &notes)
            // A report without a time keeps the epoch only until the client's log or --time gives it one.
            var failure = reportedFailure(report, time: report.time ?? .epoch, isUTC: report.timeIsUTC)
            if readByShape.contains(report.source) {
                failure.context.append("\(report.source) is read by its codes and timestamp; its labels are in a language rdpcause does not know")
            }
            if readFromProse.contains(report.source) {
                failure.context.append("\(report.source) is the user's note: the error code and the time it gives are read from its sentences")
            }
            failure.context += notes
            for copy in copies {
                failure.context.append("\(copy.source) (line \(copy.line)) reports the same attempt (\(copy.activityID.map { "ActivityID \($0)" } ?? "same code and time"))")
            }
            if let match = clientRecord(of: report, failure: failure, in: logged, excluding: used) {
                used.insert(match)
                join(&failure, report: report, to: logged[match])
            } else if report.time == nil {
                timeless.append(failure)
                continue
            }
            failures.append(failure)
        }
        for var failure in timeless {
            let open = logged.indices.filter { !used.contains($0) && logged[$0].code == failure.code }
            guard open.count == 1, let report = failure.report, let match = open.first else {
                unplaced.append(failure)
                continue
            }
            used.insert(match)
            join(&failure, report: report, to: logged[match])
            failure.context.append(
                "\(report.source) gives no time; the client's log holds one failure with its code (\(DisconnectCodes.hex(failure.code))), taken as the reported one")
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
        // A ticket that only mentions the error locates nothing: a failure is never placed on a
        // host record of a connection that may well have succeeded (see NoFailureFinding).
        if failures.isEmpty || !unplaced.isEmpty, let text = options.time {
            let isUTC = text.hasSuffix("Z") || text.contains("+") || text.dropFirst(10).contains("-")
            if let time = ClientReport.parseReportTime(text) {
                if unplaced.isEmpty {
                    var failure = FailedAttempt(time: time, timeIsUTC: isUTC, code: DisconnectCodes.socketClosed, extendedCode: 7)
                    failure.context.append("failure time given with --time")
                    failures.append(failure)
                } else {
                    // The report the time belongs to: the first that gives none.
                    var failure = unplaced.removeFirst()
                    failure.time = time
                    failure.timeIsUTC = isUTC
                    failure.context.append("failure time given with --time (\(failure.report?.source ?? "the report") gives none)")
                    failures.append(failure)
                }
            } else {
                warnings.append("--time \(text) is not a time rdpcause can read (use ISO 8601, e.g. 2026-06-12T21:41:53)")
            }
        }
        untimed = unplaced.compactMap(\.report)
        if !failures.isEmpty {
            for report in untimed {
                warnings.append(
                    "\(report.source) (line \(report.line)) reports \(DisconnectCodes.hex(report.code ?? 0)) without a time, and no failure in the "
                        + "client's log is its: it is not diagnosed (give --time to place it)")
            }
        }
        return failures
    }

    /// The failure a report describes, at `time`: its codes, ActivityID, client and target.
    private func reportedFailure(_ report: ClientReport, time: EventTimestamp, isUTC: Bool) -> FailedAttempt {
        var failure = FailedAttempt(
            time: time, timeIsUTC: isUTC, code: report.code ?? 0, extendedCode: report.extendedCode,
            activityID: report.activityID, clientMachine: report.clientComputer.map(HostName.normalized),
            target: report.remoteComputer, report: report)
        failure.context.append("failure reported in \(report.source) (line \(report.line))")
        return failure
    }

    /// The reports grouped by attempt: reports with the same ActivityID (a text and a JSON form
    /// of one error), or without one the same code at the same time on the same kind of clock, are
    /// one attempt. The report with the most to say leads (a UTC time, a named host, a client).
    static func attempts(of reports: [ClientReport]) -> [(report: ClientReport, copies: [ClientReport])] {
        var groups: [[ClientReport]] = []
        for report in reports {
            let same = groups.firstIndex { group in
                group.contains { other in
                    if let activity = report.activityID, let otherActivity = other.activityID { return activity == otherActivity }
                    guard report.code == other.code, report.timeIsUTC == other.timeIsUTC, let a = report.time, let b = other.time else { return false }
                    return abs(a.ticks - b.ticks) <= 2 * EventTimestamp.ticksPerSecond
                }
            }
            if let same { groups[same].append(report) } else { groups.append([report]) }
        }
        return groups.map { group in
            let score = { (report: ClientReport) in
                (report.timeIsUTC ? 4 : 0) + (report.remoteComputer != nil ? 2 : 0) + (report.clientComputer != nil ? 1 : 0)
            }
            let lead = group.enumerated().max { a, b in score(a.element) != score(b.element) ? score(a.element) < score(b.element) : a.offset > b.offset }
            var report = lead?.element ?? group[0]
            let copies = group.enumerated().filter { $0.offset != lead?.offset }.map(\.element)
            for copy in copies {
                report.extendedCode = report.extendedCode ?? copy.extendedCode
                report.activityID = report.activityID ?? copy.activityID
                report.remoteComputer = report.remoteComputer ?? copy.remoteComputer
                report.clientComputer = report.clientComputer ?? copy.clientComputer
            }
            return (report, copies)
        }
    }

    /// A report whose date reads both ways (`06/12/26`) is settled by the client's own log when it
    /// holds the failure on one reading only, otherwise by the report's clock: a 12-hour (AM/PM)
    /// clock is the US format, month first; a 24-hour one is read day first. Either way the
    /// ambiguity is said.
    private func settleDate(of report: ClientReport, against logged: [FailedAttempt], notes: inout [String]) -> ClientReport {
        guard let document = index.documents.first(where: { $0.source == report.source }),
            let date = ReportReading.ambiguousDate(of: report, in: document)
        else { return report }
        let matches = { (time: EventTimestamp) in
            logged.contains { $0.code == report.code && Self.offsetDistance(time, $0.time, isUTC: report.timeIsUTC) <= 120 }
        }
        var settled = report
        let said = "the report's date \(date.written) reads both ways (month first \(date.monthFirst.iso8601(fractionDigits: 0).prefix(10)), day first \(date.dayFirst.iso8601(fractionDigits: 0).prefix(10)))"
        switch (matches(date.monthFirst), matches(date.dayFirst)) {
        case (true, false):
            settled.time = date.monthFirst
            notes.append(said + "; the client's own log holds the failure month first")
        case (false, true):
            settled.time = date.dayFirst
            notes.append(said + "; the client's own log holds the failure day first")
        default:
            settled.time = date.twelveHour ? date.monthFirst : date.dayFirst
            notes.append(
                said + (date.twelveHour
                    ? "; read month first, as the US format with its AM/PM clock writes it" : "; read day first, as formats with a 24-hour clock write it")
                    + " — the date is ambiguous")
        }
        return settled
    }

    /// Client log failures: 1026 with an error reason, joined to its 1024 and 1102 by ActivityID.
    private func clientLogFailures() -> [FailedAttempt] {
        var logged: [FailedAttempt] = []
        let attempts = index.hits(of: Diagnoser.RuleName.clientConnectAttempt)
        let addresses = index.hits(of: Diagnoser.RuleName.clientServerAddress)
        for hit in index.hits(of: Diagnoser.RuleName.clientDisconnect) {
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
    /// When several records carry the report's ActivityID (one client process, several attempts),
    /// the one with the report's code nearest the report's time is it.
    private func clientRecord(
        of report: ClientReport, failure: FailedAttempt, in logged: [FailedAttempt], excluding used: Set<Int>
    ) -> Int? {
        let nearness = { (candidate: Int) in
            report.time.map { Self.offsetDistance($0, logged[candidate].time, isUTC: report.timeIsUTC) } ?? 0
        }
        if let activity = report.activityID {
            let same = logged.indices.filter { !used.contains($0) && logged[$0].activityID == activity }
            let sameCode = same.filter { logged[$0].code == failure.code }
            if let match = (sameCode.isEmpty ? same : sameCode).min(by: { nearness($0) < nearness($1) }) { return match }
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

    /// Seconds between a report time and a log time, allowing any whole quarter-hour UTC offset when local.
    static func offsetDistance(_ report: EventTimestamp, _ log: EventTimestamp, isUTC: Bool) -> Double {
        let delta = Double(report.ticks - log.ticks) / Double(EventTimestamp.ticksPerSecond)
        if isUTC { return abs(delta) }
        guard abs(delta) <= 14 * 3600 + 120 else { return .infinity }
        let remainder = delta - (delta / 900).rounded() * 900
        return abs(remainder)
    }
}
