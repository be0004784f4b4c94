import Dispatch
public import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A failed ticket-system call: what was attempted, the HTTP status (when there was a response)
/// and whether trying again can help.
public struct TicketError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The request, e.g. `POST /REST/2.0/ticket/12/comment`.
    public var request: String
    /// The HTTP status, or `nil` for a transport failure (timeout, refused connection).
    public var status: Int?
    /// What went wrong (response bodies are cut to 300 characters; never contains credentials).
    public var message: String

    /// Creates an error.
    public init(request: String, status: Int?, message: String) {
        self.request = request
        self.status = status
        self.message = message
    }

    /// Transport failures, 5xx and 429 are worth retrying; other 4xx answers are not.
    public var isRetryable: Bool {
        guard let status else { return true }
        return status >= 500 || status == 429
    }

    public var description: String {
        "\(request): " + (status.map { "HTTP \($0): " } ?? "") + message
    }
}

/// An HTTP answer.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The body.
    public var body: Data
    /// The headers, names lower-cased.
    public var headers: [String: String]

    /// The body parsed as JSON, or `nil`.
    public var json: Any? { try? JSONSerialization.jsonObject(with: body) }
}

/// Exponential backoff for transient failures (transport errors, 5xx, 429); 4xx answers fail at once.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in total (at least 1).
    public var maxAttempts: Int
    /// The first pause, in seconds; each later pause doubles, up to `maxDelay`.
    public var initialDelay: Double
    /// The longest pause, in seconds.
    public var maxDelay: Double

    /// Creates a policy.
    public init(maxAttempts: Int = 4, initialDelay: Double = 0.5, maxDelay: Double = 8) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// The pause before attempt `attempt` (2, 3, …).
    public func delay(beforeAttempt attempt: Int) -> Double {
        min(maxDelay, initialDelay * pow(2, Double(max(0, attempt - 2))))
    }

    /// Runs `operation` until it succeeds, fails with a non-retryable error, or attempts run out.
    public func run<T>(_ operation: () throws(TicketError) -> T) throws(TicketError) -> T {
        var attempt = 1
        while true {
            do {
                return try operation()
            } catch {
                guard error.isRetryable, attempt < maxAttempts else { throw error }
                attempt += 1
                let pause = delay(beforeAttempt: attempt)
                if pause > 0 { usleep(useconds_t(pause * 1_000_000)) }
            }
        }
    }
}

/// A blocking HTTP client over `URLSession` (FoundationNetworking on Linux). Call it from a thread
/// that may block (the drop-folder workers and the CLI do), never from a Swift concurrency task.
public struct HTTPClient: Sendable {
    /// The base URL every path is appended to (no trailing slash).
    public var baseURL: String
    /// The `Authorization` header value, when the system uses one.
    var authorization: String?
    /// Per-request timeout in seconds.
    public var timeout: Double
    /// With a recorder (a dry run), requests are recorded there and never sent.
    public var recorder: RequestRecorder?

