/// One substitution value of a template instance: its type and where its bytes lie in the chunk.
struct SubstitutionValue {
    var type: UInt8
    var offset: Int
    var size: Int
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
final class BinXmlWalker {
    /// Deepest nesting of template instances and BinXml values.
    static let maxNesting = 12
    /// Most tokens read for one record (a record fits in a 64 KiB chunk; templates repeat).
    static let maxTokensPerRecord = 1 << 20
    /// Most substitutions in one template instance.
    static let maxSubstitutions = 8192

    private let builder: UnsafeMutablePointer<EventBuilder>
    private var chunk = ChunkBytes(bytes: UnsafeRawBufferPointer(start: nil, count: 0))

    /// Decoded element and attribute names of the current chunk: chunk offset → bytes in `nameBytes`.
    private var names: [UInt32: Range<Int>] = [:]
    private var nameBytes: [UInt8] = []

    /// The open start tag: its name and attributes as NUL-terminated strings, and where each starts.
    private var tagBytes: [UInt8] = []
    private var attributeStarts: [Int] = []
    private var pointers: [UnsafePointer<CChar>?] = []
    private var inStartTag = false
    private var inAttribute = false
    private var attributeHasText = false
    private var attributeHasOmittedValue = false

    private var text: [UInt8] = []
    private var values: [SubstitutionValue] = []
    private var openElements = 0
    private var tokenBudget = 0

    /// The origin to give the event whose `<Event>` element starts next.
    private var pendingOrigin: EventOrigin?

    init(builder: UnsafeMutablePointer<EventBuilder>) {
        self.builder = builder
        text.reserveCapacity(4096)
        tagBytes.reserveCapacity(256)
    }

    /// Starts a new chunk: names are offsets into it, so the name cache starts empty.
    func beginChunk(_ bytes: ChunkBytes) {
        chunk = bytes
        names.removeAll(keepingCapacity: true)
        nameBytes.removeAll(keepingCapacity: true)
    }

