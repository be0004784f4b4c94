import Dispatch
import Foundation
public import SigmaKit
import Synchronization

/// The rules a diagnosis runs with: the Sigma detection rules and the cause definitions of a
/// `Rules/` folder (`Rules/sigma/…` and `Rules/causes/…`).
public struct RulePack: Sendable {
    /// The folder the pack was loaded from.
    public var directory: String
    /// The Sigma rules and their diagnostics.
    public var catalog: RuleCatalog
    /// The matcher over the catalog's rules.
    public var engine: SigmaEngine
    /// The cause definitions.
    public var causes: [CauseDefinition]
    /// Problems in cause files, and causes that reference rules the pack lacks.
    public var causeDiagnostics: [CauseDiagnostic]

    /// Finds the rule folder: `explicit` when given, else `$RDPCAUSE_RULES`, else `./Rules`,
    /// else the `Rules` folder of the checkout the executable was built in.
    public static func locate(explicit: String?, executable: String = CommandLine.arguments.first ?? "") -> String? {
        if let explicit { return explicit }
        if let fromEnvironment = ProcessInfo.processInfo.environment["RDPCAUSE_RULES"] { return fromEnvironment }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "Rules/causes", isDirectory: &isDirectory), isDirectory.boolValue {
            return "Rules"
        }
        // .build/<configuration>/rdpcause → the checkout's Rules/.
        var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("Rules/causes").path
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue {
                return url.appendingPathComponent("Rules").path
            }
        }
        return nil
    }

    /// Loads the Sigma rules under `directory` and the causes in `directory/causes`, and checks
    /// that every rule a cause names exists.
    ///
    /// The cause definitions are parsed on another thread while the Sigma rules load (a batch of
    /// cases cannot start before both are ready).
    public static func load(directory: String) -> RulePack {
        let causesLoaded = DispatchGroup()
        let loadedCauses = Mutex<([CauseDefinition], [CauseDiagnostic])>(([], []))
        DispatchQueue.global().async(group: causesLoaded) {
            let result = CauseLoader.load(directory: (directory as NSString).appendingPathComponent("causes"))
            loadedCauses.withLock { $0 = result }
        }
        let catalog = RuleLoader().load(paths: [directory])
        let engine = SigmaEngine(rules: catalog.rules)
        causesLoaded.wait()
        var (causes, diagnostics) = loadedCauses.withLock { $0 }
        let known = Set(catalog.rules.compactMap(\.name))
        causes = causes.filter { cause in
            let unknown = (cause.evidence + cause.against).flatMap(\.ruleNames).filter { !known.contains($0) }
            for name in Set(unknown).sorted() {
                diagnostics.append(
                    CauseDiagnostic(
                        severity: "error", source: cause.source,
                        message: "cause `\(cause.id)` refers to the Sigma rule `\(name)`, which no loaded rule is named; the cause is not used"))
            }
            return unknown.isEmpty
        }
        return RulePack(directory: directory, catalog: catalog, engine: engine, causes: causes, causeDiagnostics: diagnostics)
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
}
