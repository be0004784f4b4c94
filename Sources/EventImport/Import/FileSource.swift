#if canImport(Glibc)
    import Glibc
#endif

/// A regular file read through its descriptor (which the caller owns). Seekable, so that
/// libarchive can read a zip's central directory and a 7-Zip header at the end of the file;
/// a pipe (standard input) is read as a stream.
final class FileSource: ByteSource {
    private let descriptor: Int32
    private let name: String
    private let context: ImportContext
    private let budget: ExpansionBudget
    private var position = 0
    private var highWater = 0
    private var failed = false
    let isSeekable: Bool

    init(descriptor: Int32, name: String, context: ImportContext, budget: ExpansionBudget) {
        self.descriptor = descriptor
        isSeekable = lseek(descriptor, 0, SEEK_CUR) >= 0
        self.name = name
        self.context = context
        self.budget = budget
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !failed, let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        let count = readRetrying(descriptor, base, buffer.count)
        guard count >= 0 else {
            failed = true
            let reason = String(cString: strerror(errno))
            context.report(ImportDiagnostic(.error, .unreadable, source: name, message: "read failed: \(reason)"))
            return 0
        }
        position += count
        if position > highWater {
            // Bytes read again after a seek are not the input's own bytes a second time.
            budget.countRaw(position - highWater)
            context.countBytesRead(position - highWater)
            highWater = position
        }
        return count
    }

    func seek(to offset: Int64, whence: Int32) -> Int64? {
        guard !failed else { return nil }
        let result = lseek(descriptor, off_t(offset), whence)
        guard result >= 0 else { return nil }
        position = Int(result)
        return Int64(result)
    }

    var endedEarly: Bool { failed }
}

/// `read(2)` that retries on `EINTR`; returns the byte count, 0 at end of file, -1 on error.
func readRetrying(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    while true {
        let result = read(descriptor, buffer, count)
        if result < 0 && errno == EINTR { continue }
        return result
    }
}
