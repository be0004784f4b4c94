import Embedded
import Foundation
public import SigmaKit

/// Where a run's rules come from, lowest first: the pack built into rdpcause, the folders named
/// by `RDPCAUSE_RULES`, then the folders given on the command line (`--rules`).
///
/// A Sigma rule with the same `id` or `name`, or a cause with the same `id`, as one from a lower
/// source replaces it; each replacement is listed once in the loaded pack (`RulePack.overrides`).
/// A file identical to one of the built-in pack adds nothing, so a checkout's `Rules/` named with
/// `--rules` is the built-in pack again, not 67 replacements.
/// A folder is read as a `Rules/` folder: its Sigma rules recursively (skipping `causes` folders),
/// its causes from `causes/` directly below it. Every command that uses rules resolves them here.
public struct RuleSources: Sendable, Hashable {
    /// Where a rule source was named.
    public enum Origin: String, Sendable, Hashable, CustomStringConvertible {
        /// Compiled into rdpcause.
        case builtIn = "built-in"
        /// A folder of `RDPCAUSE_RULES`.
        case environment = "RDPCAUSE_RULES"
        /// A folder given on the command line.
        case commandLine = "--rules"

        /// `built-in`, `RDPCAUSE_RULES` or `--rules`.
        public var description: String { rawValue }
    }

    /// A rule folder (or single Sigma rule file) and where it was named.
    public struct Folder: Sendable, Hashable {
        /// The path as given.
        public var path: String
        /// Where it was named.
        public var origin: Origin

        /// Creates a folder entry.
        public init(path: String, origin: Origin) {
            self.path = path
            self.origin = origin
        }
    }

    /// The environment variable naming rule folders for unattended use (colon-separated, like `PATH`).
    public static let environmentVariable = "RDPCAUSE_RULES"

    /// How the built-in pack's files are named in diagnostics and locators: `<built-in>/sigma/x.yml`.
    public static let builtInPrefix = "<built-in>/"

    /// Whether the built-in pack is the lowest source.
    public var includesBuiltIn: Bool
    /// The folders above it, lowest first.
    public var folders: [Folder]

    /// Creates sources from their parts.
    public init(includesBuiltIn: Bool, folders: [Folder]) {
        self.includesBuiltIn = includesBuiltIn
        self.folders = folders
    }

    /// The sources of a command: the built-in pack (unless `builtIn` is false), the folders of
    /// `RDPCAUSE_RULES` in `environment` (the process's when nil; empty entries ignored), then
    /// `commandLine` folders.
    public static func resolve(commandLine: [String], builtIn: Bool = true, environment: [String: String]? = nil) -> RuleSources {
        let variables = environment ?? ProcessInfo.processInfo.environment
        let fromEnvironment = (variables[environmentVariable] ?? "").split(separator: ":").map {
            Folder(path: String($0), origin: .environment)
        }
        return RuleSources(
            includesBuiltIn: builtIn, folders: fromEnvironment + commandLine.map { Folder(path: $0, origin: .commandLine) })
    }

    /// The Sigma layers, lowest first: one per source.
    public var sigmaLayers: [RuleLayer] {
        var layers: [RuleLayer] = []
        if includesBuiltIn {
            layers.append(
                RuleLayer(entries: EmbeddedRulePack.sigmaFiles.map { .text(source: Self.builtInPrefix + $0.path, text: $0.text) }))
        }
        layers += folders.map { RuleLayer(paths: [$0.path]) }
        return layers
    }

    /// Loads the Sigma rules of every source (for commands that need no causes, such as `hunt`).
    public func loadCatalog(placeholders: [String: [String]] = [:]) -> RuleCatalog {
        RuleLoader(placeholders: placeholders).load(layers: sigmaLayers)
    }

    /// Where a file or text named `source` in a rule or diagnostic was loaded from: the built-in
    /// pack, or the first folder that holds it; nil for other paths.
    public func origin(ofSource source: String) -> Folder? {
        if source.hasPrefix(Self.builtInPrefix) { return Folder(path: Self.builtInPrefix, origin: .builtIn) }
        let file = URL(fileURLWithPath: source).standardizedFileURL.path
        return folders.first { folder in
            let root = URL(fileURLWithPath: folder.path).standardizedFileURL.path
            return file == root || file.hasPrefix(root.hasSuffix("/") ? root : root + "/")
        }
    }
}
