import Foundation

/// Writes the `Embedded` target's generated Swift sources (run by `EmbedPlugin` at build time).
///
///     EmbedTool rules <rules-folder> <output.swift> <rule-file>…
///     EmbedTool commit <checkout> <output.swift>
///
/// `rules` embeds each file's text under its path relative to the rules folder; a file that is not
/// UTF-8 text stops the build with its path. `commit` records `git rev-parse HEAD`, or nil outside
/// a git checkout.
@main
enum EmbedTool {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            switch arguments.first {
            case "rules" where arguments.count >= 3:
                let source = try RuleFilesSource.generate(root: arguments[1], files: Array(arguments.dropFirst(3)))
                try writeIfChanged(source, to: arguments[2])
            case "commit" where arguments.count == 3:
                try writeIfChanged(CommitSource.generate(checkout: arguments[1]), to: arguments[2])
            default:
                throw EmbedError("usage: EmbedTool rules <rules-folder> <output.swift> <file>… | commit <checkout> <output.swift>")
            }
        } catch {
            FileHandle.standardError.write(Data("EmbedTool: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Writes `text` unless the file already holds it, so an unchanged pack does not recompile.
    static func writeIfChanged(_ text: String, to path: String) throws {
        let data = Data(text.utf8)
        if FileManager.default.contents(atPath: path) == data { return }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw EmbedError("\(path): cannot be written: \(error.localizedDescription)")
        }
    }
}

/// A failure that stops the build, with the reason.
struct EmbedError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
