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

/// The fuzz targets; each is `Sources/fuzz-<name>/` and `FuzzTarget.<name>` in FuzzEntryPoints.
let targetNames = ["xml", "archive", "report", "sigma", "causes"]

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
                swiftSettings: strict
            )
        },
    swiftLanguageModes: [.v6]
)
