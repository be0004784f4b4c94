import EventImport
import SigmaKit

extension CaseIndex {
    /// What one part of a case gave when read on its own: a file (with its archive members), or
    /// the listing of a folder (its problems only).
    struct Part: Sendable {
        /// The part's index, finished (its hits sorted in event time).
        var index: CaseIndex
        /// The rules that gave up on the part's events.
        var gaps: EvaluationGaps
        /// Hits not kept because the part's hit table was full, by rule index.
        var notKept: [Int: Int]
    }

    /// The index of the whole case from its parts, in input order: the same index a single pass
    /// over the parts in that order gives, however the parts were spread over threads.
    ///
    /// - Hits of a rule: in event time; hits at the same time in the order of their parts, and
    ///   within a part in the order they were read (``takeHits(merging:rules:)``).
    /// - Coverage of a machine's channel: times widened, counts added, files united; its display
    ///   name is that of the first part that holds it.
    /// - Documents and import problems: part after part. Rule problems: one per rule, from the
    ///   first part it gave up in, with the events of every part counted; hits not kept, added.
    /// - Statistics: added.
    static func merged(_ parts: [Part], engine: SigmaEngine) -> CaseIndex {
        var result = CaseIndex()
        var gaps = EvaluationGaps()
        var notKept: [Int: Int] = [:]
        var minutes: [String: Set<Int64>] = [:]
        var indexes: [CaseIndex] = []
        indexes.reserveCapacity(parts.count)
        for part in parts {
            let index = part.index
            gaps.absorb(part.gaps)
            notKept.merge(part.notKept, uniquingKeysWith: +)
            result.importDiagnostics += index.importDiagnostics
            result.documents += index.documents
            result.inputs.formUnion(index.inputs)
            result.statistics.add(index.statistics)
            for (machine, active) in index.activeMinutes { minutes[machine, default: []].formUnion(active) }
            for (machine, channels) in index.coverage {
                for (channel, coverage) in channels {
                    result.coverage[machine, default: [:]][channel] =
                        result.coverage[machine]?[channel].map { $0.widened(by: coverage) } ?? coverage
                }
            }
            indexes.append(index)
        }
        result.activeMinutes = minutes.mapValues { $0.sorted() }
        result.ruleDiagnostics = gaps.diagnostics(rules: engine.rules)
        for (rule, count) in notKept.sorted(by: { $0.key < $1.key }) {
            result.ruleDiagnostics.append(HitTable.notKept(count, rule: engine.rules[rule]))
        }
        result.ruleDiagnostics += result.takeHits(merging: indexes, rules: engine.rules)
        return result
    }
}

extension CaseIndex.Coverage {
    /// This coverage and a later part's coverage of the same machine's channel as one.
    func widened(by later: CaseIndex.Coverage) -> CaseIndex.Coverage {
        var result = self
        result.first = min(first, later.first)
        result.last = max(last, later.last)
        result.events += later.events
        result.sources.formUnion(later.sources)
        return result
    }
}

extension ImportStatistics {
    /// Adds another import's counters (one file of a case read on another thread).
    mutating func add(_ other: ImportStatistics) {
        inputs += other.inputs
        bytesRead += other.bytesRead
        xmlBytes += other.xmlBytes
        events += other.events
        warnings += other.warnings
        errors += other.errors
    }
}
