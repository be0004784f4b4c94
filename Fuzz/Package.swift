// swift-tools-version: 6.2
import PackageDescription

// The libFuzzer targets, kept out of the main package so that its `swift build` and `swift test`
// never pay for sanitizer builds. Build and run them with `scripts/fuzz.sh` (see README.md).
// Each executable hands its target's entry point in the main package's FuzzEntryPoints to
// libFuzzer: the same code the regression replay (Tests/FuzzRegressionTests) runs.

/// The main package's strictness: Swift 6 mode, the same upcoming features, warnings as errors.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    .treatAllWarnings(as: .error),
]

import Foundation

/// The fuzz targets: every `Sources/fuzz-<name>/` folder, each running `FuzzTarget.<name>` of
/// FuzzEntryPoints (`scripts/fuzz.sh` finds them the same way). Adding a target is adding its folder.
let targetNames = ((try? FileManager.default.contentsOfDirectory(atPath: Context.packageDirectory + "/Sources")) ?? [])
    .filter { $0.hasPrefix("fuzz-") }.map { String($0.dropFirst("fuzz-".count)) }.sorted()

/// libFuzzer is linked into the fuzz executables only. `scripts/fuzz.sh` instruments every module
/// (these and the main package's, through `-Xswiftc`) with ASan and libFuzzer's coverage counters but
/// not with `-sanitize=fuzzer`, which would also link libFuzzer into the build-time tool EmbedTool
/// (the built-in rule pack's plugin), and that tool has no `LLVMFuzzerTestOneInput` (README.md).
let linkLibFuzzer: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer"])]

let package = Package(
    name: "rdpcause-fuzz",
    products: targetNames.map { .executable(name: "fuzz-\($0)", targets: ["fuzz-\($0)"]) },
    dependencies: [
        .package(name: "rdpcause", path: "..")
    ],
    targets: [
        // libFuzzer's C entry point, `LLVMFuzzerRunDriver`.
        .systemLibrary(name: "CLibFuzzer"),
        // Starts libFuzzer from a Swift `main` (SwiftPM's executables bring their own `main`).
        .target(name: "FuzzDriver", dependencies: ["CLibFuzzer"], swiftSettings: strict),
    ]
        + targetNames.map {
            .executableTarget(
                name: "fuzz-\($0)",
                dependencies: ["FuzzDriver", .product(name: "FuzzEntryPoints", package: "rdpcause")],
                swiftSettings: strict,
                linkerSettings: linkLibFuzzer
            )
        },
    swiftLanguageModes: [.v6]
)
