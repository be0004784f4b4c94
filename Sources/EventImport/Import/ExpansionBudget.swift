import Synchronization

/// The decompression allowance of one input (a path given to the importer, or bytes given to
/// ``EventImporter/importData(_:source:chunkSize:)``), shared by every compressed stream and
/// archive member inside it, at every nesting level.
///
/// Every stage that decompresses (zstd, and libarchive's filters and compressed members)
/// counts what it produces here. Past ``ImportLimits/maxExpandedBytes`` in total, or past
/// ``ImportLimits/maxExpansionRatio`` times the input's own bytes once the total exceeds
/// ``ImportLimits/ratioGraceBytes``, the budget is exhausted for good: no stage of this input
/// decompresses anything more, so a bomb built from many small members costs bounded work.
///
/// The files of one folder may be read on several threads at once (``EventImporter/importUnit(_:)``),
/// so the counters are kept under a lock: the limits hold for the folder as a whole however its
/// files are spread over threads.
final class ExpansionBudget: Sendable {
    /// The input the budget belongs to, for messages.
    let input: String
    private let limits: ImportLimits
    private let state = Mutex(State())

    private struct State {
        /// Distinct bytes of the input itself read so far (not counting re-reads after a seek).
        var rawBytes = 0
        /// Bytes produced by every decompression stage of the input so far.
        var expandedBytes = 0
        /// True once a limit was passed; it stays true.
        var isExhausted = false
        /// True once the exhaustion was reported, so that it is reported once per input.
        var reported = false
    }

    init(input: String, limits: ImportLimits) {
        self.input = input
        self.limits = limits
    }

    /// Distinct bytes of the input itself read so far (not counting re-reads after a seek).
    var rawBytes: Int { state.withLock { $0.rawBytes } }
    /// Bytes produced by every decompression stage of the input so far.
    var expandedBytes: Int { state.withLock { $0.expandedBytes } }
    /// True once a limit was passed; it stays true.
    var isExhausted: Bool { state.withLock { $0.isExhausted } }

    /// Counts bytes of the input itself.
    func countRaw(_ count: Int) {
        state.withLock { $0.rawBytes = $0.rawBytes.addingSaturated(max(count, 0)) }
    }

    /// Counts `count` decompressed bytes; false when they pass a limit (the budget is then exhausted).
    func admit(_ count: Int) -> Bool {
        state.withLock { state in
            guard !state.isExhausted else { return false }
            state.expandedBytes = state.expandedBytes.addingSaturated(max(count, 0))
            if state.expandedBytes > limits.maxExpandedBytes
                || (state.expandedBytes > limits.ratioGraceBytes
                    && state.expandedBytes / max(state.rawBytes, 1) > limits.maxExpansionRatio)
            {
                state.isExhausted = true
            }
            return !state.isExhausted
        }
    }

    /// Reports the exhaustion, once per input, naming the place where decompression stopped.
    /// Later stages that find the budget exhausted stop without a word: the one report says
    /// that nothing more of the input is decompressed.
    func reportExhausted(at source: String, context: ImportContext) {
        let counts: (raw: Int, expanded: Int)? = state.withLock { state in
            guard !state.reported else { return nil }
            state.reported = true
            return (state.rawBytes, state.expandedBytes)
        }
        guard let counts else { return }
        let limit =
            counts.expanded > limits.maxExpandedBytes
            ? "more than \(limits.maxExpandedBytes) bytes, the size limit"
            : "more than \(limits.maxExpansionRatio) times its own \(counts.raw) bytes"
        context.report(
            ImportDiagnostic(
                .error, .decompressionLimit, source: source,
                message:
                    "decompression stopped: \(input) expands to \(limit) (a decompression bomb, summed over all its "
                    + "members); nothing more of it is decompressed"))
    }
}

extension Int {
    /// The sum, or `Int.max` / `Int.min` where it would overflow (sizes from untrusted headers).
    func addingSaturated(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? Int.max : Int.min
    }
}
