public import EventImport
public import Foundation

/// The answer for one case: the failures found, what caused each, and what is missing.
public struct Diagnosis: Sendable {
    /// The case's verdict.
    public enum Verdict: String, Sendable, Hashable {
        /// A cause is likely for the (primary) failure.
        case causeFound = "cause-found"
        /// A failure was found but the evidence does not single out a cause, or a failure is
        /// reported but could not be located in the case (see ``Diagnosis/notes``).
        case inconclusive
        /// No failed connection was found.
        case noFailureFound = "no-failure-found"
        /// The case could not be analysed: nothing in it was readable, or it holds no event
        /// records at all (``Diagnosis/notes`` say what was wrong and what to send).
        case inputError = "input-error"
    }

    /// The verdict of the primary failure (the one the user reported), no-failure-found, or
    /// input-error when the case holds no event records.
    public var verdict: Verdict
    /// Every failure, the primary one first.
    public var failures: [FailureDiagnosis]
    /// Logs to collect, per machine, with the command that exports them.
    public var missingLogs: [MissingLog]
    /// Things the engineer should know (import problems, assumptions).
    public var warnings: [String]
    /// The files and archive members read.
    public var inputs: [String]
    /// When no failure is diagnosed: which logs cover which period, and why no failure was found
    /// or where it could not be located.
    public var notes: [String] = []
    /// When a reported failure could not be located: host records of failed attempts near the
    /// ticket's date, as candidates for the engineer to check.
    public var candidates: [EvidenceItem] = []
    /// When no failure is found: the client's own records of how its connections in the period
    /// ended, each without an error (what the verdict rests on).
    public var noFailureEvidence: [EvidenceItem] = []
    /// The ticket ids the case's notes name (`RT-1234`, `INC0012345`), sorted.
    public var ticketIDs: [String] = []
    /// The rdpcause version that made the diagnosis (`0.1.0+<commit>`), set by `RulePack.diagnose`.
    public var rdpcauseVersion: String? = nil
    /// The rule pack's version (`RulePackVersion`), set by `RulePack.diagnose`.
    public var rulesVersion: String? = nil
    /// The case as the user gave it (a path, `-`, or a dropped file's name), set by the command
    /// that ran the analysis (`case` in JSON); `nil` keeps findings byte-for-byte reproducible.
    public var caseInput: String? = nil
    /// When the analysis ran (UTC ISO 8601), set with ``caseInput``.
    public var analysedAt: String? = nil

    /// This diagnosis labelled with its case and the time it was made (now, unless given).
    public func labelled(case input: String, at time: Date = Date()) -> Diagnosis {
        var copy = self
        copy.caseInput = input
        copy.analysedAt = EventTimestamp(secondsSinceEpoch: Int64(time.timeIntervalSince1970.rounded(.down))).iso8601(fractionDigits: 0)
        return copy
    }
}

/// One failed connection and the assessment of every cause.
public struct FailureDiagnosis: Sendable {
    /// The target host as best known (display form).
    public var host: String?
    /// The client machine as best known.
    public var client: String?
    /// The failure time as the user saw it: the client's clock, converted to UTC.
    public var time: EventTimestamp
    /// The failure time on the host's clock (UTC), when the clock skew is known.
    public var hostTime: EventTimestamp?
    /// The primary disconnect code.
    public var code: UInt32
    /// The extended code, when the report gives it.
    public var extendedCode: UInt32?
    /// `cause-found` or `inconclusive`.
    public var verdict: Diagnosis.Verdict
    /// Host clock minus client clock, in seconds, when it could be estimated.
    public var clockSkewSeconds: Double?
    /// What the codes mean (and a note when the code is not 0x904).
    public var codeMeaning: String
    /// How host, client, time, zone and skew were determined.
    public var context: [String]
    /// The records that show the failure itself (client log, report).
    public var anchors: [EvidenceItem]
    /// Every cause, most likely first.
    public var causes: [CauseAssessment]

