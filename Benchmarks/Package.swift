// swift-tools-version: 6.2
import PackageDescription

// The importer benchmark, kept out of the main package so that its `swift build` and
// `swift test` never pay for it. Run it with `python3 Benchmarks/run.py` (see README.md).

/// The main package's strictness: Swift 6 mode, the same upcoming features, warnings as errors.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "rdpcause-benchmarks",
    products: [
        .executable(name: "expat-count", targets: ["expat-count"]),
        .executable(name: "importbench", targets: ["importbench"]),
        .executable(name: "rusage-run", targets: ["rusage-run"]),
    ],
    dependencies: [
        .package(name: "rdpcause", path: "..")
    ],
    targets: [
        // libexpat for the C baseline; its own target, since the main package's CExpat is internal.
        .systemLibrary(name: "BenchExpat", pkgConfig: "expat", providers: [.apt(["libexpat1-dev"])]),
        // The bare baseline: C + expat counting <Event> start elements.
        .executableTarget(
            name: "expat-count",
            dependencies: ["BenchExpat"],
            cSettings: [.unsafeFlags(["-Wall", "-Wextra", "-Werror"])]
        ),
        // Runs one measured process and reports its wall time, CPU time and peak RSS.
        .executableTarget(
            name: "rusage-run",
            cSettings: [.unsafeFlags(["-Wall", "-Wextra", "-Werror"])]
        ),
        // The Swift side: one executable, one mode per benchmark line.
        .executableTarget(
            name: "importbench",
            dependencies: [
                .product(name: "EventImport", package: "rdpcause"),
                .product(name: "SigmaKit", package: "rdpcause"),
                .product(name: "Correlation", package: "rdpcause"),
                .product(name: "Diagnosis", package: "rdpcause"),
                .product(name: "Reports", package: "rdpcause"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
