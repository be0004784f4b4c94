import ControlScan
import TestSupport
import Testing

@testable import EventImport

/// The scans for the control characters XML 1.0 forbids (AVX2, and the portable one used on CPUs
/// without it) agree with a byte-by-byte reference at every length around the vector and block
/// sizes, for every byte value, at every position.
@Suite("Control character scan")
struct ControlScanTests {
    /// The two implementations: the one the CPU selects is AVX2 here, so the portable one is
    /// tested directly.
    enum Implementation: CaseIterable, Sendable {
        case avx2, portable
    }
    /// The reference: the first byte below 0x20 other than TAB, LF and CR, or -1.
    static func reference(_ bytes: [UInt8]) -> Int {
        bytes.firstIndex { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D } ?? -1
    }

    static func scan(_ bytes: [UInt8], with implementation: Implementation) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            switch implementation {
            case .avx2: control_scan_first_forbidden_avx2(buffer.baseAddress, buffer.count)
            case .portable: portableFirstForbiddenControl(buffer)
            }
        }
    }

    /// The copy's verdict, and the copy itself when it accepted the bytes.
    static func copy(_ bytes: [UInt8], with implementation: Implementation) -> (accepted: Bool, copy: [UInt8]) {
        var target = [UInt8](repeating: 0xAA, count: bytes.count)
        let accepted = bytes.withUnsafeBufferPointer { source in
            target.withUnsafeMutableBufferPointer { copy -> Bool in
                switch implementation {
                case .avx2: return control_scan_copy_rejecting_avx2(source.baseAddress, source.count, copy.baseAddress) != 0
                case .portable:
                    guard let base = copy.baseAddress else { return true }
                    return portableCopyRejectingForbiddenControls(source, to: UnsafeMutableRawPointer(base))
                }
            }
        }
        return (accepted, target)
    }

    static func requireAvailable(_ implementation: Implementation) throws {
        if implementation == .avx2 {
            try #require(control_scan_avx2_available() != 0, "this CPU has no AVX2; the AVX2 scan is not tested here")
        }
    }

    @Test("every byte value, alone in text, at every position of buffers up to 300 bytes", arguments: Implementation.allCases)
    func everyByteEveryPosition(_ implementation: Implementation) throws {
        try Self.requireAvailable(implementation)
        let text = Array("<Data Name=\"x\">\t\r\nvalue é</Data>".utf8)
        for length in [0, 1, 31, 32, 33, 63, 64, 65, 127, 128, 129, 159, 160, 161, 255, 256, 300] {
            let clean = (0..<length).map { text[$0 % text.count] }
            #expect(Self.scan(clean, with: implementation) == -1)
            let copiedClean = Self.copy(clean, with: implementation)
            #expect(copiedClean.accepted && copiedClean.copy == clean)
            for position in 0..<length {
                for value in UInt8(0)..<0x21 {
                    var bytes = clean
                    bytes[position] = value
                    let expected = Self.reference(bytes)
                    #expect(Self.scan(bytes, with: implementation) == expected, "length \(length), byte \(value) at \(position)")
                    let copied = Self.copy(bytes, with: implementation)
                    #expect(copied.accepted == (expected < 0), "length \(length), byte \(value) at \(position)")
                    if copied.accepted { #expect(copied.copy == bytes) }
                }
            }
        }
    }

    @Test("random buffers with several control characters, and high bytes that must not be mistaken for them", arguments: Implementation.allCases)
    func randomBuffers(_ implementation: Implementation) throws {
        try Self.requireAvailable(implementation)
        var generator = SplitMix64(seed: 0x0C0D_E5CA_4E00_0019)
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...1_500, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0x20...0xFF, using: &generator) }
            for _ in 0..<Int.random(in: 0...3, using: &generator) where length > 0 {
                bytes[Int.random(in: 0..<length, using: &generator)] = UInt8.random(in: 0..<0x20, using: &generator)
            }
            let expected = Self.reference(bytes)
            #expect(Self.scan(bytes, with: implementation) == expected)
            let copied = Self.copy(bytes, with: implementation)
            #expect(copied.accepted == (expected < 0))
            if copied.accepted { #expect(copied.copy == bytes) }
        }
    }
}
