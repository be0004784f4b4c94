import Dispatch
import EventImport
import Foundation
import SigmaKit
import Synchronization

/// Reads the files of one case on several threads and merges what they found into one
/// ``CaseIndex``, the same index whatever the number of threads.
///
/// The unit of work is one file of the case (``EventImport/ImportUnit``): a path given, or a
/// file of a folder given. An archive is one unit: its members come out of one decompression
/// stream in order, and handing them to other threads would mean holding whole members in memory
/// (or re-reading the stream on every thread), so a case delivered as a single archive is read by
/// one thread. Each unit is imported and matched with the Sigma engine (shared: it holds no state
/// per evaluation; the rules that give up are recorded per unit) into its own part, and the parts
/// are merged in input order (``CaseIndex/merged(_:engine:)``). Folders are listed first, on the
/// calling thread, so their problems come before those of their files, as in one serial pass.
///
/// Units are taken largest first (so that a large file does not end the case alone on one core),
/// the calling thread taking the next one each time; helper
/// threads are started only while units are waiting and a core token is free at once
/// (``CoreTokens``), so a batch of cases running side by side is never oversubscribed.
struct CaseImportPool: Sendable {
    /// The core tokens helpers take; the calling thread is assumed to hold its own.
    let cores: CoreTokens
    /// The most threads that read one case at once, the calling thread included.
    let maxWorkers: Int
    /// Receives the work done as the files are read (from every thread that reads them).
    var progress: (@Sendable (ImportProgress) -> Void)?

    /// A pool of its own: up to `workers` threads (default: one per core) for each case.
    init(workers: Int? = nil) {
        let workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
        self.init(cores: CoreTokens(count: workers - 1), maxWorkers: workers)
    }

    /// A pool whose helpers take their cores from `cores`, shared with other cases.
    init(cores: CoreTokens, maxWorkers: Int) {
        self.cores = cores
        self.maxWorkers = max(1, maxWorkers)
    }

    /// Reads `paths` (folders, archives, files) and indexes them with `engine`.
    func build(paths: [String], engine: SigmaEngine) -> CaseIndex {
        // The case in input order: each path's listing problems, then its files.
        var order: [Entry] = []
        var units: [ImportUnit] = []
        for path in paths {
            let listing = CaseIndex.Builder(engine: engine)
            let lister = EventImporter(handlers: Self.handlers(listing, progress: nil))
            let found = lister.units(of: path)
            listing.index.statistics = lister.statistics
            listing.finish()
            if !listing.index.importDiagnostics.isEmpty {
                order.append(.listing(CaseIndex.Part(index: listing.index, gaps: listing.gaps, notKept: listing.notKept)))
            }
            order += found.indices.map { .unit(units.count + $0) }
            units += found
        }
        let read = read(units, engine: engine)
        let parts = order.map { entry in
            switch entry {
            case .listing(let part): part
            case .unit(let position): read[position]
            }
        }
        return CaseIndex.merged(parts, engine: engine)
    }

    /// A part of the case in input order: a listing's problems, or a unit to read.
    private enum Entry {
        case listing(CaseIndex.Part)
        case unit(Int)
    }

    /// Reads every unit, each into its own part; parts in the order of the units.
    private func read(_ units: [ImportUnit], engine: SigmaEngine) -> [CaseIndex.Part] {
        let queue = UnitQueue(sizes: units.map(\.size))
        let progress = progress
        let results = Mutex([CaseIndex.Part?](repeating: nil, count: units.count))
        let helpers = DispatchGroup()
        let work: @Sendable () -> Void = {
            while let position = queue.claim() {
                let part = Self.read(units[position], engine: engine, progress: progress)
                results.withLock { $0[position] = part }
            }
        }
        var started = 0
        while let position = queue.claim() {
            // Files are waiting beyond the one this thread takes: start helpers while cores are free.
            while started < maxWorkers - 1, queue.waiting > 0, cores.tryAcquire() {
                started += 1
                helpers.enter()
                Thread.detachNewThread { [cores] in
                    work()
                    cores.release()
                    helpers.leave()
                }
            }
            let part = Self.read(units[position], engine: engine, progress: progress)
            results.withLock { $0[position] = part }
        }
        helpers.wait()
        return results.withLock { $0.compactMap { $0 } }
    }

    /// Reads one unit on the current thread into its own part.
    private static func read(
        _ unit: ImportUnit, engine: SigmaEngine, progress: (@Sendable (ImportProgress) -> Void)?
    ) -> CaseIndex.Part {
        let builder = CaseIndex.Builder(engine: engine)
        let importer = EventImporter(handlers: handlers(builder, progress: progress))
        importer.importUnit(unit)
        builder.index.statistics = importer.statistics
        builder.finish()
        return CaseIndex.Part(index: builder.index, gaps: builder.gaps, notKept: builder.notKept)
    }

    /// Handlers that deliver an import to `builder`, and its progress to `progress`.
    private static func handlers(_ builder: CaseIndex.Builder, progress: (@Sendable (ImportProgress) -> Void)?) -> ImportHandlers {
        ImportHandlers(
            onEvent: { builder.add($0) },
            onDiagnostic: { builder.index.importDiagnostics.append($0) },
            onDocument: { builder.index.documents.append($0) },
            onProgress: progress)
    }
}

/// The units of a case not yet taken by a thread, largest first (in input order among equals).
private final class UnitQueue: Sendable {
    /// Unit positions in the order they are taken.
    private let order: [Int]
    private let next = Mutex(0)

    init(sizes: [Int]) {
        order = sizes.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
    }

    /// The next unit's position, or nil when every unit is taken.
    func claim() -> Int? {
        let taken: Int? = next.withLock { next in
            guard next < order.count else { return nil }
            defer { next += 1 }
            return next
        }
        return taken.map { order[$0] }
    }

    /// How many units no thread has taken yet.
    var waiting: Int { next.withLock { order.count - $0 } }
}
