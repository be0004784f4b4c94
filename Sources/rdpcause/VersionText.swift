import Diagnosis
import Embedded

/// What `rdpcause --version` prints: the version, the git commit and the built-in rule pack's version.
enum VersionText {
    /// Three lines: `rdpcause 0.1.0`, `commit <id>`, `rules <version> (built in: …)`.
    static var text: String {
        let sigma = EmbeddedRulePack.sigmaFiles.count
        let causes = EmbeddedRulePack.causeFiles.count
        return """
            rdpcause \(BuildIdentity.version)
            commit \(BuildIdentity.commit ?? "unknown (not built from a git checkout)")
            rules \(RulePackVersion.builtIn) (built in: \(sigma) Sigma rule files, \(causes) cause files)
            """
    }
}
