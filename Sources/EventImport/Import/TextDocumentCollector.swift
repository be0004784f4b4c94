/// Collects a text document (client error report, ticket note) up to the size limit.
final class TextDocumentCollector: StreamSink {
    private let context: ImportContext
    private let source: String
    private var bytes: [UInt8] = []
    private var truncatedBytes = 0
    private(set) var isDone = false

    init(source: String, context: ImportContext) {
        self.source = source
        self.context = context
    }

    func consume(_ chunk: UnsafeRawBufferPointer) {
        let room = context.limits.maxDocumentBytes - bytes.count
        if room > 0 { bytes.append(contentsOf: chunk.prefix(room)) }
        truncatedBytes += max(0, chunk.count - max(room, 0))
    }

    func finish() {
        guard !isDone else { return }
        isDone = true
        if truncatedBytes > 0 {
            context.report(
                ImportDiagnostic(
                    .warning, .decompressionLimit, source: source,
                    message:
                        "text document larger than \(context.limits.maxDocumentBytes) bytes; only its beginning was read"))
        }
        context.document(TextDocument(source: source, text: decodeText(bytes)))
    }
}

/// Decodes text that may be UTF-8 (with or without BOM) or UTF-16 (BOM, or NUL pattern).
public func decodeText(_ bytes: [UInt8]) -> String {
    var body = bytes[...]
    var bigEndian: Bool?
    if body.starts(with: [0xEF, 0xBB, 0xBF]) {
        body = body.dropFirst(3)
    } else if body.starts(with: [0xFF, 0xFE]) {
        body = body.dropFirst(2)
        bigEndian = false
    } else if body.starts(with: [0xFE, 0xFF]) {
        body = body.dropFirst(2)
        bigEndian = true
    } else if body.count >= 2 && body[body.startIndex] != 0 && body[body.startIndex + 1] == 0 {
        bigEndian = false
    } else if body.count >= 2 && body[body.startIndex] == 0 && body[body.startIndex + 1] != 0 {
        bigEndian = true
    }
    guard let bigEndian else { return String(decoding: body, as: UTF8.self) }
    var units: [UInt16] = []
    units.reserveCapacity(body.count / 2)
    var index = body.startIndex
    while index + 1 < body.endIndex {
        let a = UInt16(body[index])
        let b = UInt16(body[index + 1])
        units.append(bigEndian ? a << 8 | b : b << 8 | a)
        index += 2
    }
    return String(decoding: units, as: UTF16.self)
}
