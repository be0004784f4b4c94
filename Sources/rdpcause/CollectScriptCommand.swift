import ArgumentParser
import Diagnosis
import Embedded
import EventImport
import LogCollection

/// `rdpcause collect-script`: print the script that collects the event logs rdpcause reads.
struct CollectScriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect-script",
        abstract: "Print a PowerShell (or cmd.exe) script that collects the event logs rdpcause reads, on the client and on the host (and on an RD Gateway).",
        discussion: """
            The script exports, with `wevtutil qe <channel> /q:<XPath> /f:xml /e:Events /uni:true`, exactly the \
            channels the rule pack reads on each machine (the client's RDPClient log among them), over a window \
            around the failure (at least an hour either side, further where a cause looks further back), and \
            zips them as <ticket>-<COMPUTERNAME>.zip next to the script. It tells the client, the host and the \
            RD Gateway apart by COMPUTERNAME (the first label of --client, --host and --gateway); elsewhere it \
            collects the client's and the host's logs (or pass -Role client|host|gateway|both, or the same word \
            to the batch). Put the zips in one folder and run `rdpcause analyze` on it. Without --time, the last \
            24 hours are collected.

            Save the output with Windows line endings as it is printed, e.g.
              rdpcause collect-script --host RDSH-01 --client LAPTOP-7 --time 2026-03-24T17:12:40-04:00 --ticket RT-1234 > collect.ps1

            Exit status: the scheme common to every command (see `rdpcause --help`).
            """
    )

    @Option(help: "The host the client connected to (its name, FQDN or address).")
    var host: String?

    @Option(help: "The client machine.")
    var client: String?

    @Option(help: "The RD Gateway the connection goes through, if any: the script collects its log there.")
    var gateway: String?

    @Option(help: "The failure time: ISO 8601 with seconds and a zone (Z or an offset such as -04:00).")
    var time: String?

    @Option(help: ArgumentHelp("The zone of a --time without one, e.g. +02:00 or -5.", valueName: "offset"))
    var utcOffset: String?

    @Option(help: "The ticket id; it names the zip (and so the case).")
    var ticket: String?

    @Flag(help: "Print a cmd.exe batch file instead of a PowerShell script.")
    var cmd = false

    @OptionGroup var rules: RuleSourceOptions

    mutating func run() throws {
        let output = BufferedOutput(descriptor: 1)
        let errors = BufferedOutput(descriptor: 2)
        defer {
            output.flush()
            errors.flush()
        }
        let offset: Int?
        if let utcOffset {
            guard let seconds = UTCOffsetText.seconds(utcOffset) else {
                throw ValidationError(UTCOffsetText.refusal(utcOffset))
            }
            offset = seconds
        } else {
            offset = nil
        }
        let pack = RulePack.load(try rules.sources())
        for diagnostic in pack.causeDiagnostics where diagnostic.severity == "error" { errors.writeLine(diagnostic.description) }
        do {
            let failure = try time.map { text throws(CollectionError) in try CollectionRequest.failureTime(text, utcOffsetSeconds: offset) }
            let request = try CollectionRequest(host: host, client: client, gateway: gateway, time: failure, ticket: ticket)
            let script = CollectScript(
                plan: try CollectionPlan(pack: pack), request: request,
                generator: "rdpcause \(BuildIdentity.versionWithCommit), rules \(pack.version)")
            output.write(script.render(cmd ? .cmd : .powerShell))
        } catch {
            throw ValidationError(error.description)
        }
    }
}
