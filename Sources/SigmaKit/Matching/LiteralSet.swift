/// Several case-insensitive ASCII literals of one shape (exact, prefix, suffix or contains), tested
/// against a value in one pass instead of one pass per literal.
///
/// SigmaHQ rules often list dozens of values (`CommandLine|contains:` with 40 tool names,
/// `Image|endswith:` with 30 executables, keyword lists). The literals are bucketed by two bytes
/// taken at a position where they differ: their first two bytes for `contains`, the last two bytes
/// of the shortest literal's window for prefix and exact, and the two bytes that start the shortest
/// literal's window from the end for suffix (all of `\cmd.exe`, `\powershell.exe` share the last
/// bytes, but not those). A value position is then compared only with the literals in its bucket.
/// Matching allocates nothing.
struct LiteralSet: Sendable {
    let shape: StringPattern.Shape
    /// All literals, lowered, back to back.
    private let storage: [UInt8]
    /// Literal `k` occupies `storage[bounds[k] ..< bounds[k + 1]]`.
    private let bounds: [Int32]
    /// Bucket `b` lists the literals `members[bucketBounds[b] ..< bucketBounds[b + 1]]`.
    private let bucketBounds: [Int32]
    private let members: [Int32]
    private let mask: Int
    /// The length of the shortest literal (at least 2).
    private let window: Int
    /// The literals as patterns, for the rare Unicode path.
    let patterns: [StringPattern]

    /// The smallest number of literals worth a set.
    static let minimumCount = 3

    /// Whether a pattern can be part of a set.
    static func isEligible(_ pattern: StringPattern) -> Bool {
        !pattern.caseSensitive && pattern.isASCII && pattern.bytes.count >= 2
            && [.exact, .prefix, .suffix, .contains].contains(pattern.shape)
    }

    /// Builds a set from eligible patterns of one shape.
    init(_ patterns: [StringPattern]) {
        precondition(!patterns.isEmpty && patterns.allSatisfy { Self.isEligible($0) && $0.shape == patterns[0].shape })
        shape = patterns[0].shape
        self.patterns = patterns
        let window = patterns.map(\.bytes.count).min() ?? 2
        self.window = window
        var buckets = 16
        while buckets < patterns.count * 4 && buckets < 1024 { buckets *= 2 }
        mask = buckets - 1
        var storage: [UInt8] = []
        var bounds: [Int32] = [0]
        var keys: [Int] = []
        for pattern in patterns {
            storage += pattern.bytes
            bounds.append(Int32(storage.count))
            let key = Self.keyOffset(shape: shape, length: pattern.bytes.count, window: window)
            keys.append(Self.bucket(pattern.bytes[key], pattern.bytes[key + 1], mask))
        }
        self.storage = storage
        self.bounds = bounds
        (bucketBounds, members) = Self.bucketed(keys, buckets: buckets)
    }

    /// The literals' numbers grouped by bucket (a counting sort of `keys`, each below `buckets`):
    /// bucket *b* holds `members[bounds[b]..<bounds[b + 1]]`, in literal order.
    static func bucketed(_ keys: [Int], buckets: Int) -> (bounds: [Int32], members: [Int32]) {
        var bounds = [Int32](repeating: 0, count: buckets + 1)
        for key in keys { bounds[key + 1] += 1 }
        for index in 0..<buckets { bounds[index + 1] += bounds[index] }
        var fill = Array(bounds.dropLast())
        var members = [Int32](repeating: 0, count: keys.count)
        for (index, key) in keys.enumerated() {
            members[Int(fill[key])] = Int32(index)
            fill[key] += 1
        }
        return (bounds, members)
    }

    /// Where in a literal of `length` bytes its bucket key starts.
    private static func keyOffset(shape: StringPattern.Shape, length: Int, window: Int) -> Int {
        switch shape {
        case .contains: 0
        case .suffix: length - window
        default: window - 2
        }
    }

    @inline(__always)
    private static func bucket(_ first: UInt8, _ second: UInt8, _ mask: Int) -> Int {
        ((Int(first) &* 31) ^ Int(second)) & mask
    }

