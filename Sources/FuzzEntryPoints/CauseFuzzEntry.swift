import Diagnosis

/// The cause-definition loader (`Rules/causes/*.yml`).
public enum CauseFuzzEntry {
    /// Runs one input: the bytes as UTF-8 YAML, loaded as cause definitions.
    public static func run(_ input: [UInt8]) {
        let loaded = CauseLoader.load(yaml: String(decoding: input, as: UTF8.self), source: "fuzz.yml")
        for diagnostic in loaded.diagnostics {
            _ = diagnostic.description
        }
    }
}
