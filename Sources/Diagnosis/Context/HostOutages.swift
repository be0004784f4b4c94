import EventImport

/// The spans in which a host's Remote Desktop listener could not answer: Remote Desktop
/// Services stopped or crashed (SCM 7036 "stopped", 7031/7034/7023/7024) until it ran again, or
/// the host asleep or shut down (Kernel-Power 42, 13, Modern Standby entry) until it came back.
///
/// An attempt that left no trace on a host whose clock differs from the client's by minutes is
/// placed in such a span the way an attempt with a trace is placed at its connection: a listener
/// that could not answer explains a failure without any record of the attempt.
struct HostOutages {
    /// One span in which the listener could not answer.
    struct Outage {
        /// The record that began it.
        var opening: CaseIndex.Hit
        /// When the listener answered again (the first record that shows it), nil when nothing
        /// in the logs shows that it did.
        var end: EventTimestamp?

        /// When it began.
        var start: EventTimestamp { opening.event.time }

        /// True when `time` (host clock) lies in it.
        func contains(_ time: EventTimestamp) -> Bool {
            start <= time && end.map { time < $0 } ?? true
        }

        /// How far `time` lies outside it (0 inside).
        func distance(to time: EventTimestamp) -> Int64 {
            if time < start { return start.ticks - time.ticks }
            if let end, time >= end { return time.ticks - end.ticks }
            return 0
        }

        /// The moment in it nearest to `time`, one second inside its edges.
        func nearest(to time: EventTimestamp) -> EventTimestamp {
            let second = EventTimestamp.ticksPerSecond
            if time < start { return EventTimestamp(ticks: start.ticks + second) }
            if let end, time >= end { return EventTimestamp(ticks: max(start.ticks, end.ticks - second)) }
            return time
        }
    }

    /// Records of the service that owns the listener going away.
    static let serviceDown = ["termservice_stopped", "termservice_crashed"]
    /// Records of the host going to sleep or shutting down.
    static let hostDown = ["host_sleep", "host_shutdown", "host_standby_enter"]
    /// Records that show the service answering again.
    static let serviceUp = ["termservice_running", "rdp_listener_connection", "rdp_stack_connection", "rdp_tcp_established"]
    /// Records that show the host running again.
    static let hostUp = ["host_resume", "host_boot", "host_wake_report", "host_standby_exit"]

    /// The outages, in time order.
    private(set) var outages: [Outage] = []

    /// The outages of `host` that began in `from`…`to`, or began earlier and still held at `from`.
    init(index: CaseIndex, host: String, from: EventTimestamp, to: EventTimestamp) {
        let lookback = EventTimestamp(ticks: from.ticks - 86_400 * EventTimestamp.ticksPerSecond)
        for (down, up, tail) in [
            (Self.serviceDown, Self.serviceUp, StateTimeline.stopTail), (Self.hostDown, Self.hostUp, StateTimeline.shutdownTail),
        ] {
            var resumesAfter = EventTimestamp.epoch
            for hit in index.hits(down, on: host, from: lookback, to: to) where hit.event.time >= resumesAfter {
                let after = EventTimestamp(ticks: hit.event.time.ticks + tail)
                let limit = EventTimestamp(ticks: to.ticks + 86_400 * EventTimestamp.ticksPerSecond)
                var end = index.hits(up, on: host, from: after, to: limit).first?.event.time
                if down == Self.hostDown, let alive = index.firstActivity(on: host, from: after, to: end ?? limit) {
                    end = min(end ?? alive, alive)
                }
                let outage = Outage(opening: hit, end: end)
                resumesAfter = end ?? EventTimestamp(ticks: .max)
                if outage.end.map({ $0 >= from }) ?? true { outages.append(outage) }
            }
        }
        outages.sort { $0.start < $1.start }
    }

    /// The outages that come within `bound` of `time` (host clock).
    func near(_ time: EventTimestamp, within bound: Int64) -> [Outage] {
        outages.filter { $0.distance(to: time) <= bound }
    }
}
