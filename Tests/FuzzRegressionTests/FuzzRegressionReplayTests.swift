import Foundation
import FuzzEntryPoints
import Testing

/// Replays every input kept in `Tests/FuzzRegressions/<target>/` through its fuzz target's entry
/// point, the same function the libFuzzer executable runs. `pending/` (inputs whose fixes are not
/// merged yet) is not replayed.
@Suite struct FuzzRegressionReplayTests {
    @Test(arguments: FuzzRegressions.inputs())
    func inputRunsWithoutFinding(_ input: FuzzRegressions.Input) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: input.path)))
        #expect(throws: Never.self) { try input.target.run(bytes) }
    }

    @Test func everyTargetHasRegressionInputs() {
        let inputs = FuzzRegressions.inputs()
        for target in FuzzTarget.allCases {
            #expect(inputs.contains { $0.target == target }, "no input in \(FuzzRegressions.folder.path)/\(target.rawValue)")
        }
    }

    @Test func everyFolderNamesATarget() throws {
        let manager = FileManager.default
        let targets = Set(FuzzTarget.allCases.map(\.rawValue))
        let top = try manager.contentsOfDirectory(atPath: FuzzRegressions.folder.path)
        for name in top where !FuzzRegressions.notInputs.contains(name) {
            #expect(targets.contains(name), "\(name) in Tests/FuzzRegressions is neither a fuzz target nor pending/")
        }
        let pending = FuzzRegressions.folder.appendingPathComponent(FuzzRegressions.pendingFolder).path
        for name in try manager.contentsOfDirectory(atPath: pending) where !FuzzRegressions.notInputs.contains(name) {
            #expect(targets.contains(name), "pending/\(name) is not a fuzz target")
        }
    }
}

/// The regression inputs kept in `Tests/FuzzRegressions`.
enum FuzzRegressions {
    /// One kept input and the target it is replayed through.
    struct Input: Sendable, CustomTestStringConvertible {
        var target: FuzzTarget
        var path: String
        var testDescription: String { "\(target.rawValue)/\(URL(fileURLWithPath: path).lastPathComponent)" }
    }

    /// `Tests/FuzzRegressions` (this file is `Tests/FuzzRegressionTests/FuzzRegressionReplayTests.swift`).
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzRegressions")

    /// Inputs whose fixes are not merged yet; the lead moves them to `<target>/` after merging.
    static let pendingFolder = "pending"

    /// Names in the regression folders that are not inputs.
    static let notInputs: Set<String> = [pendingFolder, "README.md", ".DS_Store"]

    /// Every input below `<target>/`, sorted by target and name.
    static func inputs() -> [Input] {
        FuzzTarget.allCases.flatMap { target -> [Input] in
            let directory = folder.appendingPathComponent(target.rawValue).path
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            return names.filter { !notInputs.contains($0) }.sorted().map {
                Input(target: target, path: directory + "/" + $0)
            }
        }
    }
}
