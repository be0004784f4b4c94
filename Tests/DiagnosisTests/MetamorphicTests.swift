import Diagnosis
import DiagnosisTestSupport
import EventImport
import Foundation
import Testing

/// Metamorphic properties of the diagnosis over the SampleLogs cases and the generated scenarios:
/// a change that says nothing new about the failure (other users' sessions, a scanner burst hours
/// away, UTF-16, renamed, split or reordered files, the other export form, dropping logs no
/// evidence came from) must not change the verdict or the likely top cause; dropping the logs
/// that hold the deciding evidence must weaken the answer, never turn it into another cause.
///
/// By default a deterministic sample runs (every transformation, every expected outcome);
/// `RDPCAUSE_METAMORPHIC=full` runs every case under every transformation, and
/// `RDPCAUSE_SCENARIO_REPORT=1` prints a table of every variant.
@Suite("Metamorphic properties of the diagnosis")
struct MetamorphicTests {
    static let runsFullMatrix = ProcessInfo.processInfo.environment["RDPCAUSE_METAMORPHIC"] == "full"

    static func allCases() throws -> [StudyCase] {
        CaseCatalog.sampleLogs() + (try CaseCatalog.scenarios())
    }

    @Test(.enabled(if: SharedCorpus.isAvailable, "needs ../shared/corpus/real, python3 and zstd"))
    func theDefaultSampleCoversEveryTransformationAndEveryOutcome() throws {
        let cases = try Self.allCases()
        let sample = MetamorphicPlan.sample(cases)
        #expect(Set(sample.map(\.transformation)) == Set(Transformation.allCases))
        let classOf = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0.expected.outcomeClass) })
        #expect(Set(sample.compactMap { classOf[$0.base] }) == Set(cases.map(\.expected.outcomeClass)))
        #expect(sample.count < MetamorphicPlan.full(cases).count / 3, "the default run stays a sample")
    }

    @Test(.enabled(if: SharedCorpus.isAvailable, "needs ../shared/corpus/real, python3 and zstd"))
    func everyKnownGapNamesACaseAndATransformation() throws {
        let ids = Set(try Self.allCases().map(\.id))
        for key in KnownDiagnosisGaps.metamorphic.keys.sorted() {
            let parts = key.split(separator: "|").map(String.init)
            #expect(parts.count == 2 && ids.contains(parts[0]) && Transformation(rawValue: parts[1]) != nil, "bad entry \(key)")
        }
    }

    /// A variant is only worth comparing if the transformation did what it says: the format changes
    /// keep every record and change their form, the additions keep every record and only add new ones.
    @Test(.enabled(if: SharedCorpus.isAvailable, "needs ../shared/corpus/real, python3 and zstd"))
    func everyScriptedTransformationKeepsTheRecordsAndChangesWhatItSays() throws {
        let cases = try Self.allCases().filter { ["sample:healthy", "sample:tls-mismatch", "client-busy"].contains($0.id) }
        try #require(cases.count == 3)
        let work = CaseCatalog.scratch.appendingPathComponent("transform-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let scripted = Transformation.allCases.filter(\.isScripted).map(\.rawValue)
        var jobs: [TransformJob] = []
        for c in cases {
            for name in ["identity"] + scripted {
                let out = work.appendingPathComponent(c.id.replacingOccurrences(of: ":", with: "_") + "--" + name).path
                jobs.append(TransformJob(case: c.path, out: out, transform: name, expected: c.expectedPath))
            }
        }
        let results = try CaseTransformer.run(jobs, scratch: CaseCatalog.scratch)
        for job in jobs {
            let result = try #require(results[job.out])
            #expect(result.applied && result.error == nil, "\(job.out): \(result.reason) \(result.error ?? "")")
        }
        for c in cases {
            let base = work.appendingPathComponent(c.id.replacingOccurrences(of: ":", with: "_")).path
            let identity = CaseRecords(folder: base + "--identity")
            try #require(!identity.records.isEmpty)
            let byPath = Dictionary(uniqueKeysWithValues: identity.files.map { ($0.path, $0) })
            for transformation in Transformation.allCases where transformation.isScripted {
                let variant = CaseRecords(folder: base + "--" + transformation.rawValue)
                let label = "\(c.id)|\(transformation.rawValue)"
                switch transformation {
                case .otherSessions, .scannerBurst:
                    #expect(identity.records.allSatisfy { variant.records[$0.key, default: 0] >= $0.value }, "\(label) lost records")
                    let added = variant.records.values.reduce(0, +) - identity.records.values.reduce(0, +)
                    #expect(added >= (transformation == .scannerBurst ? 240 : 5 * 8), "\(label) added only \(added) records")
                    let known = Set(identity.records.keys.map(\.activityID)).subtracting([""])
                    let reused = variant.records.keys.filter { identity.records[$0] == nil && known.contains($0.activityID) }
                    #expect(reused.isEmpty, "\(label) added records with the case's own ActivityIDs")
                    #expect(Set(variant.files.map(\.path)) == Set(byPath.keys), "\(label) changed the set of files")
                default:
                    #expect(variant.records == identity.records, "\(label) changed the records")
                }
                switch transformation {
                case .utf16:
                    let utf8 = variant.files.filter { !$0.utf16 }.map(\.path)
                    #expect(utf8.isEmpty, "\(label) left logs in UTF-8: \(utf8)")
                case .rename:
                    #expect(Set(variant.files.map(\.path)).isDisjoint(with: byPath.keys), "\(label) kept a name")
                case .split:
                    #expect(variant.files.count == identity.files.count + identity.files.filter { $0.records >= 2 }.count, "\(label)")
                case .reverseOrder:
                    for file in variant.files {
                        guard let before = byPath[file.path]?.newestFirst, let after = file.newestFirst else { continue }
                        #expect(before != after, "\(label): \(file.path) kept its order")
                    }
                case .exportForm:
                    for file in variant.files {
                        #expect(byPath[file.path].map { $0.eventViewerForm != file.eventViewerForm } == true, "\(label): \(file.path) kept its form")
                    }
                default:
                    break
                }
            }
        }
    }

    @Test(.enabled(if: SharedCorpus.isAvailable, "needs ../shared/corpus/real, python3 and zstd"))
    func transformationsKeepOrWeakenTheAnswer() throws {
        let cases = try Self.allCases()
        let byID = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0) })
        let variants = Self.runsFullMatrix ? MetamorphicPlan.full(cases) : MetamorphicPlan.sample(cases)
        let work = CaseCatalog.scratch.appendingPathComponent("metamorphic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        func folder(_ base: String, _ name: String) -> String {
            work.appendingPathComponent(base.replacingOccurrences(of: ":", with: "_") + "--" + name).path
        }

        // Every base case as a plain folder (archives extracted), and the scripted variants.
        let bases = Array(Set(variants.map(\.base))).sorted()
        var jobs: [TransformJob] = []
        for id in bases {
            guard let c = byID[id] else { continue }
            jobs.append(TransformJob(case: c.path, out: folder(id, "identity"), transform: "identity", expected: c.expectedPath))
        }
        for v in variants where v.transformation.isScripted {
            guard let c = byID[v.base] else { continue }
            jobs.append(TransformJob(case: c.path, out: folder(v.base, v.transformation.rawValue), transform: v.transformation.rawValue, expected: c.expectedPath))
        }
        let scripted = try CaseTransformer.run(jobs, scratch: CaseCatalog.scratch)
        for result in scripted.values.sorted(by: { $0.out < $1.out }) {
            if let error = result.error { Issue.record("transform-case.py failed on \(result.out): \(error)") }
        }

        let original = Dictionary(
            uniqueKeysWithValues: zip(bases, CaseAnalysis.analyze(bases.map { folder($0, "identity") }, pack: rulePack)).map { ($0, $1) })

        // The log removals, decided from each original's evidence.
        var removed: [Variant: String] = [:]  // why not applicable, when it is not
        for v in variants where !v.transformation.isScripted {
            guard let base = original[v.base] else { continue }
            let logs = EvidenceLogs(base, causes: rulePack.causes)
            let files = v.transformation == .withoutUnusedLogs ? logs.unused : logs.deciding
            if files.isEmpty {
                removed[v] = v.transformation == .withoutUnusedLogs ? "every log holds evidence" : "no cause is likely"
                continue
            }
            // A case without event records is an input error, not the same case with less in it.
            if files == logs.all {
                removed[v] = "it would remove every log"
                continue
            }
            try CaseTransformer.copy(base.path, to: folder(v.base, v.transformation.rawValue), removing: files)
        }

        let applied = variants.filter { v in
            v.transformation.isScripted ? scripted[folder(v.base, v.transformation.rawValue)]?.applied == true : removed[v] == nil
        }
        let after = Dictionary(
            uniqueKeysWithValues: zip(applied, CaseAnalysis.analyze(applied.map { folder($0.base, $0.transformation.rawValue) }, pack: rulePack))
                .map { ($0, $1) })

        var rows: [AnswerRow] = []
        var tally = Tally()
        var appliedKinds = Set<Transformation>()
        for v in variants {
            guard let before = original[v.base] else { continue }
            let (beforeText, _) = AnswerRow.got(before.diagnosis)
            guard let result = after[v] else {
                let why = v.transformation.isScripted ? scripted[folder(v.base, v.transformation.rawValue)]?.reason ?? "not run" : removed[v] ?? ""
                tally.notApplicable += 1
                rows.append(AnswerRow(name: v.key, expected: beforeText, got: "-", confidence: "", status: "n/a: \(why)"))
                continue
            }
            appliedKinds.insert(v.transformation)
            var problems =
                v.transformation.keepsTheAnswer
                ? MetamorphicProperty.sameAnswer(before: before.diagnosis, after: result.diagnosis)
                : MetamorphicProperty.weaker(before: before.diagnosis, after: result.diagnosis)
            if !result.index.importDiagnostics.isEmpty {
                problems.append("import problems: \(result.index.importDiagnostics.prefix(3).map(\.description))")
            }
            let gap = KnownDiagnosisGaps.metamorphic[v.key]
            let status = tally.count(problems: problems, knownGap: gap)
            recordProblems(problems, subject: v.key, knownGap: gap)
            let (gotText, confidence) = AnswerRow.got(result.diagnosis)
            rows.append(AnswerRow(name: v.key, expected: beforeText, got: gotText, confidence: confidence, status: status))
        }
        #expect(appliedKinds == Set(Transformation.allCases), "transformations never applied: \(Set(Transformation.allCases).subtracting(appliedKinds).map(\.rawValue).sorted())")
        print("metamorphic (\(Self.runsFullMatrix ? "full matrix" : "default sample")): \(tally.summary(of: variants.count))")
        if ProcessInfo.processInfo.environment["RDPCAUSE_SCENARIO_REPORT"] == "1" {
            print(AnswerRow.table(rows))
        }
    }
}
