import Diagnosis
public import EventImport

/// What the engineer knows about the failure: the machines, the time and the ticket; every name
/// checked to be safe inside a generated script (`ScriptSafeName`).
public struct CollectionRequest: Sendable, Hashable {
    /// The host the client connected to.
    public var host: String?
    /// The client machine.
    public var client: String?
    /// The RD Gateway the connection goes through, if any.
    public var gateway: String?
    /// The failure time (UTC); nil when unknown.
    public var time: EventTimestamp?
    /// The ticket id, which names the zip.
    public var ticket: String?

    /// A request; throws when a name has a character a script could interpret.
    public init(
        host: String? = nil, client: String? = nil, gateway: String? = nil, time: EventTimestamp? = nil, ticket: String? = nil
    ) throws(CollectionError) {
        for (option, name) in [("--host", host), ("--client", client), ("--gateway", gateway)] {
            if let name, !ScriptSafeName.isMachine(name) {
                throw CollectionError("\(option) must be a machine name or address (letters, digits, '.', '_', '-')")
            }
        }
        if let ticket, !ScriptSafeName.isTicket(ticket) {
            throw CollectionError("--ticket must be a ticket id such as RT-1234 or INC0012345 (letters, digits, '.', '_', '-', '#')")
        }
        self.host = host
        self.client = client
        self.gateway = gateway
        self.time = time
        self.ticket = ticket
    }

    /// The start of the zip's name: the ticket, or `rdpcause-logs`.
    var baseName: String { ticket ?? "rdpcause-logs" }

    /// The part of a machine name Windows puts in `COMPUTERNAME` (the first label, upper case);
    /// nil for an address, which `COMPUTERNAME` never is.
    static func computerName(_ machine: String?) -> String? {
        guard let machine, !machine.allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
        return machine.split(separator: ".").first.map { $0.uppercased() }
    }
}

extension CollectionRequest {
    /// The UTC failure time from `--time`: ISO 8601 with seconds and a zone (`Z` or `±HH:MM`), or
    /// without a zone when `utcOffsetSeconds` says which one. A script cannot guess a zone: the
    /// client and the host may be in different ones.
    public static func failureTime(_ text: String, utcOffsetSeconds: Int?) throws(CollectionError) -> EventTimestamp {
        let example = "e.g. 2026-03-24T17:12:40-04:00 or 2026-03-24T21:12:40Z"
        let scalars = Array(text.unicodeScalars)
        let hasZone: Bool
        if let last = scalars.last, last == "Z" || last == "z" {
            hasZone = true
        } else if scalars.count >= 25 {
            let tail = scalars.suffix(6)
            hasZone = (tail.first == "+" || tail.first == "-") && tail.dropFirst(3).first == ":"
        } else {
            hasZone = false
        }
        if hasZone && utcOffsetSeconds != nil {
            throw CollectionError("--time \(text) has its own zone; leave out --utc-offset")
        }
        guard hasZone || utcOffsetSeconds != nil else {
            throw CollectionError("--time \(text) has no zone: end it with Z or an offset (\(example)), or give --utc-offset")
        }
        guard let parsed = EventTimestamp(iso8601: text) else {
            throw CollectionError("--time \(text) is not an ISO 8601 date and time with seconds (\(example))")
        }
        return EventTimestamp(ticks: parsed.ticks - Int64(utcOffsetSeconds ?? 0) * EventTimestamp.ticksPerSecond)
    }
}
