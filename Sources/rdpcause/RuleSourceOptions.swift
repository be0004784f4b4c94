import ArgumentParser
import Diagnosis
import EventImport
import Foundation

/// `--rules DIR` (repeatable) and `--no-builtin-rules`: where every command that uses rules takes
/// them from (resolved by `RuleSources`: the built-in pack, then `RDPCAUSE_RULES`, then `--rules`).
struct RuleSourceOptions: ParsableArguments {
    @Option(
        name: .customLong("rules"),
        help: ArgumentHelp(
            "A rule folder laid over the built-in pack (repeatable; after RDPCAUSE_RULES): its Sigma rules and causes/ replace built-in ones with the same id or name.",
            valueName: "dir"),
        completion: .directory)
    var folders: [String] = []

    @Flag(name: .customLong("no-builtin-rules"), help: "Leave out the rule pack built into rdpcause (use only RDPCAUSE_RULES and --rules).")
    var noBuiltinRules = false

    func validate() throws {
        for folder in folders where !FileManager.default.fileExists(atPath: folder) {
            throw ValidationError("--rules \(folder): no such folder or file")
        }
    }

    /// The sources: these options, with `extra` command-line folders after `--rules`.
    func sources(adding extra: [String] = []) throws -> RuleSources {
        let sources = RuleSources.resolve(commandLine: folders + extra, builtIn: !noBuiltinRules)
        if sources.folders.isEmpty && !sources.includesBuiltIn {
            throw ValidationError("--no-builtin-rules leaves no rules: name a folder with --rules DIR or RDPCAUSE_RULES")
        }
        return sources
    }
}

/// Prints, once, each rule or cause of a higher source that replaced a lower one.
func printOverrides(_ overrides: [String], to errors: BufferedOutput) {
    for line in overrides { errors.write("note: \(line)\n") }
}
