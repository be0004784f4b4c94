import Diagnosis
import Embedded
import EventImport
import Foundation
import SigmaKit
import Testing

/// The built-in rule pack and how `RDPCAUSE_RULES` and `--rules` folders are laid over it.
struct RuleSourcesTests {
    /// A scratch `Rules/`-style folder, removed by the caller.
    func makeFolder(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-sources-\(UUID().uuidString)")
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Every Rules/sigma and Rules/causes file of the checkout, relative to Rules/.
    func checkoutRuleFiles() throws -> [String: String] {
        let rules = repositoryRoot.appendingPathComponent("Rules")
        var files: [String: String] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: rules.path))
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasPrefix("sigma/") || relative.hasPrefix("causes/"), relative.hasSuffix(".yml") || relative.hasSuffix(".yaml") else {
                continue
            }
            files[relative] = try String(contentsOf: rules.appendingPathComponent(relative), encoding: .utf8)
        }
        return files
    }

    @Test func theBuiltInPackHoldsExactlyTheCheckoutsRuleFiles() throws {
        let embedded = Dictionary(uniqueKeysWithValues: EmbeddedRulePack.files.map { ($0.path, $0.text) })
        let onDisk = try checkoutRuleFiles()
        #expect(Set(embedded.keys) == Set(onDisk.keys))
        for (path, text) in onDisk { #expect(embedded[path] == text, "\(path) differs from the built-in copy") }
        #expect(EmbeddedRulePack.sigmaFiles.count + EmbeddedRulePack.causeFiles.count == embedded.count)
    }

    @Test func theBuiltInPackLoadsLikeTheRulesFolder() {
        let builtIn = RulePack.load(RuleSources(includesBuiltIn: true, folders: []))
        #expect(builtIn.catalog.errorCount == 0, "\(builtIn.catalog.diagnostics)")
        #expect(builtIn.causeDiagnostics.isEmpty, "\(builtIn.causeDiagnostics)")
        #expect(builtIn.catalog.rules.map(\.id) == rulePack.catalog.rules.map(\.id))
        #expect(builtIn.catalog.rules.map(\.name) == rulePack.catalog.rules.map(\.name))
        #expect(builtIn.causes.map(\.id) == rulePack.causes.map(\.id))
        #expect(builtIn.causes.allSatisfy { $0.source.hasPrefix("<built-in>/causes/") })
        #expect(builtIn.catalog.rules.allSatisfy { $0.source.hasPrefix("<built-in>/sigma/") })
        #expect(builtIn.version == RulePackVersion.builtIn)
        #expect(builtIn.overrides.isEmpty)
    }

    @Test func theEnvironmentFoldersComeBeforeTheCommandLineOnes() {
        let sources = RuleSources.resolve(
            commandLine: ["/cli"], environment: ["RDPCAUSE_RULES": "/etc/a::/etc/b:", "OTHER": "x"])
        #expect(sources.includesBuiltIn)
        #expect(
            sources.folders == [
                RuleSources.Folder(path: "/etc/a", origin: .environment), RuleSources.Folder(path: "/etc/b", origin: .environment),
                RuleSources.Folder(path: "/cli", origin: .commandLine),
            ])
        #expect(RuleSources.resolve(commandLine: [], builtIn: false, environment: [:]).folders.isEmpty)
    }

    @Test func sourcesNameWhereAFileCameFrom() {
        let sources = RuleSources(
            includesBuiltIn: true,
            folders: [RuleSources.Folder(path: "/etc/rdp", origin: .environment), RuleSources.Folder(path: "./local/", origin: .commandLine)])
        #expect(sources.origin(ofSource: "<built-in>/sigma/x.yml")?.origin == .builtIn)
        #expect(sources.origin(ofSource: "/etc/rdp/causes/x.yml") == RuleSources.Folder(path: "/etc/rdp", origin: .environment))
        #expect(sources.origin(ofSource: "local/sigma/y.yml")?.origin == .commandLine)
        #expect(sources.origin(ofSource: "/etc/rdpx/y.yml") == nil)
    }

    @Test func aFolderCauseAndRuleReplaceTheBuiltInOnesOnce() throws {
        let builtIn = try #require(EmbeddedRulePack.causeFiles.first { $0.path == "causes/host-asleep.yml" })
        let cause = builtIn.text.replacingOccurrences(
            of: "title: The host was asleep, hibernating, shutting down or rebooting", with: "title: Local host-asleep")
        #expect(cause != builtIn.text)
        let rule = """
            title: Local boot rule
            name: host_boot
            logsource:
                product: windows
                service: system
            detection:
                selection:
                    EventID: 12
                condition: selection
            """
        let folder = try makeFolder(["causes/host-asleep.yml": cause, "sigma/boot.yml": rule])
        defer { try? FileManager.default.removeItem(at: folder) }
        let sources = RuleSources.resolve(commandLine: [folder.path], environment: [:])
        let pack = RulePack.load(sources)
        #expect(pack.catalog.errorCount == 0)
        #expect(pack.causeDiagnostics.isEmpty, "\(pack.causeDiagnostics)")
        // Same place, new definition.
        #expect(pack.causes.map(\.id) == rulePack.causes.map(\.id))
        #expect(pack.causes.first { $0.id == "host-asleep" }?.title == "Local host-asleep")
        #expect(pack.causeOverrides.map(\.replacedSource) == ["<built-in>/causes/host-asleep.yml"])
        #expect(pack.catalog.rules.first { $0.name == "host_boot" }?.title == "Local boot rule")
        #expect(pack.catalog.rules.count == rulePack.catalog.rules.count)
        #expect(pack.overrides.count == 2)
        #expect(pack.overrides.contains { $0.hasPrefix("cause `host-asleep` (\(folder.path)/causes/host-asleep.yml) overrides") })
        #expect(pack.version.hasPrefix(RulePackVersion.builtIn + "+local."))
        // The same files elsewhere give the same version; an edit changes it.
        let copy = try makeFolder(["causes/host-asleep.yml": cause, "sigma/boot.yml": rule])
        defer { try? FileManager.default.removeItem(at: copy) }
        #expect(RulePack.load(RuleSources.resolve(commandLine: [copy.path], environment: [:])).version == pack.version)
        try Data((rule + "\n").utf8).write(to: copy.appendingPathComponent("sigma/boot.yml"))
        #expect(RulePack.load(RuleSources.resolve(commandLine: [copy.path], environment: [:])).version != pack.version)
    }

    @Test func aCopyOfTheBuiltInPackLaidOverItChangesNothing() throws {
        let folder = repositoryRoot.appendingPathComponent("Rules").path
        let pack = RulePack.load(RuleSources.resolve(commandLine: [folder], environment: [:]))
        #expect(pack.overrides.isEmpty, "\(pack.overrides.prefix(3))")
        #expect(pack.version == RulePackVersion.builtIn)
        #expect(pack.catalog.rules.count == rulePack.catalog.rules.count && pack.causes.count == rulePack.causes.count)
        #expect(pack.catalog.rules.allSatisfy { $0.source.hasPrefix("<built-in>/") })
        #expect(pack.causes.allSatisfy { $0.source.hasPrefix("<built-in>/") })
        #expect(pack.catalog.errorCount == 0 && pack.causeDiagnostics.isEmpty)
    }

    @Test func withoutTheBuiltInPackOnlyTheFoldersAreLoaded() throws {
        let folder = repositoryRoot.appendingPathComponent("Rules").path
        let pack = RulePack.load(RuleSources.resolve(commandLine: [folder], builtIn: false, environment: [:]))
        #expect(pack.catalog.rules.allSatisfy { !$0.source.hasPrefix("<built-in>") })
        #expect(pack.causes.count == rulePack.causes.count)
        #expect(pack.version.hasPrefix("local."))
        #expect(pack.overrides.isEmpty)
    }

    @Test func aDiagnosisFromThePackCarriesBothVersionsInItsJSON() throws {
        let sample = repositoryRoot.appendingPathComponent("SampleLogs/host-asleep").path
        let result = CaseRunner(pack: rulePack).analyze(sample)
        #expect(result.diagnosis.rulesVersion == rulePack.version)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(DiagnosisJSON.document(result.diagnosis).utf8)) as? [String: Any])
        #expect(object["rdpcauseVersion"] as? String == BuildIdentity.versionWithCommit)
        #expect(object["rulesVersion"] as? String == rulePack.version)
        #expect((object["rdpcauseVersion"] as? String)?.hasPrefix(BuildIdentity.version) == true)
        let schemaURL = repositoryRoot.appendingPathComponent("Schemas/diagnosis.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL)) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(properties["rdpcauseVersion"] != nil && properties["rulesVersion"] != nil)
    }

    @Test func theRulesVersionIsAContentDigest() {
        let one = RulePackVersion.make(builtIn: false, localTexts: ["a", "b"])
        #expect(one == RulePackVersion.make(builtIn: false, localTexts: ["b", "a"]))
        #expect(one != RulePackVersion.make(builtIn: false, localTexts: ["a", "b "]))
        #expect(one.hasPrefix("local.") && one.count == "local.".count + 12)
        #expect(RulePackVersion.make(builtIn: true, localTexts: []) == RulePackVersion.builtIn)
        #expect(RulePackVersion.builtIn.count == 12 && RulePackVersion.builtIn.allSatisfy(\.isHexDigit))
    }
}
