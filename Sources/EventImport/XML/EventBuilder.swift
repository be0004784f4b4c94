import CExpat

#if canImport(Glibc)
    import Glibc
#endif

/// The expat callback state: turns SAX callbacks into ``WinEvent`` values.
///
/// This struct lives behind an `UnsafeMutablePointer` that is expat's `userData`, so the
/// callbacks mutate it without reference counting, existentials or dynamic exclusivity checks
/// (the pattern measured in the style notes at about 1% over plain C). It is non-copyable because
/// it owns the text buffer's storage.
struct EventBuilder: ~Copyable {
    enum Section: UInt8 {
        case none, system, eventData, leafFields, rendering, ignored
    }

    enum Capture: UInt8 {
        case none, eventID, version, level, task, opcode, keywords, recordID, channel, computer
        case data, binary, leaf
        case renderMessage, renderLevel, renderTask, renderOpcode, renderChannel, renderProvider, renderKeyword
    }

    /// Why the builder stopped the parser from inside a callback.
    enum Interruption {
        /// A new `<Event` started inside an unfinished one: the earlier record is truncated.
        case nestedEvent(parserIndex: Int, line: Int, column: Int, truncatedRecordLine: Int)
    }

    var parser: XML_Parser?
    let source: String
    unowned(unsafe) let context: ImportContext
    /// The longest text kept for one field (``ImportLimits/maxFieldBytes``, at least 4 KiB).
    let fieldLimit: Int

    // Position bookkeeping for origins (see EventXMLReader).
    var lineBase = 0
    var firstLineColumnBase = 0
    var prefixLength = 0
    var streamBase = 0

    // Element state.
    var depth = 0
    var eventDepth = 0
    var section = Section.none
    var sectionDepth = 0
    /// What the current text capture is for; change it only through ``setCapture(_:)``.
    private(set) var capture = Capture.none
    var text = ByteBuffer(capacity: 4096)
    /// Bytes of the current capture past ``fieldLimit``, which were not kept.
    private var overflowBytes = 0
    var fieldName = ""
    /// How many of `event.fields` this record has written: the previous record's fields are
    /// overwritten in place and the surplus removed when the record ends, which costs less than
    /// emptying the array at every record (each element destroyed through the generic path).
    private var fieldCount = 0
    var event = WinEvent(time: .epoch, computer: "", channel: "", provider: "", eventID: 0)
    var hasTime = false
    var hasEventID = false
    var fieldCapacity = 16
    var interner = StringInterner()
    /// ``SmallASCIIString/isAvailable``, read once: short ASCII text is built in place, not looked up.
    let buildsSmallStrings = SmallASCIIString.isAvailable
    /// GUIDs' normalized forms by raw spelling (a log repeats its providers' GUIDs on every record).
    var guids = StringInterner(capacity: 1024)
    var interruption: Interruption?
    /// Set by the EVTX walker while it reports a start tag one of whose attributes' text is a
    /// FILETIME it rendered: `TimeCreated`'s `SystemTime` is then taken as those ticks instead of
    /// being parsed back from the text (the same value: `EvtxTimeRoundTripTests`). Nil for XML.
    var renderedTime: RenderedTime?
    /// Whether ``event`` has a `RenderingInfo` block (testing the optional itself copied the block).
    private var hasRendering = false

    // Namespace prefixes (see EventNamespacePrefixes).
    private var prefixes = EventNamespacePrefixes()
    /// The current record's prefix with its colon (`e:`); empty for the usual unprefixed record.
    private var recordPrefix: [UInt8] = []
    /// `recordPrefix.count`, tested on every element of a record.
    private var recordPrefixLength = 0

    // Repaired control characters, as parser-stream offsets not yet attributed to a record.
    var pendingRepairs: [Int] = []
    /// Repairs of this parser already attributed to a record (each made the stream 2 bytes longer).
    private var attributedRepairs = 0
    var eventStartIndex = 0
    var eventsEmitted = 0
    var diagnosticsReported = 0

    init(source: String, context: ImportContext) {
        self.source = source
        self.context = context
        fieldLimit = max(context.limits.maxFieldBytes, 4096)
        event.origin = EventOrigin(source: source, line: 0)
    }

