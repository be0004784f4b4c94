/// A growable list of plain values in memory it owns, for the BinXml walker's per-element and
/// per-template lists: appending and emptying cost a compare and a store, without `Array`'s
/// uniqueness checks and generic range replacement (which the profile showed per element).
///
/// Non-copyable, so exactly one owner frees the storage (in `deinit`).
struct PlainStack<Element: BitwiseCopyable>: ~Copyable {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// The number of values held.
    private(set) var count = 0

    /// Creates an empty list with room for `capacity` values before it grows.
    init(capacity: Int) {
        self.capacity = max(4, capacity)
        storage = UnsafeMutablePointer<Element>.allocate(capacity: self.capacity)
    }

    deinit {
        storage.deallocate()
    }

    /// Appends `value`.
    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow() }
        (storage + count).initialize(to: value)
        count += 1
    }

    /// Empties the list, keeping its storage.
    @inline(__always)
    mutating func removeAll() {
        count = 0
    }

    /// Keeps only the first `newCount` values (a count at or above ``count`` changes nothing).
    @inline(__always)
    mutating func truncate(to newCount: Int) {
        count = max(0, min(count, newCount))
    }

    /// The value at `index`, which must be below ``count`` (checked: callers range-check indices
    /// that come from a file first, so a failure here is a bug, not bad input).
    @inline(__always)
    subscript(index: Int) -> Element {
        precondition(index >= 0 && index < count, "PlainStack index out of range")
        return storage[index]
    }

    /// The values held, valid only until the list is next changed.
    var buffer: UnsafeMutableBufferPointer<Element> {
        UnsafeMutableBufferPointer(start: storage, count: count)
    }

    private mutating func grow() {
        let newCapacity = capacity * 2
        let newStorage = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newStorage.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }
}
