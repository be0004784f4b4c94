import Diagnosis
import DiagnosisTestSupport
import EventImport
import Foundation
import Testing

/// The generated scenarios (`scripts/make-scenarios.py`): realistic cases built from the real
/// corpus that are not in the repository, each analysed with the real pipeline (``CaseRunner``)
/// and compared with its `expected.json`.
///
/// Set `RDPCAUSE_SCENARIO_REPORT=1` for a table of every case (expected, got, confidence).
@Suite("Generated diagnosis scenarios")
struct ScenarioTests {
    @Test(.enabled(if: SharedCorpus.isAvailable, "needs ../shared/corpus/real, python3 and zstd"))
    func theCatalogueHasFortyCasesAcrossEveryCauseAndDifficulty() throws {
        let cases = try CaseCatalog.scenarios()
        #expect(cases.count >= 40)
        let causes = Set(cases.flatMap { c in [c.expected.topCause].compactMap { $0 } + (c.expected.failures ?? []).compactMap(\.topCause) })
        #expect(causes == Set(rulePack.causes.map(\.id)), "every cause in Rules/causes has a scenario")
        let tags = Set(cases.flatMap { $0.expected.tags ?? [] })
        for tag in ["busy", "multi", "hearsay", "no-client-artefact", "scanner", "skew", "ip-only", "localized", "two-reports"] {
            #expect(tags.contains(tag), "no scenario is tagged \(tag)")
        }
        #expect(cases.contains { $0.expected.verdict == "no-failure-found" })
        #expect(cases.contains { $0.expected.verdict == "inconclusive" && $0.expected.failureTime == nil }, "a failure that cannot be located")
        #expect(cases.contains { ($0.expected.failures?.count ?? 0) >= 3 }, "three failures on different hosts in one case")
    }

    @Test(.enabled(if: SharedCorpus.isAvailable, "needs ../shared/corpus/real, python3 and zstd"))
    func theGeneratorIsDeterministic() throws {
        let cases = try CaseCatalog.scenarios()
        let picked = ["np-busy-silent", "multi-three-hosts", "hearsay-de-busy"]
        let again = CaseCatalog.scratch.appendingPathComponent("determinism-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: again) }
        _ = try PythonScript("make-scenarios.py").run(["--out", again.path, "--seed", CaseCatalog.seed, "--only", picked.joined(separator: ",")])
        for id in picked {
            let first = try #require(cases.first { $0.id == id })
            #expect(try FolderBytes(first.path) == FolderBytes(again.appendingPathComponent(id).path), "\(id) differs between two runs")
        }
    }

    @Test(.enabled(if: SharedCorpus.isAvailable, "needs ../shared/corpus/real, python3 and zstd"))
    func everyKnownGapNamesAScenario() throws {
        let ids = Set(try CaseCatalog.scenarios().map(\.id))
        for id in KnownDiagnosisGaps.scenarios.keys.sorted() {
            #expect(ids.contains(id), "KnownDiagnosisGaps.scenarios names \(id), which the generator does not build")
        }
    }

    @Test(.enabled(if: SharedCorpus.isAvailable, "needs ../shared/corpus/real, python3 and zstd"))
    func everyScenarioGivesItsExpectedAnswer() throws {
        let cases = try CaseCatalog.scenarios()
        let results = CaseRunner(pack: rulePack).analyze(cases.map(\.path))
        try #require(results.count == cases.count)
        var rows: [AnswerRow] = []
        var tally = Tally()
        for (scenario, result) in zip(cases, results) {
            var problems = AnswerCheck.mismatches(result.diagnosis, expected: scenario.expected)
            if !result.importDiagnostics.isEmpty {
                problems.append("import problems: \(result.importDiagnostics.prefix(3).map(\.description))")
            }
            let gap = KnownDiagnosisGaps.scenarios[scenario.id]
            let status = tally.count(problems: problems, knownGap: gap)
            recordProblems(problems, subject: "scenario \(scenario.id)", knownGap: gap)
            let (got, confidence) = AnswerRow.got(result.diagnosis)
            rows.append(AnswerRow(name: scenario.id, expected: AnswerRow.expected(scenario.expected), got: got, confidence: confidence, status: status))
        }
        print("scenarios: \(tally.summary(of: cases.count))")
        if ProcessInfo.processInfo.environment["RDPCAUSE_SCENARIO_REPORT"] == "1" {
            print(AnswerRow.table(rows))
        }
    }
}
