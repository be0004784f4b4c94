import Foundation

/// What `rdpcause tickets check` found out about one ticket: one line per capability, each with
/// the ticket system's own words when it refused.
public struct TicketCheck: Sendable, Hashable {
    /// The answer to one question.
    public enum Answer: String, Sendable, Hashable {
        /// The system said yes.
        case yes
        /// The system said no (``Item/detail`` holds its error text).
        case no
        /// The system offers no way to ask before posting.
        case unknown
    }

    /// One capability and the answer.
    public struct Item: Sendable, Hashable {
        /// The question, e.g. `find the ticket`.
        public var capability: String
        /// The answer.
        public var answer: Answer
        /// What the system said (its error text, cut to 300 characters), or what was found.
        public var detail: String

        /// Creates an item.
        public init(capability: String, answer: Answer, detail: String) {
            self.capability = capability
            self.answer = answer
            self.detail = detail
        }
    }

    /// The system's short name.
    public var system: String
    /// The ticket as given.
    public var ticket: String
    /// The answers, in the order they were asked.
    public var items: [Item]
    /// The failure that stopped the check before the ticket could be read: no connection, or
    /// authentication refused (HTTP 401/403 on the first call).
    public var unavailable: TicketError?

    /// Creates a report.
    public init(system: String, ticket: String, items: [Item] = [], unavailable: TicketError? = nil) {
        self.system = system
        self.ticket = ticket
        self.items = items
        self.unavailable = unavailable
    }

    /// Whether every question was answered yes (or cannot be asked) and the system was reachable.
    public var passed: Bool { unavailable == nil && !items.contains { $0.answer == .no } }

    /// The report as lines: `yes|no|unknown  capability: detail`.
    public var lines: [String] {
        var result = ["\(system) ticket \(ticket):"]
        if let unavailable { result.append("  no       reach and authenticate: \(unavailable.description)") }
        for item in items {
            let answer = item.answer.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            result.append("  \(answer) \(item.capability)" + (item.detail.isEmpty ? "" : ": \(item.detail)"))
        }
        return result
    }

    /// Runs the first call of a check: a failure to connect or a refused authentication ends the
    /// check (``unavailable``); any other failure becomes a `no` item for `capability`.
    /// Returns the response on success.
    mutating func ask(
        _ capability: String, first: Bool, _ call: () throws(TicketError) -> HTTPResponse
    ) -> HTTPResponse? {
        do {
            return try call()
        } catch {
            if first && (error.status == nil || error.status == 401 || error.status == 403) {
                unavailable = error
            } else {
                items.append(Item(capability: capability, answer: .no, detail: error.description))
            }
            return nil
        }
    }
}
