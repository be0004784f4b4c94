@testable import Diagnosis
import EventImport
import SigmaKit
import Testing

/// ``HitColumn`` gives back exactly the hits it was given, sorted by time, and finds a time
/// window across block boundaries as a plain filter would.
@Suite("Hit column")
struct HitColumnTests {
    /// A hit whose every field is derived from `seed`, extreme values included.
    static func hit(_ seed: Int, time: Int64) -> CompactHit {
        let extremes: [UInt64] = [0, 1, .max, .max - 1, 1 << 63]
        return CompactHit(
            time: EventTimestamp(ticks: time),
            recordID: seed % 7 == 0 ? extremes[seed % extremes.count] : UInt64(seed * 3),
            line: seed % 11 == 0 ? Int.max - seed : seed * 40 + 1,
            byteOffset: seed % 13 == 0 ? Int.min + seed : seed * 2_000,
            template: seed % 5 == 0 ? UInt32.max - UInt32(seed % 3) : UInt32(seed % 4),
            source: UInt32(seed % 3))
    }

    static func same(_ a: [CompactHit], _ b: [CompactHit]) -> Bool {
        a.count == b.count
            && zip(a, b).allSatisfy {
                $0.time == $1.time && $0.recordID == $1.recordID && $0.line == $1.line && $0.byteOffset == $1.byteOffset
                    && $0.template == $1.template && $0.source == $1.source
            }
    }

    @Test func hitsComeBackExactlyInTimeOrderWithEqualTimesInArrivalOrder() {
        // Times out of order, repeated, negative and extreme, across several blocks.
        let times: [Int64] = (0..<300).map { seed in
            switch seed % 9 {
            case 0: Int64.max - Int64(seed)
            case 1: Int64.min + Int64(seed)
            case 2: 5_000  // many hits at one time, spread over blocks
            default: Int64((seed * 7_919) % 1_000) * 10_000_000 - 3_000_000_000
            }
        }
        let hits = times.enumerated().map { Self.hit($0.offset, time: $0.element) }
        var column = HitColumn()
        for hit in hits { column.append(hit) }
        #expect(column.count == hits.count)
        #expect(!column.isSorted)
        #expect(Self.same(column.decoded(), hits))
        let sorted = column.sortedByTime()
        #expect(sorted.isSorted)
        // The standard library's sort is stable: hits at 5,000 keep their arrival order.
        #expect(Self.same(sorted.decoded(), hits.sorted { $0.time < $1.time }))
    }

    @Test func aWindowFindsTheSameHitsAsAFilterAtEveryBlockBoundary() {
        // Several hits per time, so a window's first hit often sits in the block before the one it starts.
        let hits = (0..<(HitColumn.blockSize * 4 + 5)).map { Self.hit($0, time: Int64($0 / 3) * 100) }
        var column = HitColumn()
        for hit in hits { column.append(hit) }
        #expect(column.isSorted)
        let last = hits.last?.time.ticks ?? 0
        for from in stride(from: -100, through: last + 100, by: 100) {
            for width in [0, 100, 2_500, 10_000] {
                var found: [CompactHit] = []
                column.forEach(from: EventTimestamp(ticks: from), to: EventTimestamp(ticks: from + Int64(width))) { found.append($0) }
                let expected = hits.filter { $0.time.ticks >= from && $0.time.ticks <= from + Int64(width) }
                #expect(Self.same(found, expected), "window \(from) + \(width)")
            }
        }
    }

    @Test func partsMergedGiveTheHitsOfOnePassOverThem() {
        // Two parts of one case that share records' content and times: the merge must renumber
        // the second part's templates and files and keep the first part's hit first at equal times.
        let first = CompactHitTests.storm(150, daysBefore: 1) + CompactHitTests.attempt()
        let second = CompactHitTests.storm(90, daysBefore: 1).map { event in
            var moved = event
            moved.origin.source = "host/System-copy.xml"
            return moved
        } + CompactHitTests.storm(40, daysBefore: 3)
        let parts = [first, second].map { CaseIndex.build(events: $0, engine: rulePack.engine) }
        let whole = CaseIndex.build(events: first + second, engine: rulePack.engine)
        var merged = CaseIndex()
        let warnings = merged.takeHits(merging: parts, rules: rulePack.engine.rules)
        #expect(warnings.isEmpty)
        #expect(merged.hitCount == whole.hitCount)
        #expect(merged.storedHitEvents == whole.storedHitEvents)
        #expect(whole.hitCount == parts[0].hitCount + parts[1].hitCount)
        for rule in Set(whole.compactHits.keys).union(merged.compactHits.keys) {
            let expected = whole.hits(of: rule).map { "\($0.machine) \($0.event)" }
            #expect(merged.hits(of: rule).map { "\($0.machine) \($0.event)" } == expected, "rule \(rule)")
        }
    }

    @Test func anEmptyColumnHasNoHits() {
        let column = HitColumn()
        var found = 0
        column.forEach(from: EventTimestamp(ticks: .min), to: EventTimestamp(ticks: .max)) { _ in found += 1 }
        #expect(found == 0)
        #expect(column.decoded().isEmpty)
        #expect(column.sortedByTime().count == 0)
    }
}
