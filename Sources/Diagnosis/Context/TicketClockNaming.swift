import EventImport

/// Which failure a ticket's time of day names ("it failed at 09:28 CET", no date), so that of
/// several failures in the client's log the one the user reported is diagnosed first. Only in
/// the ticket's own zone (a time of day read in an unknown zone could name any failure), and
/// within ``tolerance`` (a user's "at 09:28" is read off a clock, or remembered). When the
/// ticket gives several, the one it gives first ranks first: a ticket states the failure it
/// reports, then what followed ("tried again at 09:48").
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
        naming(failure).map { "\(clocks[$0].source) gives the time of day \(clocks[$0].text) in its zone: this failure is at that time" }
    }

    /// How early in the ticket the first time of day that names `failure` stands (lower is
    /// earlier), or nil when none does.
    func rank(of failure: FailedAttempt) -> Int? { naming(failure) }

    private func naming(_ failure: FailedAttempt) -> Int? {
        guard let offset, failure.timeIsUTC, !clocks.isEmpty else { return nil }
        let day: Int64 = 86_400
        let seconds = failure.time.ticks / EventTimestamp.ticksPerSecond
        // The failure's time of day on the ticket's clock (the offset is at most ±14 h).
        let local = Int(((seconds + Int64(offset)) % day + day) % day)
        return clocks.firstIndex { clock in
            let apart = abs(local - clock.seconds)
            return min(apart, Int(day) - apart) <= Self.tolerance
        }
    }
}