    /// Resets element state for a new parser (after a resynchronization).
    mutating func resetForNewParser() {
        depth = 0
        eventDepth = 0
        section = .none
        sectionDepth = 0
        // A new parser starts without a character data handler (see setCapture).
        capture = .none
        interruption = nil
        pendingRepairs.removeAll(keepingCapacity: true)
        attributedRepairs = 0
    }

    // MARK: - Positions

    /// The file line of the parser's current position.
    func currentLine() -> Int {
        guard let parser else { return lineBase }
        return lineBase + Int(XML_GetCurrentLineNumber(parser))
    }

    /// The 1-based file column of the parser's current position.
    func currentColumn() -> Int {
        guard let parser else { return 1 }
        let parserLine = Int(XML_GetCurrentLineNumber(parser))
        let column = Int(XML_GetCurrentColumnNumber(parser)) + 1
        return parserLine == 1 ? max(1, column - prefixLength + firstLineColumnBase) : column
    }

    /// The decoded-text offset of a parser-stream index: the parser's stream starts with the
    /// synthetic root's tag, and each control character replaced with U+FFFD before `index` took
    /// 3 bytes instead of 1.
    ///
    /// Small non-mutating helpers called from the callbacks are inlined on purpose: called out of
    /// line from a mutating method, the compiler copies the whole builder (704 bytes) per call.
    @inline(__always)
    func decodedOffset(ofParserIndex index: Int) -> Int {
        var repairs = attributedRepairs
        for position in pendingRepairs where position < index { repairs += 1 }
        return streamBase + index - prefixLength - 2 * repairs
    }

    // MARK: - Callbacks

    mutating func startElement(_ qualifiedName: UnsafePointer<CChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>) {
        depth += 1
        if eventDepth == 0 {
            if cNameEquals(qualifiedName, "Event") {
                recordPrefixLength = 0
                beginEvent()
            } else {
                startOutsideRecord(qualifiedName, attributes)
            }
            return
        }
        // In a prefixed record, elements with the record's prefix are matched by their local name.
        var name = qualifiedName
        if recordPrefixLength != 0 && hasRecordPrefix(qualifiedName) { name += recordPrefixLength }
        if cNameEquals(name, "Event")
            && (section != .leafFields || recordPrefixLength != 0 || attribute(attributes, "xmlns") != nil)
        {
            nestedEventStart()
            return
        }
        let relative = depth - eventDepth
        switch section {
        case .none:
            guard relative == 1 else { return }
            sectionDepth = depth
            if cNameEquals(name, "System") {
                section = .system
            } else if cNameEquals(name, "EventData") {
                section = .eventData
                if let value = attribute(attributes, "Name") { event.eventDataName = intern(value, "Name", of: "EventData") }
            } else if cNameEquals(name, "UserData") || cNameEquals(name, "ProcessingErrorData")
                || cNameEquals(name, "DebugData")
            {
                section = .leafFields
            } else if cNameEquals(name, "RenderingInfo") {
                section = .rendering
                var rendering = RenderingInfo()
                if let culture = attribute(attributes, "Culture") { rendering.culture = intern(culture, "Culture", of: "RenderingInfo") }
                event.rendering = rendering
                hasRendering = true
            } else {
                section = .ignored
            }
        case .system:
            guard relative == 2 else { return }
            systemElement(name, attributes)
        case .eventData:
            if relative == 2 && cNameEquals(name, "Data") {
                if let value = attribute(attributes, "Name") {
                    fieldName = intern(value, "Name", of: "Data")
                } else {
                    fieldName = ""
                }
                beginCapture(.data)
            } else if relative == 2 && cNameEquals(name, "Binary") {
                beginCapture(.binary)
            } else {
                setCapture(.none)
            }
        case .leafFields:
            // Every element below UserData is a candidate leaf; a child start replaces its parent.
            fieldName = shared(localName(name))
            beginCapture(.leaf)
        case .rendering:
            if relative == 2 {
                if cNameEquals(name, "Message") {
                    beginCapture(.renderMessage)
                } else if cNameEquals(name, "Level") {
                    beginCapture(.renderLevel)
                } else if cNameEquals(name, "Task") {
                    beginCapture(.renderTask)
                } else if cNameEquals(name, "Opcode") {
                    beginCapture(.renderOpcode)
                } else if cNameEquals(name, "Channel") {
                    beginCapture(.renderChannel)
                } else if cNameEquals(name, "Provider") {
                    beginCapture(.renderProvider)
                }
            } else if relative == 3 && cNameEquals(name, "Keyword") {
                beginCapture(.renderKeyword)
            }
        case .ignored:
            return
        }
    }

