import CExpat

#if canImport(Glibc)
    import Glibc
#endif

/// Streams exported event XML into ``WinEvent`` values.
///
/// Accepts every shape Windows produces: `wevtutil qe /f:xml` (root-less `<Event>` elements),
/// Event Viewer "Save as XML" (declaration, `<Events>` root, `RenderingInfo`), pretty-printed
/// copies (including old viewers' `- ` markers), single or double quotes, a namespace prefix on
/// every element (`<e:Event xmlns:e=…>`), UTF-8 with or without BOM and UTF-16 LE/BE. The stages,
/// all streaming and all safe at any chunk boundary:
///
/// 1. **Decode**: sniff a BOM (or the NUL pattern of UTF-16 without one) and transcode to UTF-8.
/// 2. **Prolog**: find the first element (``PrologScanner``: each byte once, bounded memory),
///    reject a DOCTYPE (no entities, external or internal, are ever defined or expanded), then
///    open a synthetic root element so that root-less concatenations parse as one document.
/// 3. **Repair**: replace C0 control characters that XML 1.0 forbids (Windows writes them when
///    event data holds them) with U+FFFD, and warn naming the record.
/// 4. **Parse** with expat; on damage, report file, line, column and reason, then resynchronize
///    at the next `<Event` so the rest of the file is still read. Damage includes markup that
///    never ends: a comment, processing instruction or tag still open after
///    ``ImportLimits/maxFieldBytes`` (expat would hold it whole), or at the end of the input.
final class EventXMLReader: StreamSink {
    private enum Phase {
        case detectEncoding, prolog, parsing, resync, done
    }

    private enum Encoding {
        case utf8, utf16LE, utf16BE
    }

    private static let rootOpen: StaticString = "<rdpcause-input>"
    private static let rootClose: StaticString = "</rdpcause-input>"

    private let context: ImportContext
    private let source: String
    private let state: UnsafeMutablePointer<EventBuilder>
    private var parser: XML_Parser?
    private var phase = Phase.detectEncoding
    private var encoding = Encoding.utf8
    /// The longest markup expat may hold open (``EventBuilder/fieldLimit``).
    private let fieldLimit: Int

    // Decode stage.
    private var head: [UInt8] = []
    private var utf16Carry: UInt8?
    private var highSurrogate: UInt16?
    private var decoded: [UInt8] = []

    // Prolog stage.
    private var prolog: PrologScanner

    // Parse stage.
    /// Bytes fed to the current parser, its synthetic root tag included: expat's byte indexes.
    private var fedCount = 0
    private var repaired: [UInt8] = []
    private var createdByResync = false
    /// Parser-stream index of the last resynchronization point (-1 when the parser started there).
    private var lastRestartIndex = -1

    // Resync stage.
    private var resyncStash: [UInt8] = []
    private var resyncPosition = TextPosition()
    /// Decoded-stream offset of the first byte not yet handled by the phase machine.
    private var decodedOffset = 0
    private var resyncStreamOffset = 0
    /// Where, in the bytes being rescanned after damage, control characters were already
    /// replaced with U+FFFD (3 bytes for the 1 they replaced).
    private var windowRepairs: [Int] = []

    // Work a stage change leaves for ``drain()``.
    /// Bytes already counted and fed to a parser that damage stopped, to rescan for `<Event`.
    private var pendingWindow: [UInt8]?
    /// Bytes for the parser just restarted at an `<Event`.
    private var pendingFeed: [UInt8]?

    /// The buffer last handed out by ``directBuffer(capacity:)`` (inside expat's own buffer).
    private var directStart: UnsafeMutableRawPointer?

    private(set) var isDone = false

    /// Bytes the prolog stage holds: only markup still open, never the text before it.
    var prologBytesHeld: Int { prolog.held.count }
    /// Bytes the prolog stage has examined: each byte before the first element, once.
    var prologBytesExamined: Int { prolog.bytesExamined }

    init(source: String, context: ImportContext) {
        self.source = source
        self.context = context
        state = UnsafeMutablePointer<EventBuilder>.allocate(capacity: 1)
        state.initialize(to: EventBuilder(source: source, context: context))
        fieldLimit = state.pointee.fieldLimit
        prolog = PrologScanner(limit: fieldLimit)
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
        drain()
    }

