import TestSupport
import Testing

@testable import EventImport

/// BinXml values rendered as Windows renders them (the list), one value type at a time.
@Suite("EVTX value rendering")
struct EvtxValueRenderingTests {
    private func render(_ type: UInt8, _ bytes: [UInt8]) -> String? {
        var output = ByteBuffer(capacity: 16)
        let ok = bytes.withUnsafeBytes { ValueRenderer.append(type: type, $0, to: &output) }
        return ok ? String(decoding: output.bytes, as: UTF8.self) : nil
    }

    private func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    @Test func hexIntegersAreNotPadded() {
        #expect(render(BinXmlValueType.hexInt64, le(UInt64(0x3E7))) == "0x3e7")
        #expect(render(BinXmlValueType.hexInt64, le(UInt64(0x8020_0000_0000_0000))) == "0x8020000000000000")
        #expect(render(BinXmlValueType.hexInt32, le(UInt32(0))) == "0x0")
        #expect(render(BinXmlValueType.sizeT, le(UInt64(4))) == "0x4")
        #expect(render(BinXmlValueType.sizeT, le(UInt32(0x24C))) == "0x24c")
    }

    @Test func signedIntegersAreTwosComplement() {
        #expect(render(BinXmlValueType.int32, le(UInt32.max)) == "-1")
        #expect(render(BinXmlValueType.int8, [0x80]) == "-128")
        #expect(render(BinXmlValueType.int64, le(UInt64(bitPattern: Int64.min))) == "-9223372036854775808")
        #expect(render(BinXmlValueType.uint64, le(UInt64.max)) == "18446744073709551615")
    }

    @Test func decimalsHaveEveryDigitCount() {
        // Both sides of every power of ten (odd and even digit counts), the ends, and random values.
        var values: [UInt64] = [0, 1, 9, UInt64.max, UInt64.max - 1]
        var power: UInt64 = 10
        for _ in 1..<20 {
            values += [power - 1, power, power + 1]
            power = power &* 10
        }
        var generator = SplitMix64(seed: 41)
        for _ in 0..<5_000 { values.append(generator.next() >> (generator.next() % 64)) }
        for value in values {
            #expect(render(BinXmlValueType.uint64, le(value)) == String(value))
            #expect(render(BinXmlValueType.int64, le(value)) == String(Int64(bitPattern: value)))
        }
    }

    @Test func everyGuidDigitIsInItsPlace() {
        // Random GUIDs, all zeros and all ones, and GUID arrays against a nibble-by-nibble rendering.
        var generator = SplitMix64(seed: 31)
        var guids: [[UInt8]] = [[UInt8](repeating: 0, count: 16), [UInt8](repeating: 0xFF, count: 16), Array(0..<16)]
        for _ in 0..<2_000 { guids.append((0..<16).map { _ in UInt8(truncatingIfNeeded: generator.next()) }) }
        let digits = Array("0123456789ABCDEF")
        func hex(_ bytes: [UInt8]) -> String { String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }) }
        for guid in guids {
            let expected =
                "{" + hex([guid[3], guid[2], guid[1], guid[0]]) + "-" + hex([guid[5], guid[4]]) + "-" + hex([guid[7], guid[6]]) + "-"
                + hex(Array(guid[8..<10])) + "-" + hex(Array(guid[10..<16])) + "}"
            #expect(render(BinXmlValueType.guid, guid) == expected)
        }
        #expect(render(BinXmlValueType.guid | BinXmlValueType.arrayFlag, guids[1] + guids[2])
            == "{FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF},{03020100-0504-0706-0809-0A0B0C0D0E0F}")
    }

    @Test func guidSidAndBinaryAreInWindowsForm() {
        let guid: [UInt8] = [0xD8, 0xDD, 0x65, 0xFC, 0xEF, 0xD6, 0x62, 0x49, 0x83, 0xD5, 0x6E, 0x5C, 0xFE, 0x9C, 0xE1, 0x48]
        #expect(render(BinXmlValueType.guid, guid) == "{FC65DDD8-D6EF-4962-83D5-6E5CFE9CE148}")
        let sid: [UInt8] = [1, 1, 0, 0, 0, 0, 0, 5] + le(UInt32(18))
        #expect(render(BinXmlValueType.sid, sid) == "S-1-5-18")
        #expect(render(BinXmlValueType.sid, [1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0]) == nil)
        #expect(render(BinXmlValueType.binary, [0x00, 0xAB, 0x5F]) == "00AB5F")
    }

    @Test func timesKeepHundredNanoseconds() {
        // 2021-04-21T09:27:51.1817985Z as a FILETIME.
        let fileTime = UInt64(132_634_708_711_817_985)
        #expect(render(BinXmlValueType.fileTime, le(fileTime)) == "2021-04-21T09:27:51.1817985Z")
        let systemTime = [2021, 4, 3, 21, 9, 27, 51, 181].flatMap { le(UInt16($0)) }
        #expect(render(BinXmlValueType.systemTime, systemTime) == "2021-04-21T09:27:51.1810000Z")
        #expect(render(BinXmlValueType.fileTime, le(UInt64.max)) == nil)
    }

    @Test func arraysBoolsAndWrongSizes() {
        #expect(render(BinXmlValueType.uint16 | BinXmlValueType.arrayFlag, le(UInt16(1)) + le(UInt16(2))) == "1,2")
        #expect(render(BinXmlValueType.bool, le(UInt32(2))) == "true")
        #expect(render(BinXmlValueType.bool, le(UInt32(0))) == "false")
        #expect(render(BinXmlValueType.uint32, [1, 2]) == nil)
        #expect(render(BinXmlValueType.ansiString, Array("a<b>\u{0}junk".utf8)) == "a<b>")
    }
}
