import Embedded
import Foundation
import SigmaKit

/// A cause of a higher rule source that replaced the cause of a lower source with the same id.
public struct CauseOverride: Sendable, Hashable, CustomStringConvertible {
    /// The cause id.
    public var id: String
    /// The file of the cause now used.
    public var source: String
    /// The file of the cause it replaced.
    public var replacedSource: String

    /// `cause `id` (file) overrides the one at file`.
    public var description: String { "cause `\(id)` (\(source)) overrides the one at \(replacedSource)" }
}

/// The causes of every rule source, each source laid over the ones below it.
struct CauseLayers: Sendable {
    /// The causes, lowest source's order first; a replacement takes the replaced cause's place.
    var causes: [CauseDefinition] = []
    /// Problems in cause files.
    var diagnostics: [CauseDiagnostic] = []
    /// The replacements.
    var overrides: [CauseOverride] = []
    /// The texts of the cause files read from folders (they count in the pack's version).
    var localTexts: [String] = []

    /// Loads the built-in causes (when included), then `causes/` of each folder.
    static func load(_ sources: RuleSources) -> CauseLayers {
        var result = CauseLayers()
        var layers: [[(source: String, text: String)]] = []
        let builtIn = sources.includesBuiltIn ? EmbeddedRulePack.causeFiles : []
        if sources.includesBuiltIn {
            layers.append(builtIn.map { (RuleSources.builtInPrefix + $0.path, $0.text) })
        }
        // A file identical to a built-in one adds nothing (as for Sigma rules).
        let builtInTexts = Set(builtIn.map(\.text))
        var read = Set<String>()  // a folder named twice is read once, at its first place
        for folder in sources.folders {
            let directory = (folder.path as NSString).appendingPathComponent(RuleLoader.causesFolderName)
            guard read.insert(URL(fileURLWithPath: directory).standardizedFileURL.path).inserted else { continue }
            let folderFiles = CauseLoader.read(directory: directory)
            let files = folderFiles.files.filter { !builtInTexts.contains($0.text) }
            result.diagnostics += folderFiles.diagnostics
            result.localTexts += files.map(\.text)
            layers.append(files)
        }
        for files in layers {
            let loaded = CauseLoader.load(files: files)
            result.diagnostics += loaded.diagnostics
            result.overlay(loaded.causes)
        }
        return result
    }

    /// Replaces, in place, each lower cause that `layer` defines again (once), and appends the rest.
    mutating func overlay(_ layer: [CauseDefinition]) {
        var below: [String: Int] = [:]
        for (index, cause) in causes.enumerated() where below[cause.id] == nil { below[cause.id] = index }
        var replaced = Set<Int>()
        for cause in layer {
            if let index = below[cause.id], replaced.insert(index).inserted {
                overrides.append(CauseOverride(id: cause.id, source: cause.source, replacedSource: causes[index].source))
                causes[index] = cause
            } else {
                causes.append(cause)
            }
        }
    }
}
