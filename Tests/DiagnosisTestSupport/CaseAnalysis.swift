import Dispatch
public import Diagnosis
import Synchronization

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
        let slots = Mutex([CaseAnalysis?](repeating: nil, count: paths.count))
        DispatchQueue.concurrentPerform(iterations: paths.count) { position in
            let analysis = analyze(paths[position], pack: pack)
            slots.withLock { $0[position] = analysis }
        }
        return slots.withLock { $0 }.compactMap { $0 }
    }
}
