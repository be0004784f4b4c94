import Dispatch
import Embedded
import Foundation
public import SigmaKit
import Synchronization

/// The rules a diagnosis runs with: the Sigma detection rules and the cause definitions of every
/// rule source (the built-in pack, `RDPCAUSE_RULES`, `--rules` folders; see `RuleSources`).
public struct RulePack: Sendable {
    /// Where the rules came from.
    public var sources: RuleSources
    /// The Sigma rules and their diagnostics (and the rules that replaced lower ones).
    public var catalog: RuleCatalog
    /// The matcher over the catalog's rules.
    public var engine: SigmaEngine
    /// The cause definitions.
    public var causes: [CauseDefinition]
    /// Problems in cause files, and causes that reference rules the pack lacks.
    public var causeDiagnostics: [CauseDiagnostic]
    /// Causes that replaced a cause of a lower source with the same id.
    public var causeOverrides: [CauseOverride]
    /// The pack's version (see `RulePackVersion`), written into the findings as `rulesVersion`.
    public var version: String

    /// Loads the rules of one `Rules/`-style folder alone (no built-in pack, no `RDPCAUSE_RULES`):
    /// the Sigma rules under `directory` and the causes in `directory/causes`.
    public static func load(directory: String) -> RulePack {
        load(RuleSources(includesBuiltIn: false, folders: [RuleSources.Folder(path: directory, origin: .commandLine)]))
    }

    /// Loads the Sigma rules and causes of every source, lays each source over the ones below it,
    /// and checks that every rule a cause names exists.
    ///
    /// The cause definitions are parsed on another thread while the Sigma rules load (a batch of
    /// cases cannot start before both are ready).
    public static func load(_ sources: RuleSources, placeholders: [String: [String]] = [:]) -> RulePack {
        let causesLoaded = DispatchGroup()
        let loadedCauses = Mutex(CauseLayers())
        DispatchQueue.global().async(group: causesLoaded) {
            let result = CauseLayers.load(sources)
            loadedCauses.withLock { $0 = result }
        }
        let catalog = sources.loadCatalog(placeholders: placeholders)
        let engine = SigmaEngine(rules: catalog.rules)
        causesLoaded.wait()
        let layers = loadedCauses.withLock { $0 }
        var diagnostics = layers.diagnostics
        let known = Set(catalog.rules.compactMap(\.name))
        let causes = layers.causes.filter { cause in
            let unknown = (cause.evidence + cause.against).flatMap(\.allRuleNames).filter { !known.contains($0) }
            for name in Set(unknown).sorted() {
                diagnostics.append(
                    CauseDiagnostic(
                        severity: "error", source: cause.source,
                        message: "cause `\(cause.id)` refers to the Sigma rule `\(name)`, which no loaded rule is named; the cause is not used"))
            }
            return unknown.isEmpty
        }
        let localFiles = catalog.files.filter { !$0.hasPrefix(RuleSources.builtInPrefix) }
        let localTexts = localFiles.compactMap { FileManager.default.contents(atPath: $0).map { String(decoding: $0, as: UTF8.self) } }
        let version = RulePackVersion.make(builtIn: sources.includesBuiltIn, localTexts: localTexts + layers.localTexts)
        return RulePack(
            sources: sources, catalog: catalog, engine: engine, causes: causes, causeDiagnostics: diagnostics,
            causeOverrides: layers.overrides, version: version)
    }

    /// Every replacement of a lower source's rule or cause, one line each.
    public var overrides: [String] {
        catalog.overrides.map(\.description) + causeOverrides.map(\.description)
    }

    /// For each named rule, the channels its events are written to.
    public var ruleChannels: [String: [String]] {
        var map: [String: [String]] = [:]
        for rule in catalog.rules {
            guard let name = rule.name, case .targets(let targets) = WindowsLogSources.resolve(rule.logSource) else { continue }
            map[name] = Array(Set(targets.flatMap(\.channels))).sorted()
        }
        return map
    }

    /// A diagnoser over this pack.
    public var diagnoser: Diagnoser { Diagnoser(causes: causes, ruleChannels: ruleChannels) }

    /// Diagnoses a case with this pack, and records the rdpcause and rule pack versions in the result.
    public func diagnose(_ index: CaseIndex, options: DiagnosisOptions) -> Diagnosis {
        var diagnosis = diagnoser.diagnose(index, options: options)
        diagnosis.rdpcauseVersion = BuildIdentity.versionWithCommit
        diagnosis.rulesVersion = version
        return diagnosis
    }
}
