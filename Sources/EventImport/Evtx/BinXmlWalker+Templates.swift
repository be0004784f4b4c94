/// Template instances and their substitutions (MS-EVEN6 §3.1.4.7): the template body is walked
/// with the instance's values; arrays repeat their element; NULL optional values are omitted.
extension BinXmlWalker {
    /// A template instance: the template's body (defined here or earlier in the chunk) is walked
    /// with this instance's substitution values. Returns the offset after the values.
    mutating func templateInstance(at position: Int, depth: Int) throws(EvtxDamage) -> Int {
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
        let valuesStart = next + count * 4
        var valueOffset = valuesStart
        // One check for the whole table: its entries (`next..<valuesStart`, checked just above)
        // are read unchecked, and the values they describe are checked together after the loop
        // (at most 8192 sizes of at most 0xFFFF bytes: the sum cannot overflow).
        let table = chunk.bytes
        for index in 0..<count {
            let entry = next + index * 4
            let size = Int(UInt16(littleEndian: table.loadUnaligned(fromByteOffset: entry, as: UInt16.self)))
            let type = table.load(fromByteOffset: entry + 2, as: UInt8.self)
            values.append(SubstitutionValue(type: type, offset: valueOffset, size: size))
            valueOffset += size
        }
        if valueOffset > chunk.count {
            // Some value lies outside the chunk: name the first one, as a check per value would.
            values.truncate(to: base)
            throw firstValueOutsideChunk(table: next, count: count)
        }
        try walkTemplate(definition: definition, body: body, size: bodySize, values: base..<values.count, depth: depth + 1)
        values.truncate(to: base)
        return valueOffset
    }

    /// The damage of the first value of the substitution table at `table` (`count` entries) that
    /// lies outside the chunk, as a check per value reports it.
    func firstValueOutsideChunk(table: Int, count: Int) -> EvtxDamage {
        var valueOffset = table + count * 4
        for index in 0..<count {
            do throws(EvtxDamage) {
                let size = Int(try chunk.u16(table + index * 4))
                try chunk.check(valueOffset, size, "substitution value")
                valueOffset += size
            } catch {
                return error
            }
        }
        return EvtxDamage(reason: "a substitution value lies outside the chunk", offset: valueOffset)
    }

    func isNull(index: Int, values range: Range<Int>) -> Bool {
        guard index < range.count else { return true }
        let value = values[range.lowerBound + index]
        return value.type == BinXmlValueType.null
    }

    mutating func substitution(at position: Int, optional: Bool, values range: Range<Int>, depth: Int) throws(EvtxDamage) -> Int {
        let index = Int(try chunk.u16(position + 1))
        _ = try chunk.u8(position + 3)
        try substitution(index, at: position, optional: optional, values: range, depth: depth)
        return position + 4
    }

    /// The substitution token at `position` (four bytes, already read) naming value `index`.
    mutating func substitution(_ index: Int, at position: Int, optional: Bool, values range: Range<Int>, depth: Int) throws(EvtxDamage) {
        guard index < range.count else {
            if optional {
                if inAttribute { attributeHasOmittedValue = true }
                return
            }
            throw EvtxDamage(reason: "substitution \(index) of a template instance with \(range.count)", offset: position)
        }
        let value = values[range.lowerBound + index]
        if value.type == BinXmlValueType.null {
            if inAttribute && optional { attributeHasOmittedValue = true }
            return
        }
        if value.type == BinXmlValueType.binXml && value.size > 0 {
            guard !inAttribute && !inStartTag else {
                throw EvtxDamage(reason: "an XML value inside an attribute", offset: position)
            }
            try walk(from: value.offset, to: value.offset + value.size, values: values.count..<values.count, inTemplate: false, depth: depth + 1)
            return
        }
        // Every value's bytes were checked to lie in the chunk when its table was read (templateInstance).
        let bytes = UnsafeRawBufferPointer(rebasing: chunk.bytes[value.offset..<(value.offset + value.size)])
        var rendered = true
        let start = tagBytes.count
        try appendText(clean: !BinXmlValueType.isText(value.type)) { rendered = ValueRenderer.append(type: value.type, bytes, to: &$0) }
        guard rendered else {
            throw EvtxDamage(
                reason: "a value of type 0x\(String(value.type, radix: 16)) cannot be \(value.size) bytes long", offset: value.offset)
        }
        if inAttribute && value.type == BinXmlValueType.fileTime && bytes.count == 8,
            let ticks = ValueRenderer.unixTicks(fileTime: ValueRenderer.load(UInt64.self, bytes, 0))
        {
            timeStart = start
            timeEnd = tagBytes.count
            timeTicks = ticks
        }
    }

    /// An element whose content is one array substitution is repeated once per item, each with
    /// one item as its text (MS-EVEN6 §3.1.4.7.5), as Windows renders it.
    mutating func expandArray(_ value: SubstitutionValue, at position: Int) throws(EvtxDamage) {
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
            try appendText(clean: !BinXmlValueType.isText(itemType)) { rendered = ValueRenderer.append(type: itemType, part, to: &$0) }
            guard rendered else {
                throw EvtxDamage(reason: "an array item of type 0x\(String(itemType, radix: 16)) is \(item.count) bytes long", offset: value.offset)
            }
            try endElement(at: position)
        }
    }

}
