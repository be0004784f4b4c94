import CZstd

/// Streams a zstd-compressed input (one or more frames) into the next stage.
///
/// Damage (a corrupt frame, a truncated last frame, a frame needing more memory than zstd's
/// default window limit) is reported with the compressed byte offset; whatever was decoded
/// before it has already reached the next stage. Output beyond the configured size or ratio
/// limit stops decompression: a decompression bomb costs a bounded amount of work.
final class ZstdDecoder: StreamSink {
    private let context: ImportContext
    private let source: String
    private let next: any StreamSink
    private let stream: OpaquePointer?
    private let output: UnsafeMutableRawPointer
    private let outputCapacity: Int
    private var compressedBytes = 0
    private var consumedBytes = 0
    private var expandedBytes = 0
    private var lastResult = 0
    private(set) var isDone = false

    init(source: String, context: ImportContext, next: any StreamSink) {
        self.source = source
        self.context = context
        self.next = next
        stream = ZSTD_createDStream()
        outputCapacity = ZSTD_DStreamOutSize()
        output = UnsafeMutableRawPointer.allocate(byteCount: outputCapacity, alignment: 16)
        if stream == nil {
            fail(.unreadable, "the zstd decoder could not be created (out of memory)")
        }
    }

    deinit {
        if let stream { ZSTD_freeDStream(stream) }
        output.deallocate()
    }

    func consume(_ chunk: UnsafeRawBufferPointer) {
        guard !isDone, let stream, let base = chunk.baseAddress else { return }
        var input = ZSTD_inBuffer(src: base, size: chunk.count, pos: 0)
        while input.pos < input.size && !isDone {
            let before = input.pos
            let (direct, target) = outputBuffer()
            var out = ZSTD_outBuffer(dst: target, size: outputCapacity, pos: 0)
            let result = ZSTD_decompressStream(stream, &out, &input)
            if ZSTD_isError(result) != 0 {
                let offset = compressedBytes + before
                fail(
                    .corruptArchive,
                    "the zstd stream is damaged near compressed byte \(offset) "
                        + "(\(String(cString: ZSTD_getErrorName(result)))); the rest of it was skipped")
                return
            }
            lastResult = result
            consumedBytes = compressedBytes + input.pos
            if out.pos > 0 && !deliver(out.pos, direct: direct) { return }
        }
        compressedBytes += chunk.count
        consumedBytes = compressedBytes
    }

    func finish() {
        guard !isDone, let stream else { return }
        // Drain what the decoder still holds for the last frame.
        while lastResult != 0 && !isDone {
            var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
            let (direct, target) = outputBuffer()
            var out = ZSTD_outBuffer(dst: target, size: outputCapacity, pos: 0)
            let result = ZSTD_decompressStream(stream, &out, &input)
            if ZSTD_isError(result) != 0 {
                fail(.corruptArchive, "the zstd stream is damaged (\(String(cString: ZSTD_getErrorName(result))))")
                break
            }
            if out.pos == 0 {
                if result != 0 {
                    context.report(
                        ImportDiagnostic(
                            .error, .truncated, source: source,
                            message:
                                "the zstd stream ends in the middle of a frame (the file was cut short after "
                                + "\(compressedBytes) compressed bytes); everything before the cut was read"))
                }
                break
            }
            lastResult = result
            if !deliver(out.pos, direct: direct) { break }
        }
        isDone = true
        next.finish()
    }

    /// Where to decompress the next step: straight into the next stage's buffer when it offers
    /// one (plain XML being parsed: expat's own buffer, saving a copy), else into ours.
    private func outputBuffer() -> (direct: Bool, start: UnsafeMutableRawPointer) {
        if let buffer = next.directBuffer(capacity: outputCapacity), let start = buffer.baseAddress { return (true, start) }
        return (false, output)
    }

    /// Hands `count` decompressed bytes to the next stage, within the size and ratio limits.
    private func deliver(_ count: Int, direct: Bool) -> Bool {
        expandedBytes += count
        let limits = context.limits
        if expandedBytes > limits.maxExpandedBytes {
            let allowed = count - (expandedBytes - limits.maxExpandedBytes)
            if allowed > 0 { forward(allowed, direct: direct) }
            fail(
                .decompressionLimit,
                "decompression stopped: the stream expands past \(limits.maxExpandedBytes) bytes, the size limit "
                    + "(a decompression bomb or an unexpectedly huge log)")
            return false
        }
        if expandedBytes > limits.ratioGraceBytes
            && expandedBytes / max(consumedBytes, 1) > limits.maxExpansionRatio
        {
            fail(
                .decompressionLimit,
                "decompression stopped: \(consumedBytes) compressed bytes expanded to \(expandedBytes), more than "
                    + "\(limits.maxExpansionRatio)× (a decompression bomb)")
            return false
        }
        forward(count, direct: direct)
        if next.isDone {
            isDone = true
            return false
        }
        return true
    }

    /// Passes `count` bytes on, from the next stage's own buffer (`direct`) or from ours.
    private func forward(_ count: Int, direct: Bool) {
        if direct {
            next.consumeDirect(count)
        } else {
            next.consume(UnsafeRawBufferPointer(start: output, count: count))
        }
    }

    private func fail(_ kind: ImportDiagnostic.Kind, _ message: String) {
        context.report(ImportDiagnostic(.error, kind, source: source, message: message))
        isDone = true
        next.finish()
    }
}
