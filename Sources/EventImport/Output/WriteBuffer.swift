/// The memory behind a ``JSONWriter``: one fixed allocation, replaced by a larger one as the text
/// grows. Only its owner writes into it, and only while it holds the sole reference.
///
/// Its properties are constants, so reading them costs a load and no exclusivity check (the
/// writer keeps the count itself). `@unchecked Sendable`: a writer copies the bytes into a new
/// buffer before it writes unless its reference is the only one (copy on write), so a buffer that
/// two values share is only ever read.
final class WriteBuffer: @unchecked Sendable {
    /// The first byte.
    let base: UnsafeMutablePointer<UInt8>
    /// How many bytes fit.
    let capacity: Int

    /// Creates a buffer with room for `capacity` bytes (at least 16), holding a copy of the first
    /// `count` bytes of `source`.
    init(capacity: Int, copying count: Int = 0, from source: UnsafePointer<UInt8>? = nil) {
        self.capacity = max(capacity, 16)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
        if let source, count > 0 {
            base.update(from: source, count: count)
        }
    }

    deinit {
        base.deallocate()
    }
}
