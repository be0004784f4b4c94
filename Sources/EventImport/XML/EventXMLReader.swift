import CExpat

#if canImport(Glibc)
    import Glibc
#endif

/// Streams exported event XML into ``WinEvent`` values.
///
/// Accepts every shape Windows produces: `wevtutil qe /f:xml` (root-less `<Event>` elements),
/// Event Viewer "Save as XML" (declaration, `<Events>` root, `RenderingInfo`), pretty-printed
/// copies (including old viewers' `- ` markers), single or double quotes, UTF-8 with or without
/// BOM and UTF-16 LE/BE. The stages, all streaming and all safe at any chunk boundary:
///
/// 1. **Decode**: sniff a BOM (or the NUL pattern of UTF-16 without one) and transcode to UTF-8.
/// 2. **Prolog**: blank the XML declaration (the text is UTF-8 now, whatever it declared),
///    reject a DOCTYPE (no entities, external or internal, are ever defined or expanded), then
///    open a synthetic root element so that root-less concatenations parse as one document.
/// 3. **Repair**: replace C0 control characters that XML 1.0 forbids (Windows writes them when
///    event data holds them) with U+FFFD, and warn naming the record.
/// 4. **Parse** with expat; on damage, report file, line, column and reason, then resynchronize
///    at the next `<Event` so the rest of the file is still read.
final class EventXMLReader: StreamSink {
    private enum Phase {
        case detectEncoding, prolog, parsing, resync, done
    }

    private enum Encoding {
        case utf8, utf16LE, utf16BE
    }

    private static let rootOpen: StaticString = "<rdpcause-input>"
    private static let rootClose: StaticString = "</rdpcause-input>"
    private static let retainLimit = 1 << 16

    private let context: ImportContext
    private let source: String
    private let state: UnsafeMutablePointer<EventBuilder>
    private var parser: XML_Parser?
    private var phase = Phase.detectEncoding
    private var encoding = Encoding.utf8

    // Decode stage.
    private var head: [UInt8] = []
    private var utf16Carry: UInt8?
    private var highSurrogate: UInt16?
    private var decoded: [UInt8] = []

    // Prolog stage.
    private var prolog: [UInt8] = []

    // Parse stage: bytes fed to the current parser, for resynchronization after damage.
    private var fedCount = 0
    private var retained: [UInt8] = []
    private var retainedStart = 0
    private var repaired: [UInt8] = []
    private var createdByResync = false
    /// Parser-stream index of the last resynchronization point (-1 when the parser started there).
    private var lastRestartIndex = -1

    // Resync stage.
    private var resyncStash: [UInt8] = []
    private var resyncLine = 0
    private var resyncColumn = 0
    /// Decoded-stream offset of the first byte not yet handled by the phase machine.
    private var decodedOffset = 0
    private var resyncStreamOffset = 0

    /// The buffer last handed out by ``directBuffer(capacity:)`` (inside expat's own buffer).
    private var directStart: UnsafeMutableRawPointer?

    private(set) var isDone = false

    init(source: String, context: ImportContext) {
        self.source = source
        self.context = context
        state = UnsafeMutablePointer<EventBuilder>.allocate(capacity: 1)
        state.initialize(to: EventBuilder(source: source, context: context))
        decoded.reserveCapacity(1 << 16)
    }

    deinit {
        if let parser { XML_ParserFree(parser) }
        state.deinitialize(count: 1)
        state.deallocate()
    }

    // MARK: - StreamSink

    func consume(_ chunk: UnsafeRawBufferPointer) {
        guard !isDone, !chunk.isEmpty else { return }
        let bytes = chunk.bindMemory(to: UInt8.self)
        if phase == .detectEncoding {
            head.append(contentsOf: bytes)
            if head.count >= 4 { detectEncoding() }
            return
        }
        decode(bytes)
    }

