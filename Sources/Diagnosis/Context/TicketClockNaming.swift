import EventImport

/// Which failure a ticket's time of day names ("it failed at 09:28 CET", no date), so that of
/// several failures in the client's log the one the user reported is diagnosed first. Only in
/// the ticket's own zone (a time of day read in an unknown zone could name any failure), and
/// within ``tolerance`` (a user's "at 09:28" is read off a clock, or remembered).
struct TicketClockNaming {
    /// How far a failure's time of day may lie from the ticket's.
    static let tolerance = 15 * 60

    private let clocks: [(clock: TicketClock, source: String)]
    private let offset: Int?

    init(documents: [TextDocument], hints: TicketHints) {
        clocks = documents.flatMap { document in
            TicketTime.clocksWithoutDate(in: document).map { ($0, document.source) }
        }
        offset = hints.utcOffset?.seconds
    }

    /// What the ticket says of a failure's time of day.
    enum Mention: Equatable {
        /// The ticket gives it: the failure the user reported (diagnosed first).
        case named(String)
        /// The ticket gives it and sets it aside ("ignore that one"): diagnosed after the others.
        case disowned(String)
    }

    /// What the ticket says of `failure`'s time of day, or nil when it gives no time near it.
    /// A time the ticket both gives and sets aside counts as set aside only when no other
    /// mention of it names the failure.
    func mention(of failure: FailedAttempt) -> Mention? {
        guard let offset, failure.timeIsUTC, !clocks.isEmpty else { return nil }
        let day: Int64 = 86_400
        let seconds = failure.time.ticks / EventTimestamp.ticksPerSecond
        // The failure's time of day on the ticket's clock (the offset is at most ±14 h).
        let local = Int(((seconds + Int64(offset)) % day + day) % day)
        let near = clocks.filter { entry in
            let apart = abs(local - entry.clock.seconds)
            return min(apart, Int(day) - apart) <= Self.tolerance
        }
        if let named = near.first(where: { !$0.clock.disowned }) {
            return .named("\(named.source) gives the time of day \(named.clock.text) in its zone: this failure is at that time")
        }
        return near.first.map {
            .disowned(
                "\($0.source) gives the time of day \($0.clock.text) in its zone and sets it aside: this failure is diagnosed after the others")
        }
    }
}
