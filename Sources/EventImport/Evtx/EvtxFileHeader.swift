/// The 4 KiB header of an `.evtx` file: signature, version and checksum.
struct EvtxFileHeader {
    /// The size of the header block; the first chunk follows it.
    static let size = 4096
    /// The file signature.
    static let signature: StaticString = "ElfFile\0"

    /// Problems found, each a sentence (the header is advisory: chunks are read regardless).
    var problems: [String] = []
    /// The chunk count the header declares.
    var declaredChunks = 0

    /// Checks the header in `bytes` (at least 128 bytes).
    init(_ bytes: ChunkBytes) {
        guard bytes.count >= 128 else {
            problems.append("the file header is cut short (\(bytes.count) bytes)")
            return
        }
        if !bytes.matches(Self.signature, at: 0) { problems.append("the file header has no ElfFile signature") }
        let major = (try? bytes.u16(38)) ?? 0
        if major != 3 { problems.append("the file header gives format version \(major), not 3") }
        declaredChunks = Int((try? bytes.u16(42)) ?? 0)
        // Flag 0x4: written without checksums.
        guard ((try? bytes.u32(120)) ?? 0) & 0x4 == 0 else { return }
        let stored = (try? bytes.u32(124)) ?? 0
        let computed = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes.bytes[0..<120]))
        if stored != computed {
            problems.append("the file header's checksum does not match (stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16)))")
        }
    }
}
