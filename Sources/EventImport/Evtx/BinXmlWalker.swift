/// One substitution value of a template instance: its type and where its bytes lie in the chunk.
struct SubstitutionValue {
    var type: UInt8
    var offset: Int
    var size: Int
}

/// The decoded text of one value token of a chunk: the token's chunk offset, where its UTF-8
/// lies in the walker's `textBytes`, and whether it is free of bytes that need repair.
struct CachedText {
    var offset: Int
    var start: Int
    var count: Int
    var clean: Bool
}

/// Walks the binary XML (BinXml) of event records and drives ``EventBuilder`` with the elements,
/// attributes and text they describe, as expat drives it for exported XML: no XML text is made.
///
/// Handles fragment headers, elements with and without attributes, value text, CDATA, character
/// and entity references, template instances (definitions inline or elsewhere in the chunk) and
/// their normal and optional substitutions, and BinXml nested in substitution values. An optional
/// substitution whose value is NULL is omitted with its attribute or element (MS-EVEN6). Every
/// offset comes from the file and is range-checked; nesting and the number of tokens per record
/// are capped, so damaged input ends in ``EvtxDamage``, never a trap or a hang.
///
/// A struct used through an `UnsafeMutablePointer` held by ``EvtxReader`` (as ``EventBuilder`` is),
/// so its buffers are mutated without reference counting or dynamic exclusivity checks. Its byte
/// buffers are ``ByteBuffer``s (one capacity check per appended run, no uniqueness checks), so it
/// is non-copyable.
struct BinXmlWalker: ~Copyable {
    /// Deepest nesting of template instances and BinXml values.
    static let maxNesting = 12
    /// Most tokens read for one record (a record fits in a 64 KiB chunk; templates repeat).
    static let maxTokensPerRecord = 1 << 20
    /// Most substitutions in one template instance.
    static let maxSubstitutions = 8192

    let builder: UnsafeMutablePointer<EventBuilder>
    var chunk = ChunkBytes(bytes: UnsafeRawBufferPointer(start: nil, count: 0))

    /// Decoded element and attribute names of the current chunk, each NUL-terminated in
    /// `nameBytes`. `nameStarts[offset]` is 1 + where the name defined at chunk offset `offset`
    /// starts in `nameBytes`, or 0 when it has not been read in this chunk: an array indexed by
    /// offset, not a dictionary, because a name is looked up for every element and attribute.
    var nameStarts = [UInt32](repeating: 0, count: EvtxChunkHeader.chunkSize)
    /// The offsets set in `nameStarts` for this chunk, to clear at the next one.
    var namesRead: [Int] = []
    var nameBytes = ByteBuffer(capacity: 16384)

    /// The open start tag: its name (a start in `nameBytes`), its attributes' names (starts in
    /// `nameBytes`) and values (NUL-terminated in `tagBytes`) as pairs of starts.
    var elementName = 0
    var tagBytes = ByteBuffer(capacity: 1024)
    var attributeStarts = PlainStack<Int>(capacity: 32)
    var pointers = PlainStack<UnsafePointer<CChar>?>(capacity: 33)

    /// Text of value tokens (`0x05`) already decoded in this chunk: templates repeat the same
    /// attribute values (`xmlns`, `Name='param1'`) for every record. `textSlots[offset]` is
    /// 1 + the index in `texts` of the text of the token at chunk offset `offset`, or 0.
    var textSlots = [UInt32](repeating: 0, count: EvtxChunkHeader.chunkSize)
    var texts = PlainStack<CachedText>(capacity: 256)
    var textBytes = ByteBuffer(capacity: 16384)
    /// The FILETIME last rendered as an attribute's text in the open start tag: where its text starts
    /// and ends in `tagBytes` (`start` is -1 when there is none) and its ticks, so that the builder
    /// takes the time without parsing the text back (``EventBuilder/renderedTime``).
    var timeStart = -1
    var timeEnd = 0
    var timeTicks: Int64 = 0
    var inStartTag = false
    var inAttribute = false
    var attributeHasText = false
    var attributeHasOmittedValue = false

