/// The fuzz targets: one per parser that reads untrusted input, each a function that runs one input.
///
/// The libFuzzer executables in `Fuzz/` and the regression replay in `Tests/FuzzRegressionTests`
/// both call ``run(_:)``, so an input the fuzzer found is replayed through exactly the code it
/// crashed. The raw value names the target's folder under `Tests/FuzzRegressions/` and `Fuzz/`.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The XML event reader fed in chunks; the first input byte chooses the chunk size.
    case xml
    /// Archives and compressed streams (zip, tar, zstd, .tar.zst) read by the importer.
    case archive
    /// Client error reports (text and JSON forms) and ticket notes.
    case report
    /// Sigma rule loading, condition parsing, compilation and matching of synthetic events.
    case sigma
    /// Cause definitions (`Rules/causes/*.yml`).
    case causes
    /// Binary `.evtx` logs read by the native reader, whole and in small chunks.
    case evtx

    /// Runs one input; throws when the input breaks an invariant the target checks beyond not crashing.
    public func run(_ input: [UInt8]) throws(FuzzInvariantViolation) {
        switch self {
        case .xml: try XMLFuzzEntry.run(input)
        case .archive: try ArchiveFuzzEntry.run(input)
        case .report: ReportFuzzEntry.run(input)
        case .sigma: SigmaFuzzEntry.run(input)
        case .causes: CauseFuzzEntry.run(input)
        case .evtx: try EvtxFuzzEntry.run(input)
        }
    }
}

/// An input that did not crash but broke an invariant a fuzz target checks.
public struct FuzzInvariantViolation: Error, CustomStringConvertible {
    /// What was expected and what happened.
    public var description: String
}

extension FuzzTarget {
    /// Runs one input as libFuzzer hands it over; an invariant violation stops the process with its
    /// description (libFuzzer then saves the input as a crash).
    ///
    /// - Returns: 0, which tells libFuzzer the input may be added to the corpus.
    public func runFuzzerInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        do {
            try run(input)
        } catch {
            fatalError("fuzz target \(rawValue): \(error)")
        }
        return 0
    }
}
