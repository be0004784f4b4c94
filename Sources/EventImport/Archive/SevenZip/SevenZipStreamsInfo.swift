/// One coder of a 7-Zip folder: its method id and properties, as the header declares them.
struct SevenZipCoder: Equatable {
    /// The method id bytes (`03 01 01` is LZMA, `21` LZMA2).
    var methodID: [UInt8]
    /// The coder's properties (for LZMA: the lc/lp/pb byte and the dictionary size).
    var properties: [UInt8]
    /// The offset of the properties in the header bytes, for messages.
    var propertiesOffset: Int
    /// How many packed and unpacked streams the coder has (1 and 1 for a simple coder).
    var inStreams = 1
    var outStreams = 1
}

/// One folder: coders that together turn packed streams into one unpacked stream.
struct SevenZipFolder: Equatable {
    var coders: [SevenZipCoder] = []
    /// The size of each coder output stream, in the order of the coders' output streams.
    var unpackSizes: [UInt64] = []
    /// The CRC of the folder's unpacked data, when the header gives one.
    var crc: UInt32?
}

/// A StreamsInfo record, as far as the dictionary check needs it: where the packed streams are and
/// the folders that unpack them (the SubStreamsInfo that follows is not read).
struct SevenZipStreamsInfo: Equatable {
    /// Where the packed streams start, counted from the end of the 32-byte signature header.
    var packPosition: UInt64 = 0
    /// The size of each packed stream.
    var packSizes: [UInt64] = []
    var folders: [SevenZipFolder] = []
    /// How many unpacked streams (files with data) the folders hold in all.
    var unpackStreams = 0
}

/// Parses the parts of a 7-Zip header database that declare coders and counts, the way libarchive's
/// reader does (so that what is checked here is what libarchive will use): ArchiveProperties are
/// passed over, MainStreamsInfo is read, then the number of files. Every count is checked against
/// the bytes left in the header and the entry limit, and there is no recursion.
enum SevenZipHeaderParser {
    static let kEnd: UInt8 = 0x00
    static let kHeader: UInt8 = 0x01
    static let kArchiveProperties: UInt8 = 0x02
    static let kAdditionalStreamsInfo: UInt8 = 0x03
    static let kMainStreamsInfo: UInt8 = 0x04
    static let kFilesInfo: UInt8 = 0x05
    static let kPackInfo: UInt8 = 0x06
    static let kUnpackInfo: UInt8 = 0x07
    static let kSubStreamsInfo: UInt8 = 0x08
    static let kSize: UInt8 = 0x09
    static let kCRC: UInt8 = 0x0A
    static let kFolder: UInt8 = 0x0B
    static let kCodersUnpackSize: UInt8 = 0x0C
    static let kNumUnpackStream: UInt8 = 0x0D
    static let kEncodedHeader: UInt8 = 0x17

    /// 7-Zip's own limit on coders in one folder, and on the streams of one folder.
    static let maxCodersPerFolder = 64
    static let maxStreamsPerFolder = 64

    /// The StreamsInfo records of a plain header (`kHeader` already read): the additional and the
    /// main streams, whichever are present (the main ones last); the number of files is checked
    /// against the entry limit.
    static func headerStreams(_ cursor: inout SevenZipCursor) throws(SevenZipHeaderError) -> (
        streams: [SevenZipStreamsInfo], main: SevenZipStreamsInfo?
    ) {
        var id = try cursor.byte()
        if id == kArchiveProperties {
            // Each property is a type byte and a sized value; each turn consumes at least one byte.
            while true {
                let type = try cursor.byte()
                if type == kEnd { break }
                let size = try cursor.number()
                try cursor.skip(size)
            }
            id = try cursor.byte()
        }
        var streams: [SevenZipStreamsInfo] = []
        var main: SevenZipStreamsInfo?
        if id == kAdditionalStreamsInfo {
            streams.append(try streamsInfo(&cursor))
            id = try cursor.byte()
        }
        if id == kMainStreamsInfo {
            let info = try streamsInfo(&cursor)
            streams.append(info)
            main = info
            id = try cursor.byte()
        }
        if id == kFilesInfo {
            // Files without data may take no byte each (bits of an empty-stream vector): only the limit holds.
            _ = try cursor.entries("the number of files", boundedByHeader: false)
        }
        return (streams, main)
    }

