import EventImport

/// Finds the UTC offset of a local report time that has no zone, from the host's records.
struct ZoneAlignment {
    /// UTC offsets in use somewhere (whole hours, and the half and three-quarter hours some zones use).
    static let zoneOffsets: [Int] =
        Array(-12...14).map { $0 * 3600 } + [-12600, -9000, 12600, 16200, 19800, 20700, 23400, 34200, 37800]

    let index: CaseIndex

    /// The UTC offset that best explains a local report time by the host's records of the attempt.
    ///
    /// A failure is reported seconds after the attempt reached the host, and the client's clock may
    /// run minutes off, so each offset is scored by the host's connection-attempt records from five
    /// minutes before to one minute after the reported time, the closer the heavier. Returns the
    /// offset and the number of records.
    func offset(for local: EventTimestamp, host: String?) -> (seconds: Int, records: Int)? {
        var best: (offset: Int, score: Double, count: Int)?
        let second = EventTimestamp.ticksPerSecond
        for offset in Self.zoneOffsets {
            let utc = local.ticks - Int64(offset) * second
            var score = 0.0
            var count = 0
            for rule in Diagnoser.RuleName.alignmentTraces {
                // The user reports a failure: errors weigh more than plain connections, successes least.
                let weight =
                    Diagnoser.RuleName.hostConnection.contains(rule) ? 1.0 : (Diagnoser.RuleName.successTraces.contains(rule) ? 0.5 : 2.0)
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
}