    mutating func endElement() {
        defer { depth -= 1 }
        guard eventDepth != 0 else { return }
        if depth == eventDepth {
            finishEvent()
            return
        }
        if capture != .none {
            storeCapture()
            setCapture(.none)
        }
        if depth == sectionDepth {
            section = .none
        }
    }

    /// Called only while a capture is open: the handler is unregistered otherwise.
    @inline(__always)
    mutating func characters(_ bytes: UnsafePointer<CChar>, _ count: Int) {
        if text.count + count <= fieldLimit {
            text.append(bytes, count: count)
        } else {
            keepWithinLimit(bytes, count)
        }
    }

    /// After text was appended to ``text`` directly from `start` on (by the EVTX walker, while a
    /// capture is open): keeps of it what ``characters(_:_:)`` would have kept, and counts the rest.
    @inline(__always)
    mutating func keepAppendedText(from start: Int) {
        guard text.count > fieldLimit else { return }
        let appended = text.count - start
        let kept = min(max(0, fieldLimit - start), appended)
        text.truncate(to: start + kept)
        overflowBytes += appended - kept
    }

    /// Keeps what still fits under ``fieldLimit`` and counts the rest, which is dropped.
    @inline(never)
    private mutating func keepWithinLimit(_ bytes: UnsafePointer<CChar>, _ count: Int) {
        let room = max(0, fieldLimit - text.count)
        text.append(bytes, count: min(room, count))
        overflowBytes += count - min(room, count)
    }

    // MARK: - System

    private mutating func systemElement(_ name: UnsafePointer<CChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>) {
        switch UInt8(bitPattern: name[0]) {
        case UInt8(ascii: "P"):
            if cNameEquals(name, "Provider") {
                if let value = attribute(attributes, "Name") { event.provider = intern(value, "Name", of: "Provider") }
                if let value = attribute(attributes, "Guid") { event.providerGUID = normalizedGUID(value, "Guid", of: "Provider") }
                if let value = attribute(attributes, "EventSourceName") {
                    event.eventSourceName = intern(value, "EventSourceName", of: "Provider")
                }
            }
        case UInt8(ascii: "E"):
            if cNameEquals(name, "EventID") {
                if let value = attribute(attributes, "Qualifiers"), let number = parseUnsigned(value), number <= 0xFFFF {
                    event.qualifiers = UInt16(number)
                }
                beginCapture(.eventID)
            } else if cNameEquals(name, "EventRecordID") {
                beginCapture(.recordID)
            } else if cNameEquals(name, "Execution") {
                if let value = attribute(attributes, "ProcessID"), let number = parseUnsigned(value) {
                    event.processID = UInt32(truncatingIfNeeded: number)
                }
                if let value = attribute(attributes, "ThreadID"), let number = parseUnsigned(value) {
                    event.threadID = UInt32(truncatingIfNeeded: number)
                }
            }
        case UInt8(ascii: "T"):
            if cNameEquals(name, "TimeCreated") {
                if let value = attribute(attributes, "SystemTime") {
                    if let rendered = renderedTime, rendered.text == value {
                        // The EVTX walker's rendering of these ticks, which parses back to them.
                        event.time = EventTimestamp(ticks: rendered.ticks)
                        hasTime = true
                    } else {
                        let length = strlen(value)
                        let parsed = value.withMemoryRebound(to: UInt8.self, capacity: length) {
                            EventTimestamp(iso8601Bytes: UnsafeBufferPointer(start: $0, count: length))
                        }
                        if let parsed {
                            event.time = parsed
                            hasTime = true
                        }
                    }
                }
            } else if cNameEquals(name, "Task") {
                beginCapture(.task)
            }
        case UInt8(ascii: "V"):
            if cNameEquals(name, "Version") { beginCapture(.version) }
        case UInt8(ascii: "L"):
            if cNameEquals(name, "Level") { beginCapture(.level) }
        case UInt8(ascii: "O"):
            if cNameEquals(name, "Opcode") { beginCapture(.opcode) }
        case UInt8(ascii: "K"):
            if cNameEquals(name, "Keywords") { beginCapture(.keywords) }
        case UInt8(ascii: "C"):
            if cNameEquals(name, "Channel") {
                beginCapture(.channel)
            } else if cNameEquals(name, "Computer") {
                beginCapture(.computer)
            } else if cNameEquals(name, "Correlation") {
                if let value = attribute(attributes, "ActivityID") {
                    event.activityID = normalizedGUID(value, "ActivityID", of: "Correlation")
                }
            }
        case UInt8(ascii: "S"):
            if cNameEquals(name, "Security") {
                if let value = attribute(attributes, "UserID") { event.userID = intern(value, "UserID", of: "Security") }
            }
        default:
            return
        }
    }

