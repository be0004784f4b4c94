import CZstd

/// The decompressed bytes of a zstd stream (one or more frames, skippable frames included).
///
/// libzstd decompresses straight into the reader's buffer, which for plain XML is expat's own
/// buffer: no copy. Damage (a corrupt frame, a stream cut short, a frame needing more memory
/// than zstd's default window limit) is reported with the compressed byte offset, after
/// everything before it was delivered. Every decompressed byte counts against the input's
/// ``ExpansionBudget``.
final class ZstdSource: ByteSource {
    private let inner: any ByteSource
    private let name: String
    private let context: ImportContext
    private let budget: ExpansionBudget
    private let stream: OpaquePointer?
    private let input: UnsafeMutableRawPointer
    private let inputCapacity: Int
    private var inputCount = 0
    private var inputPosition = 0
    private var compressedBefore = 0
    private var innerEnded = false
    private var lastResult = 0
    private var ended = false
    private var pendingDamage: String?
    private(set) var endedEarly = false

    init(inner: any ByteSource, name: String, context: ImportContext, budget: ExpansionBudget, chunkSize: Int) {
        self.inner = inner
        self.name = name
        self.context = context
        self.budget = budget
        stream = ZSTD_createDStream()
        inputCapacity = max(chunkSize, ZSTD_DStreamInSize())
        input = UnsafeMutableRawPointer.allocate(byteCount: inputCapacity, alignment: 16)
        if stream == nil {
            fail(.unreadable, "the zstd decoder could not be created (out of memory)")
        }
    }

    deinit {
        if let stream { ZSTD_freeDStream(stream) }
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !ended, let stream, let target = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        if let damage = pendingDamage {
            fail(.corruptArchive, damage)
            return 0
        }
        if budget.isExhausted { return stop() }
        var out = ZSTD_outBuffer(dst: target, size: buffer.count, pos: 0)
        // Fill the whole buffer when the input allows: fewer, larger chunks for the parser.
        while out.pos < out.size {
            if inputPosition == inputCount && !innerEnded {
                compressedBefore += inputCount
                inputCount = inner.read(into: UnsafeMutableRawBufferPointer(start: input, count: inputCapacity))
                inputPosition = 0
                if inputCount == 0 { innerEnded = true }
            }
            var source = ZSTD_inBuffer(src: input, size: inputCount, pos: inputPosition)
            let before = out.pos
            let result = ZSTD_decompressStream(stream, &out, &source)
            if ZSTD_isError(result) != 0 {
                // Deliver what was decoded before the damage first; report it on the next read.
                pendingDamage =
                    "the zstd stream is damaged near compressed byte \(compressedBefore + inputPosition) "
                    + "(\(String(cString: ZSTD_getErrorName(result)))); the rest of it was skipped"
                break
            }
            // A call that moved nothing only hints at the next frame's header: not a frame left open.
            if source.pos != inputPosition || out.pos != before { lastResult = result }
            inputPosition = source.pos
            if out.pos == before && inputPosition == inputCount && innerEnded {
                if out.pos == 0 { return finish() }
                break
            }
        }
        if out.pos == 0, let damage = pendingDamage {
            fail(.corruptArchive, damage)
            return 0
        }
        guard budget.admit(out.pos) else { return stop() }
        return out.pos
    }

    /// The end of the compressed input: a frame still open means the stream was cut short.
    private func finish() -> Int {
        ended = true
        if lastResult != 0 {
            endedEarly = true
            context.report(
                ImportDiagnostic(
                    .error, .truncated, source: name,
                    message:
                        "the zstd stream ends in the middle of a frame (the file was cut short after "
                        + "\(compressedBefore + inputCount) compressed bytes); everything before the cut was read"))
        }
        return 0
    }

    private func stop() -> Int {
        ended = true
        endedEarly = true
        budget.reportExhausted(at: name, context: context)
        return 0
    }

    private func fail(_ kind: ImportDiagnostic.Kind, _ message: String) {
        ended = true
        endedEarly = true
        context.report(ImportDiagnostic(.error, kind, source: name, message: message))
    }
}
