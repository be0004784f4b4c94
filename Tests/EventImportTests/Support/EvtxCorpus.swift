import CZstd
import EventImport
import Foundation

/// The binary `.evtx` originals in `../shared/corpus/evtx` and their XML pairs in `../shared/corpus/real`.
enum EvtxCorpus {
    /// One row of `corpus/evtx/SOURCES.md`: the `.evtx.zst` file and its paired XML name (nil for edge/dirty files).
    struct Entry: CustomTestStringConvertibleName {
        var file: String
        var pairedXML: String?
        var pairedCount: Int?
        var name: String { file }
    }

    /// Every row of the table, in order.
    static let entries: [Entry] = {
        guard let shared = sharedFolder,
            let text = try? String(contentsOf: shared.appendingPathComponent("corpus/evtx/SOURCES.md"), encoding: .utf8)
        else { return [] }
        var entries: [Entry] = []
        for line in text.split(separator: "\n") where line.hasPrefix("| ") && line.contains(".evtx.zst`") {
            let quoted = line.split(separator: "`", omittingEmptySubsequences: false).enumerated()
                .compactMap { $0.offset % 2 == 1 ? String($0.element) : nil }
            guard let file = quoted.first(where: { $0.hasSuffix(".evtx.zst") }) else { continue }
            let xml = quoted.first { $0.hasSuffix(".xml") }
            var count: Int?
            if let range = line.range(of: #"\((\d+) events\)"#, options: .regularExpression) {
                count = Int(line[range].dropFirst().prefix { $0.isNumber })
            }
            entries.append(Entry(file: file, pairedXML: xml, pairedCount: count))
        }
        return entries
    }()

    static var paired: [Entry] { entries.filter { $0.pairedXML != nil } }
    static var dirty: [Entry] { entries.filter { $0.pairedXML == nil } }

    static func evtxPath(_ file: String) -> String {
        (sharedFolder ?? URL(fileURLWithPath: "/")).appendingPathComponent("corpus/evtx").appendingPathComponent(file).path
    }

    /// The XML pair's path: `NAME.xml`, or `NAME.xml.zst` for the large ones.
    static func xmlPath(_ file: String) -> String {
        let folder = (sharedFolder ?? URL(fileURLWithPath: "/")).appendingPathComponent("corpus/real")
        let plain = folder.appendingPathComponent(file).path
        return FileManager.default.fileExists(atPath: plain) ? plain : plain + ".zst"
    }
}

/// The test-name protocol for parameterized tests, so Swift Testing shows the file name.
protocol CustomTestStringConvertibleName: Sendable, CustomStringConvertible {
    var name: String { get }
}

extension CustomTestStringConvertibleName {
    var description: String { name }
}

/// Compares an event read from `.evtx` with the XML importer's event for the same record,
/// with exactly the four rendering tolerances `corpus/evtx/SOURCES.md` lists for the XML (which
/// the Rust `evtx` crate made, not Windows); nil when they match, else what differs.
func evtxMismatch(evtx: WinEvent, xml: WinEvent) -> String? {
    var differences: [String] = []
    // 1. SystemTime truncated to whole microseconds in the XML.
    if xml.time != evtx.time && xml.time.ticks != evtx.time.ticks - evtx.time.ticks % 10 {
        differences.append("time \(evtx.time) vs \(xml.time)")
    }
    var left = evtx
    var right = xml
    left.time = .epoch
    right.time = .epoch
    // Not one of the four: some records (TraceLogging providers) store a RenderingInfo element in
    // the binary record itself; the converter that made the XML leaves it out, this reader keeps it.
    if right.rendering == nil && left.rendering != nil { left.rendering = nil }
    left.origin = EventOrigin(source: "", line: 0)
    right.origin = left.origin
    let leftFields = left.fields
    let rightFields = right.fields
    left.fields = []
    right.fields = []
    if left != right { differences.append("system part: \(left) vs \(right)") }
    var index = 0
    var xmlIndex = 0
    while index < leftFields.count || xmlIndex < rightFields.count {
        if index < leftFields.count, xmlIndex < rightFields.count, leftFields[index].name == rightFields[xmlIndex].name,
            valuesMatch(evtx: leftFields[index].value, xml: rightFields[xmlIndex].value)
        {
            index += 1
            xmlIndex += 1
            continue
        }
        // 3. An optional NULL substitution kept as an empty <Data> in the XML, omitted here.
        if xmlIndex < rightFields.count, rightFields[xmlIndex].value.isEmpty {
            xmlIndex += 1
            continue
        }
        let mine = index < leftFields.count ? "\(leftFields[index].name)=\(leftFields[index].value)" : "(none)"
        let theirs = xmlIndex < rightFields.count ? "\(rightFields[xmlIndex].name)=\(rightFields[xmlIndex].value)" : "(none)"
        differences.append("field \(index): \(mine) vs \(theirs)")
        break
    }
    return differences.isEmpty ? nil : differences.joined(separator: "; ")
}

/// Equal, or equal under tolerance 2 (GUID braces) or 4 (6 fractional digits of a time).
private func valuesMatch(evtx: String, xml: String) -> Bool {
    if evtx == xml { return true }
    let mine = Array(evtx.utf8)
    let theirs = Array(xml.utf8)
    // 2. GUID values without braces in the XML.
    if mine.count == 38, mine.first == UInt8(ascii: "{"), mine.last == UInt8(ascii: "}"), theirs.count == 36,
        mine[1..<37].elementsEqual(theirs.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 })
    {
        return true
    }
    // 4. FILETIME / SYSTEMTIME with 6 fractional digits in the XML (7 here): same up to the 6th.
    if mine.count == 28, theirs.count == 27, mine[19] == UInt8(ascii: "."), mine[27] == UInt8(ascii: "Z"),
        mine[0..<26].elementsEqual(theirs[0..<26]), theirs[26] == UInt8(ascii: "Z")
    {
        return true
    }
    return false
}

/// Decompresses a one-frame zstd file whose frame records its size (as `zstd` writes), or [] .
func zstdDecompress(_ compressed: [UInt8]) -> [UInt8] {
    compressed.withUnsafeBytes { input -> [UInt8] in
        let size = ZSTD_getFrameContentSize(input.baseAddress, input.count)
        guard size < (1 << 30) else { return [] }
        var output = [UInt8](repeating: 0, count: Int(size))
        let written = output.withUnsafeMutableBytes { ZSTD_decompress($0.baseAddress, $0.count, input.baseAddress, input.count) }
        return ZSTD_isError(written) != 0 ? [] : Array(output.prefix(written))
    }
}
