import CLibFuzzer

#if canImport(Glibc)
    import Glibc
#endif

/// Hands the process to libFuzzer, which runs `testOneInput` on each input it generates, with the
/// process's command line (corpus folders and `-flag=value` options), and exits with its status.
///
/// SwiftPM links every executable with its own entry point as `main`, so libFuzzer's `main` is
/// never used; each fuzz executable's `main.swift` calls this instead.
public func runLibFuzzer(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}
