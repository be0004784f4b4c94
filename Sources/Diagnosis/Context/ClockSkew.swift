/// The clock skew between client and host: host clock minus client clock, and how it was measured.
///
/// It is measured only from the host connection that was the attempt (see ``AttemptMatcher``),
/// never from another client's records.
struct ClockSkew {
    /// Host clock minus client clock, in ticks.
    var ticks: Int64
    /// How it was measured (said in the findings).
    var note: String
}
