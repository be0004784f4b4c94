import Dispatch
public import Diagnosis
import Foundation

/// A case analysed the way `rdpcause analyze` and ``Diagnosis/CaseRunner`` do it (one index built
/// from the case's files, then the rule pack's diagnoser), keeping the index so that a test can
/// tell which files the evidence came from.
public struct CaseAnalysis: Sendable {
    /// The case path.
    public var path: String
    /// The diagnosis.
    public var diagnosis: Diagnosis
    /// What was read: hits, per-log coverage with its files, import problems.
    public var index: CaseIndex

    /// Analyses one case.
    public static func analyze(_ path: String, pack: RulePack) -> CaseAnalysis {
        let index = CaseIndex.build(paths: [path], engine: pack.engine)
        return CaseAnalysis(path: path, diagnosis: pack.diagnoser.diagnose(index), index: index)
    }

    /// Analyses cases on all cores; results in input order.
    public static func analyze(_ paths: [String], pack: RulePack) -> [CaseAnalysis] {
        let slots = Slots(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { position in
            slots.set(position, analyze(paths[position], pack: pack))
        }
        return slots.values
    }
}

/// Result slots filled by concurrent workers; each slot is written once, under a lock.
private final class Slots: @unchecked Sendable {
    // @unchecked: every access to `slots` holds `lock`.
    private let lock = NSLock()
    private var slots: [CaseAnalysis?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func set(_ position: Int, _ value: CaseAnalysis) {
        lock.lock()
        slots[position] = value
        lock.unlock()
    }

    var values: [CaseAnalysis] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