    /// Template bodies compiled in this chunk (see ``walkTemplate(definition:body:size:values:depth:)``):
    /// `templateSlots[offset]` is 1 + the index in `templates` of the template defined at chunk
    /// offset `offset`, or 0; `templatesRead` lists the offsets set, to clear at the next chunk.
    var templateSlots = [UInt32](repeating: 0, count: EvtxChunkHeader.chunkSize)
    var templatesRead: [Int] = []
    var templates = PlainStack<CompiledTemplate>(capacity: 32)
    var steps = PlainStack<TemplateStep>(capacity: 1024)

    var values = PlainStack<SubstitutionValue>(capacity: 64)
    var openElements = 0
    var tokenBudget = 0

    /// The origin to give the event whose `<Event>` element starts next, while `originPending`
    /// (a flag, so that the test on every element does not copy the origin and its string).
    var pendingOrigin = EventOrigin(source: "", line: 0)
    var originPending = false

    init(builder: UnsafeMutablePointer<EventBuilder>) {
        self.builder = builder
    }

    /// Starts a new chunk: names are offsets into it, so the name cache starts empty.
    mutating func beginChunk(_ bytes: ChunkBytes) {
        chunk = bytes
        for offset in namesRead { nameStarts[offset] = 0 }
        namesRead.removeAll(keepingCapacity: true)
        nameBytes.removeAll()
        for text in texts.buffer where text.offset < textSlots.count { textSlots[text.offset] = 0 }
        texts.removeAll()
        textBytes.removeAll()
        for offset in templatesRead { templateSlots[offset] = 0 }
        templatesRead.removeAll(keepingCapacity: true)
        templates.removeAll()
        steps.removeAll()
    }

    /// Reads one record's BinXml (`start..<end` of the chunk); the event it describes is emitted
    /// through the builder with `origin`. Returns whether an event was emitted.
    mutating func readRecord(from start: Int, to end: Int, origin: EventOrigin) throws(EvtxDamage) -> Bool {
        inStartTag = false
        inAttribute = false
        openElements = 0
        values.removeAll()
        tokenBudget = Self.maxTokensPerRecord
        pendingOrigin = origin
        originPending = true
        let emittedBefore = builder.pointee.eventsEmitted
        do throws(EvtxDamage) {
            try walk(from: start, to: end, values: 0..<0, inTemplate: false, depth: 0)
            if openElements != 0 || builder.pointee.eventDepth != 0 {
                throw EvtxDamage(reason: "the record's XML ends inside an element", offset: end)
            }
        } catch {
            builder.pointee.resetForNewParser()
            throw error
        }
        return builder.pointee.eventsEmitted > emittedBefore
    }

    // MARK: - Tokens

