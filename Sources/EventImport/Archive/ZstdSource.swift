import CZstd

/// The decompressed bytes of a zstd stream (one or more frames, skippable frames included).
///
/// libzstd decompresses straight into the reader's buffer (for plain XML, expat's own buffer: no
/// copy) whenever that buffer has room for a whole block; a smaller buffer is filled from a
/// staging buffer of one block. Damage (a corrupt frame, a stream cut short, a frame needing more
/// memory than zstd's default window limit) is reported with the compressed byte offset, after
/// everything before it was delivered. Every decompressed byte counts against the input's
/// ``ExpansionBudget``.
///
/// What a damaged stream delivers does not depend on the read sizes: libzstd discards the output
/// of a call that fails, so each call is given at most one block to decode (its input is capped
/// at libzstd's hint, the size of the next block) and room for all of it (so that no decoded
/// byte waits inside libzstd for a later call, which could fail).
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
    /// libzstd's last hint: how many compressed bytes complete its next step (0: a new frame).
    private var inputHint = 0
    /// Room for one decoded block (`ZSTD_DStreamOutSize`), whether in the reader's buffer or the stage.
    private let blockRoom: Int
    /// Decoded bytes not yet delivered, for readers whose buffer is smaller than ``blockRoom``.
    private let stage: UnsafeMutableRawPointer
    private var stageCount = 0
    private var stagePosition = 0
    private var ended = false
    private var inputEndReached = false
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
        blockRoom = ZSTD_DStreamOutSize()
        stage = UnsafeMutableRawPointer.allocate(byteCount: blockRoom, alignment: 16)
        if stream == nil {
            fail(.unreadable, "the zstd decoder could not be created (out of memory)")
        }
    }

    deinit {
        if let stream { ZSTD_freeDStream(stream) }
        input.deallocate()
        stage.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !ended, let target = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        if budget.isExhausted { return stop() }
        var count = takeStaged(into: buffer)
        if count == 0 {
            if buffer.count >= blockRoom {
                count = decode(into: target, capacity: buffer.count)
            } else {
                stagePosition = 0
                stageCount = decode(into: stage, capacity: blockRoom)
                count = takeStaged(into: buffer)
            }
        }
        if count == 0 {
            if let damage = pendingDamage {
                fail(.corruptArchive, damage)
                return 0
            }
            return finish()
        }
        guard budget.admit(count) else { return stop() }
        return count
    }

    /// Copies staged bytes into `buffer`; 0 when none are left.
    private func takeStaged(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let target = buffer.baseAddress else { return 0 }
        let count = min(buffer.count, stageCount - stagePosition)
        guard count > 0 else { return 0 }
        target.copyMemory(from: stage + stagePosition, byteCount: count)
        stagePosition += count
        return count
    }

    /// Decodes into `target` while it has room for a whole block; the count decoded. Stops early at
    /// damage (``pendingDamage``) or at the end of the compressed input.
    private func decode(into target: UnsafeMutableRawPointer, capacity: Int) -> Int {
        guard let stream, pendingDamage == nil, !inputEndReached else { return 0 }
        var out = ZSTD_outBuffer(dst: target, size: capacity, pos: 0)
        while out.size - out.pos >= blockRoom {
            if inputPosition == inputCount && !innerEnded {
                compressedBefore += inputCount
                inputCount = inner.read(into: UnsafeMutableRawBufferPointer(start: input, count: inputCapacity))
                inputPosition = 0
                if inputCount == 0 { innerEnded = true }
            }
            // At most one block per call: libzstd drops a failing call's output, blocks decoded before
            // the damage in the same call included.
            let offered = min(inputCount - inputPosition, max(1, inputHint))
            var source = ZSTD_inBuffer(src: input, size: inputPosition + offered, pos: inputPosition)
            let before = out.pos
            let result = ZSTD_decompressStream(stream, &out, &source)
            if ZSTD_isError(result) != 0 {
                // Deliver what was decoded before the damage first; report it on the next read.
                pendingDamage =
                    "the zstd stream is damaged near compressed byte \(compressedBefore + inputPosition + offered) "
                    + "(\(String(cString: ZSTD_getErrorName(result)))); the rest of it was skipped"
                break
            }
            // A call that moved nothing only hints at the next frame's header: not a frame left open.
            if source.pos != inputPosition || out.pos != before { lastResult = result }
            inputHint = result
            inputPosition = source.pos
            if out.pos == before && inputPosition == inputCount && innerEnded {
                inputEndReached = true
                break
            }
        }
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
