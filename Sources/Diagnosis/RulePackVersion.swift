import Dispatch
import Embedded
import Synchronization
import Tickets

/// The version of a rule pack: a content digest, so two runs with the same rules carry the same
/// version and any edit changes it.
///
/// The built-in pack's version is the first 12 hex digits of a SHA-256 over its files' texts;
/// rules read from folders add `+local.` and the digest of their texts (`3fa9c2e1b7d0+local.9be1d0c3a2f4`);
/// without the built-in pack it is `local.` and that digest alone.
public enum RulePackVersion {
    /// The version of the pack compiled into rdpcause.
    public static let builtIn: String = digest(EmbeddedRulePack.files.map(\.text))

    /// The version of a pack made of the built-in pack (when `builtIn`) and files with `localTexts`.
    public static func make(builtIn includesBuiltIn: Bool, localTexts: [String]) -> String {
        let local = localTexts.isEmpty ? nil : "local." + digest(localTexts)
        switch (includesBuiltIn, local) {
        case (true, nil): return builtIn
        case (true, let local?): return builtIn + "+" + local
        case (false, let local?): return local
        case (false, nil): return "none"
        }
    }

    /// The first 12 hex digits of a SHA-256 over the sorted SHA-256s of `texts` (independent of
    /// their order and of where the files lie).
    ///
    /// The texts are hashed on every core: this runs after the rules are parsed and before the
    /// first case can start (17 million instructions for the `Rules/` folder).
    static func digest(_ texts: [String]) -> String {
        let hashes = Mutex([String](repeating: "", count: texts.count))
        DispatchQueue.concurrentPerform(iterations: texts.count) { position in
            let hash = SHA256.hex(of: Array(texts[position].utf8))
            hashes.withLock { $0[position] = hash }
        }
        let each = hashes.withLock { $0 }.sorted()
        return String(SHA256.hex(of: Array(each.joined(separator: "\n").utf8)).prefix(12))
    }
}
