import Foundation
import Testing

/// rdpcause as an installed tool: a copy of the binary, away from the checkout, run from `/` (where
/// systemd starts services) with the rule pack built in; `RDPCAUSE_RULES` and `--rules` laid over it.
@Suite(.enabled(if: RDPCauseBinary.path != nil, "the rdpcause executable is not built next to the tests"))
struct InstalledCommandTests {
    static let root = URL(fileURLWithPath: "/")
    static let checkout = URL(fileURLWithPath: TestSupport.packageRoot)

    /// A scratch folder holding a copy of the binary (as in /usr/local/bin) and of SampleLogs.
    struct Installation {
        let folder: URL
        var binary: String { folder.appendingPathComponent("bin/rdpcause").path }
        var samples: URL { folder.appendingPathComponent("cases") }

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-installed-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("bin"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: try #require(RDPCauseBinary.path), toPath: binary)
            try FileManager.default.copyItem(at: InstalledCommandTests.checkout.appendingPathComponent("SampleLogs"), to: samples)
        }

        func run(_ arguments: [String], in folder: URL = InstalledCommandTests.root, environment: [String: String?] = [:]) throws
            -> RDPCauseBinary.Run
        {
            try RDPCauseBinary.run(arguments, in: folder, environment: environment, executable: binary)
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }

        /// A `Rules/`-style folder whose `host-asleep` cause has another title.
        func overridingRules() throws -> URL {
            let rules = folder.appendingPathComponent("site-rules")
            try FileManager.default.createDirectory(at: rules.appendingPathComponent("causes"), withIntermediateDirectories: true)
            let original = try String(
                contentsOf: InstalledCommandTests.checkout.appendingPathComponent("Rules/causes/host-asleep.yml"), encoding: .utf8)
            let changed = original.replacingOccurrences(
                of: "title: The host was asleep, hibernating, shutting down or rebooting", with: "title: Site host-asleep")
            #expect(changed != original)
            try Data(changed.utf8).write(to: rules.appendingPathComponent("causes/host-asleep.yml"))
            return rules
        }
    }

