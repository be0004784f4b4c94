/// Generated scenarios and metamorphic properties that today's diagnoser gets wrong, in one place.
///
/// Each entry is a case (or `case|transformation`) whose check fails on the diagnoser as it is;
/// its failures are recorded as known issues. When the diagnoser improves and an entry starts to
/// pass, the test reports that the known issue was not recorded: delete the entry then, so that
/// the list only ever shrinks. Never add an entry to make a new failure go away; an entry is for a
/// failure the issue (diagnosis on real, shared hosts) describes and that is still being fixed.
///
/// The metamorphic entries cover the full matrix (`RDPCAUSE_METAMORPHIC=full`); the default run
/// checks a sample of it, so only the sampled entries are flagged when they start to pass there.
enum KnownDiagnosisGaps {
    /// Scenario id → what today's diagnoser does wrong.
    static let scenarios: [String: String] = [:]

    /// `case|transformation` → what today's diagnoser does wrong.
    static let metamorphic: [String: String] = [:]
}