    // MARK: - Text capture

    private mutating func beginCapture(_ kind: Capture) {
        setCapture(kind)
        text.removeAll()
        overflowBytes = 0
    }

    /// Opens or closes a text capture. expat only reports character data while a handler is set,
    /// so the handler is registered only while a capture is open: pretty-printed exports hold a
    /// whitespace run between every two tags, and skipping those callbacks is measurable (see
    /// the profiling notes in Benchmarks/README.md). expat reads the handler before each token,
    /// so a change made inside a start or end tag callback applies to the text that follows.
    @inline(__always)
    private mutating func setCapture(_ kind: Capture) {
        if (capture == .none) != (kind == .none), let parser {
            XML_SetCharacterDataHandler(parser, kind == .none ? nil : characterDataCallback)
        }
        capture = kind
    }

    private mutating func storeCapture() {
        if overflowBytes != 0 { cutCapturedText() }
        switch capture {
        case .none:
            return
        case .eventID:
            if let number = trimmedUnsigned() {
                event.eventID = UInt32(truncatingIfNeeded: number)
                hasEventID = true
            }
        case .version:
            if let number = trimmedUnsigned() { event.version = UInt8(truncatingIfNeeded: number) }
        case .level:
            if let number = trimmedUnsigned() { event.level = UInt8(truncatingIfNeeded: number) }
        case .task:
            if let number = trimmedUnsigned() { event.task = UInt16(truncatingIfNeeded: number) }
        case .opcode:
            if let number = trimmedUnsigned() { event.opcode = UInt8(truncatingIfNeeded: number) }
        case .recordID:
            event.recordID = trimmedUnsigned()
        case .keywords:
            event.keywords = internTrimmed()
        case .channel:
            event.channel = internTrimmed()
        case .computer:
            event.computer = internTrimmed()
        case .data, .leaf:
            let field = EventField(takeFieldName(), valueText())
            if fieldCount < event.fields.count {
                event.fields[fieldCount] = field
            } else {
                if event.fields.capacity == 0 { event.fields.reserveCapacity(fieldCapacity) }
                event.fields.append(field)
            }
            fieldCount += 1
        case .binary:
            event.binary = binaryText()
        case .renderMessage:
            let value = valueText()
            setRendering { $0.message = value }
        case .renderLevel:
            let value = internTrimmed()
            setRendering { $0.level = value }
        case .renderTask:
            let value = internTrimmed()
            setRendering { $0.task = value }
        case .renderOpcode:
            let value = internTrimmed()
            setRendering { $0.opcode = value }
        case .renderChannel:
            let value = internTrimmed()
            setRendering { $0.channel = value }
        case .renderProvider:
            let value = internTrimmed()
            setRendering { $0.provider = value }
        case .renderKeyword:
            let value = internTrimmed()
            setRendering { $0.keywords.append(value) }
        }
    }

    /// The current field's name, moved out of ``fieldName`` (which the next field's start sets)
    /// rather than copied, which would retain it.
    @inline(__always)
    private mutating func takeFieldName() -> String {
        var name = ""
        swap(&name, &fieldName)
        return name
    }

