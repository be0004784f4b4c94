public import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The local Request Tracker 5 brought up by `scripts/rt5-up.sh` (connection details in
/// `/var/lib/rt5-up/env`), or `nil` with the reason it is not usable.
public struct RTEnvironment: Sendable {
    /// The server's base URL.
    public var url: String
    /// An auth token of the root user.
    public var token: String

    static let envFile = "/var/lib/rt5-up/env"

    /// The running RT, when `rt5-up.sh` ran and the server answers with the token.
    public static let current: RTEnvironment? = {
        guard let text = try? String(contentsOfFile: envFile, encoding: .utf8) else {
            print("RT5 integration tests SKIPPED: \(envFile) not found — run scripts/rt5-up.sh (as root) first")
            return nil
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let pair = line.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { values[pair[0]] = pair[1] }
        }
        guard let url = values["RT_URL"], let token = values["RT_TOKEN"] else {
            print("RT5 integration tests SKIPPED: \(envFile) lacks RT_URL or RT_TOKEN")
            return nil
        }
        let environment = RTEnvironment(url: url, token: token)
        guard (try? environment.get("/rt")) != nil else {
            print("RT5 integration tests SKIPPED: RT at \(url) does not answer — run scripts/rt5-up.sh start")
            return nil
        }
        return environment
    }()

    /// Whether RT5 is up.
    public static var isAvailable: Bool { current != nil }

    /// One REST2 request: (status, parsed JSON).
    public func request(_ method: String, _ path: String, json: Any? = nil) throws -> (Int, Any?) {
        guard let target = URL(string: url + "/REST/2.0" + path) else { throw URLError(.badURL) }
        var request = URLRequest(url: target, timeoutInterval: 60)
        request.httpMethod = method
        request.setValue("token \(token)", forHTTPHeaderField: "Authorization")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, _ in
            box.set((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())
            done.signal()
        }.resume()
        done.wait()
        let (status, data) = box.get()
        return (status, try? JSONSerialization.jsonObject(with: data))
    }

    /// A GET that must answer 200.
    public func get(_ path: String) throws -> Any? {
        let (status, body) = try request("GET", path)
        guard status == 200 else { throw URLError(.badServerResponse) }
        return body
    }

    /// Creates a ticket in General and returns its id.
    public func createTicket(subject: String) throws -> String {
        let (status, body) = try request(
            "POST", "/ticket", json: ["Queue": "General", "Subject": subject, "Content": "test", "ContentType": "text/plain"])
        guard status == 201, let id = (body as? [String: Any])?["id"] else { throw URLError(.badServerResponse) }
        return "\(id)"
    }

    /// The Comment transactions of a ticket whose data (subject) holds `marker`.
    public func comments(ticket: String, marker: String) throws -> [String] {
        let body = try get("/ticket/\(ticket)/history?per_page=100&fields=Type,Data") as? [String: Any]
        let items = body?["items"] as? [[String: Any]] ?? []
        return items.filter { ($0["Type"] as? String) == "Comment" && (($0["Data"] as? String)?.contains(marker) ?? false) }
            .compactMap { $0["id"].map { "\($0)" } }
    }

    /// The attachments of one transaction: filename → bytes (the body part has an empty name).
    public func attachments(transaction: String) throws -> [(name: String, type: String, data: Data)] {
        let list = try get("/transaction/\(transaction)/attachments?per_page=100&fields=Filename,ContentType") as? [String: Any]
        var result: [(String, String, Data)] = []
        for item in list?["items"] as? [[String: Any]] ?? [] {
            guard let id = item["id"].map({ "\($0)" }),
                let attachment = try get("/attachment/\(id)") as? [String: Any]
            else { continue }
            let content = Data(base64Encoded: attachment["Content"] as? String ?? "", options: .ignoreUnknownCharacters) ?? Data()
            result.append((attachment["Filename"] as? String ?? "", attachment["ContentType"] as? String ?? "", content))
        }
        return result.map { (name: $0.0, type: $0.1, data: $0.2) }
    }
}

private final class Box: @unchecked Sendable {
    // @unchecked: set once before the semaphore is signalled, read after the wait.
    private let lock = NSLock()
    private var value: (Int, Data) = (0, Data())
    func set(_ status: Int, _ data: Data) { lock.lock(); value = (status, data); lock.unlock() }
    /// A GET that must answer 200.
    public func get() -> (Int, Data) { lock.lock(); defer { lock.unlock() }; return value }
}
