import EventImport
import Foundation

/// The clock skew between client and host: host clock minus client clock, and how it was measured.
struct ClockSkew {
    /// Host clock minus client clock, in ticks.
    var ticks: Int64
    /// How it was measured (said in the findings).
    var note: String

    /// Measures the skew of `failure`: the client's connect attempt against the host's first record
    /// of that connection.
    static func measure(_ failure: FailedAttempt, host: String, index: CaseIndex) -> ClockSkew? {
        guard let clientStart = failure.connectAttempt?.event.time ?? failure.disconnect?.event.time else { return nil }
        let window = 10 * 60 * EventTimestamp.ticksPerSecond
        let candidates = index.hits(
            Diagnoser.RuleName.hostConnection, on: host,
            from: EventTimestamp(ticks: clientStart.ticks - window), to: EventTimestamp(ticks: clientStart.ticks + window))
        guard let nearest = candidates.min(by: { abs($0.event.time.ticks - clientStart.ticks) < abs($1.event.time.ticks - clientStart.ticks) })
        else { return nil }
        let ticks = nearest.event.time.ticks - clientStart.ticks
        let seconds = Double(ticks) / Double(EventTimestamp.ticksPerSecond)
        return ClockSkew(
            ticks: ticks,
            note: String(
                format: "clock skew: the host's clock is %+.1f s from the client's (client connect %@ vs host %@)",
                seconds, clientStart.iso8601(fractionDigits: 3), nearest.event.locator))
    }
}
