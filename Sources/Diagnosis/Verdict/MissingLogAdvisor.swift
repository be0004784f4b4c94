import EventImport
import Foundation

/// Says which logs a failure's diagnosis lacks, with the command that exports each for its machine.
struct MissingLogAdvisor {
    /// The host logs that matter most for this error, and why.
    static let basicHostChannels = [
        ("System", "Schannel, service, power and Remote Desktop certificate events"),
        ("Security", "logon successes and failures (4624/4625)"),
        ("Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational", "whether the connection reached the RDP listener (261, 1149)"),
        ("Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational", "the RDP stack's view of the connection (131, 139, 140)"),
        ("Microsoft-Windows-TerminalServices-LocalSessionManager/Operational", "session logon and shell start (21, 22)"),
    ]
    /// The client's own log.
    static let clientChannel = "Microsoft-Windows-TerminalServices-RDPClient/Operational"

    let index: CaseIndex
    let context: AttemptContext
    /// How far past its last event a log is still taken to cover a time.
    let coverageSlack: Int64

    /// Whether `channel` of `machine` covers `time`.
    func covers(_ channel: String, on machine: String?, at time: EventTimestamp) -> Bool {
        index.covers(channel, on: machine, from: time, through: time, slack: coverageSlack)
    }

    /// The log a cause needs, for its machine, around the failure.
    func missingLog(_ need: CauseDefinition.Need) -> MissingLog {
        let machine = context.display(need.machine) ?? "the \(need.machine.rawValue)"
        let time = context.time(on: need.machine)
        return MissingLog(
            machine: machine, channel: need.channel,
            reason: need.why.isEmpty ? "needed to assess the failure at \(time)" : need.why,
            command: Self.exportCommand(channel: need.channel, machine: machine, around: time))
    }

    /// When the verdict is open, the logs that matter most for this error, if the case lacks them.
    func basicLogs() -> [MissingLog] {
        var logs: [MissingLog] = []
        let hostTime = context.hostTime
        for (channel, why) in Self.basicHostChannels where !covers(channel, on: context.hostMachine, at: hostTime) {
            let machine = context.hostDisplay ?? "the host"
            logs.append(MissingLog(machine: machine, channel: channel, reason: why, command: Self.exportCommand(channel: channel, machine: machine, around: hostTime)))
        }
        if !covers(Self.clientChannel, on: context.clientMachine, at: context.time) {
            let machine = context.clientDisplay ?? "the client"
            logs.append(
                MissingLog(
                    machine: machine, channel: Self.clientChannel, reason: "the client's own record of the attempt (1024, 1026)",
                    command: Self.exportCommand(channel: Self.clientChannel, machine: machine, around: context.time)))
        }
        return logs
    }

    /// The `wevtutil` command that exports `channel` on `machine` for an hour either side of `time`,
    /// or for the last seven days when the failure has no time.
    static func exportCommand(channel: String, machine: String, around time: EventTimestamp?) -> String {
        // Machine names come from untrusted logs: only letters, digits, '.', '_' and '-' reach the
        // command line an engineer pastes; channels come from the rule pack.
        let safe = { (text: String) in
            String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        }
        let file = safe("\(machine)-\(channel.replacingOccurrences(of: "/", with: "-"))") + ".xml"
        let quotedChannel = channel.filter { $0 != "\"" && !$0.isNewline }
        guard let time else {
            // No time to centre on: the last seven days (timediff counts milliseconds back from now).
            return "wevtutil qe \"\(quotedChannel)\" /f:xml /e:Events /q:\"*[System[TimeCreated[timediff(@SystemTime) <= 604800000]]]\" > \(file)"
        }
        let from = EventTimestamp(ticks: time.ticks - 3600 * EventTimestamp.ticksPerSecond).iso8601(fractionDigits: 0)
        let to = EventTimestamp(ticks: time.ticks + 3600 * EventTimestamp.ticksPerSecond).iso8601(fractionDigits: 0)
        return "wevtutil qe \"\(quotedChannel)\" /f:xml /e:Events /q:\"*[System[TimeCreated[@SystemTime>='\(from)' and @SystemTime<='\(to)']]]\" > \(file)"
    }
}