    /// While UTF-8 text is being parsed, the producer reads straight into expat's buffer
    /// (`XML_GetBuffer`), as a bare C program would; the chunk is then checked in place.
    func directBuffer(capacity: Int) -> UnsafeMutableRawBufferPointer? {
        directStart = nil
        guard !isDone, phase == .parsing, encoding == .utf8, let parser, capacity > 0, capacity <= Int(Int32.max),
            let start = XML_GetBuffer(parser, Int32(capacity))
        else { return nil }
        directStart = start
        return UnsafeMutableRawBufferPointer(start: start, count: capacity)
    }

    func consumeDirect(_ count: Int) {
        guard let start = directStart, count > 0, !isDone, phase == .parsing, let parser else { return }
        directStart = nil
        // expat's buffer holds `char`; `UInt8` is its unsigned twin, which may alias it.
        let bytes = UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: count)
        context.statistics.xmlBytes += count
        decodedOffset += count
        if firstForbiddenControl(bytes) < 0 {
            let status = XML_ParseBuffer(parser, Int32(count), 0)
            parsed(bytes, status: status, parser: parser)
        } else {
            // Rare: repairing needs the general path, which must not read from the buffer it
            // feeds, so take the chunk out first.
            let chunk = Array(bytes)
            chunk.withUnsafeBufferPointer { feed($0) }
        }
    }

    func finish() {
        guard !isDone else { return }
        directStart = nil
        if phase == .detectEncoding { detectEncoding() }
        if utf16Carry != nil || highSurrogate != nil {
            state.pointee.report(
                .warning, .truncated, line: nil,
                message: "the UTF-16 text ends in the middle of a character; the partial character was dropped")
            utf16Carry = nil
            highSurrogate = nil
        }
        switch phase {
        case .detectEncoding, .done:
            break
        case .prolog:
            if prolog.allSatisfy(isXMLWhitespace) {
                state.pointee.report(.warning, .noEvents, line: nil, message: "the file is empty")
            } else {
                startParser()
                if phase == .parsing { finishParser() }
            }
        case .parsing:
            finishParser()
        case .resync:
            break
        }
        if state.pointee.eventsEmitted == 0 && state.pointee.diagnosticsReported == 0 {
            state.pointee.report(.warning, .noEvents, line: nil, message: "the file holds XML but no <Event> records")
        }
        phase = .done
        isDone = true
    }

    // MARK: - Decode

    private func detectEncoding() {
        let bytes = head
        head = []
        var skip = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            encoding = .utf8
            skip = 3
        } else if bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE {
            encoding = .utf16LE
            skip = 2
        } else if bytes.count >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF {
            encoding = .utf16BE
            skip = 2
        } else if bytes.count >= 2 && bytes[0] != 0 && bytes[1] == 0 {
            encoding = .utf16LE
        } else if bytes.count >= 2 && bytes[0] == 0 && bytes[1] != 0 {
            encoding = .utf16BE
        }
        phase = .prolog
        bytes.withUnsafeBufferPointer { decode(UnsafeBufferPointer(rebasing: $0[skip...])) }
    }

    private func decode(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch encoding {
        case .utf8:
            route(bytes)
        case .utf16LE, .utf16BE:
            decoded.removeAll(keepingCapacity: true)
            transcodeUTF16(bytes, bigEndian: encoding == .utf16BE, into: &decoded)
            let output = decoded
            output.withUnsafeBufferPointer { route($0) }
        }
    }

    private func transcodeUTF16(_ bytes: UnsafeBufferPointer<UInt8>, bigEndian: Bool, into output: inout [UInt8]) {
        var index = 0
        func unit(_ a: UInt8, _ b: UInt8) -> UInt16 {
            bigEndian ? UInt16(a) << 8 | UInt16(b) : UInt16(b) << 8 | UInt16(a)
        }
        var pendingUnit: UInt16?
        if let carry = utf16Carry, !bytes.isEmpty {
            pendingUnit = unit(carry, bytes[0])
            utf16Carry = nil
            index = 1
        }
        while true {
            let codeUnit: UInt16
            if let pending = pendingUnit {
                codeUnit = pending
                pendingUnit = nil
            } else if index + 1 < bytes.count {
                codeUnit = unit(bytes[index], bytes[index + 1])
                index += 2
            } else {
                if index < bytes.count { utf16Carry = bytes[index] }
                return
            }
            if let high = highSurrogate {
                highSurrogate = nil
                if codeUnit >= 0xDC00 && codeUnit <= 0xDFFF {
                    let scalar = 0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(codeUnit - 0xDC00)
                    appendUTF8(scalar, to: &output)
                    continue
                }
                appendUTF8(0xFFFD, to: &output)
            }
            if codeUnit >= 0xD800 && codeUnit <= 0xDBFF {
                highSurrogate = codeUnit
            } else if codeUnit >= 0xDC00 && codeUnit <= 0xDFFF {
                appendUTF8(0xFFFD, to: &output)
            } else {
                appendUTF8(UInt32(codeUnit), to: &output)
            }
        }
    }

    // MARK: - Phase machine

    private func route(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard !bytes.isEmpty else { return }
        context.statistics.xmlBytes += bytes.count
        switch phase {
        case .detectEncoding, .done:
            return
        case .prolog:
            prolog.append(contentsOf: bytes)
            decodedOffset += bytes.count
            scanProlog()
        case .parsing:
            decodedOffset += bytes.count
            feed(bytes)
        case .resync:
            decodedOffset += bytes.count
            resync(in: bytes)
        }
    }

    /// Looks for the first element in the buffered prolog; rejects DOCTYPE; starts the parser.
    private func scanProlog() {
        var index = 0
        let count = prolog.count
        while index < count {
            guard prolog[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            guard index + 1 < count else { return }
            let next = prolog[index + 1]
            if next == UInt8(ascii: "?") {
                guard let end = find(Array("?>".utf8), in: prolog, from: index + 2) else { return }
                if hasPrefix(Array("<?xml".utf8), in: prolog, at: index) {
                    for position in index..<(end + 2) where prolog[position] != 0x0A && prolog[position] != 0x0D {
                        prolog[position] = 0x20
                    }
                }
                index = end + 2
            } else if next == UInt8(ascii: "!") {
                guard index + 9 <= count else { return }
                if hasPrefix(Array("<!--".utf8), in: prolog, at: index) {
                    guard let end = find(Array("-->".utf8), in: prolog, from: index + 4) else { return }
                    index = end + 3
                } else {
                    let line = 1 + prolog[0..<index].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                    state.pointee.report(
                        .error, .forbiddenDeclaration, line: line,
                        message:
                            "the file declares a DOCTYPE; rdpcause never reads document type or entity "
                            + "declarations (no entity expansion, no external entities), so the file was not read")
                    prolog = []
                    phase = .done
                    isDone = true
                    return
                }
            } else {
                startParser()
                return
            }
        }
    }

    private func startParser() {
        let buffered = prolog
        prolog = []
        createParser(lineBase: 0, columnBase: 0, streamBase: 0)
        buffered.withUnsafeBufferPointer { feed($0) }
    }

    private func createParser(lineBase: Int, columnBase: Int, streamBase: Int) {
        if let old = parser { XML_ParserFree(old) }
        guard let created = XML_ParserCreate("UTF-8") else {
            state.pointee.report(.error, .unreadable, line: nil, message: "the XML parser could not be created (out of memory)")
            phase = .done
            isDone = true
            return
        }
        parser = created
        XML_SetUserData(created, UnsafeMutableRawPointer(state))
        XML_SetElementHandler(created, startElementCallback, endElementCallback)
        // No character data handler yet: the builder registers one only while it captures text.
        XML_SetStartDoctypeDeclHandler(created, doctypeCallback)
        XML_SetEntityDeclHandler(created, entityDeclCallback)
        _ = XML_SetParamEntityParsing(created, XML_PARAM_ENTITY_PARSING_NEVER)
        state.pointee.parser = created
        state.pointee.resetForNewParser()
        state.pointee.lineBase = lineBase
        state.pointee.firstLineColumnBase = columnBase
        state.pointee.prefixLength = Self.rootOpen.utf8CodeUnitCount
        state.pointee.streamBase = streamBase
        fedCount = 0
        retained.removeAll(keepingCapacity: true)
        retainedStart = 0
        phase = .parsing
        feedLiteral(Self.rootOpen)
    }

    private func feedLiteral(_ literal: StaticString) {
        literal.withUTF8Buffer { feed($0) }
    }

    /// Repairs forbidden control characters, remembers the bytes for resynchronization, parses.
    ///
    /// Clean chunks (nearly all) are copied straight into expat's own buffer while they are
    /// checked, and parsed there with `XML_ParseBuffer`: `XML_Parse` would scan them here and then
    /// copy them again. A chunk that needs repair, or a buffer expat cannot provide, takes the
    /// general path below, which starts over from the chunk itself.
    private func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let parser, phase == .parsing, !bytes.isEmpty else { return }
        if bytes.count <= Int(Int32.max), let target = XML_GetBuffer(parser, Int32(bytes.count)),
            copyRejectingForbiddenControls(bytes, to: target)
        {
            let status = XML_ParseBuffer(parser, Int32(bytes.count), 0)
            parsed(bytes, status: status, parser: parser)
            return
        }
        let firstBad = firstForbiddenControl(bytes)
        if firstBad >= 0 {
            repaired.removeAll(keepingCapacity: true)
            repaired.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<firstBad]))
            for byte in bytes[firstBad...] {
                if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                    state.pointee.pendingRepairs.append(fedCount + repaired.count)
                    repaired.append(contentsOf: [0xEF, 0xBF, 0xBD])
                } else {
                    repaired.append(byte)
                }
            }
            let fixed = repaired
            fixed.withUnsafeBufferPointer { parse($0, parser: parser) }
        } else {
            parse(bytes, parser: parser)
        }
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>, parser: XML_Parser) {
        let status = bytes.withMemoryRebound(to: CChar.self) {
            XML_Parse(parser, $0.baseAddress, Int32(truncatingIfNeeded: $0.count), 0)
        }
        parsed(bytes, status: status, parser: parser)
    }

    /// Bookkeeping after expat has parsed `bytes`: count them, keep the tail, or resynchronize.
    private func parsed(_ bytes: UnsafeBufferPointer<UInt8>, status: XML_Status, parser: XML_Parser) {
        if status == XML_STATUS_ERROR {
            // Rare: join the kept tail and this chunk into one window to resynchronize in.
            retained.append(contentsOf: bytes)
            fedCount += bytes.count
            handleParseError(parser: parser)
            return
        }
        fedCount += bytes.count
        keepTail(bytes)
    }

    /// Keeps the last ``retainLimit`` bytes fed (copying at most that much per chunk), so a token
    /// that started in an earlier chunk can still be rescanned after damage.
    private func keepTail(_ bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count >= Self.retainLimit {
            retained.removeAll(keepingCapacity: true)
            retained.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(bytes.count - Self.retainLimit)...]))
            retainedStart = fedCount - Self.retainLimit
            return
        }
        retained.append(contentsOf: bytes)
        if retained.count > 2 * Self.retainLimit {
            let drop = retained.count - Self.retainLimit
            retained.removeFirst(drop)
            retainedStart += drop
        }
    }

    private func finishParser() {
        guard let parser else { return }
        // Close the synthetic root with the final call first: expat (2.6+, and Debian's security
        // updates of 2.5) may defer tokens fed in small pieces until the final call, so whether a
        // record was cut short is only known afterwards.
        let status = Self.rootClose.withUTF8Buffer { closing in
            closing.withMemoryRebound(to: CChar.self) {
                XML_Parse(parser, $0.baseAddress, Int32($0.count), 1)
            }
        }
        defer { phase = .done }
        guard status == XML_STATUS_ERROR else { return }
        if state.pointee.eventDepth != 0 {
            let line = state.pointee.event.origin.line
            state.pointee.report(
                .error, .truncated, line: line,
                message:
                    "the input ends inside the record that starts at line \(line); that record is incomplete "
                    + "and was not read (the file was cut short)")
            return
        }
        let reason = String(cString: XML_ErrorString(XML_GetErrorCode(parser)))
        if state.pointee.depth > 1 {
            state.pointee.report(
                .warning, .truncated, line: state.pointee.currentLine(),
                message: "the input ends before its closing </Events> tag (\(reason)); all complete records were read")
        } else {
            state.pointee.report(
                .error, .malformedXML, line: state.pointee.currentLine(), column: state.pointee.currentColumn(),
                message: "at end of input: \(reason)")
        }
    }

    // MARK: - Damage and resynchronization

    private func handleParseError(parser: XML_Parser) {
        // The builder is non-copyable: read its fields in place (reports only change its counters).
        var scanFrom: Int
        var line: Int
        var column: Int
        if let interruption = state.pointee.interruption {
            switch interruption {
            case .nestedEvent(let parserIndex, let eventLine, let eventColumn, let truncatedLine):
                state.pointee.report(
                    .error, .truncated, line: truncatedLine,
                    message:
                        "the record that starts at line \(truncatedLine) is cut short: a new <Event> starts at "
                        + "line \(eventLine) before it ends; the cut record was skipped and reading went on")
                scanFrom = parserIndex
                line = eventLine
                column = eventColumn
            }
        } else {
            let code = XML_GetErrorCode(parser)
            let index = Int(XML_GetCurrentByteIndex(parser))
            line = state.pointee.currentLine()
            column = state.pointee.currentColumn()
            let benignWrapperEnd =
                createdByResync && code == XML_ERROR_TAG_MISMATCH && state.pointee.eventDepth == 0
                && hasPrefix(Array("</Events".utf8), in: retained, at: index - retainedStart)
            if !benignWrapperEnd {
                let reason = String(cString: XML_ErrorString(code))
                let within =
                    state.pointee.eventDepth != 0
                    ? " inside the record that starts at line \(state.pointee.event.origin.line); that record was skipped"
                    : ""
                state.pointee.report(
                    .error, .malformedXML, line: line, column: column,
                    message: "not well-formed XML (\(reason))\(within); reading resumes at the next <Event>")
            }
            // Resume at the damage itself: a record cut short is often followed directly by the
            // next `<Event`, which must not be skipped. Never restart twice at the same place.
            scanFrom = index > lastRestartIndex ? index : index + 1
        }
        // Move to the resync phase and scan what was already fed after the damage.
        let relative = max(0, scanFrom - retainedStart)
        let streamOffsetAtScan = state.pointee.streamBase + (retainedStart + relative) - state.pointee.prefixLength
        let pending = relative < retained.count ? Array(retained[relative...]) : []
        phase = .resync
        resyncStash = []
        resyncLine = line
        resyncColumn = column
        resyncStreamOffset = streamOffsetAtScan
        if scanFrom > retainedStart + retained.count { return }
        pending.withUnsafeBufferPointer { resync(in: $0, alreadyCounted: true) }
    }

    /// Skips bytes until `<Event` or `<Events` (followed by a delimiter) and restarts parsing there.
    private func resync(in bytes: UnsafeBufferPointer<UInt8>, alreadyCounted: Bool = false) {
        var buffer = resyncStash
        buffer.append(contentsOf: bytes)
        let stashCount = resyncStash.count
        resyncStash = []
        let startOffset = alreadyCounted ? resyncStreamOffset : decodedOffset - bytes.count - stashCount
        buffer.withUnsafeBufferPointer { all in
            var index = 0
            while index < all.count {
                let byte = all[index]
                if byte == UInt8(ascii: "<") {
                    // "<Event" + delimiter, or "<Events" + delimiter.
                    let need = index + 8
                    if need > all.count {
                        resyncStash = Array(all[index...])
                        return
                    }
                    if matchesEventStart(all, at: index) {
                        let remainder = UnsafeBufferPointer(rebasing: all[index...])
                        restartParser(at: startOffset + index, remainder: remainder)
                        return
                    }
                }
                if byte == 0x0A {
                    resyncLine += 1
                    resyncColumn = 1
                } else {
                    resyncColumn += 1
                }
                index += 1
            }
        }
        resyncStreamOffset = startOffset + buffer.count - resyncStash.count
    }

    private func matchesEventStart(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let word: [UInt8] = Array("<Event".utf8)
        for (offset, expected) in word.enumerated() where bytes[index + offset] != expected {
            return false
        }
        var after = bytes[index + 6]
        if after == UInt8(ascii: "s") { after = bytes[index + 7] }
        return after == UInt8(ascii: ">") || after == UInt8(ascii: "/") || isXMLWhitespace(after)
    }

    private func restartParser(at streamOffset: Int, remainder: UnsafeBufferPointer<UInt8>) {
        createParser(
            lineBase: resyncLine - 1, columnBase: resyncColumn - 1, streamBase: streamOffset)
        guard parser != nil else { return }
        createdByResync = true
        lastRestartIndex = Self.rootOpen.utf8CodeUnitCount
        feed(remainder)
    }

    // MARK: - Small byte helpers

    private func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if hasPrefix(needle, in: haystack, at: index) { return index }
        }
        return nil
    }

    private func hasPrefix(_ needle: [UInt8], in haystack: [UInt8], at index: Int) -> Bool {
        guard index >= 0, index + needle.count <= haystack.count else { return false }
        for offset in 0..<needle.count where haystack[index + offset] != needle[offset] {
            return false
        }
        return true
    }
}

