import EventImport

/// Which failure a ticket's time of day names ("it failed at 09:28 CET", no date), so that of
/// several failures in the client's log the one the user reported is diagnosed first. Only in
/// the ticket's own zone (a time of day read in an unknown zone could name any failure), and
/// within ``tolerance`` (a user's "at 09:28" is read off a clock, or remembered).
struct TicketClockNaming {
    /// How far a failure's time of day may lie from the ticket's.
    static let tolerance = 15 * 60

    private let clocks: [(seconds: Int, text: String, source: String)]
    private let offset: Int?

    init(documents: [TextDocument], hints: TicketHints) {
        clocks = documents.flatMap { document in
            TicketTime.clocksWithoutDate(in: document).map { ($0.seconds, $0.text, document.source) }
        }
        offset = hints.utcOffset?.seconds
    }

    /// The sentence saying the ticket gives `failure`'s time of day, or nil when it does not.
    func mention(of failure: FailedAttempt) -> String? {
        guard let offset, failure.timeIsUTC, !clocks.isEmpty else { return nil }
        let day: Int64 = 86_400
        let seconds = failure.time.ticks / EventTimestamp.ticksPerSecond
        // The failure's time of day on the ticket's clock (the offset is at most ±14 h).
        let local = Int(((seconds + Int64(offset)) % day + day) % day)
        let near = clocks.first { clock in
            let apart = abs(local - clock.seconds)
            return min(apart, Int(day) - apart) <= Self.tolerance
        }
        return near.map { "\($0.source) gives the time of day \($0.text) in its zone: this failure is at that time" }
    }
}