    mutating func walk(from start: Int, to end: Int, values range: Range<Int>, inTemplate: Bool, depth: Int) throws(EvtxDamage) {
        guard depth <= Self.maxNesting else {
            throw EvtxDamage(reason: "templates and XML values nest more than \(Self.maxNesting) deep", offset: start)
        }
        var position = start
        while position < end {
            tokenBudget -= 1
            guard tokenBudget > 0 else {
                throw EvtxDamage(reason: "the record holds more than \(Self.maxTokensPerRecord) XML tokens", offset: position)
            }
            let token = try chunk.u8(position)
            switch token {
            case 0x00:
                return
            case 0x0F:
                position += 4
            case 0x0C:
                position = try templateInstance(at: position, depth: depth)
            case 0x01, 0x41:
                position = try openStartTag(at: position, hasAttributes: token == 0x41, inTemplate: inTemplate)
            case 0x02:
                position = try closeStartTag(at: position, values: range)
            case 0x03:
                try finishAttribute()
                try emitStartTag(at: position)
                try endElement(at: position)
                position += 1
            case 0x04:
                try endElement(at: position)
                position += 1
            case 0x05, 0x45:
                position = try valueText(at: position)
            case 0x06, 0x46:
                try finishAttribute()
                guard inStartTag else { throw EvtxDamage(reason: "an attribute outside a start tag", offset: position) }
                let (name, next) = try readName(at: position + 1)
                attributeStarts.append(name)
                attributeStarts.append(tagBytes.count)
                inAttribute = true
                attributeHasText = false
                attributeHasOmittedValue = false
                position = next
            case 0x07, 0x47:
                let units = Int(try chunk.u16(position + 1))
                let bytes = try chunk.slice(position + 3, units * 2)
                try appendText { UTF16Text.append(bytes, units: units, stopAtNUL: false, to: &$0) }
                position += 3 + units * 2
            case 0x08, 0x48:
                let unit = try chunk.u16(position + 1)
                try appendText { output in
                    withUnsafeBytes(of: unit.littleEndian) { UTF16Text.append($0, units: 1, stopAtNUL: false, to: &output) }
                }
                position += 3
            case 0x09, 0x49:
                let (name, next) = try readName(at: position + 1)
                let replacement = BinXmlText.entity(nameView(name))
                try appendText { output in replacement.withUnsafeBytes { output.append($0) } }
                position = next
            case 0x0A:
                position = try readName(at: position + 1).next
            case 0x0B:
                let units = Int(try chunk.u16(position + 1))
                try chunk.check(position + 3, units * 2)
                position += 3 + units * 2
            case 0x0D, 0x0E:
                position = try substitution(at: position, optional: token == 0x0E, values: range, depth: depth)
            default:
                throw EvtxDamage(reason: "unknown XML token 0x\(String(token, radix: 16))", offset: position)
            }
        }
    }

    /// A name reference: a chunk offset, and the name itself right after it when defined here.
    /// Returns where the name starts in `nameBytes`.
    mutating func readName(at position: Int) throws(EvtxDamage) -> (name: Int, next: Int) {
        let offset = Int(try chunk.u32(position))
        var next = position + 4
        if offset == next {
            let units = Int(try chunk.u16(next + 6))
            next += 8 + units * 2 + 2
            try chunk.check(position + 4, next - position - 4, "name")
        }
        let cached = offset < nameStarts.count ? nameStarts[offset] : 0
        if cached != 0 { return (Int(cached) - 1, next) }
        let units = Int(try chunk.u16(offset + 6))
        let bytes = try chunk.slice(offset + 8, units * 2)
        let start = nameBytes.count
        // A unit becomes at most 3 UTF-8 bytes. Names overlap freely in a hostile chunk (every
        // offset a long name), so what one chunk's names may take is capped.
        guard start + units * 3 < Self.maxNameBytesPerChunk else {
            throw EvtxDamage(reason: "the chunk's element and attribute names take more than \(Self.maxNameBytesPerChunk >> 20) MiB", offset: offset)
        }
        UTF16Text.append(bytes, units: units, stopAtNUL: true, to: &nameBytes)
        nameBytes.append(0)
        if offset < nameStarts.count, let stored = UInt32(exactly: start + 1) {
            nameStarts[offset] = stored
            namesRead.append(offset)
        }
        return (start, next)
    }

    /// The bytes of the name that starts at `start` in `nameBytes` (up to its NUL).
    func nameView(_ start: Int) -> UnsafeBufferPointer<UInt8> {
        let held = nameBytes.bytes
        guard start < held.count else { return UnsafeBufferPointer(start: nil, count: 0) }
        var end = start
        while end < held.count && held[end] != 0 { end += 1 }
        return UnsafeBufferPointer(rebasing: held[start..<end])
    }