    /// The captured text verbatim, or empty when it is only whitespace (pretty-printing).
    ///
    /// `mutating` although it changes nothing: the compiler keeps it out of line, and a
    /// non-mutating call from a mutating method copied the whole builder first (a `memcpy` a value).
    @inline(__always)
    private mutating func valueText() -> String {
        let buffer = text.bytes
        for byte in buffer where !isXMLWhitespace(byte) {
            if buildsSmallStrings, let small = SmallASCIIString.make(buffer) { return small }
            return String(decoding: buffer, as: UTF8.self)
        }
        return ""
    }

    /// `Binary` as Windows writes it: contiguous upper-case hex. Third-party renderings
    /// (EvtxECmd) write dashes between the bytes, or lower case; such hex is normalized so rules
    /// match it. Text that is not hex (python-evtx's base64) is kept as written.
    private mutating func binaryText() -> String {
        let trimmed = trimWhitespace(text.bytes)
        var needsNormalizing = false
        for byte in trimmed {
            switch byte {
            case 0x30...0x39, 0x41...0x46: continue
            case 0x2D, 0x61...0x66: needsNormalizing = true
            default: return shared(trimmed)
            }
        }
        guard needsNormalizing else { return shared(trimmed) }
        var hex: [UInt8] = []
        hex.reserveCapacity(trimmed.count)
        for byte in trimmed where byte != 0x2D {
            hex.append(byte >= 0x61 ? byte - 0x20 : byte)
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Changes the event's rendering block, if it has one, through a local copy. Written as
    /// `event.rendering?.channel = value`, the second assignment to a field leaked the first
    /// value in the debug build (LeakSanitizer, `Tests/FuzzRegressions/xml/leak-rendering-field-twice`).
    private mutating func setRendering(_ change: (inout RenderingInfo) -> Void) {
        guard var rendering = event.rendering else { return }
        event.rendering = nil  // the local copy is then the only one: no copy on write
        change(&rendering)
        event.rendering = rendering
    }

    /// The string for `bytes`: built in place when short and ASCII (a small string holds its bytes
    /// inline, so there is nothing to share), else the interner's shared one.
    @inline(__always)
    private mutating func shared(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if buildsSmallStrings, let small = SmallASCIIString.make(bytes) { return small }
        return interner.intern(bytes)
    }

    private mutating func internTrimmed() -> String {
        shared(trimWhitespace(text.bytes))
    }

    @inline(__always)
    private func trimmedUnsigned() -> UInt64? {
        parseUnsignedDecimal(trimWhitespace(text.bytes))
    }

    // MARK: - Events

    private mutating func beginEvent() {
        eventDepth = depth
        section = .none
        setCapture(.none)
        hasTime = false
        hasEventID = false
        let line = currentLine()
        let index = parser.map { Int(XML_GetCurrentByteIndex($0)) } ?? 0
        eventStartIndex = index
        resetEvent(line: line, byteOffset: decodedOffset(ofParserIndex: index))
    }

    /// Empties `event` in place for the next record, as `WinEvent(time: .epoch, computer: "",
    /// channel: "", provider: "", eventID: 0)` with `source` and the record's position: a new
    /// record assigned to `event` was built aside, copied in (every string retained) and then
    /// destroyed, about 780 instructions a record. Strings already empty are left alone (most
    /// records lack several of them); the field storage is reused when the handler did not keep
    /// it (a kept one is left alone and a new buffer is allocated instead).
    private mutating func resetEvent(line: Int, byteOffset: Int) {
        event.time = .epoch
        clear(&event.computer)
        clear(&event.channel)
        clear(&event.provider)
        clear(&event.providerGUID)
        clear(&event.eventSourceName)
        event.eventID = 0
        event.qualifiers = nil
        event.version = nil
        event.level = nil
        event.task = nil
        event.opcode = nil
        clear(&event.keywords)
        event.recordID = nil
        clear(&event.activityID)
        event.processID = nil
        event.threadID = nil
        clear(&event.userID)
        clear(&event.eventDataName)
        fieldCount = 0
        clear(&event.binary)
        if hasRendering {
            event.rendering = nil
            hasRendering = false
        }
        event.origin.line = line
        event.origin.byteOffset = byteOffset
        // Debug builds (the tests, the fuzzer) check that no member of the model was missed.
        assert(
            event
                == WinEvent(
                    time: .epoch, computer: "", channel: "", provider: "", eventID: 0, fields: event.fields,
                    origin: EventOrigin(source: source, line: line, byteOffset: byteOffset)),
            "EventBuilder.resetEvent leaves a member of the previous record")
    }

    private mutating func finishEvent() {
        eventDepth = 0
        section = .none
        setCapture(.none)
        if !pendingRepairs.isEmpty, let parser {
            let end = Int(XML_GetCurrentByteIndex(parser))
            var repaired = 0
            while repaired < pendingRepairs.count && pendingRepairs[repaired] <= end { repaired += 1 }
            if repaired > 0 {
                pendingRepairs.removeFirst(repaired)
                attributedRepairs += repaired
                report(
                    .warning, .repairedCharacters, line: event.origin.line,
                    message:
                        "\(recordLabel) holds \(repaired) control character(s) that XML 1.0 forbids; "
                        + "each was replaced with U+FFFD and the record was read")
            }
        }
        if !hasTime || !hasEventID {
            let missing = [hasTime ? nil : "TimeCreated/@SystemTime", hasEventID ? nil : "EventID"]
                .compactMap { $0 }.joined(separator: " and ")
            report(
                .warning, .incompleteRecord, line: event.origin.line,
                message: "\(recordLabel) has no readable \(missing); it is kept with time \(event.time)")
        }
        // One at a time: `removeSubrange` and `removeLast(_:)` take the generic path (about 860
        // instructions a record against 40 a field).
        while fieldCount < event.fields.count { event.fields.removeLast() }
        fieldCapacity = max(fieldCapacity, event.fields.count)
        eventsEmitted += 1
        context.emit(event)
    }

    /// Handles `<Event` inside an unfinished event: the open record was cut short.
    mutating func nestedEventStart() {
        guard let parser else { return }
        interruption = .nestedEvent(
            parserIndex: Int(XML_GetCurrentByteIndex(parser)), line: currentLine(), column: currentColumn(),
            truncatedRecordLine: event.origin.line)
        XML_StopParser(parser, 0)
    }

    mutating func report(
        _ severity: ImportDiagnostic.Severity, _ kind: ImportDiagnostic.Kind, line: Int?, column: Int? = nil,
        message: String
    ) {
        diagnosticsReported += 1
        let limit = context.limits.maxDiagnosticsPerInput
        if diagnosticsReported > limit {
            return
        }
        context.report(ImportDiagnostic(severity, kind, source: source, line: line, column: column, message: message))
        if diagnosticsReported == limit {
            context.report(
                ImportDiagnostic(
                    .warning, kind, source: source,
                    message: "more than \(limit) problems in this input; further ones are counted, not listed"))
        }
    }

    /// "record 8812", or "the record" before its EventRecordID is read; built only for messages.
    var recordLabel: String {
        event.recordID.map { "record \($0)" } ?? "the record that starts at line \(event.origin.line)"
    }

    /// ", inside the record that starts at line 12 (record 8812)" while a record is open, else "".
    var openRecordClause: String {
        guard eventDepth != 0 else { return "" }
        let identity = event.recordID.map { " (record \($0))" } ?? ""
        return ", inside the record that starts at line \(event.origin.line)\(identity)"
    }

    // MARK: - Outside records

    /// An element outside any record: remembers the namespace prefixes it declares, and starts a
    /// record when it is a prefixed `Event` of the event namespace (`<e:Event>`).
    @inline(never)
    private mutating func startOutsideRecord(
        _ name: UnsafePointer<CChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>
    ) {
        prefixes.learn(from: attributes)
        let local = localName(name)
        guard local.count < strlen(name), local.elementsEqual("Event".utf8) else { return }
        let length = prefixes.boundPrefixLength(of: name)
        guard length > 0 else {
            let printable = DiagnosticText.printable(bytes: cBytes(name))
            report(
                .warning, .foreignEvent, line: currentLine(), column: currentColumn(),
                message:
                    "the element <\(printable)> is not an event record: its prefix is not bound to the Windows event "
                    + "namespace (\(EventNamespacePrefixes.namespace)); it was skipped")
            return
        }
        let prefix = UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: length)
        if !recordPrefix.elementsEqual(prefix) { recordPrefix = Array(prefix) }
        recordPrefixLength = length
        beginEvent()
    }

    /// True when `name` starts with the current record's prefix (and has a local name after it).
    @inline(__always)
    private func hasRecordPrefix(_ name: UnsafePointer<CChar>) -> Bool {
        for index in 0..<recordPrefixLength where UInt8(bitPattern: name[index]) != recordPrefix[index] { return false }
        return name[recordPrefixLength] != 0
    }

    // MARK: - Field size limit

    /// Cuts the captured text, which went past ``fieldLimit``, at a character boundary and warns.
    @inline(never)
    private mutating func cutCapturedText() {
        let total = text.count + overflowBytes
        text.truncate(to: utf8CutLength(text.bytes, maxCount: fieldLimit))
        report(
            .warning, .fieldLimit, line: event.origin.line,
            message:
                "\(recordLabel): the value of \(captureDescription) is \(total) bytes, more than the \(fieldLimit)-byte "
                + "limit for one field; only its first \(text.count) bytes were kept")
        overflowBytes = 0
    }

    /// The element whose text is being captured, for messages.
    private var captureDescription: String {
        switch capture {
        case .data: fieldName.isEmpty ? "an unnamed <Data>" : "<Data Name='\(DiagnosticText.printable(fieldName))'>"
        case .leaf: "<\(DiagnosticText.printable(fieldName))>"
        case .binary: "<Binary>"
        case .eventID: "<EventID>"
        case .version: "<Version>"
        case .level: "<Level>"
        case .task: "<Task>"
        case .opcode: "<Opcode>"
        case .keywords: "<Keywords>"
        case .recordID: "<EventRecordID>"
        case .channel: "<Channel>"
        case .computer: "<Computer>"
        case .renderMessage: "<RenderingInfo><Message>"
        case .renderLevel: "<RenderingInfo><Level>"
        case .renderTask: "<RenderingInfo><Task>"
        case .renderOpcode: "<RenderingInfo><Opcode>"
        case .renderChannel: "<RenderingInfo><Channel>"
        case .renderProvider: "<RenderingInfo><Provider>"
        case .renderKeyword: "<RenderingInfo><Keyword>"
        case .none: "an element"
        }
    }

    /// An attribute value's bytes, cut at ``fieldLimit`` (at a character boundary) with a warning.
    ///
    /// expat holds a tag whole, so only a tag that arrived within one read gets here with a value
    /// this long; one still open past the limit is reported by the reader as damage.
    @inline(__always)
    private mutating func attributeBytes(
        _ value: UnsafePointer<CChar>, _ attribute: StaticString, of element: StaticString
    ) -> UnsafeBufferPointer<UInt8> {
        let length = strlen(value)
        // CChar and UInt8 are the signed and unsigned forms of one type; see localName(_:).
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: length)
        return length > fieldLimit ? cutAttribute(bytes, attribute, of: element) : bytes
    }