/// The index of the first C0 control character other than TAB, LF and CR, or -1.
///
/// Tests 64 bytes (four 16-byte vectors) per branch, then 16, then one: this runs over every
/// input byte, and one branch per 16 bytes was about 1.3% of an import's instructions.
func firstForbiddenControl(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    guard let base = bytes.baseAddress else { return -1 }
    let raw = UnsafeRawPointer(base)
    let count = bytes.count
    var index = 0
    while index + 64 <= count {
        let bad =
            forbiddenControls(raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self))
            .| forbiddenControls(raw.loadUnaligned(fromByteOffset: index + 16, as: SIMD16<UInt8>.self))
            .| forbiddenControls(raw.loadUnaligned(fromByteOffset: index + 32, as: SIMD16<UInt8>.self))
            .| forbiddenControls(raw.loadUnaligned(fromByteOffset: index + 48, as: SIMD16<UInt8>.self))
        if anyLane(bad) { break }
        index += 64
    }
    while index + 16 <= count {
        if anyLane(forbiddenControls(raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self))) { break }
        index += 16
    }
    while index < count {
        let byte = base[index]
        if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { return index }
        index += 1
    }
    return -1
}

/// Copies `bytes` to `target` while checking them as ``firstForbiddenControl(_:)`` does, in one
/// pass. Returns false as soon as a forbidden control character is seen; `target` then holds an
/// unspecified prefix of `bytes`.
func copyRejectingForbiddenControls(_ bytes: UnsafeBufferPointer<UInt8>, to target: UnsafeMutableRawPointer) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    let count = bytes.count
    var index = 0
    while index + 64 <= count {
        let first = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
        let second = raw.loadUnaligned(fromByteOffset: index + 16, as: SIMD16<UInt8>.self)
        let third = raw.loadUnaligned(fromByteOffset: index + 32, as: SIMD16<UInt8>.self)
        let fourth = raw.loadUnaligned(fromByteOffset: index + 48, as: SIMD16<UInt8>.self)
        let bad = forbiddenControls(first) .| forbiddenControls(second) .| forbiddenControls(third) .| forbiddenControls(fourth)
        if anyLane(bad) { return false }
        target.storeBytes(of: first, toByteOffset: index, as: SIMD16<UInt8>.self)
        target.storeBytes(of: second, toByteOffset: index + 16, as: SIMD16<UInt8>.self)
        target.storeBytes(of: third, toByteOffset: index + 32, as: SIMD16<UInt8>.self)
        target.storeBytes(of: fourth, toByteOffset: index + 48, as: SIMD16<UInt8>.self)
        index += 64
    }
    while index < count {
        let byte = base[index]
        if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { return false }
        target.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
        index += 1
    }
    return true
}

