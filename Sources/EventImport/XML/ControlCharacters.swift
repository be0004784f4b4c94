internal import ControlScan

// Finds C0 control characters that XML 1.0 forbids: this runs over every input byte, so it is
// vectorized (see `EventXMLReader`, which replaces them with U+FFFD). Where the CPU has AVX2,
// `ControlScan` tests 32 bytes in five vector operations (about 0.25 instructions per byte); the
// portable scan below, in 16-byte vectors, is the fallback (about 0.8).

/// Whether the AVX2 scans of `ControlScan` can run on this CPU (asked once).
private let canScanWithAVX2 = control_scan_avx2_available() != 0

/// The index of the first C0 control character other than TAB, LF and CR, or -1.
func firstForbiddenControl(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    guard let base = bytes.baseAddress else { return -1 }
    if canScanWithAVX2 { return control_scan_first_forbidden_avx2(base, bytes.count) }
    return portableFirstForbiddenControl(bytes)
}

/// ``firstForbiddenControl(_:)`` without AVX2: 64 bytes (four 16-byte vectors) per branch, then
/// 16, then one (one branch per 16 bytes was about 1.3% of an import's instructions).
func portableFirstForbiddenControl(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    guard let base = bytes.baseAddress else { return -1 }
    let raw = UnsafeRawPointer(base)
    let count = bytes.count
    var index = 0
    while index + 64 <= count {
        let bad =
            forbiddenControls(raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self))
            .| forbiddenControls(raw.loadUnaligned(fromByteOffset: index + 16, as: SIMD16<UInt8>.self))
            .| forbiddenControls(raw.loadUnaligned(fromByteOffset: index + 32, as: SIMD16<UInt8>.self))
            .| forbiddenControls(raw.loadUnaligned(fromByteOffset: index + 48, as: SIMD16<UInt8>.self))
        if anyLane(bad) { break }
        index += 64
    }
    while index + 16 <= count {
        if anyLane(forbiddenControls(raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self))) { break }
        index += 16
    }
    while index < count {
        let byte = base[index]
        if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { return index }
        index += 1
    }
    return -1
}

/// Copies `bytes` to `target` while checking them as ``firstForbiddenControl(_:)`` does, in one
/// pass. Returns false as soon as a forbidden control character is seen; `target` then holds an
/// unspecified prefix of `bytes`.
func copyRejectingForbiddenControls(_ bytes: UnsafeBufferPointer<UInt8>, to target: UnsafeMutableRawPointer) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    if canScanWithAVX2 {
        return control_scan_copy_rejecting_avx2(base, bytes.count, target.assumingMemoryBound(to: UInt8.self)) != 0
    }
    return portableCopyRejectingForbiddenControls(bytes, to: target)
}

/// ``copyRejectingForbiddenControls(_:to:)`` without AVX2, in 16-byte vectors.
func portableCopyRejectingForbiddenControls(
    _ bytes: UnsafeBufferPointer<UInt8>, to target: UnsafeMutableRawPointer
) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    let count = bytes.count
    var index = 0
    while index + 64 <= count {
        let first = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
        let second = raw.loadUnaligned(fromByteOffset: index + 16, as: SIMD16<UInt8>.self)
        let third = raw.loadUnaligned(fromByteOffset: index + 32, as: SIMD16<UInt8>.self)
        let fourth = raw.loadUnaligned(fromByteOffset: index + 48, as: SIMD16<UInt8>.self)
        let bad = forbiddenControls(first) .| forbiddenControls(second) .| forbiddenControls(third) .| forbiddenControls(fourth)
        if anyLane(bad) { return false }
        target.storeBytes(of: first, toByteOffset: index, as: SIMD16<UInt8>.self)
        target.storeBytes(of: second, toByteOffset: index + 16, as: SIMD16<UInt8>.self)
        target.storeBytes(of: third, toByteOffset: index + 32, as: SIMD16<UInt8>.self)
        target.storeBytes(of: fourth, toByteOffset: index + 48, as: SIMD16<UInt8>.self)
        index += 64
    }
    while index < count {
        let byte = base[index]
        if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { return false }
        target.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
        index += 1
    }
    return true
}

/// Lanes holding a C0 control character other than TAB (0x09), LF (0x0A) and CR (0x0D).
///
/// A byte is below 0x20 exactly when its top three bits are clear; testing that with a mask
/// avoids the unsigned comparison that SSE2 lacks. `byte | 4` is 0x0D for TAB and CR and for no
/// other byte, so the three allowed characters take two comparisons, not three (this runs over
/// every input byte: seven vector operations per 16 bytes instead of eleven).
@inline(__always)
private func forbiddenControls(_ vector: SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>> {
    let control = (vector & SIMD16<UInt8>(repeating: 0xE0)) .== SIMD16<UInt8>()
    let tabOrCarriageReturn = (vector | SIMD16<UInt8>(repeating: 0x04)) .== SIMD16<UInt8>(repeating: 0x0D)
    let lineFeed = vector .== SIMD16<UInt8>(repeating: 0x0A)
    return control .& .!(tabOrCarriageReturn .| lineFeed)
}

/// True when any lane of `mask` is set. The standard library's `any(_:)` reduces through an
/// unspecialized call that cost about 200 instructions per test here; two 64-bit words do not.
@inline(__always)
private func anyLane(_ mask: SIMDMask<SIMD16<Int8>>) -> Bool {
    let lanes = SIMD16<UInt8>().replacing(with: 0xFF, where: mask)
    let words = unsafeBitCast(lanes, to: SIMD2<UInt64>.self)
    return words[0] | words[1] != 0
}

/// Appends the UTF-8 form of a Unicode scalar value.
func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        output.append(UInt8(scalar))
    case 0x80..<0x800:
        output.append(UInt8(0xC0 | (scalar >> 6)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    case 0x800..<0x10000:
        output.append(UInt8(0xE0 | (scalar >> 12)))
        output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    default:
        output.append(UInt8(0xF0 | (scalar >> 18)))
        output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
        output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    }
}
