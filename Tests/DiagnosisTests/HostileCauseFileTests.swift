import Diagnosis
import Foundation
import SigmaKit
import Testing

/// Cause definitions are YAML an operator may receive from anywhere: every hostile file ends as
/// a positioned error, never as a trap, a hang or unbounded memory (issue 12).
@Suite("Hostile cause files")
struct HostileCauseFileTests {
    static func cause(evidence: String, extra: String = "") -> String {
        "id: hostile\ntitle: Hostile\n\(extra)evidence:\n\(evidence)\nremediation: [fix it]\n"
    }

    static func load(_ yaml: String) -> (causes: [CauseDefinition], diagnostics: [CauseDiagnostic]) {
        CauseLoader.load(yaml: yaml, source: "causes/hostile.yml")
    }

    /// `UInt32(-1)` and `UInt32(5_000_000_000)` trapped; a span of 99999999999999999 days
    /// overflowed the tick multiplication.
    @Test(arguments: [
        ("  - code: [-1]\n    weight: 0.5", 4, "`code` values are disconnect codes"),
        ("  - code: [5000000000]\n    weight: 0.5", 4, "`code` values are disconnect codes"),
        ("  - code: [99999999999999999999999]\n    weight: 0.5", 4, "`code` values are disconnect codes"),
        ("  - rule: x\n    window: [-99999999999999999d, 1m]\n    weight: 0.5", 5, "`window` is [start, end]"),
        ("  - rule: x\n    window: [-1m, 9223372036854775807s]\n    weight: 0.5", 5, "`window` is [start, end]"),
        ("  - rule: x\n    window: [-1m, 3651d]\n    weight: 0.5", 5, "each at most 3650d"),
        ("  - latest: {rules: [a], is: [b], lookback: 1537228672809129301w}\n    weight: 0.5", 4, "`latest` needs"),
        ("  - rule: x\n    window: [-1m, 1m]\n    weight: 1e999", 6, "`weight` must be a number in (0, 1]"),
        ("  - rule: x\n    window: [-1m, 1m]\n    weight: .nan", 6, "`weight` must be a number in (0, 1]"),
    ])
    func hugeNumbersAreErrorsWithTheirLine(evidence: String, line: Int, message: String) {
        let result = Self.load(Self.cause(evidence: evidence))
        #expect(result.causes.isEmpty)
        let error = result.diagnostics.first { $0.severity == "error" }
        #expect(error?.message.contains(message) == true, "\(result.diagnostics)")
        #expect(error?.line == line)
        #expect(error?.source == "causes/hostile.yml")
    }

    @Test(arguments: [
        ("id: [1, 2]\ntitle: T\nevidence: []\nremediation: [x]\n", "`id` must be text"),
        ("id: x\ntitle: T\nevidence: 5\nremediation: [x]\n", "`evidence` must be a list"),
        ("id: x\ntitle: T\nneeds: System\nevidence:\n  - code: [1]\n    weight: 1\nremediation: [x]\n", "`needs` must be a list"),
        ("id: x\ntitle: T\nneeds: [System]\nevidence:\n  - code: [1]\n    weight: 1\nremediation: [x]\n", "each `needs` entry is a map"),
        ("id: x\ntitle: T\nside: moon\nevidence:\n  - code: [1]\n    weight: 1\nremediation: [x]\n", "`side` is host, client or gateway"),
        ("id: x\ntitle: T\nresidual: maybe\nevidence:\n  - code: [1]\n    weight: 1\nremediation: [x]\n", "`residual` is true or false"),
        ("id: x\ntitle: T\nevidence:\n  - rule: {a: b}\n    window: [-1m, 1m]\n    weight: 1\nremediation: [x]\n", "`rule` must be a list"),
        ("id: x\ntitle: T\nevidence:\n  - code: [1]\n    weight: 1\nremediation: x\n", "`remediation` must be a list"),
        ("- just\n- a list\n", "a cause file holds one mapping"),
        ("", "the file is empty"),
        ("id: x\nid: y\n", "duplicate key(s) 'id'"),
    ])
    func wrongTypesAreErrors(yaml: String, message: String) {
        let result = Self.load(yaml)
        #expect(result.causes.isEmpty)
        #expect(result.diagnostics.contains { $0.severity == "error" && $0.message.contains(message) }, "\(result.diagnostics)")
    }

