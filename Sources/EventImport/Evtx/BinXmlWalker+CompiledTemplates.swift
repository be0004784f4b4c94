/// One step of a compiled template body: a token of the body with what can be known before any
/// substitution value is seen (its name read, its lookahead taken) already worked out.
struct TemplateStep {
    enum Kind: UInt8 {
        /// `0x00`: the body ends.
        case endOfBody
        /// `0x0F`: a fragment header, skipped.
        case fragmentHeader
        /// `0x01`/`0x41`: a start tag opens; `name` is its element name.
        case openStartTag
        /// `0x02`: `>` of a start tag; `lookahead` says whether the tokens after it were taken.
        case closeStartTag
        /// `0x03`: `/>`.
        case closeEmptyTag
        /// `0x04`: an end tag.
        case endElement
        /// `0x05`/`0x45`: value text.
        case valueText
        /// `0x06`/`0x46`: an attribute; `name` is its name.
        case attribute
        /// `0x0D`: a normal substitution.
        case substitution
        /// `0x0E`: an optional substitution.
        case optionalSubstitution
    }

    var kind: Kind
    /// For ``Kind/closeStartTag``: the chunk holds six bytes from the token on and the sixth is an
    /// end tag, so `lookaheadToken` and `lookaheadIndex` hold the next token and its index field.
    var lookahead = false
    var lookaheadToken: UInt8 = 0
    var lookaheadIndex = 0  // also the value index of a substitution
    /// Where the name starts in `nameBytes` (open start tags and attributes).
    var name = 0
    /// The token's chunk offset (for the walker's functions and their diagnostics).
    var position: Int
}

/// Where a template's compiled steps lie in the walker's `steps`; `count == 0` means the body could
/// not be compiled and is walked token by token.
struct CompiledTemplate {
    var first: Int
    var count: Int
}

/// Template bodies compiled once per chunk: a chunk's records instantiate the same few templates
/// over and over, and walking a body token by token decodes every token and looks up every name
/// again for each record. A compiled body is a list of ``TemplateStep``s that
/// ``runTemplate(_:values:depth:)`` carries out with the walker's own functions, in the
/// same order and with the same checks, so events, diagnostics and limits are those of
/// ``walk(from:to:values:inTemplate:depth:)``. A body with a token that is rare in templates
/// (CDATA, references, processing instructions, a nested template instance) or that cannot be
/// read is not compiled; it is walked token by token, which reports the damage as before.
extension BinXmlWalker {
    /// Most steps compiled per chunk (a real chunk's templates take a few hundred).
    static let maxStepsPerChunk = 1 << 18

    /// Walks the body of the template defined at chunk offset `definition` (`body..<body + size`)
    /// with the substitution values `range`, compiled on first use in the chunk.
    mutating func walkTemplate(definition: Int, body: Int, size: Int, values range: Range<Int>, depth: Int) throws(EvtxDamage) {
        // Before compiling, as walk(from:to:values:inTemplate:depth:) checks before reading a token.
        guard depth <= Self.maxNesting else {
            throw EvtxDamage(reason: "templates and XML values nest more than \(Self.maxNesting) deep", offset: body)
        }
        var compiled = CompiledTemplate(first: 0, count: 0)
        let slot = definition < templateSlots.count ? Int(templateSlots[definition]) : 0
        if slot != 0 && slot <= templates.count {
            compiled = templates[slot - 1]
        } else if definition < templateSlots.count, let index = UInt32(exactly: templates.count + 1) {
            compiled = compile(from: body, to: body + size)
            templates.append(compiled)
            templateSlots[definition] = index
            templatesRead.append(definition)
        }
        if compiled.count == 0 {
            try walk(from: body, to: body + size, values: range, inTemplate: true, depth: depth)
        } else {
            try runTemplate(compiled, values: range, depth: depth)
        }
    }

