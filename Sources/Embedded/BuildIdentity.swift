/// What this build of rdpcause is: its release version and the git commit it was built from.
public enum BuildIdentity {
    /// The release version (the Debian package takes its version from here).
    public static let version = "0.1.0"

    /// The full git commit id the binary was built from; nil when it was built outside a git checkout.
    public static var commit: String? { generatedCommit }

    /// The version with the commit's first 12 digits as build metadata, e.g. `0.1.0+51a1803abcde`
    /// (just the version when the commit is unknown).
    public static var versionWithCommit: String {
        commit.map { "\(version)+\($0.prefix(12))" } ?? version
    }
}