    /// Creates a client; `authorization` is sent as the `Authorization` header and never printed.
    /// With `recorder`, nothing is sent: see ``RequestRecorder``.
    public init(baseURL: String, authorization: String?, timeout: Double = 30, recorder: RequestRecorder? = nil) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.authorization = authorization
        self.timeout = timeout
        self.recorder = recorder
    }

    /// Sends one request and returns the answer for any status; throws only for transport failures.
    public func send(
        _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil
    ) throws(TicketError) -> HTTPResponse {
        let label = "\(method) \(Self.pathOnly(path))"
        guard let url = URL(string: baseURL + path) else {
            throw TicketError(request: label, status: nil, message: "not a valid URL")
        }
        if let recorder {
            recorder.record(planned(method, url: baseURL + path, headers: headers, body: body))
            return HTTPResponse(status: 200, body: RequestRecorder.placeholderAnswer, headers: [:])
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        request.httpBody = body
        let box = ResponseBox()
        let done = DispatchSemaphore(value: 0)
        let task = Self.session.dataTask(with: request) { data, response, error in
            box.set(data: data, response: response as? HTTPURLResponse, error: error)
            done.signal()
        }
        task.resume()
        done.wait()
        let (data, response, error) = box.get()
        if let error {
            throw TicketError(request: label, status: nil, message: redacted(error.localizedDescription))
        }
        guard let response else { throw TicketError(request: label, status: nil, message: "no HTTP response") }
        var lowered: [String: String] = [:]
        for (key, value) in response.allHeaderFields {
            if let key = key as? String, let value = value as? String { lowered[key.lowercased()] = value }
        }
        return HTTPResponse(status: response.statusCode, body: data ?? Data(), headers: lowered)
    }

    /// Sends a request and requires a 2xx answer (retrying transient failures with `retry`).
    public func expectSuccess(
        _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil, retry: RetryPolicy
    ) throws(TicketError) -> HTTPResponse {
        try retry.run { () throws(TicketError) -> HTTPResponse in
            let response = try send(method, path, headers: headers, body: body)
            guard (200..<300).contains(response.status) else {
                let text = redacted(String(decoding: response.body.prefix(300), as: UTF8.self))
                throw TicketError(request: "\(method) \(Self.pathOnly(path))", status: response.status, message: text)
            }
            return response
        }
    }

    /// The request as a dry run shows it: URL and body with credentials masked, `Authorization` as its scheme only.
    func planned(_ method: String, url: String, headers: [String: String], body: Data?) -> PlannedRequest {
        var lines = headers.map { "\($0.key): \(redacted($0.value))" }
        if let authorization {
            let scheme = authorization.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
            lines.append("Authorization: " + (scheme == authorization ? "***" : scheme + " ***"))
        }
        let contentType = headers.first { $0.key.lowercased() == "content-type" }?.value
        return PlannedRequest(
            method: method, url: redacted(RedactedURL(url).description), headers: lines.sorted(),
            body: redacted(RequestRecorder.summary(of: body, contentType: contentType)))
    }

    /// `text` with every credential this client holds replaced by `***`: the `Authorization`
    /// value, its token, for Basic authentication the decoded `user:password` and the password, and
    /// the password in the base URL. Error pages that echo the request (some proxies do) and
    /// transport errors that name the URL would otherwise put them into logs and the ledger.
    /// (Secrets shorter than 3 characters cannot be told apart from ordinary text and are left.)
    func redacted(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }

    /// The credentials to mask, longest first (so a whole header goes before its parts).
    private var secrets: [String] {
        var list: [String] = []
        if let authorization {
            list.append(authorization)
            let parts = authorization.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                list.append(parts[1])
                if parts[0].lowercased() == "basic", let data = Data(base64Encoded: parts[1]),
                    let decoded = String(data: data, encoding: .utf8)
                {
                    list.append(decoded)
                    if let colon = decoded.firstIndex(of: ":") { list.append(String(decoded[decoded.index(after: colon)...])) }
                }
            }
        }
        if let components = URLComponents(string: baseURL), let password = components.password {
            list.append(password)
            if let user = components.user { list.append(user + ":" + password) }
        }
        return list.filter { $0.count >= 3 }.sorted { $0.count > $1.count }
    }

    /// The path without its query (queries may carry names; never tokens, but keep logs short).
    static func pathOnly(_ path: String) -> String {
        String(path.split(separator: "?", maxSplits: 1).first ?? Substring(path))
    }

    /// One shared session: no cookies, no cache.
    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        return URLSession(configuration: configuration)
    }()
}

/// Hands the completion handler's values to the waiting thread.
private final class ResponseBox: @unchecked Sendable {
    // @unchecked: written once by the completion handler before the semaphore is signalled,
    // read after the wait; the lock makes the hand-over explicit.
    private let lock = NSLock()
    private var data: Data?
    private var response: HTTPURLResponse?
    private var error: (any Error)?

    func set(data: Data?, response: HTTPURLResponse?, error: (any Error)?) {
        lock.lock()
        self.data = data
        self.response = response
        self.error = error
        lock.unlock()
    }

    func get() -> (Data?, HTTPURLResponse?, (any Error)?) {
        lock.lock()
        defer { lock.unlock() }
        return (data, response, error)
    }
}

/// A `multipart/form-data` body.
public struct MultipartBody: Sendable {
    /// The boundary (random per body).
    public let boundary: String
    /// The encoded body so far.
    public private(set) var data = Data()

    /// Creates an empty body.
    public init(boundary: String = "rdpcause-" + UUID().uuidString) {
        self.boundary = boundary
    }

    /// The `Content-Type` header value.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Adds a part; `fileName` makes it a file part.
    public mutating func add(name: String, fileName: String? = nil, contentType: String, content: Data) {
        var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
        if let fileName { head += "; filename=\"\(fileName)\"" }
        head += "\r\nContent-Type: \(contentType)\r\n\r\n"
        data.append(Data(head.utf8))
        data.append(content)
        data.append(Data("\r\n".utf8))
    }

    /// The body with its closing boundary.
    public var finished: Data {
        var result = data
        result.append(Data("--\(boundary)--\r\n".utf8))
        return result
    }
}

/// Percent-encodes a value for a URL query or path segment.
func queryEscaped(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}

/// Reads `id` fields that are sometimes strings, sometimes numbers.
func lenientString(_ value: Any?) -> String? {
    switch value {
    case let string as String: string
    case let number as NSNumber: number.stringValue
    case let int as Int: String(int)
    default: nil
    }
}
