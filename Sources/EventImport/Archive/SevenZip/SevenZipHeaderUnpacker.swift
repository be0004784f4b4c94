import CLzma

#if canImport(Glibc)
    import Glibc
#endif

/// Unpacks a 7-Zip archive's packed header (the database behind `kEncodedHeader`) with liblzma's
/// raw decoder, so that the folders it lists can be checked before libarchive reads the archive.
///
/// Memory is bounded by the caller's checks and by this type: the coder's dictionary was checked
/// against the limit before, the dictionary given to liblzma is cut to the unpacked size (a longer
/// one is never used), the unpacked size is at most the header limit, and the packed bytes are read
/// in 64 KiB pieces.
enum SevenZipHeaderUnpacker {
    /// Why unpacking failed.
    struct Failure: Error {
        var reason: String
        var isTruncation = false
    }

    private static let pieceSize = 1 << 16

    /// Unpacks the header: `packedSize` bytes of `source` from its current position, coded with
    /// `method` (Copy, LZMA or LZMA2) and `properties`, into exactly `unpackedSize` bytes.
    static func unpack(
        method: SevenZipMethod, properties: [UInt8], source: any ByteSource, packedSize: Int, unpackedSize: Int
    ) -> Result<[UInt8], Failure> {
        switch method {
        case .copy:
            guard packedSize >= unpackedSize else {
                return .failure(Failure(reason: "the stored header is shorter than its declared size"))
            }
            let bytes = source.readHead(unpackedSize)
            guard bytes.count == unpackedSize else {
                return .failure(Failure(reason: "the file ends inside the stored header", isTruncation: true))
            }
            return .success(bytes)
        case .lzma, .lzma2:
            return decode(lzma2: method == .lzma2, properties: properties, source: source, packedSize: packedSize,
                unpackedSize: unpackedSize)
        case .ppmd, .aes, .other:
            return .failure(Failure(reason: "the header is packed with \(method.name), which cannot be unpacked here"))
        }
    }

    private static func decode(lzma2: Bool, properties: [UInt8], source: any ByteSource, packedSize: Int, unpackedSize: Int)
        -> Result<[UInt8], Failure>
    {
        var filters = [
            lzma_filter(id: lzma2 ? clzma_filter_lzma2() : clzma_filter_lzma1(), options: nil),
            lzma_filter(id: clzma_vli_unknown(), options: nil),
        ]
        let decoded = properties.withUnsafeBufferPointer {
            lzma_properties_decode(&filters[0], nil, $0.baseAddress, $0.count)
        }
        guard decoded == LZMA_OK, let options = filters[0].options else {
            return .failure(Failure(reason: "the header coder's properties are invalid"))
        }
        defer { free(options) }
        // Distances never reach before the start of the output: a dictionary as large as the
        // unpacked header decodes it exactly as the declared one would.
        let lzmaOptions = options.assumingMemoryBound(to: lzma_options_lzma.self)
        lzmaOptions.pointee.dict_size = UInt32(clamping: max(4096, min(Int(lzmaOptions.pointee.dict_size), unpackedSize)))
        var stream = lzma_stream()
        guard lzma_raw_decoder(&stream, filters) == LZMA_OK else {
            return .failure(Failure(reason: "liblzma cannot start a decoder for the header"))
        }
        defer { lzma_end(&stream) }
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: pieceSize, alignment: 16)
        defer { input.deallocate() }
        var failure: Failure?
        let output = [UInt8](unsafeUninitializedCapacity: unpackedSize) { buffer, initialized in
            guard let base = buffer.baseAddress, unpackedSize > 0 else { return }
            stream.next_out = base
            stream.avail_out = unpackedSize
            var packedLeft = packedSize
            while stream.avail_out > 0 {
                if stream.avail_in == 0 {
                    guard packedLeft > 0 else {
                        failure = Failure(reason: "the packed header ends before its declared size is reached")
                        break
                    }
                    let got = source.readFully(into: UnsafeMutableRawBufferPointer(rebasing: input[..<min(packedLeft, pieceSize)]))
                    guard got > 0 else {
                        failure = Failure(reason: "the file ends inside the packed header", isTruncation: true)
                        break
                    }
                    packedLeft -= got
                    stream.next_in = UnsafePointer(input.baseAddress?.assumingMemoryBound(to: UInt8.self))
                    stream.avail_in = got
                }
                let before = (stream.avail_in, stream.avail_out)
                let status = lzma_code(&stream, LZMA_RUN)
                if status == LZMA_STREAM_END && stream.avail_out > 0 {
                    failure = Failure(reason: "the packed header ends before its declared size is reached")
                    break
                }
                guard status == LZMA_OK || status == LZMA_STREAM_END else {
                    failure = Failure(reason: "the packed header is damaged (liblzma error \(status.rawValue))")
                    break
                }
                guard (stream.avail_in, stream.avail_out) != before else {
                    failure = Failure(reason: "the packed header's decoder made no progress")
                    break
                }
            }
            // Only the bytes written count as initialized; on failure they are discarded anyway.
            initialized = unpackedSize - stream.avail_out
        }
        if let failure { return .failure(failure) }
        return .success(output)
    }
}
