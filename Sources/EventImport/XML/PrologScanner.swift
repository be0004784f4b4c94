/// Finds where an XML document's first element starts, one chunk at a time.
///
/// Before its first element a document holds whitespace, comments and processing instructions
/// (the XML declaration among them), and in copies from old viewers a `- ` marker. The scanner
/// looks at each byte once and keeps only markup that is still open (from its `<`, up to the
/// field size limit), so a prolog of any length costs linear time and bounded memory. The
/// element's bytes are handed to expat from its `<`: nothing of the prolog is parsed, so the XML
/// declaration (which names the encoding before decoding) never reaches expat.
struct PrologScanner {
    /// What a call to ``scan(_:)`` found.
    enum Outcome: Equatable {
        /// Nothing decisive yet: scan the next chunk.
        case needMore
        /// The first element starts: its bytes are ``held`` followed by the chunk from `restIndex`.
        case element(restIndex: Int)
        /// A document type declaration (`<!DOCTYPE`), which is never read.
        case documentType
        /// A comment or processing instruction is still open past the limit; ``held`` holds it
        /// from its `<` to the end of the chunk.
        case oversizedMarkup
    }

    /// Markup the scanner is inside at the end of a chunk.
    enum OpenMarkup: Equatable {
        /// A `<` (or `<!`, `<!-`) whose kind the next bytes decide.
        case undecided
        case comment
        case processingInstruction
    }

    private enum State {
        case text, undecided, comment, processingInstruction
    }

    private let limit: Int
    private var state = State.text
    /// The last two bytes inside an open comment or processing instruction, for `-->` and `?>`.
    private var lastTwo: (UInt8, UInt8) = (0, 0)
    /// The open markup, from its `<`.
    private(set) var held: [UInt8] = []
    /// Where ``held`` starts.
    private(set) var heldPosition = TextPosition()
    /// The decoded-stream offset where ``held`` starts.
    private(set) var heldOffset = 0
    /// Where the next byte is.
    private var position = TextPosition()
    /// The decoded-stream offset of the next byte.
    private var offset = 0
    /// True once anything but whitespace and the XML declaration was seen.
    private(set) var sawContent = false
    /// Bytes examined so far (each byte once), for tests that check the work is linear.
    private(set) var bytesExamined = 0

    /// Creates a scanner that holds at most `limit` bytes of open markup (plus one chunk).
    init(limit: Int) {
        self.limit = limit
    }

    /// The markup left open at the end of the bytes scanned so far, if any.
    var openMarkup: OpenMarkup? {
        switch state {
        case .text: nil
        case .undecided: .undecided
        case .comment: .comment
        case .processingInstruction: .processingInstruction
        }
    }

    /// Frees what the scanner holds, once reading has moved past the prolog.
    mutating func release() {
        held = []
        state = .text
    }

    /// Scans the next chunk.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        var index = 0
        defer { bytesExamined += index }
        while index < bytes.count {
            if state == .text {
                // Text up to the next `<` in one step: a long prolog is nearly all text.
                let end = EventStartTag.nextOpening(in: bytes, from: index)
                if position.advance(overText: UnsafeBufferPointer(rebasing: bytes[index..<end])) { sawContent = true }
                offset += end - index
                index = end
                if index == bytes.count { break }
            }
            let byte = bytes[index]
            switch state {
            case .text:
                state = .undecided
                held.removeAll(keepingCapacity: true)
                held.append(byte)
                heldPosition = position
                heldOffset = offset
            case .undecided:
                held.append(byte)
                if let decision = decide() {
                    index += 1
                    return decision == .documentType ? .documentType : .element(restIndex: index)
                }
            case .comment:
                held.append(byte)
                if byte == UInt8(ascii: ">") && lastTwo == (UInt8(ascii: "-"), UInt8(ascii: "-")) {
                    state = .text
                    sawContent = true
                }
                lastTwo = (lastTwo.1, byte)
            case .processingInstruction:
                held.append(byte)
                if byte == UInt8(ascii: ">") && lastTwo.1 == UInt8(ascii: "?") {
                    state = .text
                    if !Self.isXMLDeclaration(held) { sawContent = true }
                }
                lastTwo = (lastTwo.1, byte)
            }
            position.advance(over: byte)
            offset += 1
            index += 1
        }
        if state == .text {
            held.removeAll(keepingCapacity: held.capacity <= 4096)
        } else if (state == .comment || state == .processingInstruction) && held.count > limit {
            return .oversizedMarkup
        }
        return .needMore
    }

    /// What a held `<…` turned out to open, when the scan stops there.
    private enum Decision {
        case element, documentType
    }

    /// Decides what the held `<…` opens, once enough of it is there: nil while undecided or when
    /// it opens a comment or processing instruction (the state says which).
    private mutating func decide() -> Decision? {
        let second = held[1]
        if second == UInt8(ascii: "?") {
            state = .processingInstruction
            lastTwo = (0, 0)
            return nil
        }
        guard second == UInt8(ascii: "!") else { return .element }
        let comment: [UInt8] = Array("<!--".utf8)
        let doctype: [UInt8] = Array("<!DOCTYPE".utf8)
        if held.count <= comment.count && held.elementsEqual(comment.prefix(held.count)) {
            if held.count == comment.count {
                state = .comment
                lastTwo = (0, 0)
            }
            return nil
        }
        if held.count <= doctype.count && held.elementsEqual(doctype.prefix(held.count)) {
            return held.count == doctype.count ? .documentType : nil
        }
        // Any other `<!` (a CDATA section, a damaged comment) goes to expat, which reports it.
        return .element
    }

    /// True for `<?xml` followed by whitespace: the declaration, which says nothing about content.
    private static func isXMLDeclaration(_ markup: [UInt8]) -> Bool {
        markup.count > 6 && markup[0..<5].elementsEqual("<?xml".utf8) && isXMLWhitespace(markup[5])
    }
}
