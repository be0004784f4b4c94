#if canImport(Glibc)
    import Glibc
#endif

/// A write buffer over a file descriptor (standard output or error), flushed in large blocks.
///
/// Writes go through `write(2)` directly, which avoids the C `stdout` global that Swift 6
/// strict concurrency rejects, and retries short writes and `EINTR`.
public final class BufferedOutput {
    private let descriptor: Int32
    /// The pending bytes; JSON is written into it directly.
    private var buffer: JSONWriter
    private let capacity: Int

    /// Creates a buffer for `descriptor` that flushes once `capacity` bytes are pending.
    public init(descriptor: Int32, capacity: Int = 1 << 16) {
        self.descriptor = descriptor
        self.capacity = capacity
        buffer = JSONWriter(capacity: capacity + capacity / 8)
    }

    deinit {
        flush()
    }

    /// Appends bytes, flushing when the buffer is full.
    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer.appendRaw($0) }
        if buffer.count >= capacity { flush() }
    }

    /// Appends bytes from memory the caller owns, flushing when the buffer is full.
    public func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.appendRaw(bytes)
        if buffer.count >= capacity { flush() }
    }

    /// Appends a string's UTF-8 bytes.
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer.appendRaw($0) }
        if buffer.count >= capacity { flush() }
    }

    /// Appends the JSON that `body` writes, straight into the buffer (no copy of the text),
    /// flushing when the buffer is full.
    public func writeJSON(_ body: (inout JSONWriter) -> Void) {
        body(&buffer)
        if buffer.count >= capacity { flush() }
    }

    /// Writes everything pending.
    public func flush() {
        buffer.withBytes { pending in
            guard let base = pending.baseAddress else { return }
            var offset = 0
            while offset < pending.count {
                let written = Glibc.write(descriptor, base + offset, pending.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // EPIPE and friends: the reader went away; drop the output.
                }
                offset += written
            }
        }
        buffer.removeAllBytes()
    }
}
