#if canImport(Glibc)
    import Glibc
#endif

/// A growable byte buffer for the expat text callbacks: one `memcpy` per append and a plain
/// reset, without the uniqueness checks and generic paths of `[UInt8]`.
///
/// The type is non-copyable, so exactly one owner frees the storage (in `deinit`).
struct ByteBuffer: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The number of bytes held.
    private(set) var count = 0

    /// Creates an empty buffer that can hold `capacity` bytes before it grows.
    init(capacity: Int) {
        self.capacity = max(16, capacity)
        storage = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit {
        storage.deallocate()
    }

    /// Appends `count` bytes starting at `bytes`.
    @inline(__always)
    mutating func append(_ bytes: UnsafeRawPointer, count appended: Int) {
        guard appended > 0 else { return }
        if count + appended > capacity { grow(toHold: count + appended) }
        copyBytes(from: bytes, count: appended, to: UnsafeMutableRawPointer(storage + count))
        count += appended
    }

    /// Empties the buffer, keeping its storage.
    @inline(__always)
    mutating func removeAll() {
        count = 0
    }

    /// Keeps only the first `newCount` bytes (a count at or above ``count`` changes nothing).
    mutating func truncate(to newCount: Int) {
        count = max(0, min(count, newCount))
    }

    /// Appends one byte.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: count + 1) }
        storage[count] = byte
        count += 1
    }

    /// Appends the bytes of `bytes`.
    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        append(base, count: bytes.count)
    }

    /// Lets `write` put up to `maxCount` bytes straight after the bytes held, and keeps the number
    /// it returns (clamped to `0...maxCount`): one capacity check for a whole rendered value.
    @inline(__always)
    mutating func append(upTo maxCount: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Int) {
        guard maxCount > 0 else { return }
        if count + maxCount > capacity { grow(toHold: count + maxCount) }
        count += max(0, min(write(storage + count), maxCount))
    }

    /// The bytes held, writable in place. Valid only until the buffer is next changed, as ``bytes``.
    var mutableBytes: UnsafeMutableBufferPointer<UInt8> {
        UnsafeMutableBufferPointer(start: storage, count: count)
    }

    /// The bytes held. The view is valid only until the buffer is next changed, so callers use it
    /// at once and never store it.
    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage, count: count)
    }

    private mutating func grow(toHold needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.update(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }
}

/// Copies `count` bytes from `source` to `target` (which must not overlap). Most copies in the
/// importer and the JSON writer are short values and keys: up to 16 bytes, two overlapping word
/// copies cost less than a call to `memcpy`. Every load and store stays within the `count` bytes.
@inline(__always)
func copyBytes(from source: UnsafeRawPointer, count: Int, to target: UnsafeMutableRawPointer) {
    if count >= 8 && count <= 16 {
        target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
        target.storeBytes(
            of: source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self), toByteOffset: count - 8, as: UInt64.self)
    } else if count >= 4 && count < 8 {
        target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
        target.storeBytes(
            of: source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self), toByteOffset: count - 4, as: UInt32.self)
    } else if count > 0 {
        memcpy(target, source, count)
    }
}
