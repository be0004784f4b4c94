@testable import Diagnosis
import EventImport
import Foundation
import SigmaKit
import Testing

/// The files of one case read on several threads give the same index and the same findings, byte
/// for byte, as one thread, and as one serial pass over the whole case (issue 19).
@Suite("One case on several threads")
struct ParallelCaseTests {
    /// Everything of an index a diagnosis or a report can see, in a comparable form.
    struct Snapshot: Equatable, CustomStringConvertible {
        var hits: [String: [String]]
        var coverage: [String: [String: CaseIndex.Coverage]]
        var activeMinutes: [String: [Int64]]
        var documents: [TextDocument]
        var importDiagnostics: [ImportDiagnostic]
        var ruleDiagnostics: [SigmaDiagnostic]
        var inputs: Set<String>
        var statistics: ImportStatistics
        var findings: String

        init(_ index: CaseIndex) {
            // A hit is told apart by its rule, time, machine and the record it came from.
            hits = Dictionary(
                uniqueKeysWithValues: index.compactHits.keys.map { rule in
                    (rule, index.hits(of: rule).map { "\($0.rule) \($0.event.time.ticks) \($0.machine) \($0.event.origin)" })
                })
            coverage = index.coverage
            activeMinutes = index.activeMinutes
            documents = index.documents
            importDiagnostics = index.importDiagnostics
            ruleDiagnostics = index.ruleDiagnostics
            inputs = index.inputs
            statistics = index.statistics
            findings = DiagnosisJSON.document(rulePack.diagnoser.diagnose(index))
        }

        var description: String { "\(statistics) \(importDiagnostics.count) problems, \(hits.count) rules hit" }
    }

    /// The old serial build: one importer and one builder over the whole case.
    static func onePass(_ path: String) -> CaseIndex {
        let builder = CaseIndex.Builder(engine: rulePack.engine)
        let importer = EventImporter(
            handlers: ImportHandlers(
                onEvent: { builder.add($0) },
                onDiagnostic: { builder.index.importDiagnostics.append($0) },
                onDocument: { builder.index.documents.append($0) }))
        importer.importPaths([path])
        builder.index.statistics = importer.statistics
        builder.finish()
        return builder.index
    }