    /// The cause ranked second, whose confidence the top cause's is measured against.
    public var runnerUp: CauseAssessment? { causes.dropFirst().first }

    /// How far the top cause's confidence lies above the runner-up's (nil with fewer than two causes).
    public var margin: Double? {
        guard let top = causes.first, let second = runnerUp else { return nil }
        return ((top.confidence - second.confidence) * 100).rounded() / 100
    }
}

/// How one cause fares for one failure.
public struct CauseAssessment: Sendable {
    /// The status of a cause.
    public enum Status: String, Sendable, Hashable {
        case likely, possible
        case ruledOut = "ruled-out"
        case notAssessable = "not-assessable"
    }

    /// The cause id.
    public var id: String
    /// Its headline.
    public var title: String
    /// Its status.
    public var status: Status
    /// 0…1.
    public var confidence: Double
    /// One or two sentences quoting the decisive evidence, or why it is ruled out or not assessable.
    public var summary: String
    /// Evidence for and against, in time order.
    public var evidence: [EvidenceItem]
    /// What to do.
    public var remediation: [String]
    /// Where to read more.
    public var references: [String]
    /// Other causes that rest on exactly the same evidence: the finding is their shared class,
    /// and each one's remediation applies.
    public var sharedWith: [String] = []
}

/// One record (or one proven absence) used as evidence.
public struct EvidenceItem: Sendable, Hashable {
    /// How the item bears on the cause.
    public enum Role: String, Sendable, Hashable {
        /// The failure itself.
        case failure
        /// Supports the cause.
        case supports
        /// Speaks against it.
        case refutes
        /// An expected record that is missing.
        case missing
    }

    /// How the item bears on the cause.
    public var role: Role
    /// The Sigma rule that matched (or that found nothing).
    public var rule: String
    /// One line: what the record means.
    public var meaning: String
    /// The record's time (for a missing record: the failure time).
    public var time: EventTimestamp
    /// The machine.
    public var computer: String
    /// The channel.
    public var channel: String
    /// The event id (0 for a missing record or a report).
    public var eventID: UInt32
    /// The record id.
    public var recordID: UInt64?
    /// The file (archive member) and line.
    public var origin: EventOrigin
    /// True when the record was logged at the identified attempt (or, for a proven absence, a
    /// state or the failure's own code, holds at its moment): the decisive tier of its cause.
    public var atAttempt: Bool = false
}

/// A log to collect.
public struct MissingLog: Sendable, Hashable {
    /// Which machine.
    public var machine: String
    /// Which log (channel).
    public var channel: String
    /// Why it matters.
    public var reason: String
    /// The exact export command, for that machine.
    public var command: String
}

/// What the caller knows that the case may not say.
public struct DiagnosisOptions: Sendable {
    /// `--host`: the target host.
    public var host: String?
    /// `--client`: the client machine.
    public var client: String?
    /// `--time`: the failure time (ISO 8601; local unless it ends with `Z` or an offset).
    public var time: String?
    /// `--utc-offset`: the offset of local timestamps, in seconds.
    public var utcOffsetSeconds: Int?

    /// The forms `--time` accepts, for a usage message.
    public static let acceptedTimeForms =
        "ISO 8601 such as 2026-06-12T21:41:53 (local), 2026-06-12T21:41:53Z or 2026-06-12T21:41:53+02:00; "
        + "or as clients print it: 06/12/26 9:41:53 PM, 12.06.2026 21:41:53"

    /// Whether `text` is a failure time `--time` can read (see ``acceptedTimeForms``).
    public static func isReadableTime(_ text: String) -> Bool {
        ClientReport.parseReportTime(text) != nil
    }

    /// Creates options.
    public init(host: String? = nil, client: String? = nil, time: String? = nil, utcOffsetSeconds: Int? = nil) {
        self.host = host
        self.client = client
        self.time = time
        self.utcOffsetSeconds = utcOffsetSeconds
    }
}