    mutating func openStartTag(at position: Int, hasAttributes: Bool, inTemplate: Bool) throws(EvtxDamage) -> Int {
        try finishAttribute()
        guard !inStartTag else { throw EvtxDamage(reason: "an element starts inside a start tag", offset: position) }
        // Template definitions carry a dependency identifier; records and nested values do not.
        let sizeOffset = position + 1 + (inTemplate ? 2 : 0)
        _ = try chunk.u32(sizeOffset)
        let (name, next) = try readName(at: sizeOffset + 4)
        elementName = name
        tagBytes.removeAll()
        timeStart = -1
        attributeStarts.removeAll()
        inStartTag = true
        guard hasAttributes else { return next }
        _ = try chunk.u32(next)
        return next + 4
    }

    /// `>` of a start tag. An element whose only content is an optional substitution with a
    /// NULL value is omitted whole (MS-EVEN6 §3.1.4.7.2).
    mutating func closeStartTag(at position: Int, values range: Range<Int>) throws(EvtxDamage) -> Int {
        try finishAttribute()
        if chunk.count - position >= 6, try chunk.u8(position + 5) == 0x04 {
            let token = try chunk.u8(position + 1)
            let index = Int(try chunk.u16(position + 2))
            if token == 0x0E && isNull(index: index, values: range) {
                guard inStartTag else { throw EvtxDamage(reason: "the end of a start tag outside one", offset: position) }
                inStartTag = false
                return position + 6
            }
            if token == 0x0D || token == 0x0E, index < range.count {
                let value = values[range.lowerBound + index]
                if value.type & BinXmlValueType.arrayFlag != 0 {
                    try expandArray(value, at: position)
                    return position + 6
                }
            }
        }
        try emitStartTag(at: position)
        return position + 1
    }

    /// Ends the current attribute's value; an attribute whose value was only an omitted optional
    /// substitution is removed.
    mutating func finishAttribute() throws(EvtxDamage) {
        guard inAttribute else { return }
        inAttribute = false
        if attributeHasOmittedValue && !attributeHasText, attributeStarts.count >= 2 {
            tagBytes.truncate(to: attributeStarts[attributeStarts.count - 1])
            attributeStarts.truncate(to: attributeStarts.count - 2)
        } else {
            tagBytes.append(0)
        }
    }

    mutating func emitStartTag(at position: Int) throws(EvtxDamage) {
        guard inStartTag else { throw EvtxDamage(reason: "the end of a start tag outside one", offset: position) }
        inStartTag = false
        let builder = builder
        // Both buffers always hold storage; their addresses are stable until they are next changed.
        guard let names = nameBytes.bytes.baseAddress, let values = tagBytes.bytes.baseAddress else { return }
        let nameBase = UnsafeRawPointer(names)
        let valueBase = UnsafeRawPointer(values)
        pointers.removeAll()
        var index = 0
        let count = attributeStarts.count
        while index + 1 < count {
            pointers.append((nameBase + attributeStarts[index]).assumingMemoryBound(to: CChar.self))
            pointers.append((valueBase + attributeStarts[index + 1]).assumingMemoryBound(to: CChar.self))
            index += 2
        }
        pointers.append(nil)
        let element = (nameBase + elementName).assumingMemoryBound(to: CChar.self)
        // An attribute whose value starts where the FILETIME's text starts and ends where it ends
        // (its NUL right after) is that text alone. An attribute with text is never removed from
        // `tagBytes` (finishAttribute), so the range still holds that text.
        let hasTime = timeStart >= 0 && timeEnd < tagBytes.count && tagBytes.bytes[timeEnd] == 0
        if hasTime {
            builder.pointee.renderedTime = RenderedTime(
                text: (valueBase + timeStart).assumingMemoryBound(to: CChar.self), ticks: timeTicks)
        }
        if let attributes = pointers.buffer.baseAddress {
            builder.pointee.startElement(element, attributes)
        }
        if hasTime { builder.pointee.renderedTime = nil }
        openElements += 1
        if originPending && builder.pointee.eventDepth != 0 {
            builder.pointee.event.origin = pendingOrigin
            originPending = false
        }
    }

    mutating func endElement(at position: Int) throws(EvtxDamage) {
        guard openElements > 0, !inStartTag else { throw EvtxDamage(reason: "an end tag without an open element", offset: position) }
        openElements -= 1
        builder.pointee.endElement()
    }

