public import Diagnosis
public import Foundation

/// A change to a case that says nothing new about the failure (or, for the last one, takes away
/// the evidence that decided it). The first seven are applied by `scripts/transform-case.py` (see
/// its header for what each does); the log removals are decided here from the diagnosis itself.
public enum Transformation: String, CaseIterable, Sendable {
    /// Other users' healthy sessions on the failing host around the failure.
    case otherSessions = "other-sessions"
    /// An internet scanner's burst a whole number of hours from the failure.
    case scannerBurst = "scanner-burst"
    /// Every event log re-encoded as UTF-16 with a BOM.
    case utf16
    /// Every file and folder renamed.
    case rename
    /// Every log split into two files.
    case split
    /// The records of every log in the opposite order.
    case reverseOrder = "reverse-order"
    /// Every log in the other export form (wevtutil / Event Viewer).
    case exportForm = "export-form"
    /// Every event-log file no evidence came from is removed.
    case withoutUnusedLogs = "without-unused-logs"
    /// The files holding the likely top cause's supporting evidence are removed.
    case withoutDecidingLog = "without-deciding-log"

    /// Whether `scripts/transform-case.py` applies it.
    public var isScripted: Bool { self != .withoutUnusedLogs && self != .withoutDecidingLog }

    /// Whether the answer must stay the same (otherwise it must become weaker).
    public var keepsTheAnswer: Bool { self != .withoutDecidingLog }
}

/// One case under one transformation.
public struct Variant: Sendable, Hashable {
    /// The case transformed.
    public var base: String
    /// The transformation.
    public var transformation: Transformation

    /// `case|transformation`, the key of the known-gaps list.
    public var key: String { "\(base)|\(transformation.rawValue)" }
}

/// Which variants a run checks.
public enum MetamorphicPlan {
    /// Every case under every transformation (the last only for cases whose answer is a cause).
    public static func full(_ cases: [StudyCase]) -> [Variant] {
        cases.flatMap { c in
            Transformation.allCases.filter { $0.keepsTheAnswer || c.expected.verdict == "cause-found" }
                .map { Variant(base: c.id, transformation: $0) }
        }
    }

    /// A deterministic sample that still applies every transformation and covers every expected
    /// outcome (each cause, no failure, inconclusive): transformation i takes `perTransformation`
    /// outcome classes, walking the sorted classes in steps of five (coprime to their number), and
    /// within a class the case at a rotating position.
    public static func sample(_ cases: [StudyCase], perTransformation: Int = 6) -> [Variant] {
        var byClass: [String: [StudyCase]] = [:]
        for c in cases.sorted(by: { $0.id < $1.id }) { byClass[c.expected.outcomeClass, default: []].append(c) }
        var variants: [Variant] = []
        for (i, transformation) in Transformation.allCases.enumerated() {
            let classes = byClass.keys.sorted().filter { key in
                transformation.keepsTheAnswer || byClass[key]?.first?.expected.verdict == "cause-found"
            }
            guard !classes.isEmpty else { continue }
            for k in 0..<min(perTransformation, classes.count) {
                let key = classes[(i * 5 + k) % classes.count]
                guard let members = byClass[key], !members.isEmpty else { continue }
                let variant = Variant(base: members[(i + k) % members.count].id, transformation: transformation)
                if !variants.contains(variant) { variants.append(variant) }
            }
        }
        return variants
    }
}

/// A job for `scripts/transform-case.py`.
public struct TransformJob: Encodable, Sendable {
    /// The case folder or archive.
    public var `case`: String
    /// The folder to write.
    public var out: String
    /// The transformation's name.
    public var transform: String
    /// The case's answer key (the transformations that add records read the failing host and time from it).
    public var expected: String

    /// Creates a job.
    public init(case: String, out: String, transform: String, expected: String) {
        self.case = `case`
        self.out = out
        self.transform = transform
        self.expected = expected
    }
}

/// What `scripts/transform-case.py` did with one job.
public struct TransformResult: Decodable, Sendable {
    /// The folder written.
    public var out: String
    /// The transformation.
    public var transform: String
    /// Whether it applied (otherwise `reason` says why not, and nothing was written).
    public var applied: Bool
    /// Why it did not apply.
    public var reason: String
    /// An unexpected error in the script.
    public var error: String?
}

/// Applies transformations to cases.
public enum CaseTransformer {
    /// Runs every job in one `transform-case.py` process; results by output folder.
    public static func run(_ jobs: [TransformJob], scratch: URL) throws(ScriptFailure) -> [String: TransformResult] {
        guard !jobs.isEmpty else { return [:] }
        let list = scratch.appendingPathComponent("jobs-\(UUID().uuidString).json")
        do {
            try JSONEncoder().encode(jobs).write(to: list)
        } catch {
            throw ScriptFailure(command: "transform-case.py", status: nil, stderr: "cannot write \(list.path): \(error)")
        }
        defer { try? FileManager.default.removeItem(at: list) }
        let output = try PythonScript("transform-case.py").run(["--jobs", list.path])
        var results: [String: TransformResult] = [:]
        for line in output.split(separator: "\n") {
            guard let result = try? JSONDecoder().decode(TransformResult.self, from: Data(line.utf8)) else {
                throw ScriptFailure(command: "transform-case.py", status: 0, stderr: "unreadable result line: \(line.prefix(300))")
            }
            results[result.out] = result
        }
        return results
    }

    /// Copies a case folder to `out` without the given files (paths inside `folder`).
    public static func copy(_ folder: String, to out: String, removing files: Set<String>) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: out) { try manager.removeItem(atPath: out) }
        try manager.copyItem(atPath: folder, toPath: out)
        let base = URL(fileURLWithPath: folder).standardizedFileURL.path
        for file in files {
            let standardized = URL(fileURLWithPath: file).standardizedFileURL.path
            guard standardized.hasPrefix(base + "/") else { continue }
            try manager.removeItem(atPath: out + standardized.dropFirst(base.count))
        }
    }
}

/// The metamorphic properties, as lists of violations.
public enum MetamorphicProperty {
    /// The verdict, and the likely top cause when there is one, must not change.
    public static func sameAnswer(before: Diagnosis, after: Diagnosis) -> [String] {
        var problems: [String] = []
        if before.verdict != after.verdict {
            problems.append("verdict \(before.verdict.rawValue) became \(after.verdict.rawValue)")
        }
        let old = likelyTop(before)
        let new = likelyTop(after)
        if old?.id != new?.id {
            problems.append("likely top cause \(AnswerCheck.describe(old)) became \(AnswerCheck.describe(new ?? after.failures.first?.causes.first))")
        }
        return problems
    }

    /// With its deciding evidence gone, a found cause must weaken to a lower status (the case
    /// becoming inconclusive): no cause may stay or become likely, and the failure must still be found.
    public static func weaker(before: Diagnosis, after: Diagnosis) -> [String] {
        guard let old = likelyTop(before) else { return [] }
        if after.verdict == .noFailureFound { return ["the failure is no longer found (no-failure-found)"] }
        guard let new = likelyTop(after) else { return [] }
        if new.id != old.id { return ["a different cause became likely: \(AnswerCheck.describe(new)), was \(AnswerCheck.describe(old))"] }
        return ["\(old.id) is still likely (\(AnswerCheck.format(new.confidence)), was \(AnswerCheck.format(old.confidence)))"]
    }

    /// The primary failure's top cause when it is likely.
    public static func likelyTop(_ diagnosis: Diagnosis) -> CauseAssessment? {
        diagnosis.failures.first?.causes.first.flatMap { $0.status == .likely ? $0 : nil }
    }
}
