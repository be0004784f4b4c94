/// One rule file of the built-in pack.
public struct EmbeddedRuleFile: Sendable {
    /// The path below the rule folder, e.g. `sigma/rdp_cert_expired.yml` or `causes/host-asleep.yml`.
    public let path: String
    /// The file's text (without a byte order mark).
    public let text: String

    /// Creates a file entry.
    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

/// The rule pack compiled into rdpcause: the repository's `Rules/sigma` (recursively) and
/// `Rules/causes` as they were when the binary was built (see `EmbedPlugin`).
public enum EmbeddedRulePack {
    /// Every file, sorted by path.
    public static var files: [EmbeddedRuleFile] { generatedFiles }

    /// The Sigma rule files (below `sigma/`).
    public static var sigmaFiles: [EmbeddedRuleFile] { generatedFiles.filter { $0.path.hasPrefix("sigma/") } }

    /// The cause definition files (in `causes/`).
    public static var causeFiles: [EmbeddedRuleFile] { generatedFiles.filter { $0.path.hasPrefix("causes/") } }
}