    /// ``attributeBytes(_:_:of:)`` for a value past the limit: its first ``fieldLimit`` bytes, and a warning.
    @inline(never)
    private mutating func cutAttribute(
        _ bytes: UnsafeBufferPointer<UInt8>, _ attribute: StaticString, of element: StaticString
    ) -> UnsafeBufferPointer<UInt8> {
        let length = bytes.count
        let kept = utf8CutLength(bytes, maxCount: fieldLimit)
        report(
            .warning, .fieldLimit, line: eventDepth != 0 ? event.origin.line : currentLine(),
            message:
                "\(recordLabel): the \(attribute) attribute of <\(element)> is \(length) bytes, more than the "
                + "\(fieldLimit)-byte limit for one field; only its first \(kept) bytes were kept")
        return UnsafeBufferPointer(rebasing: bytes[0..<kept])
    }

    // MARK: - Helpers

    private mutating func intern(_ value: UnsafePointer<CChar>, _ attribute: StaticString, of element: StaticString) -> String {
        let bytes = attributeBytes(value, attribute, of: element)
        return shared(bytes)
    }

    /// Upper-cases a GUID and removes its braces, so the three forms real exports use compare equal.
    ///
    /// Results are cached by raw spelling (``guids``): a log repeats its providers' GUIDs on every
    /// record, so most calls are one hash and one comparison. Others normalize into a stack buffer.
    private mutating func normalizedGUID(
        _ value: UnsafePointer<CChar>, _ attribute: StaticString, of element: StaticString
    ) -> String {
        let input = attributeBytes(value, attribute, of: element)
        guard !input.isEmpty else { return "" }
        return guids.intern(input) { raw in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: raw.count) { output in
                var written = 0
                for byte in raw where byte != UInt8(ascii: "{") && byte != UInt8(ascii: "}") && !isXMLWhitespace(byte) {
                    output[written] = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
                    written += 1
                }
                return String(decoding: UnsafeBufferPointer(rebasing: output[0..<written]), as: UTF8.self)
            }
        }
    }
}

