/// Many case-insensitive ASCII literals of many owners, tested against a value in one pass that
/// reports every owner with a literal that matches.
///
/// The literals of each shape (exact, prefix, suffix, contains) are bucketed by their first two
/// bytes. A value position is compared only with the literals of its bucket whose length fits the
/// shape there: at the start of the value (exact, prefix), ending at its end (suffix) or anywhere
/// (contains). Matching allocates nothing. As in ``LiteralSet``, only values that hold U+0130 or
/// U+212A can match after full Unicode lower-casing where the ASCII pass fails: callers treat such
/// values as matching every owner.
struct LiteralIndex: Sendable {
    /// The literals of one shape.
    private struct Table: Sendable {
        /// All literals, lowered, back to back; literal `k` is `storage[bounds[k] ..< bounds[k + 1]]`.
        var storage: [UInt8] = []
        var bounds: [Int32] = [0]
        /// The owner of each literal.
        var owners: [Int32] = []
        /// Bucket `b` lists the literals `members[bucketBounds[b] ..< bucketBounds[b + 1]]`.
        var bucketBounds: [Int32] = []
        var members: [Int32] = []
        var longest = 0
        /// The number of buckets less one (a power of two less one; 0 when empty).
        var mask = 0

        var isEmpty: Bool { owners.isEmpty }
    }

    private let exact: Table
    private let prefix: Table
    private let suffix: Table
    private let contains: Table
    /// The most buckets a table gets (about four per literal, up to this).
    private static let maximumBuckets = 4096

    /// Builds the index from `(literal, owner)` pairs; every literal must satisfy
    /// ``LiteralSet/isEligible(_:)``.
    init(_ entries: [(pattern: StringPattern, owner: Int)]) {
        func table(_ shape: StringPattern.Shape) -> Table {
            var table = Table()
            let selected = entries.filter { $0.pattern.shape == shape }
            guard !selected.isEmpty else { return table }
            var buckets = 16
            while buckets < selected.count * 4 && buckets < Self.maximumBuckets { buckets *= 2 }
            table.mask = buckets - 1
            var keys: [Int] = []
            for (pattern, owner) in selected {
                precondition(LiteralSet.isEligible(pattern))
                table.storage += pattern.bytes
                table.bounds.append(Int32(table.storage.count))
                table.owners.append(Int32(owner))
                table.longest = max(table.longest, pattern.bytes.count)
                keys.append(Self.bucket(pattern.bytes[0], pattern.bytes[1], table.mask))
            }
            (table.bucketBounds, table.members) = LiteralSet.bucketed(keys, buckets: buckets)
            return table
        }
        exact = table(.exact)
        prefix = table(.prefix)
        suffix = table(.suffix)
        contains = table(.contains)
    }

    @inline(__always)
    private static func bucket(_ first: UInt8, _ second: UInt8, _ mask: Int) -> Int {
        ((Int(first) &* 67) ^ Int(second)) & mask
    }

    /// Calls `mark` with the owner of every literal that matches `value` (ASCII case folded), one
    /// call per matching literal.
    func forEachMatchingOwner(_ value: UnsafeBufferPointer<UInt8>, _ mark: (Int) -> Void) {
        let count = value.count
        guard count >= 2 else { return }
        if !exact.isEmpty { Self.scan(exact, value, at: 0, length: { $0 == count }, mark) }
        if !prefix.isEmpty { Self.scan(prefix, value, at: 0, length: { $0 <= count }, mark) }
        if !suffix.isEmpty {
            let first = max(0, count - suffix.longest)
            var position = first
            while position + 1 < count {
                let remaining = count - position
                Self.scan(suffix, value, at: position, length: { $0 == remaining }, mark)
                position += 1
            }
        }
        if !contains.isEmpty {
            var position = 0
            while position + 1 < count {
                let remaining = count - position
                Self.scan(contains, value, at: position, length: { $0 <= remaining }, mark)
                position += 1
            }
        }
    }

    /// Compares the literals of the bucket of `value[position], value[position + 1]` whose length
    /// passes `length` with the value at `position`.
    @inline(__always)
    private static func scan(
        _ table: Table, _ value: UnsafeBufferPointer<UInt8>, at position: Int,
        length fits: (Int) -> Bool, _ mark: (Int) -> Void
    ) {
        let key = bucket(foldByte(value[position], true), foldByte(value[position + 1], true), table.mask)
        table.bucketBounds.withUnsafeBufferPointer { bucketBounds in
            var slot = Int(bucketBounds[key])
            let end = Int(bucketBounds[key + 1])
            guard slot < end else { return }
            table.members.withUnsafeBufferPointer { members in
                table.bounds.withUnsafeBufferPointer { bounds in
                    table.storage.withUnsafeBufferPointer { storage in
                        while slot < end {
                            let literal = Int(members[slot])
                            let start = Int(bounds[literal])
                            let length = Int(bounds[literal + 1]) - start
                            if fits(length) {
                                var index = 0
                                while index < length && foldByte(value[position + index], true) == storage[start + index] {
                                    index += 1
                                }
                                if index == length { mark(Int(table.owners[literal])) }
                            }
                            slot += 1
                        }
                    }
                }
            }
        }
    }
}
