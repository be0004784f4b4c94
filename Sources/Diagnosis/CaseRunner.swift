import Dispatch
public import EventImport
import Foundation
public import SigmaKit

/// The outcome of analysing one case.
public struct CaseResult: Sendable {
    /// The case path as given.
    public var path: String
    /// A file-system-safe name for the case (its last path component without archive extensions).
    public var name: String
    /// The diagnosis.
    public var diagnosis: Diagnosis
    /// Import problems (also in the diagnosis warnings).
    public var importDiagnostics: [ImportDiagnostic]
    /// Rules that could not be evaluated on some of the case's events (also in the diagnosis warnings).
    public var ruleDiagnostics: [SigmaDiagnostic]
    /// Import counters.
    public var statistics: ImportStatistics
    /// Wall-clock seconds spent on the case.
    public var seconds: Double
}

/// Analyses many cases in parallel: each case is one folder or archive; one broken case never
/// stops the others (its problems are in its own result).
///
/// `parallelism` cores are shared by the cases and by the files inside each case: a case holds
/// one while it runs, and reads its other files on helper threads only with cores no other case
/// holds (``CaseImportPool``). A batch of many cases thus runs one thread per case, and a single
/// large case, or the last case of a batch, reads its files on every core.
public struct CaseRunner: Sendable {
    /// The rules every case runs with.
    public let pack: RulePack
    /// Options applied to every case.
    public let options: DiagnosisOptions
    /// How many cores the runner uses at once: for cases side by side, and for the files of a case.
    public let parallelism: Int
    /// The runner's cores, one token each.
    private let cores: CoreTokens

    /// Creates a runner; `parallelism` defaults to the number of cores.
    public init(pack: RulePack, options: DiagnosisOptions = DiagnosisOptions(), parallelism: Int? = nil) {
        self.pack = pack
        self.options = options
        self.parallelism = max(1, parallelism ?? ProcessInfo.processInfo.activeProcessorCount)
        cores = CoreTokens(count: self.parallelism)
    }

    /// Analyses one case, on up to ``parallelism`` cores (fewer while other cases of this runner run).
    public func analyze(_ path: String) -> CaseResult {
        cores.acquire()
        defer { cores.release() }
        return analyzeHoldingCore(path, progress: nil)
    }

    /// Analyses one case on the calling thread, which holds one of the runner's cores, and on
    /// helper threads for its other files while more cores are free.
    private func analyzeHoldingCore(_ path: String, progress: (@Sendable (ImportProgress) -> Void)?) -> CaseResult {
        let start = DispatchTime.now().uptimeNanoseconds
        var pool = CaseImportPool(cores: cores, maxWorkers: parallelism)
        pool.progress = progress
        let index = pool.build(paths: [path], engine: pack.engine)
        let diagnosis = pack.diagnose(index, options: options)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return CaseResult(
            path: path, name: Self.caseName(path), diagnosis: diagnosis, importDiagnostics: index.importDiagnostics,
            ruleDiagnostics: index.ruleDiagnostics,
            statistics: index.statistics, seconds: seconds)
    }

    /// Analyses every case, up to `parallelism` at a time. Results come back in input order.
    ///
    /// - Parameters:
    ///   - paths: The cases (folders or archives).
    ///   - progress: Receives the bytes and events read as the cases are read (about every MiB of
    ///     input, from the threads that read it, concurrently): for a progress line that moves
    ///     within a large case.
    ///   - finish: Runs on the worker thread as soon as a case is analysed, concurrently with the
    ///     other cases: the place for per-case work such as rendering and writing its findings.
    ///   - completed: Then runs serialized (one case at a time, in completion order): the place
    ///     for shared state such as progress and logging.
    public func analyze(
        _ paths: [String], progress: (@Sendable (ImportProgress) -> Void)? = nil,
        finish: @escaping @Sendable (CaseResult) -> Void = { _ in },
        completed: @escaping @Sendable (CaseResult) -> Void = { _ in }
    ) -> [CaseResult] {
        let results = ResultSlots(count: paths.count)
        let group = DispatchGroup()
        let queue = DispatchQueue(label: "rdpcause.cases", attributes: .concurrent)
        let serial = DispatchQueue(label: "rdpcause.completed")
        // Largest cases first, so the batch does not end with one big case running alone while
        // the other cores idle.
        let sizes = paths.map(Self.inputSize(of:))
        let order = paths.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        for position in order {
            let path = paths[position]
            cores.acquire()
            queue.async(group: group) {
                let result = self.analyzeHoldingCore(path, progress: progress)
                finish(result)
                results.set(position, result)
                serial.sync { completed(result) }
                self.cores.release()
            }
        }
        group.wait()
        return results.values
    }

    /// The bytes a case holds on disk: the total size of the files it is read as (a file's size,
    /// or that of every file a folder lists, as ``EventImport/EventImporter/units(of:)`` finds
    /// them); 0 for a path that cannot be read.
    ///
    /// One `stat` per file: a batch sizes every case on the calling thread before the first one
    /// starts, so this is serial time (a `FileManager` attribute dictionary per file cost about
    /// 140,000 instructions: 50 million for the benchmark's 50 sample cases, 30% of the work
    /// before the first case started).
    public static func inputSize(of path: String) -> Int {
        let lister = EventImporter(handlers: ImportHandlers(onEvent: { _ in }))
        return lister.units(of: path).reduce(0) { $0 + $1.size }
    }

    /// `case-1234.tar.zst` → `case-1234`; `/drop/RT-42/` → `RT-42`; `-` (standard input) → `stdin`.
    public static func caseName(_ path: String) -> String {
        if path == EventImporter.standardInputPath { return EventImporter.standardInputName }
        var name = URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
        for suffix in [".tar.zst", ".tzst", ".tar", ".zip", ".zst", ".xml"] where name.lowercased().hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            break
        }
        let safe = name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }
        return safe.isEmpty ? "case" : String(safe)
    }
}

/// Slots filled by worker threads; each slot is written once, under a lock.
private final class ResultSlots: @unchecked Sendable {
    // @unchecked: every access to `slots` holds `lock`.
    private let lock = NSLock()
    private var slots: [CaseResult?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func set(_ position: Int, _ result: CaseResult) {
        lock.lock()
        slots[position] = result
        lock.unlock()
    }

    var values: [CaseResult] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
