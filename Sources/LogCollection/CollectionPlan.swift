public import Diagnosis
import EventImport
import SigmaKit

/// The event logs to collect on the client, on the host and on an RD Gateway, and how far around
/// the failure each export must reach: exactly the channels the rule pack reads.
///
/// A channel is collected on a machine when a cause needs it there, or when a rule that a cause
/// looks for on that machine reads it; the client's `RDPClient/Operational` log is always
/// collected. Each export reaches at least an hour before and after the failure (so it shows that
/// the log covers the failure, and absorbs clock skew), further when an evidence window or a
/// lookback of a cause that reads the channel does (a client update regression also reads the
/// client's own failures before the update it looks for).
public struct CollectionPlan: Sendable, Hashable {
    /// One log to export.
    public struct Log: Sendable, Hashable {
        /// The channel, as in `System/Channel`.
        public var channel: String
        /// Seconds before the failure the export starts.
        public var secondsBefore: Int64
        /// Seconds after the failure the export ends.
        public var secondsAfter: Int64
        /// The ids of the causes that read it, sorted (`failure` for the client's own log).
        public var causes: [String]
    }

    /// The least an export reaches on either side of the failure, in seconds.
    public static let minimumReach: Int64 = 3600
    /// How far `interval` evidence is searched on either side of the failure, as the diagnoser does.
    static let intervalReach: Int64 = 2 * 86_400
    /// The client's own log of connection attempts.
    public static let clientLog = "Microsoft-Windows-TerminalServices-RDPClient/Operational"

    /// The logs of the client, sorted by channel.
    public var client: [Log]
    /// The logs of the host, sorted by channel.
    public var host: [Log]
    /// The logs of an RD Gateway the connection goes through, sorted by channel.
    public var gateway: [Log]

    /// The plan for a rule pack. Throws when a channel has a character no script may carry.
    public init(pack: RulePack) throws(CollectionError) {
        var logs: [CauseDefinition.Machine: [String: Log]] = [:]
        func add(_ machine: CauseDefinition.Machine, _ channel: String, before: Int64, after: Int64, cause: String) {
            var log = logs[machine]?[channel] ?? Log(channel: channel, secondsBefore: Self.minimumReach, secondsAfter: Self.minimumReach, causes: [])
            log.secondsBefore = max(log.secondsBefore, before)
            log.secondsAfter = max(log.secondsAfter, after)
            if !log.causes.contains(cause) { log.causes = (log.causes + [cause]).sorted() }
            logs[machine, default: [:]][channel] = log
        }
        let channels = pack.ruleChannels
        for cause in pack.causes {
            for need in cause.needs { add(need.machine, need.channel, before: 0, after: 0, cause: cause.id) }
            for item in cause.evidence + cause.against {
                let seconds = { (ticks: Int64) in ticks / EventTimestamp.ticksPerSecond }
                let reach: (before: Int64, after: Int64)
                switch item.test {
                case .present, .absent: reach = (-seconds(item.window.start), seconds(item.window.end))
                case .latest(_, _, let lookback): reach = (seconds(lookback), seconds(item.window.end))
                case .interval: reach = (Self.intervalReach, Self.intervalReach)
                case .code: continue
                }
                for channel in Set(item.ruleNames.flatMap { channels[$0] ?? [] }) {
                    add(item.machine, channel, before: reach.before, after: reach.after, cause: cause.id)
                }
                if let regression = item.regression {
                    // The client's own failures from `within` before the earliest update it looks for.
                    add(.client, Self.clientLog, before: reach.before + seconds(regression.within), after: 0, cause: cause.id)
                }
            }
        }
        add(.client, Self.clientLog, before: 0, after: 0, cause: "failure")
        for log in logs.values.flatMap(\.values) where !Self.isSafeChannel(log.channel) {
            throw CollectionError("the channel \"\(log.channel)\" (read by \(log.causes.joined(separator: ", "))) has characters a script cannot carry")
        }
        client = (logs[.client] ?? [:]).values.sorted { $0.channel < $1.channel }
        host = (logs[.host] ?? [:]).values.sorted { $0.channel < $1.channel }
        gateway = (logs[.gateway] ?? [:]).values.sorted { $0.channel < $1.channel }
    }

    /// Letters, digits, space and `- _ . /`, as Windows channel names are written.
    static func isSafeChannel(_ channel: String) -> Bool {
        guard !channel.isEmpty, channel.count <= 255 else { return false }
        return channel.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || " -_./".unicodeScalars.contains(scalar)
        }
    }
}

/// Why no collection script can be written.
public struct CollectionError: Error, CustomStringConvertible {
    /// The reason.
    public let description: String

    init(_ description: String) { self.description = description }
}
