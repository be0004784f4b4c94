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
    }

    /// The index of the whole case from its parts, in input order: the same index a single pass
    /// over the parts in that order gives, however the parts were spread over threads.
    ///
    /// - Hits of a rule: in event time; hits at the same time in the order of their parts, and
    ///   within a part in the order they were read (the order a stable sort of one pass gives).
    /// - Coverage of a machine's channel: times widened, counts added, files united; its display
    ///   name is that of the first part that holds it.
    /// - Documents and import problems: part after part. Rule problems: one per rule, from the
    ///   first part it gave up in, with the events of every part counted.
    /// - Statistics: added.
    ///
    /// The parts are consumed, so that the merged hit lists are the only copy left.
    static func merged(_ parts: consuming [Part], engine: SigmaEngine) -> CaseIndex {
        var remaining = parts
        var result = CaseIndex()
        var gaps = EvaluationGaps()
        var minutes: [String: Set<Int64>] = [:]
        var hitLists: [String: [[Hit]]] = [:]
        for position in remaining.indices {
            let index = remaining[position].index
            gaps.absorb(remaining[position].gaps)
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
            for (rule, hits) in index.hits { hitLists[rule, default: []].append(hits) }
        }
        remaining = []
        result.activeMinutes = minutes.mapValues { $0.sorted() }
        result.ruleDiagnostics = gaps.diagnostics(rules: engine.rules)
        for rule in Array(hitLists.keys) {
            if let lists = hitLists.removeValue(forKey: rule) { result.hits[rule] = mergedInTimeOrder(lists[...]) }
        }
        return result
    }

    /// Lists each in event-time order merged into one, an earlier list's hit first at equal times.
    private static func mergedInTimeOrder(_ lists: ArraySlice<[Hit]>) -> [Hit] {
        guard lists.count > 1, let first = lists.first else { return lists.first ?? [] }
        guard lists.count > 2 else { return mergedInTimeOrder(first, lists[lists.startIndex + 1]) }
        let middle = lists.startIndex + lists.count / 2
        return mergedInTimeOrder(mergedInTimeOrder(lists[..<middle]), mergedInTimeOrder(lists[middle...]))
    }

    /// Two lists in event-time order merged into one, the left list's hit first at equal times.
    private static func mergedInTimeOrder(_ left: [Hit], _ right: [Hit]) -> [Hit] {
        var merged: [Hit] = []
        merged.reserveCapacity(left.count + right.count)
        var leftPosition = 0
        var rightPosition = 0
        while leftPosition < left.count, rightPosition < right.count {
            if right[rightPosition].event.time < left[leftPosition].event.time {
                merged.append(right[rightPosition])
                rightPosition += 1
            } else {
                merged.append(left[leftPosition])
                leftPosition += 1
            }
        }
        merged += left[leftPosition...]
        merged += right[rightPosition...]
        return merged
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