/// Lanes holding a C0 control character other than TAB (0x09), LF (0x0A) and CR (0x0D).
///
/// A byte is below 0x20 exactly when its top three bits are clear; testing that with a mask
/// avoids the unsigned comparison that SSE2 lacks.
@inline(__always)
private func forbiddenControls(_ vector: SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>> {
    let topBits = SIMD16<UInt8>(repeating: 0xE0)
    let tab = SIMD16<UInt8>(repeating: 0x09)
    let lineFeed = SIMD16<UInt8>(repeating: 0x0A)
    let carriageReturn = SIMD16<UInt8>(repeating: 0x0D)
    return ((vector & topBits) .== SIMD16<UInt8>()) .& (vector .!= tab) .& (vector .!= lineFeed) .& (vector .!= carriageReturn)
}

/// True when any lane of `mask` is set. The standard library's `any(_:)` reduces through an
/// unspecialized call that cost about 200 instructions per test here; two 64-bit words do not.
@inline(__always)
private func anyLane(_ mask: SIMDMask<SIMD16<Int8>>) -> Bool {
    let lanes = SIMD16<UInt8>().replacing(with: 0xFF, where: mask)
    let words = unsafeBitCast(lanes, to: SIMD2<UInt64>.self)
    return words[0] | words[1] != 0
}

/// Appends the UTF-8 form of a Unicode scalar value.
func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        output.append(UInt8(scalar))
    case 0x80..<0x800:
        output.append(UInt8(0xC0 | (scalar >> 6)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    case 0x800..<0x10000:
        output.append(UInt8(0xE0 | (scalar >> 12)))
        output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    default:
        output.append(UInt8(0xF0 | (scalar >> 18)))
        output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
        output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    }
}

// MARK: - expat callbacks (non-capturing, dispatch through userData)

private let startElementCallback: XML_StartElementHandler = { userData, name, attributes in
    guard let userData, let name, let attributes else { return }
    userData.assumingMemoryBound(to: EventBuilder.self).pointee.startElement(name, attributes)
}

private let endElementCallback: XML_EndElementHandler = { userData, _ in
    guard let userData else { return }
    userData.assumingMemoryBound(to: EventBuilder.self).pointee.endElement()
}

private let doctypeCallback: XML_StartDoctypeDeclHandler = { userData, _, _, _, _ in
    guard let userData else { return }
    let builder = userData.assumingMemoryBound(to: EventBuilder.self)
    if let parser = builder.pointee.parser { XML_StopParser(parser, 0) }
}

private let entityDeclCallback: XML_EntityDeclHandler = { userData, _, _, _, _, _, _, _, _ in
    guard let userData else { return }
    let builder = userData.assumingMemoryBound(to: EventBuilder.self)
    if let parser = builder.pointee.parser { XML_StopParser(parser, 0) }
}