    /// Reads one record's BinXml (`start..<end` of the chunk); the event it describes is emitted
    /// through the builder with `origin`. Returns whether an event was emitted.
    func readRecord(from start: Int, to end: Int, origin: EventOrigin) throws(EvtxDamage) -> Bool {
        inStartTag = false
        inAttribute = false
        openElements = 0
        values.removeAll(keepingCapacity: true)
        tokenBudget = Self.maxTokensPerRecord
        pendingOrigin = origin
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

    private func walk(from start: Int, to end: Int, values range: Range<Int>, inTemplate: Bool, depth: Int) throws(EvtxDamage) {
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
                attributeStarts.append(tagBytes.count)
                tagBytes.append(contentsOf: nameBytes[name])
                tagBytes.append(0)
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
                let replacement = Self.entity(nameBytes[name])
                try appendText { $0.append(contentsOf: replacement) }
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
    private func readName(at position: Int) throws(EvtxDamage) -> (name: Range<Int>, next: Int) {
        let offset = try chunk.u32(position)
        var next = position + 4
        if Int(offset) == next {
            let units = Int(try chunk.u16(next + 6))
            next += 8 + units * 2 + 2
            try chunk.check(position + 4, next - position - 4, "name")
        }
        if let cached = names[offset] { return (cached, next) }
        let units = Int(try chunk.u16(Int(offset) + 6))
        let bytes = try chunk.slice(Int(offset) + 8, units * 2)
        let start = nameBytes.count
        UTF16Text.append(bytes, units: units, stopAtNUL: true, to: &nameBytes)
        let range = start..<nameBytes.count
        names[offset] = range
        return (range, next)
    }

    private func openStartTag(at position: Int, hasAttributes: Bool, inTemplate: Bool) throws(EvtxDamage) -> Int {
        try finishAttribute()
        guard !inStartTag else { throw EvtxDamage(reason: "an element starts inside a start tag", offset: position) }
        // Template definitions carry a dependency identifier; records and nested values do not.
        let sizeOffset = position + 1 + (inTemplate ? 2 : 0)
        _ = try chunk.u32(sizeOffset)
        let (name, next) = try readName(at: sizeOffset + 4)
        tagBytes.removeAll(keepingCapacity: true)
        tagBytes.append(contentsOf: nameBytes[name])
        tagBytes.append(0)
        attributeStarts.removeAll(keepingCapacity: true)
        inStartTag = true
        guard hasAttributes else { return next }
        _ = try chunk.u32(next)
        return next + 4
    }

    /// `>` of a start tag. An element whose only content is an optional substitution with a
    /// NULL value is omitted whole (MS-EVEN6 §3.1.4.7.2).
    private func closeStartTag(at position: Int, values range: Range<Int>) throws(EvtxDamage) -> Int {
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

    /// An element whose content is one array substitution is repeated once per item, each with
    /// one item as its text (MS-EVEN6 §3.1.4.7.5), as Windows renders it.
    private func expandArray(_ value: SubstitutionValue, at position: Int) throws(EvtxDamage) {
        let itemType = value.type & ~BinXmlValueType.arrayFlag
        let bytes = try chunk.slice(value.offset, value.size)
        var items: [Range<Int>] = []
        if itemType == BinXmlValueType.string {
            var start = 0
            var index = 0
            while index + 1 < bytes.count {
                if bytes[index] == 0 && bytes[index + 1] == 0 {
                    items.append(start..<index)
                    start = index + 2
                }
                index += 2
            }
            if start < bytes.count - bytes.count % 2 { items.append(start..<(bytes.count - bytes.count % 2)) }
        } else {
            guard let size = BinXmlValueType.itemSize(itemType), bytes.count % size == 0 else {
                throw EvtxDamage(reason: "an array of type 0x\(String(itemType, radix: 16)) is \(value.size) bytes long", offset: value.offset)
            }
            var start = 0
            while start < bytes.count {
                items.append(start..<(start + size))
                start += size
            }
        }
        if items.isEmpty { items.append(0..<0) }
        for item in items {
            inStartTag = true
            try emitStartTag(at: position)
            let part = UnsafeRawBufferPointer(rebasing: bytes[item])
            var rendered = true
            try appendText { rendered = ValueRenderer.append(type: itemType, part, to: &$0) }
            guard rendered else {
                throw EvtxDamage(reason: "an array item of type 0x\(String(itemType, radix: 16)) is \(item.count) bytes long", offset: value.offset)
            }
            try endElement(at: position)
        }
    }

    /// Ends the current attribute's value; an attribute whose value was only an omitted optional
    /// substitution is removed.
    private func finishAttribute() throws(EvtxDamage) {
        guard inAttribute else { return }
        inAttribute = false
        if attributeHasOmittedValue && !attributeHasText, attributeStarts.count >= 2 {
            tagBytes.removeSubrange(attributeStarts[attributeStarts.count - 2]...)
            attributeStarts.removeLast(2)
        } else {
            tagBytes.append(0)
        }
    }

    private func emitStartTag(at position: Int) throws(EvtxDamage) {
        guard inStartTag else { throw EvtxDamage(reason: "the end of a start tag outside one", offset: position) }
        inStartTag = false
        tagBytes.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
            pointers.removeAll(keepingCapacity: true)
            for start in attributeStarts { pointers.append((raw + start).assumingMemoryBound(to: CChar.self)) }
            pointers.append(nil)
            pointers.withUnsafeMutableBufferPointer { list in
                guard let attributes = list.baseAddress else { return }
                builder.pointee.startElement(raw.assumingMemoryBound(to: CChar.self), attributes)
            }
        }
        openElements += 1
        if let origin = pendingOrigin, builder.pointee.eventDepth != 0 {
            builder.pointee.event.origin = origin
            pendingOrigin = nil
        }
    }

    private func endElement(at position: Int) throws(EvtxDamage) {
        guard openElements > 0, !inStartTag else { throw EvtxDamage(reason: "an end tag without an open element", offset: position) }
        openElements -= 1
        builder.pointee.endElement()
    }

    // MARK: - Text and values

    /// Text of a value token (always a string in practice).
    private func valueText(at position: Int) throws(EvtxDamage) -> Int {
        let type = try chunk.u8(position + 1)
        let units = Int(try chunk.u16(position + 2))
        switch type {
        case BinXmlValueType.string:
            let bytes = try chunk.slice(position + 4, units * 2)
            try appendText { UTF16Text.append(bytes, units: units, stopAtNUL: false, to: &$0) }
            return position + 4 + units * 2
        case BinXmlValueType.ansiString:
            let bytes = try chunk.slice(position + 4, units)
            try appendText { UTF16Text.appendANSI(bytes, to: &$0) }
            return position + 4 + units
        default:
            throw EvtxDamage(reason: "a value token of type 0x\(String(type, radix: 16)), not text", offset: position)
        }
    }

    private func isNull(index: Int, values range: Range<Int>) -> Bool {
        guard index < range.count else { return true }
        let value = values[range.lowerBound + index]
        return value.type == BinXmlValueType.null
    }

    private func substitution(at position: Int, optional: Bool, values range: Range<Int>, depth: Int) throws(EvtxDamage) -> Int {
        let index = Int(try chunk.u16(position + 1))
        _ = try chunk.u8(position + 3)
        guard index < range.count else {
            if optional {
                if inAttribute { attributeHasOmittedValue = true }
                return position + 4
            }
            throw EvtxDamage(reason: "substitution \(index) of a template instance with \(range.count)", offset: position)
        }
        let value = values[range.lowerBound + index]
        if value.type == BinXmlValueType.null {
            if inAttribute && optional { attributeHasOmittedValue = true }
            return position + 4
        }
        if value.type == BinXmlValueType.binXml && value.size > 0 {
            guard !inAttribute && !inStartTag else {
                throw EvtxDamage(reason: "an XML value inside an attribute", offset: position)
            }
            try walk(from: value.offset, to: value.offset + value.size, values: values.count..<values.count, inTemplate: false, depth: depth + 1)
            return position + 4
        }
        let bytes = try chunk.slice(value.offset, value.size)
        var rendered = true
        try appendText { rendered = ValueRenderer.append(type: value.type, bytes, to: &$0) }
        guard rendered else {
            throw EvtxDamage(
                reason: "a value of type 0x\(String(value.type, radix: 16)) cannot be \(value.size) bytes long", offset: value.offset)
        }
        return position + 4
    }

    /// Renders text into the open attribute, or hands it to the builder when it keeps it.
    @inline(__always)
    private func appendText(_ render: (inout [UInt8]) -> Void) throws(EvtxDamage) {
        if inAttribute {
            let start = tagBytes.count
            render(&tagBytes)
            attributeHasText = true
            repairControls(&tagBytes, from: start, dropNUL: true)
            normalizeLineEnds(&tagBytes, from: start)
            return
        }
        guard !inStartTag else { throw EvtxDamage(reason: "text inside a start tag", offset: 0) }
        guard openElements > 0, builder.pointee.capture != .none else { return }
        text.removeAll(keepingCapacity: true)
        render(&text)
        repairControls(&text, from: 0, dropNUL: false)
        normalizeLineEnds(&text, from: 0)
        text.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            builder.pointee.characters(UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), bytes.count)
        }
    }

