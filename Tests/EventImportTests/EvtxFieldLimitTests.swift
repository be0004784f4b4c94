import EventImport
import Testing

/// Values read from `.evtx` are cut at ``ImportLimits/maxFieldBytes`` as the XML reader cuts them:
/// the first bytes up to the limit (at a UTF-8 boundary) are kept, and the warning gives the value's
/// whole size. The StolenSzechuan Application log holds values of almost 20 KB.
@Suite("EVTX field limit", .enabled(if: sharedCorpusAvailable, "../shared/corpus is absent beside the repository"))
struct EvtxFieldLimitTests {
    @Test func longValuesAreCutAtTheLimitWithTheirWholeSize() throws {
        let path = EvtxCorpus.evtxPath("DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Application.evtx.zst")
        let whole = importPaths([path])
        let cut = importPaths([path], limits: ImportLimits(maxFieldBytes: 4096))
        try #require(whole.events.count == cut.events.count && !whole.events.isEmpty)
        var longValues = 0
        for (full, limited) in zip(whole.events, cut.events) {
            try #require(full.fields.count == limited.fields.count)
            for (field, cutField) in zip(full.fields, limited.fields) {
                let bytes = field.value.utf8.count
                guard bytes > 4096 else {
                    #expect(cutField.value == field.value)
                    continue
                }
                longValues += 1
                let kept = cutField.value.utf8.count
                #expect(kept <= 4096 && kept > 4092 && field.value.utf8.starts(with: cutField.value.utf8), "\(field.name): kept \(kept)")
                let warning = "is \(bytes) bytes, more than the 4096-byte limit for one field; only its first \(kept) bytes were kept"
                #expect(cut.warnings.contains { $0.message.contains(warning) }, "no warning \(warning)")
            }
        }
        #expect(longValues > 0)
    }
}