    /// Every SampleLogs case (folders and archives).
    static let sampleCases: [String] = {
        let folder = repositoryRoot.appendingPathComponent("SampleLogs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().filter { !$0.hasSuffix(".json") && !$0.hasSuffix(".md") }.map { folder.appendingPathComponent($0).path }
    }()

    /// A case of 21 files on two machines: six logs of one case, five of another under a second
    /// folder, the host's five logs twice (so that hits of two files fall at the same times), a zip
    /// and a tar.zst archive, a cut-off log first in the listing, an empty file, and text documents.
    static func makeLargeCase() throws -> URL {
        let manager = FileManager.default
        let root = manager.temporaryDirectory.appendingPathComponent("rdpcause-parallel-\(UUID().uuidString)")
        let samples = repositoryRoot.appendingPathComponent("SampleLogs")
        try manager.createDirectory(at: root.appendingPathComponent("zz-copy"), withIntermediateDirectories: true)
        try manager.createDirectory(at: root.appendingPathComponent("other"), withIntermediateDirectories: true)
        try manager.copyItem(at: samples.appendingPathComponent("nla-credssp"), to: root.appendingPathComponent("nla"))
        try manager.copyItem(at: samples.appendingPathComponent("client-side/RDSH-07"), to: root.appendingPathComponent("other/RDSH-07"))
        try manager.copyItem(at: samples.appendingPathComponent("nla-credssp/JUMP-01"), to: root.appendingPathComponent("zz-copy/JUMP-01"))
        try manager.copyItem(at: samples.appendingPathComponent("certificate-expired.zip"), to: root.appendingPathComponent("archive.zip"))
        try manager.copyItem(at: samples.appendingPathComponent("distractor.tar.zst"), to: root.appendingPathComponent("archive.tar.zst"))
        let security = try Data(contentsOf: samples.appendingPathComponent("nla-credssp/JUMP-01/Security.xml"))
        try security.prefix(security.count / 2).write(to: root.appendingPathComponent("00-broken.xml"))
        try Data().write(to: root.appendingPathComponent("empty.xml"))
        return root
    }

    @Test func theGeneratedCaseHasWhatItIsMeantToHave() throws {
        let root = try Self.makeLargeCase()
        defer { try? FileManager.default.removeItem(at: root) }
        let index = CaseIndex.build(paths: [root.path], engine: rulePack.engine, workers: 1)
        let logs = index.inputs.filter { $0.hasSuffix(".xml") }
        #expect(logs.count >= 8, "\(logs.sorted())")
        #expect(index.inputs.contains { $0.contains("archive.zip!") })
        #expect(index.inputs.contains { $0.contains("archive.tar.zst!") })
        // The cut-off log is reported, and the files listed after it are still read.
        #expect(index.importDiagnostics.contains { $0.source.hasSuffix("00-broken.xml") && $0.severity == .error })
        #expect(index.importDiagnostics.contains { $0.source.hasSuffix("empty.xml") })
        #expect(index.coverage.count >= 3)
        #expect(!index.documents.isEmpty)
        #expect(index.compactHits.values.contains { column in column.count > 1 })
    }

    @Test func fourWorkersGiveWhatOneGivesOnTheGeneratedCase() throws {
        let root = try Self.makeLargeCase()
        defer { try? FileManager.default.removeItem(at: root) }
        let serial = Snapshot(CaseIndex.build(paths: [root.path], engine: rulePack.engine, workers: 1))
        for _ in 0..<25 {
            let parallel = Snapshot(CaseIndex.build(paths: [root.path], engine: rulePack.engine, workers: 4))
            #expect(parallel == serial)
            #expect(parallel.findings == serial.findings)
        }
    }

    @Test func theMergedIndexIsTheIndexOfOneSerialPass() throws {
        let root = try Self.makeLargeCase()
        defer { try? FileManager.default.removeItem(at: root) }
        for path in Self.sampleCases + [root.path] {
            let reference = Snapshot(Self.onePass(path))
            #expect(reference.ruleDiagnostics.isEmpty, "a rule that gives up is recorded per file, unlike in one pass")
            for workers in [1, 4] {
                #expect(Snapshot(CaseIndex.build(paths: [path], engine: rulePack.engine, workers: workers)) == reference, "\(path)")
            }
        }
    }

    @Test(arguments: sampleCases)
    func fourWorkersGiveWhatOneGivesOnEverySampleCase(path: String) {
        let serial = Snapshot(CaseIndex.build(paths: [path], engine: rulePack.engine, workers: 1))
        for _ in 0..<5 {
            #expect(Snapshot(CaseIndex.build(paths: [path], engine: rulePack.engine, workers: 4)) == serial)
        }
    }

    @Test func aBatchGivesTheSameFindingsWithOneCoreAsWithFour() throws {
        let root = try Self.makeLargeCase()
        defer { try? FileManager.default.removeItem(at: root) }
        let paths = [root.path] + Self.sampleCases
        let findings = { (parallelism: Int) in
            CaseRunner(pack: rulePack, parallelism: parallelism).analyze(paths).map { result in
                "\(result.name)\n\(result.importDiagnostics)\n\(result.statistics)\n" + DiagnosisJSON.document(result.diagnosis)
            }
        }
        let serial = findings(1)
        #expect(serial.count == paths.count)
        for _ in 0..<3 {
            #expect(findings(4) == serial)
        }
    }

    @Test func aRuleThatGivesUpIsReportedOnceWithTheEventsOfEveryFile() throws {
        // The same log of two records in three files, and a rule whose expression gives up on it:
        // each file gives it up once (a budget per file), and the case reports it once.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-parallel-gaps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let hostile = String(repeating: "a", count: 40) + "!"
        let xml = (1...2).map {
            Make.event(provider: "Service Control Manager", id: 7036, channel: "System", computer: "RDSH-01",
                time: "2026-06-12T19:4\($0):00.0000000Z", record: $0, data: [("param1", hostile)])
        }.joined(separator: "\n")
        for name in ["a.xml", "b.xml", "c.xml"] {
            try Data(xml.utf8).write(to: folder.appendingPathComponent(name))
        }
        let engine = SigmaEngine(rules: RuleLoader().load(yaml: RuleGapTests.catastrophicRule, source: "rules/slow.yml").rules)
        let serial = CaseIndex.build(paths: [folder.path], engine: engine, workers: 1)
        let parallel = CaseIndex.build(paths: [folder.path], engine: engine, workers: 4)
        #expect(serial.ruleDiagnostics.count == 1)
        #expect(serial.ruleDiagnostics.first?.message.contains("on 6 event(s)") == true, "\(serial.ruleDiagnostics)")
        #expect(serial.ruleDiagnostics.first?.message.contains("first at \(folder.path)/a.xml:1") == true)
        #expect(parallel.ruleDiagnostics == serial.ruleDiagnostics)
    }

    /// Two rules filed under one name (neither has a name or id, and their titles agree).
    static let twoRulesOfOneTitle = ["7036", "7040"].map { id in
        """
        title: Service changes
        logsource:
            product: windows
            service: system
        detection:
            selection:
                EventID: \(id)
            condition: selection
        """
    }

    @Test func rulesFiledUnderOneNameKeepTheirHitsInOneColumnInReadOrder() throws {
        // Events of both rules, some at the same time: one column, in time order, and at equal
        // times in the order read (not the hits of one rule, then those of the other).
        let rules = Self.twoRulesOfOneTitle.enumerated().flatMap { number, yaml in
            RuleLoader().load(yaml: yaml, source: "rules/\(number).yml").rules
        }
        #expect(rules.count == 2)
        let engine = SigmaEngine(rules: rules)
        let plan: [(id: UInt32, minute: Int)] = [(7040, 3), (7036, 1), (7036, 3), (7040, 1), (7040, 2), (7036, 2)]
        let xml = plan.enumerated().map { record, event in
            Make.event(provider: "Service Control Manager", id: event.id, channel: "System", computer: "RDSH-01",
                time: "2026-06-12T19:0\(event.minute):00.0000000Z", record: record + 1)
        }.joined(separator: "\n")
        let index = CaseIndex.build(events: events(xml, source: "host/System.xml"), engine: engine)
        #expect(Array(index.compactHits.keys) == ["Service changes"])
        let read = index.hits(of: "Service changes").map { "\($0.event.eventID)#\($0.event.recordID ?? 0)" }
        #expect(read == ["7036#2", "7040#4", "7040#5", "7036#6", "7040#1", "7036#3"], "\(read)")
    }

    @Test func aCaseIsSizedByTheFilesItIsReadAs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-size-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("host"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(count: 10).write(to: folder.appendingPathComponent("a.xml"))
        try Data(count: 25).write(to: folder.appendingPathComponent("host/System.xml"))
        try Data(count: 7).write(to: folder.appendingPathComponent("host/.hidden"))
        let listed = EventImporter(handlers: ImportHandlers(onEvent: { _ in })).units(of: folder.path)
        #expect(CaseRunner.inputSize(of: folder.path) == listed.reduce(0) { $0 + $1.size })
        #expect(CaseRunner.inputSize(of: folder.path) >= 35)
        #expect(CaseRunner.inputSize(of: folder.appendingPathComponent("host/System.xml").path) == 25)
        #expect(CaseRunner.inputSize(of: folder.appendingPathComponent("missing").path) == 0)
        #expect(CaseRunner.inputSize(of: EventImporter.standardInputPath) == 0)
    }
}
