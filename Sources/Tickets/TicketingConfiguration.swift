public import Foundation

/// Where and how findings are delivered. Credentials come from the environment or a YAML file,
/// never from the command line; ``description`` never shows them.
///
/// Environment (overrides the file): `RDPCAUSE_TICKET_SYSTEM` (`rt`, `jira`, `zendesk`,
/// `servicenow`, `webhook`), then per system `RDPCAUSE_<SYSTEM>_URL`, `…_TOKEN`, `…_USER`,
/// `…_PASSWORD` (e.g. `RDPCAUSE_RT_URL`, `RDPCAUSE_RT_TOKEN`), and `RDPCAUSE_TICKET_PATTERN`.
/// When only `RDPCAUSE_RT_URL` (or another system's URL) is set, that system is chosen.
///
/// File (`--config FILE`, YAML):
/// ```yaml
/// system: rt
/// url: http://127.0.0.1:8080
/// token: 1-14-…          # or user + password
/// ticketPatterns: ['\bRT-?(\d+)\b']
/// servicenowTable: incident
/// jiraServiceDesk: true  # Jira Service Management: post internal comments
/// ```
public struct TicketingConfiguration: Sendable, CustomStringConvertible {
    /// The system's short name.
    public var system: String
    /// The base URL (for the webhook: the URL posted to).
    public var url: String
    /// An API token (RT auth token, Jira/Zendesk API token, webhook bearer secret).
    public var token: String?
    /// A user name or e-mail, for basic authentication.
    public var user: String?
    /// A password, for basic authentication.
    public var password: String?
    /// Ticket patterns (regular expressions); empty means ``TicketFinder/defaultPatterns``.
    public var ticketPatterns: [String]
    /// The ServiceNow table (default `incident`).
    public var serviceNowTable: String
    /// `true` when the Jira project is a Jira Service Management service desk: comments are posted
    /// internal (`sd.public.comment`), never visible to the customer.
    public var jiraServiceDesk: Bool
    /// Retry policy for transient failures.
    public var retry: RetryPolicy
    /// Per-request timeout in seconds.
    public var timeout: Double

    /// The known systems.
    public static let systems = ["rt", "jira", "zendesk", "servicenow", "webhook"]

    /// Creates a configuration.
    public init(
        system: String, url: String, token: String? = nil, user: String? = nil, password: String? = nil,
        ticketPatterns: [String] = [], serviceNowTable: String = "incident", jiraServiceDesk: Bool = false, retry: RetryPolicy = RetryPolicy(),
        timeout: Double = 30
    ) {
        self.system = system
        self.url = url
        self.token = token
        self.user = user
        self.password = password
        self.ticketPatterns = ticketPatterns
        self.serviceNowTable = serviceNowTable
        self.jiraServiceDesk = jiraServiceDesk
        self.retry = retry
        self.timeout = timeout
    }

    /// The system, its URL with any `user:password@` masked, and the kind of credentials (never their value).
    public var description: String {
        "\(system) at \(RedactedURL(url)) (credentials: \(token != nil ? "token" : user != nil ? "user and password" : "none"))"
    }

    /// Loads the configuration from `file` (optional) and the environment. Returns `nil` when no
    /// system is configured at all. Errors in the file are reported as `file:line:column: reason`
    /// and never quote the file's content (see ``ConfigurationFile``).
    public static func load(
        file: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(TicketError) -> TicketingConfiguration? {
        let parsed = try file.map { path throws(TicketError) in try ConfigurationFile.read(path) } ?? ConfigurationFile()
        var system = environment["RDPCAUSE_TICKET_SYSTEM"] ?? parsed.system
        if system == nil {
            system = systems.first { environment["RDPCAUSE_\($0.uppercased())_URL"] != nil }
        }
        guard let system = system?.lowercased() else { return nil }
        guard systems.contains(system) else {
            throw TicketError(
                request: "configuration", status: nil,
                message: "unknown ticket system \(system) (known: \(systems.joined(separator: ", ")))")
        }
        let prefix = "RDPCAUSE_\(system.uppercased())_"
        guard let url = environment[prefix + "URL"] ?? parsed.url else {
            throw TicketError(request: "configuration", status: nil, message: "no URL for \(system): set \(prefix)URL or url:")
        }
        var patterns = parsed.ticketPatterns ?? []
        if let pattern = environment["RDPCAUSE_TICKET_PATTERN"] { patterns = [pattern] }
        return TicketingConfiguration(
            system: system, url: url, token: environment[prefix + "TOKEN"] ?? parsed.token,
            user: environment[prefix + "USER"] ?? parsed.user, password: environment[prefix + "PASSWORD"] ?? parsed.password,
            ticketPatterns: patterns, serviceNowTable: parsed.servicenowTable ?? "incident",
            jiraServiceDesk: parsed.jiraServiceDesk ?? false,
            retry: RetryPolicy(maxAttempts: parsed.retries ?? 4), timeout: parsed.timeout ?? 30)
    }

    /// The ticket finder for the configured patterns.
    public func makeFinder() throws(TicketError) -> TicketFinder {
        try TicketFinder(patterns: ticketPatterns.isEmpty ? TicketFinder.defaultPatterns : ticketPatterns)
    }

    /// The ticket named by `text` as the user typed it (`RT-1234`, `#1234`, `INC0012345`, a bare id):
    /// found by the configured patterns, or taken as it is (always as it is for a Jira key).
    public func reference(for text: String) throws(TicketError) -> TicketReference {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard system != "jira" else { return TicketReference(raw: trimmed, id: trimmed) }
        return try makeFinder().find(in: trimmed) ?? TicketReference(raw: trimmed, id: trimmed)
    }

    /// The client for the configured system; with `recorder` (a dry run) it sends nothing and
    /// records its requests there instead.
    public func makeClient(recorder: RequestRecorder? = nil) throws(TicketError) -> any TicketClient {
        func basic() -> String? {
            guard let user else { return nil }
            let secret: String
            if system == "zendesk", let token { return "Basic " + Data("\(user)/token:\(token)".utf8).base64EncodedString() }
            secret = password ?? token ?? ""
            return "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString()
        }
        func required() throws(TicketError) -> String {
            if let header = basic() { return header }
            if let token { return (system == "rt" ? "token " : "Bearer ") + token }
            throw TicketError(
                request: "configuration", status: nil,
                message: "no credentials for \(system): set RDPCAUSE_\(system.uppercased())_TOKEN or _USER and _PASSWORD")
        }
        switch system {
        case "rt": return RequestTrackerClient(baseURL: url, authorization: try required(), retry: retry, timeout: timeout, recorder: recorder)
        case "jira":
            return JiraClient(
                baseURL: url, authorization: try required(), serviceDesk: jiraServiceDesk, retry: retry, timeout: timeout, recorder: recorder)
        case "zendesk": return ZendeskClient(baseURL: url, authorization: try required(), retry: retry, timeout: timeout, recorder: recorder)
        case "servicenow":
            return ServiceNowClient(
                baseURL: url, authorization: try required(), table: serviceNowTable, retry: retry, timeout: timeout, recorder: recorder)
        default:
            return WebhookClient(url: url, authorization: basic() ?? token.map { "Bearer " + $0 }, retry: retry, timeout: timeout, recorder: recorder)
        }
    }
}
