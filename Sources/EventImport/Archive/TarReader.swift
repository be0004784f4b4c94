/// Streams the members of a tar archive (ustar, GNU long names, pax path records) into
/// per-member pipelines, without extracting anything to disk.
///
/// A header whose checksum does not match stops the archive with an error naming the byte
/// offset; a member cut short is reported as truncated, after its complete part was read.
final class TarReader: StreamSink {
    private enum State {
        case header
        case data(remaining: Int, padding: Int, purpose: Purpose)
        case padding(remaining: Int)
        case end
    }

    private enum Purpose {
        case member(any StreamSink)
        case longName
        case paxHeader
        case skip
    }

    private let context: ImportContext
    private let source: String
    private let makeMemberSink: (String) -> any StreamSink
    private var state = State.header
    private var header: [UInt8] = []
    private var metadata: [UInt8] = []
    private var pendingName: String?
    private var offset = 0
    private var currentMember = ""
    private var zeroBlocks = 0
    private var members = 0
    private(set) var isDone = false

    /// Creates a reader; `makeMemberSink` builds the pipeline for a member named `archive!path`.
    init(source: String, context: ImportContext, makeMemberSink: @escaping (String) -> any StreamSink) {
        self.source = source
        self.context = context
        self.makeMemberSink = makeMemberSink
        header.reserveCapacity(512)
    }

    func consume(_ chunk: UnsafeRawBufferPointer) {
        var bytes = chunk.bindMemory(to: UInt8.self)[...]
        while !bytes.isEmpty && !isDone {
            switch state {
            case .end:
                return
            case .header:
                let take = min(512 - header.count, bytes.count)
                header.append(contentsOf: bytes.prefix(take))
                bytes = bytes.dropFirst(take)
                offset += take
                if header.count == 512 { parseHeader() }
            case .data(let remaining, let padding, let purpose):
                let take = min(remaining, bytes.count)
                let part = UnsafeBufferPointer(rebasing: bytes.prefix(take))
                switch purpose {
                case .member(let sink):
                    if !sink.isDone { sink.consume(UnsafeRawBufferPointer(part)) }
                case .longName, .paxHeader:
                    if metadata.count < 1 << 20 { metadata.append(contentsOf: part) }
                case .skip:
                    break
                }
                bytes = bytes.dropFirst(take)
                offset += take
                if take == remaining {
                    completeData(purpose)
                    state = padding > 0 ? .padding(remaining: padding) : .header
                } else {
                    state = .data(remaining: remaining - take, padding: padding, purpose: purpose)
                }
            case .padding(let remaining):
                let take = min(remaining, bytes.count)
                bytes = bytes.dropFirst(take)
                offset += take
                state = take == remaining ? .header : .padding(remaining: remaining - take)
            }
        }
    }

    func finish() {
        guard !isDone else { return }
        isDone = true
        switch state {
        case .end:
            break
        case .header:
            if !header.isEmpty || (members > 0 && zeroBlocks < 2) {
                if !header.isEmpty {
                    truncated("the tar archive ends inside a member header at byte \(offset)")
                }
            } else if members == 0 {
                context.report(
                    ImportDiagnostic(.warning, .noEvents, source: source, message: "the tar archive holds no files"))
            }
        case .data(let remaining, _, let purpose):
            if case .member(let sink) = purpose {
                truncated(
                    "the tar archive ends \(remaining) bytes before the end of member \(currentMember) "
                        + "(the archive was cut short); the member's complete part was read")
                sink.finish()
            } else {
                truncated("the tar archive ends inside a metadata record at byte \(offset)")
            }
        case .padding:
            break
        }
    }

    private func truncated(_ message: String) {
        context.report(ImportDiagnostic(.error, .truncated, source: source, message: message))
    }

    private func parseHeader() {
        let block = header
        header.removeAll(keepingCapacity: true)
        if block.allSatisfy({ $0 == 0 }) {
            zeroBlocks += 1
            if zeroBlocks >= 2 {
                state = .end
                isDone = true
            }
            return
        }
        zeroBlocks = 0
        let headerOffset = offset - 512
        let stored = octal(block[148..<156])
        var sum = 0
        for (index, byte) in block.enumerated() {
            sum += (148..<156).contains(index) ? 0x20 : Int(byte)
        }
        guard let stored, stored == sum else {
            context.report(
                ImportDiagnostic(
                    .error, .corruptArchive, source: source,
                    message:
                        "damaged tar header at byte \(headerOffset) (checksum mismatch); "
                        + "the rest of the archive was skipped"))
            state = .end
            isDone = true
            return
        }
        let size = tarSize(block[124..<136]) ?? 0
        let padding = (512 - size % 512) % 512
        let type = block[156]
        var name = pendingName ?? cString(block[0..<100])
        pendingName = nil
        if block[257..<262].elementsEqual("ustar".utf8) && block[345] != 0 && name == cString(block[0..<100]) {
            name = cString(block[345..<500]) + "/" + name
        }
        let purpose: Purpose
        switch type {
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
            members += 1
            currentMember = name
            context.statistics.inputs += 1
            purpose = .member(makeMemberSink(source + "!" + name))
        case UInt8(ascii: "L"):
            metadata.removeAll(keepingCapacity: true)
            purpose = .longName
        case UInt8(ascii: "x"):
            metadata.removeAll(keepingCapacity: true)
            purpose = .paxHeader
        default:
            purpose = .skip
        }
        if size == 0 {
            completeData(purpose)
            state = .header
        } else {
            state = .data(remaining: size, padding: padding, purpose: purpose)
        }
    }

    private func completeData(_ purpose: Purpose) {
        switch purpose {
        case .member(let sink):
            sink.finish()
        case .longName:
            pendingName = cString(metadata[...])
        case .paxHeader:
            pendingName = paxPath(metadata) ?? pendingName
        case .skip:
            break
        }
    }

    /// The `path` record of a pax extended header (`"<len> path=<value>\n"` records).
    private func paxPath(_ records: [UInt8]) -> String? {
        let text = String(decoding: records, as: UTF8.self)
        for record in text.split(separator: "\n") {
            guard let space = record.firstIndex(of: " ") else { continue }
            let pair = record[record.index(after: space)...]
            if pair.hasPrefix("path=") { return String(pair.dropFirst(5)) }
        }
        return nil
    }

    private func cString(_ bytes: ArraySlice<UInt8>) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    private func octal(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        var sawDigit = false
        for byte in bytes {
            if byte >= 0x30 && byte <= 0x37 {
                value = value * 8 + Int(byte - 0x30)
                sawDigit = true
            } else if byte == 0 || byte == 0x20 {
                if sawDigit { break }
            } else {
                return nil
            }
        }
        return sawDigit ? value : nil
    }

    /// The size field: octal, or GNU base-256 when the high bit of the first byte is set.
    private func tarSize(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard let first = bytes.first else { return nil }
        if first & 0x80 != 0 {
            var value = Int(first & 0x7F)
            for byte in bytes.dropFirst() { value = value << 8 | Int(byte) }
            return value
        }
        return octal(bytes)
    }
}