    // MARK: - Text and values

    /// Text of a value token (always a string in practice).
    mutating func valueText(at position: Int) throws(EvtxDamage) -> Int {
        let type = try chunk.u8(position + 1)
        let units = Int(try chunk.u16(position + 2))
        switch type {
        case BinXmlValueType.string:
            let bytes = try chunk.slice(position + 4, units * 2)
            if let cached = decodedText(at: position, bytes, units: units) {
                try appendText(clean: cached.clean) { $0.append(cached.bytes) }
            } else {
                try appendText { UTF16Text.append(bytes, units: units, stopAtNUL: false, to: &$0) }
            }
            return position + 4 + units * 2
        case BinXmlValueType.ansiString:
            let bytes = try chunk.slice(position + 4, units)
            try appendText { UTF16Text.appendANSI(bytes, to: &$0) }
            return position + 4 + units
        default:
            throw EvtxDamage(reason: "a value token of type 0x\(String(type, radix: 16)), not text", offset: position)
        }
    }

    /// Most bytes of decoded names kept per chunk (a real chunk's names take a few KiB).
    static let maxNameBytesPerChunk = 1 << 20

    /// Most bytes of decoded value text kept per chunk (a real chunk's texts take a few KiB; a
    /// hostile one could otherwise make every offset a long text).
    static let maxCachedTextBytes = 1 << 20

    /// The UTF-8 text of the value token at `position` (UTF-16 `bytes` of `units` units), decoded
    /// once per chunk; `clean` when it holds no byte that ``BinXmlText/repair(_:from:dropNUL:)``
    /// would change. The view is valid until the next chunk. Nil when the cache is full (the
    /// caller then decodes the text itself).
    mutating func decodedText(
        at position: Int, _ bytes: UnsafeRawBufferPointer, units: Int
    ) -> (bytes: UnsafeRawBufferPointer, clean: Bool)? {
        guard position < textSlots.count else { return nil }
        let slot = Int(textSlots[position])
        let entry: CachedText
        if slot != 0 && slot <= texts.count {
            entry = texts[slot - 1]
        } else {
            guard textBytes.count + units * 3 <= Self.maxCachedTextBytes, let index = UInt32(exactly: texts.count + 1) else {
                return nil
            }
            let start = textBytes.count
            UTF16Text.append(bytes, units: units, stopAtNUL: false, to: &textBytes)
            let decoded = UnsafeBufferPointer(rebasing: textBytes.bytes[start...])
            entry = CachedText(offset: position, start: start, count: decoded.count, clean: !BinXmlText.needsRepair(decoded))
            texts.append(entry)
            textSlots[position] = index
        }
        let held = UnsafeRawBufferPointer(textBytes.bytes)
        return (UnsafeRawBufferPointer(rebasing: held[entry.start..<(entry.start + entry.count)]), entry.clean)
    }

    /// Renders text into the open attribute, or hands it to the builder when it keeps it. `clean`
    /// says the rendered text is known to need no repair (see ``decodedText(at:_:units:)``).
    @inline(__always)
    mutating func appendText(clean: Bool = false, _ render: (inout ByteBuffer) -> Void) throws(EvtxDamage) {
        if inAttribute {
            let start = tagBytes.count
            render(&tagBytes)
            attributeHasText = true
            if !clean { BinXmlText.repair(&tagBytes, from: start, dropNUL: true) }
            return
        }
        guard !inStartTag else { throw EvtxDamage(reason: "text inside a start tag", offset: 0) }
        guard openElements > 0, builder.pointee.capture != .none else { return }
        // Rendered straight into the builder's capture, where characters(_:_:) would copy it, and
        // then cut to the field limit as characters(_:_:) cuts it.
        let start = builder.pointee.text.count
        render(&builder.pointee.text)
        if !clean { BinXmlText.repair(&builder.pointee.text, from: start, dropNUL: false) }
        builder.pointee.keepAppendedText(from: start)
    }

}
