public import Foundation

/// A case's answer key, `expected.json` (the SampleLogs format, with the optional additions the
/// scenario generator writes: `tags`, `hostTime`, `failures`, `failureCount`).
public struct ExpectedAnswer: Decodable, Sendable {
    /// One failure of a case that holds several.
    public struct Failure: Decodable, Sendable {
        /// The failing host.
        public var host: String?
        /// The cause expected to be likely, or nil for none.
        public var topCause: String?
        /// `cause-found` or `inconclusive`.
        public var verdict: String
        /// The failure time (UTC, client clock).
        public var failureTime: String?
        /// The user who failed.
        public var user: String?
    }

    /// `cause-found`, `inconclusive` or `no-failure-found`.
    public var verdict: String
    /// The cause expected to be likely for the primary failure, or nil for none.
    public var topCause: String?
    /// The primary failure's host.
    public var host: String?
    /// The primary failure's time (UTC, client clock).
    public var failureTime: String?
    /// The same failure on the host's clock, when the clocks differ.
    public var hostTime: String?
    /// What the case shows.
    public var notes: String?
    /// What makes the case hard (`busy`, `multi`, `hearsay`, `scanner`, `skew`, `ip-only`, `localized`…).
    public var tags: [String]?
    /// Every failure, when the case holds several.
    public var failures: [Failure]?
    /// How many failures the case holds, when the key pins it (two reports of one attempt are one).
    public var failureCount: Int?
    /// For a cause id, texts its assessment of the primary failure must say (in its summary or an
    /// evidence line): which update, since when, or why a record was not counted.
    public var mentions: [String: [String]]?

    /// Reads an `expected.json`.
    public static func load(_ url: URL) throws -> ExpectedAnswer {
        try JSONDecoder().decode(ExpectedAnswer.self, from: Data(contentsOf: url))
    }

    /// What the answer is about: the expected top cause, or the verdict when there is none.
    public var outcomeClass: String { topCause ?? verdict }
}

/// A case to analyse together with its answer key.
public struct StudyCase: Sendable, CustomStringConvertible {
    /// A short name: the scenario id, or `sample:<name>` for a SampleLogs case.
    public var id: String
    /// The case folder or archive.
    public var path: String
    /// Its `expected.json`.
    public var expectedPath: String
    /// The answer key.
    public var expected: ExpectedAnswer

    /// Creates a case.
    public init(id: String, path: String, expectedPath: String, expected: ExpectedAnswer) {
        self.id = id
        self.path = path
        self.expectedPath = expectedPath
        self.expected = expected
    }

    /// The id.
    public var description: String { id }
}
