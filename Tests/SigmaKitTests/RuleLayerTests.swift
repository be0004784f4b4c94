import Foundation
import SigmaKit
import Testing

/// Layered loading (`RuleLoader.load(layers:)`): a later layer's rule with the same id or name
/// replaces the lower one in place, once, and says so.
struct RuleLayerTests {
    static func rule(title: String, id: String? = nil, name: String? = nil, eventID: Int = 1) -> String {
        var lines = ["title: \(title)"]
        if let id { lines.append("id: \(id)") }
        if let name { lines.append("name: \(name)") }
        lines += [
            "logsource:", "    product: windows", "    service: system", "detection:", "    selection:",
            "        EventID: \(eventID)", "    condition: selection",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    static let idA = "aaaaaaaa-0000-4000-8000-000000000001"
    static let idB = "bbbbbbbb-0000-4000-8000-000000000002"
    static let idC = "cccccccc-0000-4000-8000-000000000003"

    static let lower = RuleLayer(entries: [
        .text(source: "<built-in>/sigma/a.yml", text: rule(title: "A", id: idA, name: "rule_a")),
        .text(source: "<built-in>/sigma/b.yml", text: rule(title: "B", id: idB, name: "rule_b")),
        .text(source: "<built-in>/sigma/c.yml", text: rule(title: "C", id: idC)),
    ])

    @Test func aRuleWithTheSameIdOrNameReplacesTheLowerOneInPlace() {
        let upper = RuleLayer(entries: [
            // Same id (other case), other name: replaces A.
            .text(source: "/etc/rules/a2.yml", text: Self.rule(title: "A2", id: Self.idA.uppercased(), name: "rule_a_v2")),
            // Same name, no id: replaces B.
            .text(source: "/etc/rules/b2.yml", text: Self.rule(title: "B2", name: "rule_b")),
            // New.
            .text(source: "/etc/rules/d.yml", text: Self.rule(title: "D", name: "rule_d")),
        ])
        let catalog = RuleLoader().load(layers: [Self.lower, upper])
        #expect(catalog.errorCount == 0, "\(catalog.diagnostics)")
        #expect(catalog.rules.map(\.title) == ["A2", "B2", "C", "D"])
        #expect(
            catalog.overrides.map(\.description) == [
                "rule 'rule_a_v2' (/etc/rules/a2.yml:1) overrides the one at <built-in>/sigma/a.yml:1",
                "rule 'rule_b' (/etc/rules/b2.yml:1) overrides the one at <built-in>/sigma/b.yml:1",
            ])
        #expect(catalog.filesRead == 6)
        #expect(catalog.files == [
            "<built-in>/sigma/a.yml", "<built-in>/sigma/b.yml", "<built-in>/sigma/c.yml", "/etc/rules/a2.yml",
            "/etc/rules/b2.yml", "/etc/rules/d.yml",
        ])
    }

    @Test func aRuleMatchingTwoLowerRulesReplacesBothOnce() {
        // id of A, name of B: the rule takes A's place, B goes, both replacements are listed.
        let upper = RuleLayer(entries: [.text(source: "up.yml", text: Self.rule(title: "AB", id: Self.idA, name: "rule_b"))])
        let catalog = RuleLoader().load(layers: [Self.lower, upper])
        #expect(catalog.rules.map(\.title) == ["AB", "C"])
        #expect(catalog.overrides.map(\.replaced.title) == ["A", "B"])
    }

    @Test func withinOneLayerADuplicateIdIsStillAnErrorAndNoOverride() {
        let upper = RuleLayer(entries: [
            .text(source: "one.yml", text: Self.rule(title: "X", id: Self.idC)),
            .text(source: "two.yml", text: Self.rule(title: "Y", id: Self.idC)),
        ])
        let catalog = RuleLoader().load(layers: [upper])
        #expect(catalog.errorCount == 1)
        #expect(catalog.diagnostics.contains { $0.message.contains("duplicate id") })
        #expect(catalog.overrides.isEmpty)
        #expect(catalog.rules.map(\.title) == ["X"])
    }

    @Test func aRuleIsReplacedOnlyByAHigherLayerNotBySameLayerNames() {
        // Two rules of the upper layer share a lower rule's name: the first replaces it, the second is added.
        let upper = RuleLayer(entries: [
            .text(source: "one.yml", text: Self.rule(title: "B2", name: "rule_b")),
            .text(source: "two.yml", text: Self.rule(title: "B3", name: "rule_b")),
        ])
        let catalog = RuleLoader().load(layers: [Self.lower, upper])
        #expect(catalog.rules.map(\.title) == ["A", "B2", "C", "B3"])
        #expect(catalog.overrides.count == 1)
    }

    @Test func aFilterOfAHigherLayerAppliesToALowerLayersRule() {
        let filter = """
            title: Quiet A
            logsource:
                product: windows
                service: system
            filter:
                rules: [rule_a]
                selection:
                    Computer: noisy
                condition: not selection
            """
        let catalog = RuleLoader().load(layers: [Self.lower, RuleLayer(entries: [.text(source: "f.yml", text: filter)])])
        #expect(catalog.rules.first?.appliedFilters == ["Quiet A"])
    }

    @Test func aFileIdenticalToALowerInMemoryTextIsNotLoadedAgain() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-layers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The same text as <built-in>/sigma/a.yml (with a byte order mark, which is not part of the text),
        // and a changed copy of b.yml.
        try Data([0xEF, 0xBB, 0xBF] + Array(Self.rule(title: "A", id: Self.idA, name: "rule_a").utf8)).write(to: folder.appendingPathComponent("a.yml"))
        try Data(Self.rule(title: "B", id: Self.idB, name: "rule_b", eventID: 2).utf8).write(to: folder.appendingPathComponent("b.yml"))
        let catalog = RuleLoader().load(layers: [Self.lower, RuleLayer(paths: [folder.path])])
        #expect(catalog.rules.map(\.source) == ["<built-in>/sigma/a.yml", folder.path + "/b.yml", "<built-in>/sigma/c.yml"])
        #expect(catalog.overrides.map(\.replaced.source) == ["<built-in>/sigma/b.yml"])
        #expect(catalog.filesRead == 5)
        #expect(!catalog.files.contains(folder.path + "/a.yml"))
    }

    @Test func aFolderNamedInTwoLayersIsReadOnceInTheFirst() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rdpcause-layers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.rule(title: "Local", name: "rule_a").write(to: folder.appendingPathComponent("a.yml"), atomically: true, encoding: .utf8)
        let catalog = RuleLoader().load(layers: [Self.lower, RuleLayer(paths: [folder.path]), RuleLayer(paths: [folder.path + "/"])])
        #expect(catalog.rules.map(\.title) == ["Local", "B", "C"])
        #expect(catalog.overrides.count == 1)
        #expect(catalog.errorCount == 0)
    }
}
