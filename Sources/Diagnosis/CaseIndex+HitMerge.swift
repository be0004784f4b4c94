import SigmaKit

extension CaseIndex {
    /// The hits of `parts` (the finished indexes of the parts of one case, in input order) made
    /// this index's hits: the same hits, in the same order, that one pass over the parts in that
    /// order gives. Hits of a rule are in event time; at equal times an earlier part's hit comes
    /// first, and within a part the order it read them in (the order of a stable sort).
    ///
    /// One rule's hits are decoded at a time (40 bytes each), so merging costs no more memory
    /// than the largest rule's hits. Returns a warning for each rule whose hits could not all be
    /// kept (a table full at 2³² entries), for the caller's ``ruleDiagnostics``.
    mutating func takeHits(merging parts: [CaseIndex], rules: [SigmaRule]) -> [SigmaDiagnostic] {
        if parts.count == 1, let only = parts.first {
            // One part is already merged: its table numbers itself, and its columns are in the order
            // a merge of one list keeps. Decoding and re-encoding them would only hold the case's
            // hits twice at the end of the import (28 MB at 1 GiB, the run's peak).
            compactHits = only.compactHits
            hitTable = only.hitTable
            return []
        }
        var warnings: [SigmaDiagnostic] = []
        var table = HitTable()
        var numbering: [(templates: [UInt32], sources: [UInt32])?] = []
        for part in parts { numbering.append(table.absorb(part.hitTable)) }
        var columns: [String: HitColumn] = [:]
        let names = Set(parts.flatMap(\.compactHits.keys)).sorted()
        for name in names {
            var lists: [[CompactHit]] = []
            for (part, numbers) in zip(parts, numbering) {
                guard let column = part.compactHits[name] else { continue }
                guard let numbers else {
                    if let rule = rules.first(where: { ($0.name ?? $0.id ?? $0.title) == name }) {
                        warnings.append(HitTable.notKept(column.count, rule: rule))
                    }
                    continue
                }
                lists.append(
                    column.decoded().map { hit in
                        var renumbered = hit
                        renumbered.template = numbers.templates[Int(hit.template)]
                        renumbered.source = numbers.sources[Int(hit.source)]
                        return renumbered
                    })
            }
            columns[name] = HitColumn.mergedInTimeOrder(lists)
        }
        compactHits = columns
        hitTable = table
        return warnings
    }
}
