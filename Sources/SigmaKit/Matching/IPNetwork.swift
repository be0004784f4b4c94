/// An IPv4 or IPv6 network for the `cidr` modifier, matched against field values without allocating.
struct IPNetwork: Sendable, Hashable {
    /// The address family of the network.
    enum Family: Sendable, Hashable {
        case v4
        case v6
    }

    let family: Family
    /// The network address, IPv4 in the low 32 bits of `low`.
    let high: UInt64
    let low: UInt64
    let prefixLength: Int

    /// Parses `a.b.c.d/n` or an IPv6 network such as `fe80::/10`; a plain address is a host network.
    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let addressText = String(parts[0])
        let address = Array(addressText.utf8).withUnsafeBufferPointer { parseIPAddress($0) }
        guard let address else { return nil }
        let maximum = address.family == .v4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...maximum).contains(parsed) else { return nil }
            length = parsed
        }
        family = address.family
        prefixLength = length
        let (maskHigh, maskLow) = Self.mask(family: address.family, length: length)
        high = address.high & maskHigh
        low = address.low & maskLow
    }

    private static func mask(family: Family, length: Int) -> (UInt64, UInt64) {
        switch family {
        case .v4:
            let low: UInt64 = length == 0 ? 0 : (UInt64(UInt32.max) << UInt64(32 - length)) & UInt64(UInt32.max)
            return (0, low)
        case .v6:
            let high: UInt64 = length >= 64 ? .max : (length == 0 ? 0 : UInt64.max << UInt64(64 - length))
            let lowLength = max(0, length - 64)
            let low: UInt64 = lowLength == 0 ? 0 : (lowLength == 64 ? .max : UInt64.max << UInt64(64 - lowLength))
            return (high, low)
        }
    }

    /// Whether the field value is an address inside the network. IPv4-mapped IPv6 addresses
    /// (`::ffff:10.1.2.3`) match IPv4 networks; a zone suffix (`%12`) is ignored.
    func contains(_ value: String) -> Bool {
        let parsed = value.utf8.withContiguousStorageIfAvailable { parseIPAddress($0) }
            ?? Array(value.utf8).withUnsafeBufferPointer { parseIPAddress($0) }
        guard var address = parsed else { return false }
        if family == .v4 && address.family == .v6 && address.high == 0 && address.low >> 32 == 0xFFFF {
            address = ParsedIPAddress(family: .v4, high: 0, low: address.low & 0xFFFF_FFFF)
        }
        guard address.family == family else { return false }
        let (maskHigh, maskLow) = Self.mask(family: family, length: prefixLength)
        return address.high & maskHigh == high && address.low & maskLow == low
    }
}

struct ParsedIPAddress {
    var family: IPNetwork.Family
    var high: UInt64
    var low: UInt64
}

/// Parses an IPv4 or IPv6 address from UTF-8 bytes (surrounding whitespace and a zone allowed).
func parseIPAddress(_ input: UnsafeBufferPointer<UInt8>) -> ParsedIPAddress? {
    var start = 0
    var end = input.count
    while start < end && (input[start] == 0x20 || input[start] == 0x09) { start += 1 }
    while end > start && (input[end - 1] == 0x20 || input[end - 1] == 0x09) { end -= 1 }
    if end - start >= 2 && input[start] == UInt8(ascii: "[") && input[end - 1] == UInt8(ascii: "]") {
        start += 1
        end -= 1
    }
    var index = start
    while index < end {
        if input[index] == UInt8(ascii: "%") {
            end = index
            break
        }
        index += 1
    }
    guard start < end else { return nil }
    var hasColon = false
    for i in start..<end where input[i] == UInt8(ascii: ":") {
        hasColon = true
        break
    }
    if !hasColon {
        guard let v4 = parseIPv4(input, start, end) else { return nil }
        return ParsedIPAddress(family: .v4, high: 0, low: UInt64(v4))
    }
    return parseIPv6(input, start, end)
}

private func parseIPv4(_ input: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt32? {
    var result: UInt32 = 0
    var octets = 0
    var index = start
    while octets < 4 {
        var value = 0
        var digits = 0
        while index < end, input[index] >= 0x30, input[index] <= 0x39 {
            value = value * 10 + Int(input[index] - 0x30)
            digits += 1
            index += 1
            if digits > 3 { return nil }
        }
        guard digits > 0, value <= 255 else { return nil }
        result = result << 8 | UInt32(value)
        octets += 1
        if octets < 4 {
            guard index < end, input[index] == UInt8(ascii: ".") else { return nil }
            index += 1
        }
    }
    return index == end ? result : nil
}

private func hexValue(_ byte: UInt8) -> Int? {
    switch byte {
    case 0x30...0x39: Int(byte - 0x30)
    case 0x41...0x46: Int(byte - 0x41 + 10)
    case 0x61...0x66: Int(byte - 0x61 + 10)
    default: nil
    }
}

private func parseIPv6(_ input: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> ParsedIPAddress? {
    // Up to eight 16-bit groups; `::` once; an IPv4 tail counts as two groups. Groups before `::`
    // go to slots 0..<8 and those after it to slots 8..<16 of a stack buffer.
    withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 16) { slots -> ParsedIPAddress? in
        var headCount = 0
        var tailCount = 0
        var sawDoubleColon = false
        func append(_ group: UInt16) -> Bool {
            guard headCount + tailCount < 8 else { return false }
            if sawDoubleColon {
                slots[8 + tailCount] = group
                tailCount += 1
            } else {
                slots[headCount] = group
                headCount += 1
            }
            return true
        }
        var index = start
        if end - start >= 2 && input[start] == UInt8(ascii: ":") && input[start + 1] == UInt8(ascii: ":") {
            sawDoubleColon = true
            index += 2
        } else if input[start] == UInt8(ascii: ":") {
            return nil
        }
        while index < end {
            var groupEnd = index
            var isIPv4 = false
            while groupEnd < end && input[groupEnd] != UInt8(ascii: ":") {
                if input[groupEnd] == UInt8(ascii: ".") { isIPv4 = true }
                groupEnd += 1
            }
            if isIPv4 {
                guard groupEnd == end, let v4 = parseIPv4(input, index, groupEnd),
                    append(UInt16(v4 >> 16)), append(UInt16(v4 & 0xFFFF))
                else { return nil }
                index = end
                break
            }
            let length = groupEnd - index
            guard length >= 1, length <= 4 else { return nil }
            var value = 0
            for i in index..<groupEnd {
                guard let digit = hexValue(input[i]) else { return nil }
                value = value << 4 | digit
            }
            guard append(UInt16(value)) else { return nil }
            index = groupEnd
            if index < end {
                index += 1  // the ':'
                if index < end && input[index] == UInt8(ascii: ":") {
                    guard !sawDoubleColon else { return nil }
                    sawDoubleColon = true
                    index += 1
                } else if index == end {
                    return nil  // a trailing single ':'
                }
            }
        }
        let total = headCount + tailCount
        if sawDoubleColon { guard total <= 7 else { return nil } } else { guard total == 8 else { return nil } }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for position in 0..<8 {
            let group: UInt16
            if position < headCount {
                group = slots[position]
            } else if position >= 8 - tailCount {
                group = slots[8 + position - (8 - tailCount)]
            } else {
                group = 0
            }
            if position < 4 { high = high << 16 | UInt64(group) } else { low = low << 16 | UInt64(group) }
        }
        return ParsedIPAddress(family: .v6, high: high, low: low)
    }
}