    /// A StreamsInfo record: PackInfo, UnpackInfo and SubStreamsInfo, when present, then its end.
    static func streamsInfo(_ cursor: inout SevenZipCursor) throws(SevenZipHeaderError) -> SevenZipStreamsInfo {
        var info = SevenZipStreamsInfo()
        var id = try cursor.byte()
        if id == kPackInfo {
            try packInfo(&cursor, into: &info)
            id = try cursor.byte()
        }
        if id == kUnpackInfo {
            info.folders = try unpackInfo(&cursor)
            id = try cursor.byte()
        }
        info.unpackStreams = info.folders.count
        if id == kSubStreamsInfo {
            info.unpackStreams = try subStreamsInfo(&cursor, folders: info.folders)
            id = try cursor.byte()
        }
        guard id == kEnd else { throw cursor.failure("StreamsInfo does not end where expected", at: cursor.position - 1) }
        return info
    }

    /// A SubStreamsInfo record: how many unpacked streams each folder holds (their sum, checked
    /// against the entry limit), their sizes and CRCs (passed over).
    private static func subStreamsInfo(_ cursor: inout SevenZipCursor, folders: [SevenZipFolder])
        throws(SevenZipHeaderError) -> Int
    {
        var counts = [Int](repeating: 1, count: folders.count)
        var total = folders.count
        var id = try cursor.byte()
        if id == kNumUnpackStream {
            total = 0
            for index in counts.indices {
                counts[index] = try cursor.entries("the number of files in a folder")
                total += counts[index]
                guard total <= cursor.maxEntries else {
                    throw SevenZipHeaderError(
                        offset: cursor.position,
                        reason: "the folders hold more than the \(cursor.maxEntries) files rdpcause reads from one 7-Zip archive",
                        isLimit: true)
                }
            }
            id = try cursor.byte()
        }
        if id == kSize {
            for count in counts where count > 1 {
                for _ in 1..<count { _ = try cursor.size("a file size") }
            }
            id = try cursor.byte()
        } else if counts.contains(where: { $0 > 1 }) {
            throw cursor.failure("a folder holds several files but their sizes are missing", at: cursor.position - 1)
        }
        if id == kCRC {
            // As libarchive counts them: a folder of one file with its own CRC needs none here.
            let digestCount = zip(counts, folders).reduce(0) { $0 + ($1.0 != 1 || $1.1.crc == nil ? $1.0 : 0) }
            _ = try digests(&cursor, count: digestCount)
            id = try cursor.byte()
        }
        guard id == kEnd else { throw cursor.failure("SubStreamsInfo does not end where expected", at: cursor.position - 1) }
        return total
    }

    private static func packInfo(_ cursor: inout SevenZipCursor, into info: inout SevenZipStreamsInfo)
        throws(SevenZipHeaderError)
    {
        info.packPosition = try cursor.size("the packed streams' position")
        let count = try cursor.entries("the number of packed streams")
        guard count > 0 else { throw cursor.failure("the number of packed streams is 0") }
        try cursor.expect(kSize, "the packed stream sizes")
        info.packSizes.reserveCapacity(count)
        for _ in 0..<count { info.packSizes.append(try cursor.size("a packed stream size")) }
        var id = try cursor.byte()
        if id == kCRC {
            _ = try digests(&cursor, count: count)
            id = try cursor.byte()
        }
        guard id == kEnd else { throw cursor.failure("PackInfo does not end where expected", at: cursor.position - 1) }
    }