    func finish() {
        guard !isDone else { return }
        directStart = nil
        if phase == .detectEncoding { detectEncoding() }
        let endsInsideCharacter = utf16Carry != nil || highSurrogate != nil
        utf16Carry = nil
        highSurrogate = nil
        switch phase {
        case .prolog:
            finishProlog()
        case .parsing:
            finishParser()
        case .detectEncoding, .resync, .done:
            break
        }
        // After what the parser reports at the end: expat may hold back damage until then, and
        // how much it held back depends on where chunks ended, so this stays last.
        if endsInsideCharacter {
            state.pointee.report(
                .warning, .truncated, line: nil,
                message: "the UTF-16 text ends in the middle of a character; the partial character was dropped")
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
        decodedOffset += bytes.count
        switch phase {
        case .detectEncoding, .done:
            return
        case .prolog:
            scanProlog(bytes)
        case .parsing:
            feed(bytes)
        case .resync:
            resync(in: bytes)
        }
        drain()
    }

    /// Hands the rest of a chunk (already counted) to whichever stage is current now.
    private func handOn(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch phase {
        case .parsing: feed(bytes)
        case .resync: resync(in: bytes)
        case .detectEncoding, .prolog, .done: return
        }
        drain()
    }

    /// Does the work stage changes left, in order: rescanning bytes already fed when damage
    /// stopped a parser, and feeding the parser restarted at the next `<Event`. A loop, not
    /// recursion, so that a chunk full of damaged records costs no stack.
    private func drain() {
        while true {
            if let window = pendingWindow {
                pendingWindow = nil
                window.withUnsafeBufferPointer { resync(in: $0, alreadyCounted: true) }
                windowRepairs = []
            } else if let remainder = pendingFeed {
                pendingFeed = nil
                remainder.withUnsafeBufferPointer { feed($0) }
            } else {
                return
            }
        }
    }

    // MARK: - Prolog

    private func scanProlog(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch prolog.scan(bytes) {
        case .needMore:
            return
        case .element(let restIndex):
            startParser(rest: UnsafeBufferPointer(rebasing: bytes[restIndex...]))
        case .documentType:
            state.pointee.report(
                .error, .forbiddenDeclaration, line: prolog.heldPosition.line, column: prolog.heldPosition.column,
                message:
                    "the file declares a DOCTYPE; rdpcause never reads document type or entity "
                    + "declarations (no entity expansion, no external entities), so the file was not read")
            prolog.release()
            phase = .done
            isDone = true
        case .oversizedMarkup:
            let start = prolog.heldPosition
            state.pointee.report(
                .error, .fieldLimit, line: start.line, column: start.column,
                message:
                    "\(prologMarkupName) that starts here is still open after \(prolog.held.count) bytes, more than the "
                    + "\(fieldLimit)-byte limit for one field; reading resumes at the next <Event> after its start")
            resyncInProlog()
        }
    }

    /// What the markup left open in the prolog is, for messages.
    private var prologMarkupName: String {
        prolog.openMarkup == .processingInstruction ? "a processing instruction (<?)" : "a comment (<!--)"
    }

    /// Skips the open markup the prolog scanner holds, looking for the next `<Event` inside it.
    private func resyncInProlog() {
        phase = .resync
        resyncStash = []
        resyncPosition = prolog.heldPosition
        resyncStreamOffset = prolog.heldOffset
        windowRepairs = []
        pendingWindow = prolog.held
        prolog.release()
    }

    private func finishProlog() {
        switch prolog.openMarkup {
        case nil:
            if !prolog.sawContent { state.pointee.report(.warning, .noEvents, line: nil, message: "the file is empty") }
        case .undecided:
            // A lone `<` (or `<!`) at the very end: expat says what is wrong with it.
            startParser(rest: UnsafeBufferPointer(start: nil, count: 0))
            finishParser()
        case .comment, .processingInstruction:
            let start = prolog.heldPosition
            state.pointee.report(
                .error, .malformedXML, line: start.line, column: start.column,
                message: "\(prologMarkupName) that starts here is never closed; reading resumes at the next <Event> after its start")
            resyncInProlog()
            drain()
            if phase == .parsing { finishParser() }
        }
    }

    /// Starts parsing at the first element: the prolog scanner holds its first bytes, `rest` follows them.
    private func startParser(rest: UnsafeBufferPointer<UInt8>) {
        let first = prolog.held
        createParser(at: prolog.heldPosition, streamBase: prolog.heldOffset)
        prolog.release()
        first.withUnsafeBufferPointer { feed($0) }
        drain()
        handOn(rest)
    }

    // MARK: - Parsing

    private func createParser(at position: TextPosition, streamBase: Int) {
        if let old = parser { XML_ParserFree(old) }
        guard let created = XML_ParserCreate("UTF-8") else {
            state.pointee.report(.error, .unreadable, line: nil, message: "the XML parser could not be created (out of memory)")
            parser = nil
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
        state.pointee.lineBase = position.line - 1
        state.pointee.firstLineColumnBase = position.column - 1
        state.pointee.prefixLength = Self.rootOpen.utf8CodeUnitCount
        state.pointee.streamBase = streamBase
        fedCount = 0
        phase = .parsing
        Self.rootOpen.withUTF8Buffer { feed($0) }
    }

    /// Repairs forbidden control characters and parses.
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

    /// Bookkeeping after expat has parsed `bytes`: count them, then handle damage, or markup that
    /// expat has been holding open for longer than the field limit.
    private func parsed(_ bytes: UnsafeBufferPointer<UInt8>, status: XML_Status, parser: XML_Parser) {
        fedCount += bytes.count
        if status == XML_STATUS_ERROR {
            handleParseError(parser: parser)
            return
        }
        // expat stops before a token it has not seen the end of (a tag, comment or processing
        // instruction) and keeps it whole; -1 when its buffer just moved and it has not looked yet.
        let openToken = Int(XML_GetCurrentByteIndex(parser))
        if openToken >= 0 && fedCount - openToken > fieldLimit {
            handleOversizedToken(at: openToken, parser: parser)
        }
    }

    /// Closes the synthetic root with expat's final call. Damage found only then (markup never
    /// closed, or tokens expat deferred to the final call) resumes like any other, so a restarted
    /// parser is finished in turn.
    private func finishParser() {
        while phase == .parsing, let parser {
            // expat (2.6+, and Debian's security updates of 2.5) may defer tokens fed in small
            // pieces until the final call, so whether a record was cut short is only known afterwards.
            let status = Self.rootClose.withUTF8Buffer { closing in
                closing.withMemoryRebound(to: CChar.self) {
                    XML_Parse(parser, $0.baseAddress, Int32($0.count), 1)
                }
            }
            guard status == XML_STATUS_ERROR else { break }
            let index = Int(XML_GetCurrentByteIndex(parser))
            guard index >= 0 && index < fedCount else {
                reportEndOfInput(parser: parser)
                break
            }
            handleParseError(parser: parser, atEnd: true)
            drain()
        }
        if phase == .parsing { phase = .done }
    }

    /// Reports what is wrong when the input ends: a record cut short, a missing `</Events>`.
    private func reportEndOfInput(parser: XML_Parser) {
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

    private func handleParseError(parser: XML_Parser, atEnd: Bool = false) {
        // The builder is non-copyable: read its fields in place (reports only change its counters).
        if let interruption = state.pointee.interruption {
            switch interruption {
            case .nestedEvent(let parserIndex, let eventLine, let eventColumn, let truncatedLine):
                state.pointee.report(
                    .error, .truncated, line: truncatedLine,
                    message:
                        "the record that starts at line \(truncatedLine) is cut short: a new <Event> starts at "
                        + "line \(eventLine) before it ends; the cut record was skipped and reading went on")
                resume(from: parserIndex, at: TextPosition(line: eventLine, column: eventColumn), parser: parser)
            }
            return
        }
        let code = XML_GetErrorCode(parser)
        let index = Int(XML_GetCurrentByteIndex(parser))
        let position = TextPosition(line: state.pointee.currentLine(), column: state.pointee.currentColumn())
        let token = fedBytes(from: index, parser: parser).map { Array($0.prefix(64)) } ?? []
        if atEnd && (code == XML_ERROR_UNCLOSED_TOKEN || code == XML_ERROR_PARTIAL_CHAR) {
            guard let markup = OpenMarkup(token), markup != .tag else {
                // A tag cut by the end of the input holds no later record.
                reportEndOfInput(parser: parser)
                phase = .done
                return
            }
            state.pointee.report(
                .error, .malformedXML, line: position.line, column: position.column,
                message:
                    "\(markup.name) that starts here is never closed\(state.pointee.openRecordClause)\(skippedClause); "
                    + "reading resumes at the next <Event> after its start")
            resume(from: index, skipping: 1, at: position, parser: parser)
            return
        }
        let benignWrapperEnd =
            createdByResync && code == XML_ERROR_TAG_MISMATCH && state.pointee.eventDepth == 0
            && Self.isEventsEndTag(token)
        if !benignWrapperEnd {
            let reason = String(cString: XML_ErrorString(code))
            let within =
                state.pointee.eventDepth != 0
                ? " inside the record that starts at line \(state.pointee.event.origin.line); that record was skipped"
                : ""
            state.pointee.report(
                .error, .malformedXML, line: position.line, column: position.column,
                message: "not well-formed XML (\(reason))\(within); reading resumes at the next <Event>")
        }
        // Resume at the damage itself: a record cut short is often followed directly by the
        // next `<Event`, which must not be skipped. Never restart twice at the same place.
        resume(from: index, skipping: index > lastRestartIndex ? 0 : 1, at: position, parser: parser)
    }

    /// "; that record was skipped" while a record is open, else "".
    private var skippedClause: String {
        state.pointee.eventDepth != 0 ? "; that record was skipped" : ""
    }

    /// Markup expat has held open for longer than the field limit: a tag with a huge attribute
    /// value, or a comment or processing instruction that never ends. Holding more would cost
    /// memory without bound, so it is treated as damage.
    private func handleOversizedToken(at index: Int, parser: XML_Parser) {
        let token = fedBytes(from: index, parser: parser).map { Array($0.prefix(64)) } ?? []
        let position = TextPosition(line: state.pointee.currentLine(), column: state.pointee.currentColumn())
        let name = OpenMarkup(token)?.name(of: token) ?? "markup"
        state.pointee.report(
            .error, .fieldLimit, line: position.line, column: position.column,
            message:
                "\(name) that starts here is still open after \(fedCount - index) bytes, more than the "
                + "\(fieldLimit)-byte limit for one field\(state.pointee.openRecordClause)\(skippedClause); "
                + "reading resumes at the next <Event> after its start")
        resume(from: index, skipping: 1, at: position, parser: parser)
    }

    /// The bytes fed to the current parser from parser-stream index `start` to the last one fed,
    /// read in expat's own buffer, which keeps everything from the token it is working on; nil
    /// when `start` is no longer there. Valid until expat is next called.
    private func fedBytes(from start: Int, parser: XML_Parser) -> UnsafeBufferPointer<UInt8>? {
        var offset: Int32 = 0
        var size: Int32 = 0
        guard let base = XML_GetInputContext(parser, &offset, &size) else { return nil }
        let current = Int(XML_GetCurrentByteIndex(parser))
        guard current >= 0 else { return nil }
        let first = Int(offset) - (current - start)
        let last = Int(offset) + (fedCount - current)
        guard first >= 0, first <= last, last <= Int(size) else { return nil }
        return UnsafeBufferPointer(start: UnsafeRawPointer(base).assumingMemoryBound(to: UInt8.self) + first, count: last - first)
    }

    /// Leaves the current parser after damage at parser-stream index `index` (which is at
    /// `position`): skips `skipping` bytes, then rescans what was already fed for the next
    /// `<Event`, and goes on with the input that follows.
    private func resume(from index: Int, skipping: Int = 0, at position: TextPosition, parser: XML_Parser) {
        let window = fedBytes(from: index, parser: parser).map { Array($0) } ?? []
        if window.isEmpty && index < fedCount {
            state.pointee.report(
                .warning, .malformedXML, line: position.line, column: position.column,
                message: "the \(fedCount - index) bytes read after the damage could not be rescanned; they were skipped")
        }
        let skipped = min(skipping, window.count)
        var start = position
        start.advance(over: window[0..<skipped])
        let scanFrom = index + skipped
        // Control characters in the window were already replaced; keep their positions so the
        // offsets of later records stay those of the decoded text.
        windowRepairs = state.pointee.pendingRepairs.filter { $0 >= scanFrom }.map { $0 - scanFrom }
        phase = .resync
        resyncStash = []
        resyncPosition = start
        resyncStreamOffset = state.pointee.decodedOffset(ofParserIndex: scanFrom)
        pendingWindow = Array(window[skipped...])
        // The window is copied: free the parser now, with whatever markup its buffer still holds.
        XML_ParserFree(parser)
        self.parser = nil
        state.pointee.parser = nil
    }

    /// Skips bytes until `<Event` or `<Events` (with or without a prefix, followed by a
    /// delimiter) and restarts parsing there.
    private func resync(in bytes: UnsafeBufferPointer<UInt8>, alreadyCounted: Bool = false) {
        var buffer = resyncStash
        buffer.append(contentsOf: bytes)
        let stashCount = resyncStash.count
        resyncStash = []
        let startOffset = alreadyCounted ? resyncStreamOffset : decodedOffset - bytes.count - stashCount
        buffer.withUnsafeBufferPointer { all in
            var index = 0
            while index < all.count {
                let opening = EventStartTag.nextOpening(in: all, from: index)
                _ = resyncPosition.advance(overText: UnsafeBufferPointer(rebasing: all[index..<opening]))
                index = opening
                guard index < all.count else { return }
                switch EventStartTag.match(all, at: index) {
                case .needMore:
                    resyncStash = Array(all[index...])
                    return
                case .match:
                    restartParser(at: index, of: all, streamOffset: startOffset)
                    return
                case .noMatch:
                    resyncPosition.advance(over: all[index])
                    index += 1
                }
            }
        }
    }

    /// Starts a new parser at `bytes[index]`, the `<` of an event tag found by ``resync(in:alreadyCounted:)``.
    private func restartParser(at index: Int, of bytes: UnsafeBufferPointer<UInt8>, streamOffset: Int) {
        let repairsBefore = windowRepairs.count(where: { $0 < index })
        let carried = windowRepairs.filter { $0 >= index }.map { $0 - index + Self.rootOpen.utf8CodeUnitCount }
        createParser(at: resyncPosition, streamBase: streamOffset + index - 2 * repairsBefore)
        guard parser != nil else { return }
        createdByResync = true
        lastRestartIndex = Self.rootOpen.utf8CodeUnitCount
        state.pointee.pendingRepairs = carried
        windowRepairs = []
        pendingFeed = Array(bytes[index...])
    }

    /// True when `token` is the end tag of the `<Events>` wrapper (with or without a prefix), from
    /// its `</` or from its name, where expat places a mismatch: a parser restarted inside the
    /// wrapper meets that tag without having seen its start.
    private static func isEventsEndTag(_ token: [UInt8]) -> Bool {
        var rest = token[...]
        if rest.starts(with: "</".utf8) { rest = rest.dropFirst(2) }
        var name = rest.prefix { $0 != UInt8(ascii: ">") && !isXMLWhitespace($0) }
        if let colon = name.firstIndex(of: UInt8(ascii: ":")) { name = name[(colon + 1)...] }
        return name.elementsEqual("Events".utf8)
    }
}

/// What kind of markup an open token is, from its first bytes, for messages.
private enum OpenMarkup: Equatable {
    case comment, processingInstruction, cdata, tag

    init?(_ token: [UInt8]) {
        guard token.count >= 2, token[0] == UInt8(ascii: "<") else { return nil }
        if token.starts(with: "<!--".utf8) {
            self = .comment
        } else if token[1] == UInt8(ascii: "?") {
            self = .processingInstruction
        } else if token.starts(with: "<![CDATA[".utf8) {
            self = .cdata
        } else {
            self = .tag
        }
    }

    /// "a comment (<!--)", "a processing instruction (<?)", "a CDATA section", "a tag".
    var name: String {
        switch self {
        case .comment: "a comment (<!--)"
        case .processingInstruction: "a processing instruction (<?)"
        case .cdata: "a CDATA section"
        case .tag: "a tag"
        }
    }

    /// ``name``, naming the element for a tag: "the tag <Data …>".
    func name(of token: [UInt8]) -> String {
        guard self == .tag else { return name }
        let element = token.dropFirst().prefix { $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: "/") && !isXMLWhitespace($0) }
        return "the tag <\(DiagnosticText.printable(bytes: element)) …>"
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
