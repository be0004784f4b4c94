import ArgumentParser
import Diagnosis
import EventImport
import Foundation
import SigmaKit

/// `rdpcause rules test`: run every cause's Sigma rules over the sample cases.
struct RulesTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run each cause's Sigma rules against SampleLogs and check every case's expected cause is seen.",
        discussion: """
            Loads the rules as every command does (the built-in pack, RDPCAUSE_RULES, --rules). For every case \
            under the samples folder (a folder or archive with expected.json), prints how many events each \
            cause's rules match, and checks that the rules of the case's expected cause match at least one event \
            in it.

            Exit status: the scheme common to every command (see `rdpcause --help`).
            """
    )

    @OptionGroup var rules: RuleSourceOptions

    @Option(help: ArgumentHelp("The sample cases.", valueName: "dir"))
    var samples: String = "SampleLogs"

    mutating func run() throws {
        let output = BufferedOutput(descriptor: 1)
        let errors = BufferedOutput(descriptor: 2)
        defer {
            output.flush()
            errors.flush()
        }
        let pack = RulePack.load(try rules.sources())
        for diagnostic in pack.causeDiagnostics { errors.writeLine(diagnostic.description) }
        printOverrides(pack.overrides, to: errors)
        let cases = SampleCase.find(in: samples)
        guard !cases.isEmpty else {
            throw ValidationError(
                TerminalSafe.line("no sample cases (folders or archives with expected.json) in \(samples); name the folder with --samples DIR"))
        }
        var failures = 0
        for sample in cases {
            let index = CaseIndex.build(paths: [sample.path], engine: pack.engine)
            var cells: [String] = []
            for cause in pack.causes {
                let rules = Set((cause.evidence + cause.against).flatMap(\.ruleNames))
                let hits = rules.reduce(0) { $0 + index.hits(of: $1).count }
                cells.append("\(cause.id)=\(hits)")
                if cause.id == sample.expectedCause {
                    let supporting = Set(cause.evidence.flatMap(\.ruleNames))
                    let seen = supporting.filter { !index.hits(of: $0).isEmpty }
                    if seen.isEmpty && !cause.evidence.contains(where: { if case .code = $0.test { true } else { false } }) {
                        errors.writeLine("\(sample.path): FAIL: no rule of its expected cause \(cause.id) matched any event")
                        failures += 1
                    } else {
                        cells[cells.count - 1] += " (expected; matched: \(seen.sorted().joined(separator: ", ")))"
                    }
                }
            }
            output.writeLine("\(sample.name): " + cells.joined(separator: "  "))
        }
        output.write("rules test: \(cases.count) cases, \(failures) failed\n")
        if failures > 0 || pack.causeDiagnostics.contains(where: { $0.severity == "error" }) || pack.catalog.errorCount > 0 {
            throw ExitCode(ExitStatus.negative)
        }
    }
}

/// A sample case and its expected answer.
struct SampleCase {
    var path: String
    var name: String
    var expectedCause: String?

    /// Folders with `expected.json`, and archives with a sibling `<name>.expected.json`.
    static func find(in folder: String) -> [SampleCase] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        var result: [SampleCase] = []
        for name in names {
            let path = (folder as NSString).appendingPathComponent(name)
            var expected: String?
            var casePath = path
            if FileManager.default.fileExists(atPath: path + "/expected.json") {
                expected = path + "/expected.json"
            } else if name.hasSuffix(".expected.json") {
                let base = String(name.dropLast(".expected.json".count))
                guard let archive = names.first(where: { $0.hasPrefix(base + ".") && !$0.hasSuffix(".json") }) else { continue }
                expected = path
                casePath = (folder as NSString).appendingPathComponent(archive)
            }
            guard let expected, let data = FileManager.default.contents(atPath: expected),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { continue }
            result.append(SampleCase(path: casePath, name: CaseRunner.caseName(casePath), expectedCause: object["topCause"] as? String))
        }
        return result
    }
}