    /// The sample cases with their expected verdict and top cause, keyed by case name.
    static func expectations(in samples: URL) throws -> [String: (path: String, verdict: String, cause: String?)] {
        var result: [String: (String, String, String?)] = [:]
        let names = try FileManager.default.contentsOfDirectory(atPath: samples.path)
        for name in names {
            var expected = samples.appendingPathComponent(name + "/expected.json")
            var caseName = name
            var casePath = samples.appendingPathComponent(name).path
            if name.hasSuffix(".expected.json") {
                caseName = String(name.dropLast(".expected.json".count))
                expected = samples.appendingPathComponent(name)
                let archive = try #require(names.first { $0.hasPrefix(caseName + ".") && !$0.hasSuffix(".json") })
                casePath = samples.appendingPathComponent(archive).path
            }
            guard let data = FileManager.default.contents(atPath: expected.path) else { continue }
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            result[caseName] = (casePath, try #require(object["verdict"] as? String), object["topCause"] as? String)
        }
        return result
    }

    @Test func analyzeFromTheRootFolderGivesEverySampleItsExpectedVerdict() throws {
        let installation = try Installation()
        defer { installation.remove() }
        let expected = try Self.expectations(in: installation.samples)
        #expect(expected.count >= 13)
        let output = installation.folder.appendingPathComponent("findings")
        let run = try installation.run(["analyze", "--quiet", "--output", output.path] + expected.values.map(\.path).sorted())
        #expect(run.status == 1, "only the inconclusive sample is inconclusive: \(run.errors)")
        for (name, expectation) in expected {
            let data = try #require(FileManager.default.contents(atPath: output.appendingPathComponent("\(name)/findings.json").path))
            let findings = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(findings["verdict"] as? String == expectation.verdict, "\(name)")
            let failures = findings["failures"] as? [[String: Any]] ?? []
            let top = (failures.first?["causes"] as? [[String: Any]])?.first?["id"] as? String
            if let cause = expectation.cause { #expect(top == cause, "\(name)") }
            #expect((findings["rulesVersion"] as? String)?.count == 12, "\(name)")
            #expect((findings["rdpcauseVersion"] as? String)?.hasPrefix("0.") == true, "\(name)")
        }
    }

    @Test func versionNamesTheCommitAndTheBuiltInRulePack() throws {
        let installation = try Installation()
        defer { installation.remove() }
        let run = try installation.run(["--version"])
        #expect(run.status == 0)
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("rdpcause ") == true)
        let commit = lines.count > 1 ? lines[1] : ""
        #expect(commit.hasPrefix("commit "))
        let id = commit.dropFirst("commit ".count)
        #expect(id.count == 40 && id.allSatisfy(\.isHexDigit) || id.hasPrefix("unknown"), "\(commit)")
        let rules = lines.count > 2 ? lines[2] : ""
        #expect(rules.range(of: #"^rules [0-9a-f]{12} \(built in: \d+ Sigma rule files, \d+ cause files\)$"#, options: .regularExpression) != nil, "\(rules)")
    }

    @Test func rulesFromTheEnvironmentOverrideTheBuiltInOnesAndSaySoOnce() throws {
        let installation = try Installation()
        defer { installation.remove() }
        let rules = try installation.overridingRules()
        let environment: [String: String?] = ["RDPCAUSE_RULES": rules.path]
        let listed = try installation.run(["rules", "list"], environment: environment)
        #expect(listed.status == 0, "\(listed.errors)")
        let line = listed.output.split(separator: "\n").first { $0.hasPrefix("host-asleep\t") }.map(String.init) ?? ""
        #expect(line.contains("Site host-asleep"))
        #expect(line.hasSuffix("\tRDPCAUSE_RULES \(rules.path) (overrides <built-in>/causes/host-asleep.yml)"), "\(line)")
        #expect(listed.output.contains("\t<built-in>/sigma/host_boot.yml:1\tbuilt-in\n"))

        let explained = try installation.run(["explain", "host-asleep"], environment: environment)
        #expect(explained.output.hasPrefix("host-asleep: Site host-asleep"))

        let analysed = try installation.run(["analyze", installation.samples.appendingPathComponent("host-asleep").path], environment: environment)
        #expect(analysed.status == 0)
        #expect(analysed.output.contains("Site host-asleep"))
        let notes = analysed.errors.split(separator: "\n").filter { $0.contains("overrides") }
        #expect(notes == ["note: cause `host-asleep` (\(rules.path)/causes/host-asleep.yml) overrides the one at <built-in>/causes/host-asleep.yml"])

        // --rules comes after RDPCAUSE_RULES, so its cause replaces the environment's.
        let second = installation.folder.appendingPathComponent("ticket-rules")
        try FileManager.default.copyItem(at: rules, to: second)
        let both = try installation.run(["rules", "list", "--rules", second.path], environment: environment)
        let top = both.output.split(separator: "\n").first { $0.hasPrefix("host-asleep\t") }.map(String.init) ?? ""
        #expect(top.hasSuffix("\t--rules \(second.path) (overrides \(rules.path)/causes/host-asleep.yml)"), "\(top)")

        // --no-builtin-rules leaves the pack out.
        let folder = InstalledCommandTests.checkout.appendingPathComponent("Rules").path
        let alone = try installation.run(["rules", "list", "--no-builtin-rules", "--rules", folder])
        #expect(alone.status == 0, "\(alone.errors)")
        let lines = alone.output.split(separator: "\n")
        #expect(lines.count > 10)
        #expect(lines.allSatisfy { $0.hasSuffix("\t--rules \(folder)") })
    }

    @Test func lintTestAndHuntWorkAwayFromTheCheckout() throws {
        let installation = try Installation()
        defer { installation.remove() }
        let lint = try installation.run(["rules", "lint"])
        #expect(lint.status == 0, "\(lint.errors)")
        #expect(lint.errors.contains("rules loaded") && lint.errors.contains(" 0 errors"))

        let noSamples = try installation.run(["rules", "test"])
        #expect(noSamples.status == 64)
        #expect(noSamples.errors.contains("--samples DIR"))
        let tested = try installation.run(["rules", "test", "--samples", installation.samples.path])
        #expect(tested.status == 0, "\(tested.errors)")

        let hunt = try installation.run(["hunt", "--format", "ndjson", installation.samples.appendingPathComponent("host-asleep").path])
        #expect(hunt.status == 0, "\(hunt.errors)")
        #expect(hunt.output.contains(#""name":"host_sleep""#))
        let nothing = try installation.run(["hunt", "--no-builtin-rules", installation.samples.path])
        #expect(nothing.status == 64)
        #expect(nothing.errors.contains("--no-builtin-rules leaves no rules"))
        let missing = try installation.run(["hunt", "--rules", "/nonexistent-rules", installation.samples.path])
        #expect(missing.status == 64)
        #expect(missing.errors.contains("--rules /nonexistent-rules: no such folder or file"))
    }

    @Test func watchStartedFromTheRootFolderAnalysesWithTheBuiltInPack() throws {
        let installation = try Installation()
        defer { installation.remove() }
        let drop = installation.folder.appendingPathComponent("drop")
        let output = installation.folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: installation.samples.appendingPathComponent("host-asleep"), to: drop.appendingPathComponent("host-asleep"))
        let environment: [String: String?] = ["RDPCAUSE_TICKET_SYSTEM": nil, "RDPCAUSE_RT_URL": nil]
        let run = try installation.run(["watch", drop.path, "--output", output.path, "--once", "--grace", "0"], environment: environment)
        #expect(run.status == 0, "\(run.errors)")
        let data = try #require(FileManager.default.contents(atPath: output.appendingPathComponent("host-asleep/findings.json").path))
        let findings = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(findings["verdict"] as? String == "cause-found")
    }

    @Test func theFindingsPointAtACollectScriptTheBinaryPrints() throws {
        let installation = try Installation()
        defer { installation.remove() }
        let analysed = try installation.run(["analyze", installation.samples.appendingPathComponent("inconclusive").path])
        #expect(analysed.status == 1)
        let line = try #require(analysed.output.split(separator: "\n").first { $0.hasPrefix("    rdpcause collect-script ") })
        let arguments = line.split(separator: " ").dropFirst().map(String.init)
        let script = try installation.run(arguments + ["--ticket", "RT-1234"])
        #expect(script.status == 0, "\(script.errors)")
        #expect(script.output.hasPrefix("# rdpcause log collection for ticket RT-1234\r\n"))
        #expect(script.output.contains("Export-EventLog 'Microsoft-Windows-TerminalServices-RDPClient/Operational'"))
        let batch = try installation.run(arguments + ["--cmd"])
        #expect(batch.output.hasPrefix("@echo off\r\n"))
        let refused = try installation.run(["collect-script", "--host", "x;y", "--time", "2026-03-24T17:12:40"])
        #expect(refused.status == 64)
        let local = try installation.run(["collect-script", "--time", "2026-03-24T17:12:40"])
        #expect(local.status == 64)
        #expect(local.errors.contains("has no zone"))
    }
}