    @Test func malformedYAMLNamesLineAndColumn() throws {
        let result = Self.load("id: x\ntitle: T\nevidence:\n  - rule: [a, b\n")
        let error = try #require(result.diagnostics.first)
        #expect(error.severity == "error")
        #expect(error.line != nil && error.column != nil)
        #expect(error.description.hasPrefix("causes/hostile.yml:"))
    }

    @Test(arguments: [2_000, 100_000])
    func deepNestingIsAnErrorNotACrash(depth: Int) throws {
        let yaml = "id: x\ntitle: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        let result = Self.load(yaml)
        #expect(result.causes.isEmpty)
        let error = try #require(result.diagnostics.first)
        #expect(error.message.contains("nests deeper than libyaml's limit"))
        #expect(error.line == 2)
    }

    /// Aliases of a long list repeated many times would have copied 2,000 × 2,000 rule names.
    @Test func aliasedListsCountAgainstOneBudget() {
        let names = (0..<2_000).map { "r\($0)" }.joined(separator: ", ")
        let item = "  - rule: *names\n    window: [-1m, 1m]\n    weight: 0.5\n"
        let yaml = "id: x\ntitle: T\nreferences: &names [\(names)]\nevidence:\n" + String(repeating: item, count: 2_000) + "remediation: [x]\n"
        let result = Self.load(yaml)
        #expect(result.causes.isEmpty)
        #expect(result.diagnostics.contains { $0.message.contains("more than 10000 entries in all") })
    }

    @Test func aFileOverTheSizeLimitIsRefusedBeforeItIsRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-causes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = "id: big\ntitle: '" + String(repeating: "x", count: YAMLInput.maxBytes) + "'\n"
        try Data(big.utf8).write(to: folder.appendingPathComponent("big.yml"))
        let result = CauseLoader.load(directory: folder.path)
        #expect(result.causes.isEmpty)
        let error = try #require(result.diagnostics.first)
        #expect(error.source.hasSuffix("big.yml"))
        #expect(error.message.contains("over the limit of 1048576 bytes"))
        #expect(Self.load(big).diagnostics.first?.message.contains("over the limit") == true)
    }

    @Test func codesAreReadInDecimalOrHexadecimal() throws {
        let result = Self.load(Self.cause(evidence: "  - code: [2308, '0x904', 0x7]\n    weight: 0.5"))
        let cause = try #require(result.causes.first, "\(result.diagnostics)")
        #expect(cause.evidence.first?.test == .code([7, 2308]))
    }

    @Test func causesOfManyFilesComeInTheOrderOfTheFilesWhicheverThreadParsedThem() throws {
        // The files are parsed on every core: the causes and the problems are still in file
        // order, and a cause id defined twice is reported at its second file.
        let folder = CauseLoader.read(directory: repositoryRoot.appendingPathComponent("Rules/causes").path)
        #expect(folder.files.count > 4)
        var files = folder.files
        files.insert(("causes/broken.yml", "id: [unclosed"), at: 2)
        if let first = folder.files.first { files.append(("causes/again.yml", first.text)) }
        var expected: (causes: [String], diagnostics: [String]) = ([], [])
        for file in files {
            let one = CauseLoader.load(yaml: file.text, source: file.source)
            expected.causes += one.causes.map { "\($0.id) \($0.source)" }
            expected.diagnostics += one.diagnostics.map(\.description)
        }
        for _ in 0..<10 {
            let all = CauseLoader.load(files: files)
            #expect(all.causes.map { "\($0.id) \($0.source)" } == expected.causes)
            #expect(Array(all.diagnostics.map(\.description).prefix(expected.diagnostics.count)) == expected.diagnostics)
            #expect(all.diagnostics.last?.message.hasPrefix("duplicate cause id") == true, "\(all.diagnostics)")
            #expect(all.diagnostics.last?.source == "causes/again.yml")
        }
    }
}
