import EventImport

/// The hits of one rule, kept in event-time order as blocks of delta-encoded ``CompactHit``s.
///
/// A block holds its first hit in full and each later one as the differences from the hit
/// before it (time, record id, line, byte offset, template, source), each a zigzag varint: hits of
/// one rule come from the same few files and templates, seconds apart, so a hit costs about 12
/// bytes instead of 40. Each block owns its bytes, so a growing column never copies a large buffer.
struct HitColumn: Sendable {
    /// Hits per block: the most decoded to reach one hit.
    static let blockSize = 64

    private struct Block: Sendable {
        var first: CompactHit
        var last: CompactHit
        var count: Int
        var deltas: [UInt8]
    }

    private var blocks: [Block] = []
    /// The number of hits.
    private(set) var count = 0
    /// False once a hit was appended earlier than the one before it (``sortedByTime()`` then sorts).
    private(set) var isSorted = true

    /// Adds `hit` after the others.
    mutating func append(_ hit: CompactHit) {
        count += 1
        guard var block = blocks.popLast() else {
            blocks.append(Block(first: hit, last: hit, count: 1, deltas: []))
            return
        }
        if hit.time < block.last.time { isSorted = false }
        if block.count == Self.blockSize {
            // A full block keeps only the bytes it uses, not the room reserved for a longer one.
            block.deltas = block.deltas.withUnsafeBufferPointer { Array($0) }
            blocks.append(block)
            blocks.append(Block(first: hit, last: hit, count: 1, deltas: []))
            return
        }
        if block.deltas.isEmpty { block.deltas.reserveCapacity(Self.blockSize * 12) }
        Self.encode(hit, after: block.last, into: &block.deltas)
        block.last = hit
        block.count += 1
        blocks.append(block)
    }

    /// Every hit, in order.
    func decoded() -> [CompactHit] {
        var hits: [CompactHit] = []
        hits.reserveCapacity(count)
        for block in blocks { Self.decode(block) { hits.append($0) } }
        return hits
    }

    /// The same hits in event-time order (hits with the same time keep their order).
    func sortedByTime() -> HitColumn {
        guard !isSorted else { return self }
        var hits = decoded()
        hits.sort { $0.time < $1.time }
        var sorted = HitColumn()
        for hit in hits { sorted.append(hit) }
        return sorted
    }

    /// Calls `body` with each hit whose time is in `from`…`to`, in order (the column must be sorted).
    ///
    /// - Complexity: O(log *b* + *k* + ``blockSize``) for *b* blocks and *k* hits in the window.
    func forEach(from: EventTimestamp, to: EventTimestamp, _ body: (CompactHit) -> Void) {
        var low = 0
        var high = blocks.count
        while low < high {
            let middle = (low + high) / 2
            if blocks[middle].first.time < from { low = middle + 1 } else { high = middle }
        }
        // The block before the first that starts at `from` or later may end with hits in the window.
        var position = max(low - 1, 0)
        while position < blocks.count, blocks[position].first.time <= to {
            var done = false
            Self.decode(blocks[position]) { hit in
                if done || hit.time < from { return }
                if hit.time > to {
                    done = true
                    return
                }
                body(hit)
            }
            if done { return }
            position += 1
        }
    }

    // MARK: - Encoding

    private static func encode(_ hit: CompactHit, after previous: CompactHit, into bytes: inout [UInt8]) {
        appendDelta(hit.time.ticks, previous.time.ticks, into: &bytes)
        appendDelta(Int64(bitPattern: hit.recordID), Int64(bitPattern: previous.recordID), into: &bytes)
        appendDelta(Int64(hit.line), Int64(previous.line), into: &bytes)
        appendDelta(Int64(hit.byteOffset), Int64(previous.byteOffset), into: &bytes)
        appendDelta(Int64(hit.template), Int64(previous.template), into: &bytes)
        appendDelta(Int64(hit.source), Int64(previous.source), into: &bytes)
    }

    private static func decode(_ block: Block, _ body: (CompactHit) -> Void) {
        var hit = block.first
        body(hit)
        var position = 0
        for _ in 1..<max(block.count, 1) {
            hit.time = EventTimestamp(ticks: readDelta(hit.time.ticks, block.deltas, &position))
            hit.recordID = UInt64(bitPattern: readDelta(Int64(bitPattern: hit.recordID), block.deltas, &position))
            hit.line = Int(truncatingIfNeeded: readDelta(Int64(hit.line), block.deltas, &position))
            hit.byteOffset = Int(truncatingIfNeeded: readDelta(Int64(hit.byteOffset), block.deltas, &position))
            hit.template = UInt32(truncatingIfNeeded: readDelta(Int64(hit.template), block.deltas, &position))
            hit.source = UInt32(truncatingIfNeeded: readDelta(Int64(hit.source), block.deltas, &position))
            body(hit)
        }
    }

    /// `value - previous` (wrapping), zigzag-encoded as a varint: small differences either way take one or two bytes.
    private static func appendDelta(_ value: Int64, _ previous: Int64, into bytes: inout [UInt8]) {
        let difference = value &- previous
        var zigzag = UInt64(bitPattern: (difference << 1) ^ (difference >> 63))
        while zigzag >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
    }

    /// The value after `previous` read back from `bytes` at `position`, which moves past it.
    private static func readDelta(_ previous: Int64, _ bytes: [UInt8], _ position: inout Int) -> Int64 {
        var zigzag: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if shift < 64 { zigzag |= UInt64(byte & 0x7F) << shift }
            shift += 7
            if byte < 0x80 { break }
        }
        let difference = Int64(bitPattern: (zigzag >> 1) ^ (0 &- (zigzag & 1)))
        return previous &+ difference
    }
}

extension HitColumn {
    /// Columns each in event-time order merged into one, an earlier column's hit first at equal
    /// times (the order a stable sort of the columns' hits, one after the other, gives).
    static func mergedInTimeOrder(_ columns: [[CompactHit]]) -> HitColumn {
        var positions = Array(repeating: 0, count: columns.count)
        var merged = HitColumn()
        while true {
            var next: Int?
            for column in columns.indices where positions[column] < columns[column].count {
                // Strictly earlier only: at equal times the earlier column wins.
                if let best = next, columns[column][positions[column]].time >= columns[best][positions[best]].time { continue }
                next = column
            }
            guard let next else { return merged }
            merged.append(columns[next][positions[next]])
            positions[next] += 1
        }
    }
}
