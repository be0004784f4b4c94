import TestSupport
import Testing

@testable import EventImport

/// The EVTX reader's low-level helpers that its speed work rewrote: UTF-16 to UTF-8 conversion
/// (an ASCII fast path in front of the general one), text repair, the CRC-32 and the plain lists.
@Suite("EVTX text conversion and checksums")
struct EvtxTextAndChecksumTests {
    private func utf16(_ units: [UInt16]) -> [UInt8] { units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }

    private func convert(_ units: [UInt16], stopAtNUL: Bool) -> [UInt8] {
        var output = ByteBuffer(capacity: 1)
        output.append(UInt8(ascii: ">"))
        utf16(units).withUnsafeBytes { UTF16Text.append($0, units: units.count, stopAtNUL: stopAtNUL, to: &output) }
        return Array(output.bytes)
    }

    @Test func utf16ToUTF8AcrossTheFastPathAndTheGeneralOne() {
        #expect(convert(Array("plain ascii".utf16), stopAtNUL: true) == Array(">plain ascii".utf8))
        // ASCII, then two-byte, three-byte and four-byte (surrogate pair) characters, then ASCII again.
        let mixed = "ab\u{E9}\u{20AC}\u{1F600}z"
        #expect(convert(Array(mixed.utf16), stopAtNUL: true) == Array((">" + mixed).utf8))
        // A lone high surrogate and a lone low surrogate become U+FFFD.
        #expect(convert([0x61, 0xD800, 0x62, 0xDC00], stopAtNUL: false) == Array(">a\u{FFFD}b\u{FFFD}".utf8))
        #expect(convert([0xD83D], stopAtNUL: false) == Array(">\u{FFFD}".utf8))
        // NUL: the end of a substitution string, or kept as a character in value text.
        #expect(convert([0x61, 0, 0x62], stopAtNUL: true) == Array(">a".utf8))
        #expect(convert([0x61, 0, 0x62], stopAtNUL: false) == [0x3E, 0x61, 0, 0x62])
        #expect(convert([0xE9, 0, 0x62], stopAtNUL: true) == Array(">\u{E9}".utf8))
        #expect(convert([], stopAtNUL: true) == Array(">".utf8))
    }

    @Test func repairReplacesForbiddenControlsAndNormalizesLineEnds() {
        var buffer = ByteBuffer(capacity: 4)
        let kept = Array("head".utf8)
        kept.withUnsafeBytes { buffer.append($0) }
        let text: [UInt8] = [0x61, 0x0D, 0x0A, 0x62, 0x0D, 0x63, 0x01, 0x00, 0x09, 0x0A]
        text.withUnsafeBytes { buffer.append($0) }
        BinXmlText.repair(&buffer, from: kept.count, dropNUL: true)
        #expect(Array(buffer.bytes) == kept + [0x61, 0x0A, 0x62, 0x0A, 0x63, 0xEF, 0xBF, 0xBD, 0x09, 0x0A])
        #expect(!BinXmlText.needsRepair(UnsafeBufferPointer(rebasing: buffer.bytes[0..<4])))
        #expect([UInt8(0x0D)].withUnsafeBufferPointer { BinXmlText.needsRepair($0) })
    }

    /// `needsRepair` tests eight bytes at a time: every position of a control byte in a longer
    /// text is found, tab and LF alone are not, and bytes at 0x20 and above 0x7F never are.
    @Test func needsRepairFindsAControlByteAtEveryPosition() {
        let plain = Array("0123456789 abcdefghijklmnopqrstu".utf8) + [0xC3, 0xA9, 0xFF, 0x80, 0x20, 0x7F]
        #expect(!plain.withUnsafeBufferPointer { BinXmlText.needsRepair($0) })
        for position in plain.indices {
            for control: UInt8 in [0x00, 0x01, 0x0D, 0x1F] {
                var text = plain
                text[position] = control
                #expect(text.withUnsafeBufferPointer { BinXmlText.needsRepair($0) }, "0x\(control) at \(position)")
            }
            for allowed: UInt8 in [0x09, 0x0A] {
                var text = plain
                text[position] = allowed
                #expect(!text.withUnsafeBufferPointer { BinXmlText.needsRepair($0) }, "0x\(allowed) at \(position)")
            }
        }
    }

    @Test func onlyStringTypesAreTextThatMayNeedRepair() {
        #expect(BinXmlValueType.isText(BinXmlValueType.string))
        #expect(BinXmlValueType.isText(BinXmlValueType.ansiString | BinXmlValueType.arrayFlag))
        for type in [BinXmlValueType.uint32, BinXmlValueType.guid, BinXmlValueType.sid, BinXmlValueType.binary, BinXmlValueType.fileTime] {
            #expect(!BinXmlValueType.isText(type))
            #expect(!BinXmlValueType.isText(type | BinXmlValueType.arrayFlag))
        }
    }

    @Test func crc32MatchesZlib() {
        let check = Array("123456789".utf8)
        #expect(check.withUnsafeBytes { CRC32.checksum($0) } == 0xCBF4_3926)
        #expect([UInt8]().withUnsafeBytes { CRC32.checksum($0) } == 0)
        // Lengths around the 8-byte stride of the tables and the 16- and 64-byte strides of the
        // carry-less folding (64 bytes and more), a whole chunk, unaligned starts, and a checksum
        // continued across a split.
        var generator = SplitMix64(seed: 17)
        let bytes = (0..<66_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let lengths = [1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 79, 80, 81, 127, 128, 129, 143, 191, 192, 1000, 4097, 65_536, 65_999]
        for start in [0, 1, 3] {
            for length in lengths where start + length <= bytes.count {
                let range = start..<(start + length)
                let whole = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[range])) }
                let bitwise = bitwiseCRC32(bytes[range])
                #expect(whole == bitwise, "length \(length) from \(start)")
                let byTables = bytes.withUnsafeBytes { CRC32.tableChecksum(UnsafeRawBufferPointer(rebasing: $0[range])) }
                #expect(byTables == bitwise, "length \(length) from \(start), tables only")
                let split = start + length / 3
                let continued = bytes.withUnsafeBytes {
                    CRC32.checksum(
                        UnsafeRawBufferPointer(rebasing: $0[split..<range.upperBound]),
                        continuing: CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<split])))
                }
                #expect(continued == bitwise, "length \(length) from \(start) split at \(split)")
            }
        }
    }

    /// The CRC-32 one bit at a time, the definition the tables are built from.
    private func bitwiseCRC32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var value: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            value ^= UInt32(byte)
            for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        }
        return ~value
    }

    @Test func plainStackGrowsTruncatesAndEmpties() {
        var stack = PlainStack<Int>(capacity: 1)
        for value in 0..<100 { stack.append(value * 3) }
        #expect(stack.count == 100)
        #expect(stack[99] == 297)
        stack.truncate(to: 10)
        #expect(stack.count == 10)
        #expect(Array(stack.buffer) == (0..<10).map { $0 * 3 })
        stack.truncate(to: 50)
        #expect(stack.count == 10)
        stack.removeAll()
        #expect(stack.count == 0)
        stack.append(7)
        #expect(stack[0] == 7)
    }
}