/// expat's character data callback; registered only while a capture is open (see `setCapture`).
private let characterDataCallback: XML_CharacterDataHandler = { userData, bytes, count in
    guard let userData, let bytes else { return }
    userData.assumingMemoryBound(to: EventBuilder.self).pointee.characters(bytes, Int(count))
}

// MARK: - C-string helpers (no allocation)

/// True when the NUL-terminated `name` equals `literal`.
@inline(__always)
func cNameEquals(_ name: UnsafePointer<CChar>, _ literal: StaticString) -> Bool {
    let count = literal.utf8CodeUnitCount
    let bytes = literal.utf8Start
    // Byte by byte, inline (most names differ at the first byte; a call to strncmp cost more than
    // the comparison). It stops at the first difference, and the name's terminator differs from
    // every byte of a literal (which holds no NUL), so a shorter name is never read past its end.
    for index in 0..<count where UInt8(bitPattern: name[index]) != bytes[index] { return false }
    return name[count] == 0
}

/// The value of attribute `key` in expat's NULL-terminated name/value array.
@inline(__always)
func attribute(_ attributes: UnsafeMutablePointer<UnsafePointer<CChar>?>, _ key: StaticString) -> UnsafePointer<CChar>? {
    var index = 0
    while let name = attributes[index] {
        if cNameEquals(name, key) { return attributes[index + 1] }
        index += 2
    }
    return nil
}

