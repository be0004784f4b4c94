import EventImport

/// Tells, per event and in one pass per field, which variants of a list cannot match because
/// their ``LiteralGuard`` fails: every literal of every guard on one field goes into one
/// ``LiteralIndex``, and each value of the field is scanned once.
struct GuardPrefilter: Sendable {
    /// The guards on one field.
    struct GuardField: Sendable {
        var reference: FieldReference
        var index: LiteralIndex
        /// The guard numbers on this field (all pass when a value needs Unicode lower-casing).
        var guards: [Int]
    }

    /// Per position in the list, its guard number, or -1 when the variant is always tested.
    let guardOfPosition: [Int]
    /// The number of guards (each guarded position has its own).
    let guardCount: Int
    let fields: [GuardField]

    /// The fewest guarded variants worth a pass over their fields per event.
    static let minimumGuarded = 8

    /// A prefilter for a list whose positions have `guards`; `nil` when fewer than
    /// ``minimumGuarded`` of them have one.
    init?(_ guards: [LiteralGuard?]) {
        guard guards.count(where: { $0 != nil }) >= Self.minimumGuarded else { return nil }
        var positions: [Int] = []
        var entriesByField: [FieldReference: [(pattern: StringPattern, owner: Int)]] = [:]
        var guardsByField: [FieldReference: [Int]] = [:]
        var fieldOrder: [FieldReference] = []
        var number = 0
        for ruleGuard in guards {
            guard let ruleGuard else {
                positions.append(-1)
                continue
            }
            positions.append(number)
            for alternative in ruleGuard.alternatives {
                let field = alternative.field
                if guardsByField[field] == nil { fieldOrder.append(field) }
                if guardsByField[field]?.last != number { guardsByField[field, default: []].append(number) }
                for literal in alternative.literals { entriesByField[field, default: []].append((literal, number)) }
            }
            number += 1
        }
        guardOfPosition = positions
        guardCount = number
        fields = fieldOrder.map { field in
            GuardField(reference: field, index: LiteralIndex(entriesByField[field] ?? []), guards: guardsByField[field] ?? [])
        }
    }

    /// Calls `body` with one bit per guard, set when the guard may hold on `event` (no heap allocation).
    @inline(__always)
    func withPassingGuards<Result>(
        _ event: WinEvent, _ body: (UnsafeMutableBufferPointer<UInt64>) throws -> Result
    ) rethrows -> Result {
        try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (guardCount + 63) / 64) { bits in
            bits.initialize(repeating: 0)
            for fieldIndex in fields.indices {
                _ = fields[fieldIndex].reference.anyValue(in: event) { value, _ in
                    mark(fieldIndex, value, bits)
                    return false  // Every value of the field is scanned.
                }
            }
            return try body(bits)
        }
    }

    /// Sets the bits of the guards on field `fieldIndex` that may hold on `value`.
    private func mark(_ fieldIndex: Int, _ value: String, _ bits: UnsafeMutableBufferPointer<UInt64>) {
        func scan(_ bytes: UnsafeBufferPointer<UInt8>) {
            if containsASCIILowercasingScalar(bytes) {
                for guardNumber in fields[fieldIndex].guards { Self.set(guardNumber, bits) }
            } else {
                fields[fieldIndex].index.forEachMatchingOwner(bytes) { Self.set($0, bits) }
            }
        }
        if value.utf8.withContiguousStorageIfAvailable(scan) != nil { return }
        var copy = value
        copy.makeContiguousUTF8()
        if copy.utf8.withContiguousStorageIfAvailable(scan) == nil {
            for guardNumber in fields[fieldIndex].guards { Self.set(guardNumber, bits) }
        }
    }

    @inline(__always)
    private static func set(_ guardNumber: Int, _ bits: UnsafeMutableBufferPointer<UInt64>) {
        bits[guardNumber >> 6] |= 1 << UInt64(guardNumber & 63)
    }

    /// Whether the variant at `position` must be tested, given the bits of ``withPassingGuards(_:_:)``.
    @inline(__always)
    func mustTest(_ position: Int, _ bits: UnsafeMutableBufferPointer<UInt64>) -> Bool {
        let guardNumber = guardOfPosition[position]
        return guardNumber < 0 || bits[guardNumber >> 6] & (1 << UInt64(guardNumber & 63)) != 0
    }
}
