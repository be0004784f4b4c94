import ArgumentParser
import Foundation
import Tickets

/// The `rdpcause` command line: a thin front over the library targets.
@main
struct RDPCause: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rdpcause",
        abstract: "Explain why a Remote Desktop connection failed with error 0x904 / extended 0x7.",
        discussion: ExitStatus.help,
        version: VersionText.text,
        subcommands: [
            AnalyzeCommand.self, ExplainCommand.self, EventsCommand.self, HuntCommand.self, RulesCommand.self,
            WatchCommand.self, AttachCommand.self, TicketsCommand.self, CollectScriptCommand.self, SummaryCommand.self,
        ]
    )

    /// Parses and runs like ArgumentParser's own `main`, with two differences: a misspelt
    /// subcommand gets a suggestion, and an error found while running (a `ValidationError` from
    /// `run`) prints the usage of the subcommand that ran, not the root's.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, let message = CommandSpelling.unknown(first, among: configuration.subcommands) {
            FileHandle.standardError.write(Data("Error: \(message)\nUsage: \(usageString())\n  See 'rdpcause --help' for more information.\n".utf8))
            Foundation.exit(ExitStatus.usage)
        }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch let error as ValidationError {
            let type = Swift.type(of: command)
            let path = CommandSpelling.path(of: type, from: self).joined(separator: " ")
            FileHandle.standardError.write(
                Data("Error: \(error.message)\nUsage: \(usageString(for: type))\n  See '\(path) --help' for more information.\n".utf8))
            Foundation.exit(ExitStatus.usage)
        } catch {
            exit(withError: error)
        }
    }
}

/// Subcommand names as typed: the nearest known name to a misspelt one, and a command's path.
enum CommandSpelling {
    /// "unknown command 'analze'; did you mean 'analyze'?" when `word` looks like a misspelt
    /// subcommand (not an option, not a known name or alias, near one), else `nil`.
    static func unknown(_ word: String, among commands: [any ParsableCommand.Type]) -> String? {
        guard !word.hasPrefix("-"), word != "help" else { return nil }
        let names = commands.flatMap { type in
            [type.configuration.commandName ?? ""] + type.configuration.aliases
        }
        guard !names.contains(word), let nearest = NearestName.closest(to: word, in: names) else { return nil }
        return "unknown command '\(word)'; did you mean '\(nearest)'?"
    }

    /// The names from the root to `type` (`["rdpcause", "rules", "test"]`).
    static func path(of type: any ParsableCommand.Type, from root: any ParsableCommand.Type) -> [String] {
        let name = root.configuration.commandName ?? ""
        if ObjectIdentifier(type) == ObjectIdentifier(root) { return [name] }
        for child in root.configuration.subcommands {
            let below = path(of: type, from: child)
            if !below.isEmpty { return [name] + below }
        }
        return []
    }
}
