import FuzzDriver
import FuzzEntryPoints

/// libFuzzer's per-input callback: runs one input through `FuzzTarget.evtx`; an invariant violation is a crash.
///
/// Exported under libFuzzer's name too, which its own (unused) `main` refers to.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.evtx.runFuzzerInput(data, size)
}

runLibFuzzer(testOneInput)
