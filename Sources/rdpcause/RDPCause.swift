import ArgumentParser

/// The `rdpcause` command line: a thin front over the library targets.
@main
struct RDPCause: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rdpcause",
        abstract: "Explain why a Remote Desktop connection failed with error 0x904 / extended 0x7.",
        version: VersionText.text,
        subcommands: [
            AnalyzeCommand.self, ExplainCommand.self, EventsCommand.self, HuntCommand.self, RulesCommand.self,
            WatchCommand.self, AttachCommand.self, CollectScriptCommand.self,
        ]
    )
}
