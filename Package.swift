// swift-tools-version: 6.2
import PackageDescription

/// Strictness applied to every Swift target: Swift 6 mode plus the upcoming features the
/// model codebases (swift-log, swift-subprocess) enable, and warnings as errors.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "rdpcause",
    products: [
        .executable(name: "rdpcause", targets: ["rdpcause"]),
        .library(name: "EventImport", targets: ["EventImport"]),
        .library(name: "SigmaKit", targets: ["SigmaKit"]),
        .library(name: "Correlation", targets: ["Correlation"]),
        .library(name: "Diagnosis", targets: ["Diagnosis"]),
        .library(name: "Reports", targets: ["Reports"]),
        .library(name: "Tickets", targets: ["Tickets"]),
        .library(name: "DropFolder", targets: ["DropFolder"]),
        .library(name: "FuzzEntryPoints", targets: ["FuzzEntryPoints"]),
        .library(name: "Embedded", targets: ["Embedded"]),
        .library(name: "LogCollection", targets: ["LogCollection"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "CExpat", pkgConfig: "expat", providers: [.apt(["libexpat1-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        // liblzma: rdpcause unpacks a 7-Zip archive's compressed header itself, after checking its
        // dictionary size, to check the members' dictionaries before libarchive allocates them.
        .systemLibrary(name: "CLzma", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
        // The CRC-32 of .evtx chunks by carry-less multiplication (x86-64 PCLMULQDQ), in C for the intrinsics.
        .target(name: "CRC32Fold"),
        // The scan for the control characters XML 1.0 forbids, 32 bytes at a time (x86-64 AVX2), in C for the intrinsics.
        .target(name: "ControlScan"),
        .target(
            name: "EventImport",
            dependencies: ["CExpat", "CZstd", "CArchive", "CLzma", "CRC32Fold", "ControlScan"],
            swiftSettings: strict
        ),
        .target(
            name: "SigmaKit",
            dependencies: [
                "EventImport",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .target(name: "Correlation", dependencies: ["EventImport", "SigmaKit"], swiftSettings: strict),
        // The rule pack (Rules/sigma, Rules/causes) and the build's identity, compiled into the binary:
        // EmbedPlugin runs EmbedTool at build time to generate the sources (never committed).
        .executableTarget(name: "EmbedTool", swiftSettings: strict),
        .plugin(name: "EmbedPlugin", capability: .buildTool(), dependencies: ["EmbedTool"]),
        .target(name: "Embedded", swiftSettings: strict, plugins: ["EmbedPlugin"]),
        .target(
            name: "Diagnosis",
            dependencies: [
                "EventImport", "SigmaKit", "Correlation", "Embedded", "Tickets", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .target(name: "Reports", dependencies: ["Diagnosis", "EventImport"], swiftSettings: strict),
        .target(name: "LogCollection", dependencies: ["Diagnosis", "EventImport", "SigmaKit"], swiftSettings: strict),
        .target(name: "Tickets", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: strict),
        .target(
            name: "DropFolder",
            dependencies: [
                "Diagnosis", "Reports", "EventImport", "Tickets", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // What each fuzz target runs per input: shared by the libFuzzer executables in Fuzz/ and
        // by the replay of Tests/FuzzRegressions in FuzzRegressionTests.
        .target(
            name: "FuzzEntryPoints",
            dependencies: ["EventImport", "SigmaKit", "Correlation", "Diagnosis"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "rdpcause",
            dependencies: [
                "EventImport",
                "SigmaKit",
                "Correlation",
                "Diagnosis",
                "Reports",
                "Tickets",
                "DropFolder",
                "Embedded",
                "LogCollection",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EventImportTests",
            dependencies: ["EventImport", "CZstd", "CArchive", "CLzma", "ControlScan", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SigmaKitTests",
            dependencies: [
                "SigmaKit", "EventImport", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RDPRuleTests",
            dependencies: ["SigmaKit", "EventImport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CorrelationTests",
            dependencies: [
                "Correlation", "EventImport", "SigmaKit", "GoldenFiles", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Golden"],
            swiftSettings: strict
        ),
        .target(
            name: "DiagnosisTestSupport",
            dependencies: ["Diagnosis", "EventImport"],
            path: "Tests/DiagnosisTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "DiagnosisTests",
            dependencies: ["Diagnosis", "EventImport", "SigmaKit", "DiagnosisTestSupport", "Embedded", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "Diagnosis", "EventImport", "SigmaKit", "GoldenFiles", "TestSupport"],
            exclude: ["Golden"],
            swiftSettings: strict
        ),
        // Helpers shared by the test targets below: a local HTTP server and fake Jira, the RT5
        // environment, running the built executable, checking terminal output.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "TicketsTests", dependencies: ["Tickets", "TestSupport"], swiftSettings: strict),
        // Golden-file comparison shared by the test targets (not part of any product).
        .target(name: "GoldenFiles", path: "Tests/GoldenFiles", swiftSettings: strict),
                // The release binary (ldd), the Debian package and packaging/ (RDPCAUSE_RELEASE_BINARY, RDPCAUSE_DEB).
        .testTarget(name: "PackagingTests", dependencies: ["Tickets"], swiftSettings: strict),
        .testTarget(
            name: "LogCollectionTests",
            dependencies: ["LogCollection", "Diagnosis", "EventImport", "SigmaKit", "GoldenFiles"],
            exclude: ["Golden"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DropFolderTests",
            dependencies: [
                "DropFolder", "Tickets", "Diagnosis", "EventImport", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "CommandLineTests", dependencies: ["TestSupport"], swiftSettings: strict),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzEntryPoints"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
