import EventImport

/// One failed connection attempt as the client side shows it: the user's report, the client's
/// disconnect record, or both joined, with what they say about the attempt.
struct FailedAttempt {
    /// The failure time: UTC when ``timeIsUTC``, else a local wall-clock reading.
    var time: EventTimestamp
    /// Whether ``time`` is UTC.
    var timeIsUTC: Bool
    /// The primary disconnect code.
    var code: UInt32
    /// The extended code, when the report gives it.
    var extendedCode: UInt32?
    /// The ActivityID of the attempt (client log or report).
    var activityID: String?
    /// The client machine (normalized), when the report or the client log names it.
    var clientMachine: String?
    /// The server name the client used.
    var target: String?
    /// The server address the client's multi-transport record names (1102).
    var serverAddress: String?
    /// The user's report, when there is one.
    var report: ClientReport?
    /// The client's 1026 record.
    var disconnect: CaseIndex.Hit?
    /// The client's 1024 record.
    var connectAttempt: CaseIndex.Hit?
    /// How the failure was found and joined (said in the findings).
    var context: [String] = []
}