/// The bytes of a NUL-terminated C string (for messages, not for the per-element path).
func cBytes(_ text: UnsafePointer<CChar>) -> [UInt8] {
    Array(UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: strlen(text)))
}

/// The part of a qualified name after its prefix (`auto-ns2:Foo` → `Foo`).
func localName(_ name: UnsafePointer<CChar>) -> UnsafeBufferPointer<UInt8> {
    var start = 0
    var index = 0
    while name[index] != 0 {
        if name[index] == 0x3A { start = index + 1 }
        index += 1
    }
    // CChar and UInt8 are the signed and unsigned forms of one integer type, which Swift lets
    // each be read through the other without rebinding, so the view may outlive this call.
    return UnsafeBufferPointer(start: UnsafeRawPointer(name + start).assumingMemoryBound(to: UInt8.self), count: index - start)
}

/// Empties `text` unless it is empty already (no release of an empty string).
@inline(__always)
private func clear(_ text: inout String) {
    if !text.isEmpty { text = "" }
}

@inline(__always)
func isXMLWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
}

@inline(__always)
func trimWhitespace(_ buffer: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var start = 0
    var end = buffer.count
    while start < end && isXMLWhitespace(buffer[start]) { start += 1 }
    while end > start && isXMLWhitespace(buffer[end - 1]) { end -= 1 }
    return UnsafeBufferPointer(rebasing: buffer[start..<end])
}

/// Parses an unsigned decimal number; `nil` for empty input, other characters or overflow.
func parseUnsignedDecimal(_ buffer: UnsafeBufferPointer<UInt8>) -> UInt64? {
    guard !buffer.isEmpty else { return nil }
    var value: UInt64 = 0
    for byte in buffer {
        guard byte >= 0x30 && byte <= 0x39 else { return nil }
        let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - 0x30))
        if overflow1 || overflow2 { return nil }
        value = sum
    }
    return value
}

/// Parses an attribute holding an unsigned decimal number.
func parseUnsigned(_ value: UnsafePointer<CChar>) -> UInt64? {
    let length = strlen(value)
    return value.withMemoryRebound(to: UInt8.self, capacity: length) {
        parseUnsignedDecimal(trimWhitespace(UnsafeBufferPointer(start: $0, count: length)))
    }
}