    private static func unpackInfo(_ cursor: inout SevenZipCursor) throws(SevenZipHeaderError) -> [SevenZipFolder] {
        try cursor.expect(kFolder, "the folder list")
        let count = try cursor.entries("the number of folders")
        let external = try cursor.byte()
        var folders: [SevenZipFolder] = []
        switch external {
        case 0:
            folders.reserveCapacity(count)
            for _ in 0..<count { folders.append(try folder(&cursor)) }
        case 1:
            // The folders would be in another stream; libarchive accepts this only with no folders.
            _ = try cursor.number()
            guard count == 0 else { throw cursor.failure("the folders are stored outside the header") }
        default:
            throw cursor.failure("the folder list's External flag is \(external)", at: cursor.position - 1)
        }
        try cursor.expect(kCodersUnpackSize, "the folders' unpacked sizes")
        for index in folders.indices {
            let streams = folders[index].coders.reduce(0) { $0 + $1.outStreams }
            for _ in 0..<streams { folders[index].unpackSizes.append(try cursor.size("an unpacked size")) }
        }
        let id = try cursor.byte()
        if id == kCRC {
            for (index, crc) in try digests(&cursor, count: folders.count).enumerated() { folders[index].crc = crc }
        }
        return folders
    }

    private static func folder(_ cursor: inout SevenZipCursor) throws(SevenZipHeaderError) -> SevenZipFolder {
        var folder = SevenZipFolder()
        let coderCount = try cursor.count(atMost: maxCodersPerFolder, "the number of coders in a folder")
        guard coderCount > 0 else { throw cursor.failure("a folder has no coder") }
        var inTotal = 0
        var outTotal = 0
        for _ in 0..<coderCount {
            let flagsOffset = cursor.position
            let flags = try cursor.byte()
            guard flags & 0x80 == 0 else { throw cursor.failure("a coder uses alternative methods", at: flagsOffset) }
            var coder = SevenZipCoder(
                methodID: Array(try cursor.take(Int(flags & 0x0F))), properties: [], propertiesOffset: cursor.position)
            guard coder.methodID.count <= 8 else { throw cursor.failure("a method id is longer than 8 bytes", at: flagsOffset) }
            if flags & 0x10 != 0 {
                coder.inStreams = try cursor.count(atMost: maxStreamsPerFolder, "a coder's number of input streams")
                coder.outStreams = try cursor.count(atMost: maxStreamsPerFolder, "a coder's number of output streams")
            }
            if flags & 0x20 != 0 {
                let size = try cursor.count(atMost: cursor.remaining, "the size of a coder's properties")
                coder.propertiesOffset = cursor.position
                coder.properties = Array(try cursor.take(size))
            }
            inTotal += coder.inStreams
            outTotal += coder.outStreams
            guard inTotal <= maxStreamsPerFolder, outTotal <= maxStreamsPerFolder else {
                throw cursor.failure("a folder has more than \(maxStreamsPerFolder) streams", at: flagsOffset)
            }
            folder.coders.append(coder)
        }
        guard outTotal > 0, inTotal >= outTotal - 1 else { throw cursor.failure("a folder's coders are not connected") }
        let bindPairs = outTotal - 1
        for _ in 0..<bindPairs {
            _ = try cursor.count(atMost: inTotal - 1, "a bind pair's input index")
            _ = try cursor.count(atMost: outTotal - 1, "a bind pair's output index")
        }
        let packed = inTotal - bindPairs
        if packed > 1 {
            for _ in 0..<packed { _ = try cursor.count(atMost: inTotal - 1, "a packed stream index") }
        }
        return folder
    }

    /// A digests record for `count` items: the CRCs, nil for an item without one.
    private static func digests(_ cursor: inout SevenZipCursor, count: Int) throws(SevenZipHeaderError) -> [UInt32?] {
        guard count > 0 else { throw cursor.failure("a CRC list for no items") }
        var defined = [Bool](repeating: true, count: count)
        if try cursor.byte() == 0 {
            var bits: UInt8 = 0
            for index in 0..<count {
                if index % 8 == 0 { bits = try cursor.byte() }
                defined[index] = bits & (0x80 >> UInt8(index % 8)) != 0
            }
        }
        var crcs: [UInt32?] = []
        crcs.reserveCapacity(count)
        for isDefined in defined { crcs.append(isDefined ? try cursor.uint32() : nil) }
        return crcs
    }
}
