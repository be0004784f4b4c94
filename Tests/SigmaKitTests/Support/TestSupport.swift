import EventImport
import Foundation
import SigmaKit

/// Paths and helpers shared by the SigmaKit tests.
enum TestSupport {
    /// The package root (`Tests/SigmaKitTests/Support/TestSupport.swift` is three levels below it).
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `../shared/sigmahq` next to the package (or below `$RDPCAUSE_SHARED`), the SigmaHQ conformance set.
    static let sigmaHQ: String = {
        if let shared = ProcessInfo.processInfo.environment["RDPCAUSE_SHARED"], !shared.isEmpty {
            return URL(fileURLWithPath: shared).appendingPathComponent("sigmahq").standardizedFileURL.path
        }
        return URL(fileURLWithPath: packageRoot).deletingLastPathComponent()
            .appendingPathComponent("shared/sigmahq").standardizedFileURL.path
    }()

    /// Whether the SigmaHQ conformance set is present.
    static let hasSigmaHQ: Bool = {
        let present = FileManager.default.fileExists(atPath: sigmaHQ + "/manifest.json")
        if !present {
            print("SigmaHQ conformance set not found at \(sigmaHQ): the conformance tests are skipped")
        }
        return present
    }()

    /// Loads rules from YAML text.
    static func load(_ yaml: String, placeholders: [String: [String]] = [:]) -> RuleCatalog {
        RuleLoader(placeholders: placeholders).load(yaml: yaml, source: "test.yml")
    }

    /// Builds an engine from YAML text.
    static func engine(_ yaml: String, placeholders: [String: [String]] = [:]) -> SigmaEngine {
        SigmaEngine(rules: load(yaml, placeholders: placeholders).rules)
    }

    /// A rule for `product: windows` (any channel) with the given detection lines.
    static func rule(_ detection: String, logsource: String = "    product: windows") -> String {
        """
        title: Test rule
        id: 00000000-0000-4000-8000-000000000001
        status: test
        level: high
        logsource:
        \(logsource)
        detection:
        \(detection)
        """
    }

    /// An event with payload fields.
    static func event(
        channel: String = "Security", provider: String = "Microsoft-Windows-Security-Auditing", eventID: UInt32 = 4688,
        _ fields: [(String, String)] = []
    ) -> WinEvent {
        WinEvent(
            time: EventTimestamp(secondsSinceEpoch: 1_700_000_000), computer: "HOST1", channel: channel,
            provider: provider, eventID: eventID, fields: fields.map { EventField($0.0, $0.1) })
    }

    /// Whether the rule (one detection block) matches the event.
    static func matches(_ detection: String, _ event: WinEvent) -> Bool {
        let catalog = load(rule(detection))
        precondition(catalog.rules.count == 1, "rule did not load: \(catalog.diagnostics)")
        return !SigmaEngine(rules: catalog.rules).matchingRules(for: event).isEmpty
    }

    /// Imports the events of an XML file (bare `<Event>` elements are accepted).
    static func importEvents(path: String) -> (events: [WinEvent], diagnostics: [String]) {
        var events: [WinEvent] = []
        var diagnostics: [String] = []
        let importer = EventImporter(
            handlers: ImportHandlers(
                onEvent: { events.append($0) },
                onDiagnostic: { diagnostics.append($0.description) },
                onDocument: { _ in }))
        importer.importPaths([path])
        return (events, diagnostics)
    }
}