    /// Whether `value` matches one of the literals.
    func matches(_ value: String) -> Bool {
        if let result = value.utf8.withContiguousStorageIfAvailable({ matches(bytes: $0) }) { return result }
        var copy = value
        copy.makeContiguousUTF8()
        return copy.utf8.withContiguousStorageIfAvailable { matches(bytes: $0) } ?? false
    }

    /// Whether the UTF-8 bytes of a value match one of the literals.
    func matches(bytes value: UnsafeBufferPointer<UInt8>) -> Bool {
        if fastMatch(value) { return true }
        // The literals are ASCII: only U+0130 and U+212A can lower-case into them.
        guard containsASCIILowercasingScalar(value) else { return false }
        return patterns.contains { $0.matches(bytes: value) }
    }

    private func fastMatch(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = value.count
        guard count >= window else { return false }
        return storage.withUnsafeBufferPointer { storage in
            bounds.withUnsafeBufferPointer { bounds in
                bucketBounds.withUnsafeBufferPointer { bucketBounds in
                    members.withUnsafeBufferPointer { members in
                        /// Whether a literal of `bucket` matches at `offset` (`nil`: the literal's own placement).
                        func test(bucket: Int, at offset: Int?) -> Bool {
                            var slot = Int(bucketBounds[bucket])
                            let end = Int(bucketBounds[bucket + 1])
                            while slot < end {
                                let literal = Int(members[slot])
                                let start = Int(bounds[literal])
                                let length = Int(bounds[literal + 1]) - start
                                let position: Int
                                switch shape {
                                case .exact: position = length == count ? 0 : -1
                                case .prefix: position = length <= count ? 0 : -1
                                case .suffix: position = length <= count ? count - length : -1
                                default: position = (offset ?? 0) + length <= count ? (offset ?? 0) : -1
                                }
                                if position >= 0 {
                                    var index = 0
                                    while index < length
                                        && foldByte(value[position + index], true) == storage[start + index]
                                    {
                                        index += 1
                                    }
                                    if index == length { return true }
                                }
                                slot += 1
                            }
                            return false
                        }
                        switch shape {
                        case .contains:
                            var offset = 0
                            while offset + 1 < count {
                                let bucket = Self.bucket(
                                    foldByte(value[offset], true), foldByte(value[offset + 1], true), mask)
                                if bucketBounds[bucket] != bucketBounds[bucket + 1] && test(bucket: bucket, at: offset) {
                                    return true
                                }
                                offset += 1
                            }
                            return false
                        case .suffix:
                            let key = count - window
                            return test(
                                bucket: Self.bucket(foldByte(value[key], true), foldByte(value[key + 1], true), mask),
                                at: nil)
                        default:
                            let key = window - 2
                            return test(
                                bucket: Self.bucket(foldByte(value[key], true), foldByte(value[key + 1], true), mask),
                                at: nil)
                        }
                    }
                }
            }
        }
    }
}

extension ValueMatcher {
    /// The alternatives with each group of three or more same-shape, case-insensitive ASCII literals
    /// replaced by one ``LiteralSet``. Alternatives are OR-ed, so the result matches the same values.
    static func combiningLiterals(_ matchers: [ValueMatcher]) -> [ValueMatcher] {
        var byShape: [StringPattern.Shape: [StringPattern]] = [:]
        for matcher in matchers {
            if case .string(let pattern) = matcher, LiteralSet.isEligible(pattern) {
                byShape[pattern.shape, default: []].append(pattern)
            }
        }
        let combined = byShape.filter { $0.value.count >= LiteralSet.minimumCount }
        guard !combined.isEmpty else { return matchers }
        var result: [ValueMatcher] = []
        for matcher in matchers {
            if case .string(let pattern) = matcher, LiteralSet.isEligible(pattern), combined[pattern.shape] != nil {
                continue
            }
            result.append(matcher)
        }
        for shape in [StringPattern.Shape.exact, .prefix, .suffix, .contains] {
            if let patterns = combined[shape] { result.append(.literalSet(LiteralSet(patterns))) }
        }
        return result
    }
}
