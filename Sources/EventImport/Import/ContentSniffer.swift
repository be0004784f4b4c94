/// Decides what an input is from its first bytes (not from its name) and routes it: zstd,
/// tar, event XML (any encoding), or a text document. Anything else is reported by name as an
/// unsupported type, never guessed at.
final class ContentSniffer: StreamSink {
    private static let sniffLength = 4096

    private let context: ImportContext
    private let source: String
    private var buffer: [UInt8] = []
    private var target: (any StreamSink)?
    private(set) var isDone = false

    init(source: String, context: ImportContext) {
        self.source = source
        self.context = context
    }

    func consume(_ chunk: UnsafeRawBufferPointer) {
        guard !isDone else { return }
        if let target {
            target.consume(chunk)
            if target.isDone { isDone = true }
            return
        }
        buffer.append(contentsOf: chunk)
        if buffer.count >= Self.sniffLength { decide() }
    }

    func directBuffer(capacity: Int) -> UnsafeMutableRawBufferPointer? {
        guard !isDone, let target else { return nil }
        return target.directBuffer(capacity: capacity)
    }

    func consumeDirect(_ count: Int) {
        guard !isDone, let target else { return }
        target.consumeDirect(count)
        if target.isDone { isDone = true }
    }

    func finish() {
        guard !isDone else { return }
        if target == nil { decide() }
        target?.finish()
        isDone = true
    }

    private func decide() {
        let head = buffer
        buffer = []
        guard let sink = route(head) else {
            isDone = true
            return
        }
        target = sink
        head.withUnsafeBytes { sink.consume($0) }
        if sink.isDone { isDone = true }
    }

    private func route(_ head: [UInt8]) -> (any StreamSink)? {
        switch InputKind.detect(Array(head.prefix(Self.sniffLength))) {
        case .zstd:
            let inner = ContentSniffer(source: source, context: context)
            return ZstdDecoder(source: source, context: context, next: inner)
        case .tar:
            return TarReader(source: source, context: context) { [context] member in
                ContentSniffer(source: member, context: context)
            }
        case .xml:
            return EventXMLReader(source: source, context: context)
        case .text:
            return TextDocumentCollector(source: source, context: context)
        case .empty:
            context.report(ImportDiagnostic(.warning, .noEvents, source: source, message: "the file is empty"))
            return nil
        case .zip:
            unsupported(
                "a zip archive inside another archive or compressed stream is not read in place; "
                    + "put the inner zip next to the other files of the case")
            return nil
        case .unsupported(let description):
            unsupported(description)
            return nil
        }
    }

    private func unsupported(_ message: String) {
        context.report(ImportDiagnostic(.error, .unsupportedType, source: source, message: message))
    }
}

/// What the first bytes of an input say it is.
enum InputKind: Equatable {
    case zstd, tar, zip, xml, text, empty
    case unsupported(String)

    static func detect(_ head: [UInt8]) -> InputKind {
        if head.isEmpty { return .empty }
        func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && Array(head.prefix(magic.count)) == magic }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if head.count >= 4 && head[0] & 0xF0 == 0x50 && head[1] == 0x2A && head[2] == 0x4D && head[3] == 0x18 {
            return .zstd  // skippable frame
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if isTarHeader(head) { return .tar }
        if starts(Array("ElfFile\0".utf8)) {
            return .unsupported(
                "this is a binary .evtx log; rdpcause reads exported XML. Export it on Windows with "
                    + "`wevtutil qe <file.evtx> /lf:true /f:xml /e:Events > log.xml`")
        }
        if starts([0x1F, 0x8B]) {
            return .unsupported("gzip-compressed input is not supported; recompress it with zstd or zip")
        }
        if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) {
            return .unsupported("7-Zip archives are not supported; repack the files as .zip or .tar.zst")
        }
        if starts([0x42, 0x5A, 0x68]) || starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) {
            return .unsupported("bzip2/xz input is not supported; recompress it with zstd or zip")
        }
        let preview = textPreview(head)
        guard let preview else {
            return .unsupported("unknown binary file type (first bytes \(hexPrefix(head))); it was not read")
        }
        let trimmed = preview.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        // XML starts with `<`; a copy from an old Event Viewer XML view starts with `- <Event`.
        // Text that merely mentions `<Event` (a ticket note, a README) stays text.
        if trimmed.first == UInt8(ascii: "<") || trimmed.starts(with: Array("- <Event".utf8)) {
            return .xml
        }
        return .text
    }

    /// The head as ASCII-compatible bytes (BOM removed, UTF-16 NULs dropped), or nil if binary.
    static func textPreview(_ head: [UInt8]) -> [UInt8]? {
        var bytes = head[...]
        var utf16 = false
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes = bytes.dropFirst(3)
        } else if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            bytes = bytes.dropFirst(2)
            utf16 = true
        } else if bytes.count >= 2 && (bytes[bytes.startIndex] == 0) != (bytes[bytes.startIndex + 1] == 0) {
            utf16 = true
        }
        var preview: [UInt8] = []
        preview.reserveCapacity(bytes.count)
        var controls = 0
        for byte in bytes {
            if byte == 0 {
                if utf16 { continue }
                return nil
            }
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C { controls += 1 }
            preview.append(byte)
        }
        return controls * 20 > max(preview.count, 1) ? nil : preview
    }

    static func isTarHeader(_ head: [UInt8]) -> Bool {
        guard head.count >= 512 else { return false }
        if head[257..<262].elementsEqual("ustar".utf8) { return true }
        // Old (v7) tar: no magic, but a valid octal checksum over the header.
        var stored = 0
        var digits = 0
        for byte in head[148..<156] {
            if byte >= 0x30 && byte <= 0x37 {
                stored = stored * 8 + Int(byte - 0x30)
                digits += 1
            } else if byte != 0 && byte != 0x20 {
                return false
            }
        }
        guard digits > 0 else { return false }
        var sum = 0
        for (index, byte) in head.prefix(512).enumerated() {
            sum += (148..<156).contains(index) ? 0x20 : Int(byte)
        }
        return sum == stored
    }

    private static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard haystack.count >= pattern.count else { return false }
        for start in 0...(haystack.count - pattern.count) where haystack[start] == pattern[0] {
            if Array(haystack[start..<(start + pattern.count)]) == pattern { return true }
        }
        return false
    }

    private static func hexPrefix(_ head: [UInt8]) -> String {
        head.prefix(8).map { byte in
            let digits = Array("0123456789ABCDEF".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
        }.joined(separator: " ")
    }
}

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
