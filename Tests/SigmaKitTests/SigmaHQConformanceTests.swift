import EventImport
import Foundation
import SigmaKit
import Testing

/// Conformance against SigmaHQ's public Windows rules and regression samples (`../shared/sigmahq`).
@Suite(.enabled(if: TestSupport.hasSigmaHQ, "the SigmaHQ conformance set (../shared/sigmahq) is absent"))
struct SigmaHQConformanceTests {
    static let ruleFolders = ["rules", "rules-threat-hunting", "rules-emerging-threats"]

    struct ManifestEntry: Decodable {
        var rule_id: String
        var rule_path: String
        var sample: String
        var match_count: Int?
        var events: Int
    }

    static func manifest() throws -> [ManifestEntry] {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestSupport.sigmaHQ + "/manifest.json"))
        return try JSONDecoder().decode([ManifestEntry].self, from: data)
    }

    @Test func everySigmaHQRuleLoadsOrGetsAPreciseDiagnostic() throws {
        let paths = Self.ruleFolders.map { TestSupport.sigmaHQ + "/" + $0 }
        let catalog = RuleLoader().load(paths: paths)
        var byCode: [String: Int] = [:]
        for diagnostic in catalog.diagnostics {
            byCode["\(diagnostic.severity.rawValue) \(diagnostic.code)", default: 0] += 1
        }
        let engine = SigmaEngine(rules: catalog.rules)
        print(
            "SigmaHQ: \(catalog.filesRead) files, \(catalog.documentsRead) documents, \(catalog.rules.count) rules loaded, "
                + "\(engine.evaluatedRuleCount) evaluated, \(catalog.rejectedRules) rejected")
        for (code, count) in byCode.sorted(by: { $0.key < $1.key }) {
            print("  \(code): \(count)")
        }
        for diagnostic in catalog.diagnostics where diagnostic.severity == .error || diagnostic.code == .unsupported {
            print("  " + diagnostic.description)
        }
        // Every diagnostic has a position, so the user can open the exact spot.
        #expect(catalog.diagnostics.allSatisfy { $0.line != nil })
        // SigmaHQ's rules are valid Sigma: none may be rejected, and no construct the spec defines
        // may be reported as unsupported.
        #expect(catalog.errorCount == 0)
        #expect(catalog.diagnostics.filter { $0.code == .unsupported }.isEmpty)
        #expect(catalog.rules.count == catalog.documentsRead)
        // Rules that load but are not evaluated each have their reason.
        let notEvaluated = catalog.rules.filter { !$0.isEvaluated }
        let explained = catalog.diagnostics.filter {
            $0.code == .unmappedLogSource || $0.code == .unresolvedPlaceholder || $0.code == .correlationRule
        }
        #expect(notEvaluated.allSatisfy { rule in explained.contains { $0.source == rule.source } })
        #expect(engine.evaluatedRuleCount == catalog.rules.count - notEvaluated.count)
    }

    @Test func everyRegressionSampleIsMatchedByItsRule() throws {
        let entries = try Self.manifest()
        var matched = 0
        var failures: [String] = []
        var matchedEvents = 0
        for entry in entries {
            let catalog = RuleLoader().load(paths: [TestSupport.sigmaHQ + "/" + entry.rule_path])
            guard let rule = catalog.rules.first(where: { $0.id == entry.rule_id }) else {
                failures.append("\(entry.rule_path): rule not loaded: \(catalog.diagnostics)")
                continue
            }
            let engine = SigmaEngine(rules: [rule])
            let (events, diagnostics) = TestSupport.importEvents(path: TestSupport.sigmaHQ + "/" + entry.sample)
            if events.count != entry.events {
                failures.append("\(entry.sample): imported \(events.count) of \(entry.events) events \(diagnostics)")
            }
            let count = events.count { !engine.matchingRules(for: $0).isEmpty }
            let expected = entry.match_count ?? 1
            if count >= expected {
                matched += 1
                matchedEvents += count
            } else {
                failures.append("\(entry.rule_path): \(count) of \(events.count) events matched, expected \(expected)")
            }
        }
        print("SigmaHQ regression samples: \(matched) of \(entries.count) matched by their rule (\(matchedEvents) events)")
        for failure in failures { print("  " + failure) }
        #expect(failures.isEmpty)
        #expect(matched == entries.count)
    }
}

/// Every rule over every sample, compared with the reference engine (pySigma + sqlite) hits in
/// `reference-cross-matches.json`: a check against over-matching as well as under-matching.
@Suite(.enabled(if: TestSupport.hasSigmaHQ, "the SigmaHQ conformance set (../shared/sigmahq) is absent"))
struct SigmaHQCrossMatchTests {
    struct Reference: Decodable {
        struct Hit: Decodable {
            var rule_id: String
            var matches: Int
        }
        var samples: [String: [Hit]]
        var rules_not_converted: [String: String]
    }

    @Test func everyRuleOverEverySampleAgreesWithTheReferenceEngine() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestSupport.sigmaHQ + "/reference-cross-matches.json"))
        let reference = try JSONDecoder().decode(Reference.self, from: data)
        let catalog = RuleLoader().load(
            paths: SigmaHQConformanceTests.ruleFolders.map { TestSupport.sigmaHQ + "/" + $0 })
        let engine = SigmaEngine(rules: catalog.rules)
        let notConverted = Set(reference.rules_not_converted.keys.map { TestSupport.sigmaHQ + "/" + $0 })
        var ours: Set<String> = []
        var theirs: Set<String> = []
        var details: [String: String] = [:]
        for (sample, hits) in reference.samples {
            for hit in hits where hit.matches > 0 { theirs.insert(sample + " " + hit.rule_id) }
            let (events, _) = TestSupport.importEvents(path: TestSupport.sigmaHQ + "/" + sample)
            for event in events {
                engine.forEachMatch(in: event) { rule in
                    guard !notConverted.contains(rule.source) else { return }
                    let key = sample + " " + (rule.id ?? "")
                    ours.insert(key)
                    details[key] = rule.source
                }
            }
        }
        let missing = theirs.subtracting(ours).sorted()
        let extra = ours.subtracting(theirs).sorted()
        print("cross matches: ours \(ours.count), reference \(theirs.count), missing \(missing.count), extra \(extra.count)")
        for key in missing { print("  missing: \(key)") }
        for key in extra { print("  extra: \(key) \(details[key] ?? "")") }
        #expect(missing.isEmpty)
        #expect(extra.isEmpty)
    }
}