    /// Replaces C0 control characters that XML 1.0 forbids with U+FFFD, as the XML reader does
    /// for exported XML (so both forms give the same value); NUL is dropped from attribute values,
    /// which are NUL-terminated.
    private func repairControls(_ bytes: inout [UInt8], from start: Int, dropNUL: Bool) {
        let found = bytes.withUnsafeBufferPointer { firstForbiddenControl(UnsafeBufferPointer(rebasing: $0[start...])) }
        guard found >= 0 else { return }
        var repaired: [UInt8] = []
        repaired.reserveCapacity(bytes.count + 8)
        repaired.append(contentsOf: bytes[..<start])
        for byte in bytes[start...] {
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                if byte == 0 && dropNUL { continue }
                repaired.append(contentsOf: [0xEF, 0xBF, 0xBD])
            } else {
                repaired.append(byte)
            }
        }
        bytes = repaired
    }

    /// Turns CR LF and lone CR into LF, as an XML parser does with the text of an exported log
    /// (so both forms give the same value).
    private func normalizeLineEnds(_ bytes: inout [UInt8], from start: Int) {
        guard let first = bytes[start...].firstIndex(of: 0x0D) else { return }
        var write = first
        var read = first
        let count = bytes.count
        while read < count {
            let byte = bytes[read]
            read += 1
            if byte == 0x0D {
                bytes[write] = 0x0A
                if read < count && bytes[read] == 0x0A { read += 1 }
            } else {
                bytes[write] = byte
            }
            write += 1
        }
        bytes.removeSubrange(write...)
    }

    /// The text of an entity reference: the five XML entities; others are kept as written.
    private static func entity(_ name: ArraySlice<UInt8>) -> [UInt8] {
        switch String(decoding: name, as: UTF8.self) {
        case "amp": [UInt8(ascii: "&")]
        case "lt": [UInt8(ascii: "<")]
        case "gt": [UInt8(ascii: ">")]
        case "quot": [UInt8(ascii: "\"")]
        case "apos": [UInt8(ascii: "'")]
        default: [UInt8(ascii: "&")] + Array(name) + [UInt8(ascii: ";")]
        }
    }

    // MARK: - Templates

    /// A template instance: the template's body (defined here or earlier in the chunk) is walked
    /// with this instance's substitution values. Returns the offset after the values.
    private func templateInstance(at position: Int, depth: Int) throws(EvtxDamage) -> Int {
        let definition = Int(try chunk.u32(position + 6))
        var next = position + 10
        let bodySize = Int(try chunk.u32(definition + 20))
        let body = definition + 24
        try chunk.check(body, bodySize, "template")
        if definition == next { next = body + bodySize }
        let count = Int(try chunk.u32(next))
        next += 4
        guard count <= Self.maxSubstitutions else {
            throw EvtxDamage(reason: "a template instance claims \(count) substitution values", offset: next - 4)
        }
        try chunk.check(next, count * 4, "substitution table")
        let base = values.count
        var valueOffset = next + count * 4
        for index in 0..<count {
            let size = Int(try chunk.u16(next + index * 4))
            let type = try chunk.u8(next + index * 4 + 2)
            try chunk.check(valueOffset, size, "substitution value")
            values.append(SubstitutionValue(type: type, offset: valueOffset, size: size))
            valueOffset += size
        }
        try walk(from: body, to: body + bodySize, values: base..<values.count, inTemplate: true, depth: depth + 1)
        values.removeSubrange(base...)
        return valueOffset
    }
}