    /// The steps of a template body, appended to `steps`; a count of 0 when the body holds a token
    /// that is not compiled or cannot be read (what is appended for it is dropped again).
    mutating func compile(from start: Int, to end: Int) -> CompiledTemplate {
        let first = steps.count
        var position = start
        do throws(EvtxDamage) {
            while position < end {
                guard steps.count < Self.maxStepsPerChunk else { throw EvtxDamage(reason: "too many steps", offset: position) }
                let token = try chunk.u8(position)
                var step = TemplateStep(kind: .endOfBody, position: position)
                switch token {
                case 0x00:
                    steps.append(step)
                    return CompiledTemplate(first: first, count: steps.count - first)
                case 0x0F:
                    step.kind = .fragmentHeader
                    position += 4
                case 0x01, 0x41:
                    // As openStartTag(at:hasAttributes:inTemplate:) reads it inside a template.
                    let sizeOffset = position + 3
                    _ = try chunk.u32(sizeOffset)
                    let (name, next) = try readName(at: sizeOffset + 4)
                    step.kind = .openStartTag
                    step.name = name
                    if token == 0x41 {
                        _ = try chunk.u32(next)
                        position = next + 4
                    } else {
                        position = next
                    }
                case 0x02:
                    // As closeStartTag(at:values:) looks ahead.
                    step.kind = .closeStartTag
                    if chunk.count - position >= 6, try chunk.u8(position + 5) == 0x04 {
                        step.lookahead = true
                        step.lookaheadToken = try chunk.u8(position + 1)
                        step.lookaheadIndex = Int(try chunk.u16(position + 2))
                    }
                    position += 1
                case 0x03:
                    step.kind = .closeEmptyTag
                    position += 1
                case 0x04:
                    step.kind = .endElement
                    position += 1
                case 0x05, 0x45:
                    step.kind = .valueText
                    let type = try chunk.u8(position + 1)
                    let units = Int(try chunk.u16(position + 2))
                    switch type {
                    case BinXmlValueType.string: position += 4 + units * 2
                    case BinXmlValueType.ansiString: position += 4 + units
                    default: throw EvtxDamage(reason: "not text", offset: position)
                    }
                case 0x06, 0x46:
                    let (name, next) = try readName(at: position + 1)
                    step.kind = .attribute
                    step.name = name
                    position = next
                case 0x0D, 0x0E:
                    // As substitution(at:optional:values:depth:) reads it; the index is kept in the step.
                    step.kind = token == 0x0E ? .optionalSubstitution : .substitution
                    step.lookaheadIndex = Int(try chunk.u16(position + 1))
                    _ = try chunk.u8(position + 3)
                    position += 4
                default:
                    throw EvtxDamage(reason: "not compiled", offset: position)
                }
                steps.append(step)
            }
        } catch {
            steps.truncate(to: first)
            return CompiledTemplate(first: first, count: 0)
        }
        return CompiledTemplate(first: first, count: steps.count - first)
    }

    /// Carries out compiled steps as ``walk(from:to:values:inTemplate:depth:)`` carries out the
    /// tokens they were compiled from: the same calls, checks, token budget and offsets.
    /// The caller checked `depth` (``walkTemplate(definition:body:size:values:depth:)``).
    mutating func runTemplate(_ compiled: CompiledTemplate, values range: Range<Int>, depth: Int) throws(EvtxDamage) {
        var index = compiled.first
        let end = compiled.first + compiled.count
        while index < end {
            // By value: a nested XML value may compile more templates, which can move `steps`.
            let step = steps[index]
            index += 1
            tokenBudget -= 1
            guard tokenBudget > 0 else {
                throw EvtxDamage(reason: "the record holds more than \(Self.maxTokensPerRecord) XML tokens", offset: step.position)
            }
            switch step.kind {
            case .endOfBody:
                return
            case .fragmentHeader:
                continue
            case .openStartTag:
                try finishAttribute()
                guard !inStartTag else { throw EvtxDamage(reason: "an element starts inside a start tag", offset: step.position) }
                elementName = step.name
                tagBytes.removeAll()
                timeStart = -1
                attributeStarts.removeAll()
                inStartTag = true
            case .closeStartTag:
                // closeStartTag(at:values:) returns the offset after the substitution and the end
                // tag it took: the two steps compiled from them are skipped.
                if try closeStartTag(step, values: range) { index += 2 }
            case .closeEmptyTag:
                try finishAttribute()
                try emitStartTag(at: step.position)
                try endElement(at: step.position)
            case .endElement:
                try endElement(at: step.position)
            case .valueText:
                _ = try valueText(at: step.position)
            case .attribute:
                try finishAttribute()
                guard inStartTag else { throw EvtxDamage(reason: "an attribute outside a start tag", offset: step.position) }
                attributeStarts.append(step.name)
                attributeStarts.append(tagBytes.count)
                inAttribute = true
                attributeHasText = false
                attributeHasOmittedValue = false
            case .substitution, .optionalSubstitution:
                try substitution(
                    step.lookaheadIndex, at: step.position, optional: step.kind == .optionalSubstitution, values: range, depth: depth)
            }
        }
    }

    /// ``closeStartTag(at:values:)`` with its lookahead taken at compile time; true when it took
    /// the substitution and end tag after it.
    mutating func closeStartTag(_ step: TemplateStep, values range: Range<Int>) throws(EvtxDamage) -> Bool {
        try finishAttribute()
        if step.lookahead {
            let token = step.lookaheadToken
            let index = step.lookaheadIndex
            if token == 0x0E && isNull(index: index, values: range) {
                guard inStartTag else { throw EvtxDamage(reason: "the end of a start tag outside one", offset: step.position) }
                inStartTag = false
                return true
            }
            if token == 0x0D || token == 0x0E, index < range.count {
                let value = values[range.lowerBound + index]
                if value.type & BinXmlValueType.arrayFlag != 0 {
                    try expandArray(value, at: step.position)
                    return true
                }
            }
        }
        try emitStartTag(at: step.position)
        return false
    }
}
