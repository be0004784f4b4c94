import Foundation
import PackagePlugin

/// Generates the `Embedded` target's sources at build time: the rule pack (`Rules/sigma`,
/// `Rules/causes`) and the git commit the binary is built from.
///
/// Each rule file is an input of the rule command, so editing, adding or removing a rule
/// regenerates the pack on the next build. The commit command's inputs are the checkout's `HEAD`
/// and its reflog, which git rewrites on every commit, checkout and reset.
@main
struct EmbedPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let tool = try context.tool(named: "EmbedTool").url
        let root = context.package.directoryURL
        let rules = root.appending(path: "Rules")
        let output = context.pluginWorkDirectoryURL
        let ruleFiles = RuleFileList(rules: rules).files
        let rulesSource = output.appending(path: "EmbeddedRuleFiles.swift")
        let commitSource = output.appending(path: "EmbeddedCommit.swift")
        return [
            .buildCommand(
                displayName: "Embedding the rule pack (\(ruleFiles.count) files)",
                executable: tool,
                arguments: ["rules", rules.path, rulesSource.path] + ruleFiles.map(\.path),
                inputFiles: ruleFiles,
                outputFiles: [rulesSource]),
            .buildCommand(
                displayName: "Embedding the git commit",
                executable: tool,
                arguments: ["commit", root.path, commitSource.path],
                inputFiles: GitState(root: root).files,
                outputFiles: [commitSource]),
        ]
    }
}

/// The rule files the binary carries, as the loaders read a rule folder: every `.yml`/`.yaml`
/// below `sigma` (recursively, any case), and those directly in `causes`; hidden entries are skipped.
struct RuleFileList {
    /// The files, sorted by path.
    let files: [URL]

    init(rules: URL) {
        var files: [URL] = []
        let manager = FileManager.default
        if let enumerator = manager.enumerator(
            at: rules.appending(path: "sigma"), includingPropertiesForKeys: [.isRegularFileKey],
            options: [.skipsHiddenFiles])
        {
            for case let url as URL in enumerator where Self.isRuleFile(url, name: url.lastPathComponent.lowercased()) {
                files.append(url)
            }
        }
        let causes = rules.appending(path: "causes")
        let names = (try? manager.contentsOfDirectory(atPath: causes.path)) ?? []
        for name in names where !name.hasPrefix(".") {
            let url = causes.appending(path: name)
            if Self.isRuleFile(url, name: name) { files.append(url) }
        }
        self.files = files.sorted { $0.path < $1.path }
    }

    /// A regular file whose `name` ends in `.yml` or `.yaml` (the Sigma loader ignores case, the
    /// cause loader does not, so callers pass the name as their loader compares it).
    private static func isRuleFile(_ url: URL, name: String) -> Bool {
        guard name.hasSuffix(".yml") || name.hasSuffix(".yaml") else { return false }
        return (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
    }
}

/// The files git rewrites when the checked-out commit changes: `HEAD` and `logs/HEAD` of the
/// checkout's git directory (`.git`, or the folder a worktree's `.git` file names). Empty outside
/// a git checkout (a source archive), where the commit is recorded as unknown.
struct GitState {
    /// Those of the files that exist.
    let files: [URL]

    init(root: URL) {
        let dotGit = root.appending(path: ".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) else {
            files = []
            return
        }
        var gitDirectory = dotGit
        if !isDirectory.boolValue {
            // A worktree or submodule: the file reads `gitdir: <path>`.
            let text = (try? String(contentsOf: dotGit, encoding: .utf8)) ?? ""
            let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            guard line.hasPrefix("gitdir:") else {
                files = []
                return
            }
            let path = line.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
            gitDirectory = path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appending(path: path)
        }
        files = ["HEAD", "logs/HEAD"].map { gitDirectory.appending(path: $0) }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
    }
}
