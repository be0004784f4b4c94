#if canImport(Glibc)
    import Glibc
#endif

/// A write buffer over a file descriptor (standard output or error), flushed in large blocks.
///
/// Writes go through `write(2)` directly, which avoids the C `stdout` global that Swift 6
/// strict concurrency rejects, and retries short writes and `EINTR`.
public final class BufferedOutput {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int

    /// Creates a buffer for `descriptor` that flushes once `capacity` bytes are pending.
    public init(descriptor: Int32, capacity: Int = 1 << 16) {
        self.descriptor = descriptor
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    deinit {
        flush()
    }

    /// Appends bytes, flushing when the buffer is full.
    public func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { flush() }
    }

    /// Appends a string's UTF-8 bytes.
    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { flush() }
    }

    /// Writes everything pending.
    public func flush() {
        var offset = 0
        buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // EPIPE and friends: the reader went away; drop the output.
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
