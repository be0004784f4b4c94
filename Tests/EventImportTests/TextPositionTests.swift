@testable import EventImport
import TestSupport
import Testing

/// Lines and columns the reader counts itself (prolog, text skipped after damage) match expat's.
@Suite("Text positions")
struct TextPositionTests {
    /// Line and column after `text`, from line 1, column 1.
    static func position(after text: String) -> [Int] {
        var position = TextPosition()
        position.advance(over: Array(text.utf8))
        return [position.line, position.column]
    }

    @Test func lineBreaksAreLFCRAndCRLFColumnsAreCharacters() {
        #expect(Self.position(after: "ab\ncd") == [2, 3])
        #expect(Self.position(after: "ab\r\ncd") == [2, 3])
        #expect(Self.position(after: "ab\rcd") == [2, 3])
        #expect(Self.position(after: "ab\n\r\ncd\r\r") == [5, 1])
        #expect(Self.position(after: "é€😀x") == [1, 5])
    }

    @Test func runsOfTextCountLikeSingleBytes() {
        var random = SplitMix64(seed: 12)
        let pieces = ["        ", "abcdefgh", "\r\n", "\n", "\r", "é", "€", "\t", " ", "<", "x"]
        for _ in 0..<200 {
            let text = (0..<Int(random.next() % 40)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            let bytes = Array(text.utf8)
            var byByte = TextPosition(line: 3, column: 7)
            byByte.advance(over: bytes)
            var byRun = TextPosition(line: 3, column: 7)
            let content = bytes.withUnsafeBufferPointer { byRun.advance(overText: $0) }
            #expect(byRun == byByte, "\(text.debugDescription)")
            #expect(content == bytes.contains { !isXMLWhitespace($0) }, "\(text.debugDescription)")
        }
    }
}
