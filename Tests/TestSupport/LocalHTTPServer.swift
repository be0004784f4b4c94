public import Foundation
public import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A request as the test server received it.
public struct RecordedRequest: Sendable {
    /// The method, e.g. `POST`.
    public var method: String
    /// The path without the query.
    public var path: String
    /// The query, percent-decoded.
    public var query: String
    /// The headers, names lower-cased.
    public var headers: [String: String]
    /// The body.
    public var body: Data

    /// The `multipart/form-data` parts: (name, filename, content type, bytes).
    public var multipartParts: [(name: String, fileName: String?, contentType: String?, content: Data)] {
        guard let type = headers["content-type"], let range = type.range(of: "boundary=") else { return [] }
        let boundary = Data(("--" + type[range.upperBound...]).utf8)
        var parts: [(String, String?, String?, Data)] = []
        var chunks: [Data] = []
        var rest = body[...]
        while let found = rest.range(of: boundary) {
            chunks.append(Data(rest[rest.startIndex..<found.lowerBound]))
            rest = rest[found.upperBound...]
        }
        for chunk in chunks.dropFirst() {
            guard let split = chunk.range(of: Data("\r\n\r\n".utf8)) else { continue }
            let head = String(decoding: chunk[chunk.startIndex..<split.lowerBound], as: UTF8.self)
            var content = Data(chunk[split.upperBound...])
            if content.suffix(2) == Data("\r\n".utf8) { content.removeLast(2) }
            func value(_ key: String) -> String? {
                guard let r = head.range(of: key + "=\"") else { return nil }
                return String(head[r.upperBound...].prefix { $0 != "\"" })
            }
            let contentType = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-type:") }
                .map { String($0.dropFirst("content-type:".count)).trimmingCharacters(in: .whitespaces) }
            parts.append((value("name") ?? "", value("filename"), contentType, content))
        }
        return parts.map { (name: $0.0, fileName: $0.1, contentType: $0.2, content: $0.3) }
    }

    /// The body parsed as a JSON object.
    public var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
}

/// A ~150-line HTTP/1.1 server on 127.0.0.1 (an ephemeral port), one thread per connection,
/// `Connection: close`. The handler answers (status, JSON body); every request is recorded.
public final class LocalHTTPServer: @unchecked Sendable {
    // @unchecked: `listener` and `handler` are immutable; `recorded` is a Mutex.
    /// Answers one request with (status, JSON body).
    public typealias Handler = @Sendable (RecordedRequest) -> (Int, Data)
    private let listener: Int32
    /// The port it listens on.
    public let port: Int
    private let handler: Handler
    private let recorded = Mutex<[RecordedRequest]>([])

    /// Starts listening on 127.0.0.1 (an ephemeral port).
    public init(handler: @escaping Handler) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: actual.sin_port))
        self.handler = handler
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }

    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }
    /// Every request received so far.
    public var requests: [RecordedRequest] { recorded.withLock { $0 } }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { return }
            data.append(contentsOf: buffer[0..<n])
            headerEnd = data.range(of: Data("\r\n\r\n".utf8))
        }
        guard let end = headerEnd else { return }
        let head = String(decoding: data[data.startIndex..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(data[end.upperBound...])
        let expected = Int(headers["content-length"] ?? "0") ?? 0
        while body.count < expected {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { return }
            body.append(contentsOf: buffer[0..<n])
        }
        let target = String(requestLine[1])
        let parts = target.split(separator: "?", maxSplits: 1)
        let request = RecordedRequest(
            method: String(requestLine[0]), path: String(parts[0]),
            query: parts.count > 1 ? String(parts[1]).removingPercentEncoding ?? String(parts[1]) : "", headers: headers,
            body: body)
        recorded.withLock { $0.append(request) }
        let (status, answer) = handler(request)
        var response = Data("HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(answer.count)\r\nConnection: close\r\n\r\n".utf8)
        response.append(answer)
        response.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let n = write(client, base + offset, raw.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

/// `object` as JSON (or `{}`).
public func jsonBody(_ object: Any) -> Data {
    (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
}

/// A fake Jira (REST v2) that keeps comments and attachments per issue and checks request shapes.
public final class FakeJira: @unchecked Sendable {
    // @unchecked: all state is in `issues` (a Mutex).
    /// What one issue holds.
    public struct Issue: Sendable {
        /// The comment bodies, oldest first.
        public var comments: [String] = []
        /// The attachments, oldest first.
        public var attachments: [(name: String, data: Data)] = []
    }
    /// The issues by key.
    public let issues = Mutex<[String: Issue]>([:])
    /// Requests that did not follow the Jira API.
    public let violations = Mutex<[String]>([])
    let delay: Double

    /// Creates a fake answering each request after `delay` seconds.
    public init(delay: Double = 0) { self.delay = delay }

    /// Answers one request.
    public func handle(_ request: RecordedRequest) -> (Int, Data) {
        if delay > 0 { usleep(useconds_t(delay * 1_000_000)) }
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count >= 5, parts[0] == "rest", parts[1] == "api", parts[2] == "2", parts[3] == "issue" else {
            violations.withLock { $0.append("unexpected path \(request.path)") }
            return (404, jsonBody(["errorMessages": ["no such path"]]))
        }
        if request.headers["authorization"] == nil { violations.withLock { $0.append("no Authorization") } }
        let key = parts[4]
        switch (request.method, parts.count > 5 ? parts[5] : "") {
        case ("GET", "comment"):
            let comments = issues.withLock { $0[key]?.comments ?? [] }
            return (200, jsonBody([
                "startAt": 0, "maxResults": 100, "total": comments.count,
                "comments": comments.enumerated().map { ["id": "\($0.offset + 1)", "body": $0.element] },
            ]))
        case ("GET", ""):
            let attachments = issues.withLock { $0[key]?.attachments ?? [] }
            return (200, jsonBody(["key": key, "fields": ["attachment": attachments.map { ["filename": $0.name, "size": $0.data.count] }]]))
        case ("POST", "attachments"):
            if request.headers["x-atlassian-token"] != "no-check" { violations.withLock { $0.append("no X-Atlassian-Token") } }
            let files = request.multipartParts
            if files.isEmpty || files.contains(where: { $0.name != "file" || $0.fileName == nil }) {
                violations.withLock { $0.append("attachment parts must be named file with a filename") }
                return (400, jsonBody(["errorMessages": ["bad multipart"]]))
            }
            issues.withLock { all in
                for file in files { all[key, default: Issue()].attachments.append((file.fileName ?? "", file.content)) }
            }
            return (200, jsonBody(files.map { ["filename": $0.fileName ?? ""] }))
        case ("POST", "comment"):
            guard request.headers["content-type"]?.hasPrefix("application/json") == true,
                let body = request.json?["body"] as? String
            else {
                violations.withLock { $0.append("comment without JSON body") }
                return (400, jsonBody(["errorMessages": ["body required"]]))
            }
            let id = issues.withLock { all -> Int in
                all[key, default: Issue()].comments.append(body)
                return all[key]?.comments.count ?? 0
            }
            return (201, jsonBody(["id": "\(id)", "body": body]))
        default:
            violations.withLock { $0.append("unexpected \(request.method) \(request.path)") }
            return (405, jsonBody([:]))
        }
    }
}
