import EventImport
import Foundation
import Testing

@Suite("Export formats Windows writes")
struct ExportFormatTests {
    @Test func wevtutilOutputYieldsEveryRecordWithItsSystemFields() throws {
        let result = importBytes(Array(Fixtures.wevtutil.utf8))
        #expect(result.diagnostics.isEmpty)
        try #require(result.events.count == 6)
        let connect = result.events[0]
        #expect(connect.eventID == 1024)
        #expect(connect.provider == "Microsoft-Windows-TerminalServices-ClientActiveXCore")
        #expect(connect.providerGUID == "28AA95BB-D444-4719-A36F-40462168127E")
        #expect(connect.channel == "Microsoft-Windows-TerminalServices-RDPClient/Operational")
        #expect(connect.computer == "WKS-042.corp.example")
        #expect(connect.recordID == 8812)
        #expect(connect.level == 4)
        #expect(connect.task == 101)
        #expect(connect.opcode == 10)
        #expect(connect.keywords == "0x4000000000000000")
        #expect(connect.activityID == "6F0C3A55-1E2B-4C4D-9E1F-0A1B2C3D4E5F")
        #expect(connect.processID == 4312)
        #expect(connect.threadID == 7720)
        #expect(connect.userID == "S-1-5-21-1004336348-1177238915-682003330-1105")
        #expect(connect.fields == [EventField("Name", "Server Name"), EventField("Value", "RDSH-01.corp.example"), EventField("CustomLevel", "Info")])
        #expect(connect.time.description == "2026-06-12T19:41:51.1234567Z")
        #expect(connect.origin.line == 1)
        #expect(connect.origin.byteOffset == 0)

        let disconnect = result.events[1]
        #expect(disconnect.field("Value") == "2308")
        #expect(disconnect.activityID == connect.activityID, "brace and case forms of one GUID compare equal")
        #expect(disconnect.time.description == "2026-06-12T19:41:53.0000000Z", "nine fractional digits keep 100 ns")
        #expect(disconnect.origin.line == 2)
    }

    @Test func classicProviderKeepsQualifiersUnnamedDataAndBinary() throws {
        let result = importBytes(Array(Fixtures.wevtutil.utf8))
        let termdd = try #require(result.events.first { $0.eventID == 56 })
        #expect(termdd.provider == "TermDD")
        #expect(termdd.providerGUID == "")
        #expect(termdd.qualifiers == 49162)
        #expect(termdd.unnamedData == ["\\Device\\Termdd", "10.20.30.40"])
        #expect(termdd.binary.hasPrefix("00000400020030000000"))
        #expect(termdd.activityID == "")
        #expect(termdd.userID == "")
        #expect(termdd.time.description == "2026-06-12T19:41:52.0000000Z", "no fractional digits")
    }

    @Test(arguments: [
        ("54-00-65-00-72-00", "540065007200"),  // EvtxECmd
        ("5400650072006d00", "5400650072006D00"),
        ("5400650072006D00", "5400650072006D00"),  // Windows
        ("VwBlAHIAUwB2AGMA", "VwBlAHIAUwB2AGMA"),  // python-evtx base64: not hex, kept
    ])
    func binaryHexIsNormalizedToWhatWindowsWrites(written: String, expected: String) throws {
        let xml = """
            <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Service Control Manager"/>\
            <EventID Qualifiers="16384">7036</EventID><TimeCreated SystemTime="2026-06-12T19:41:51.1234567Z"/><Channel>System</Channel>\
            <Computer>HOST</Computer></System><EventData><Data Name="param1">TermService</Data><Binary>\(written)</Binary></EventData></Event>
            """
        let result = importBytes(Array(xml.utf8))
        let event = try #require(result.events.first)
        #expect(event.binary == expected)
    }

    @Test func userDataChildElementsBecomeFields() throws {
        let result = importBytes(Array(Fixtures.wevtutil.utf8))
        let logon = try #require(result.events.first { $0.eventID == 21 })
        #expect(logon.fields == [EventField("User", "CORP\\alice"), EventField("SessionID", "3"), EventField("Address", "10.20.30.40")])
        #expect(logon.field(caseInsensitive: "sessionid") == "3")
    }

    @Test func emptyEventDataGivesNoFields() throws {
        let result = importBytes(Array(Fixtures.wevtutil.utf8))
        let connected = try #require(result.events.first { $0.eventID == 1025 })
        #expect(connected.fields.isEmpty)
        #expect(connected.time.description == "2026-06-12T19:30:00.0000000Z")
    }

    @Test func storedCopyKeepsEverythingButRenderingInATightFieldArray() throws {
        let result = importBytes(Array(Fixtures.eventViewer.utf8), source: "System.xml")
        let service = try #require(result.events.first)
        #expect(service.rendering != nil)
        let stored = service.storedWithoutRendering()
        #expect(stored.rendering == nil)
        var expected = service
        expected.rendering = nil
        #expect(stored == expected, "every other member, fields included, is kept")
        #expect(stored.fields.capacity < service.fields.capacity, "the importer's spare field capacity is not kept")
    }

    @Test func eventViewerSaveKeepsLocalizedRenderingInfo() throws {
        let result = importBytes(Array(Fixtures.eventViewer.utf8), source: "System.xml")
        #expect(result.diagnostics.isEmpty)
        try #require(result.events.count == 2)
        let service = result.events[0]
        #expect(service.eventID == 7036)
        #expect(service.qualifiers == 16384)
        #expect(service.eventSourceName == "Service Control Manager")
        #expect(service.field("param2") == "arrêté")
        #expect(service.binary == "5400650072006D0053006500720076006900630065002F0031000000")
        let rendering = try #require(service.rendering)
        #expect(rendering.culture == "fr-FR")
        #expect(rendering.message == "Le service Services Bureau à distance est entré dans l’état : arrêté.")
        #expect(rendering.task == "")
        #expect(rendering.opcode == "Info")
        #expect(rendering.channel == "Système")
        #expect(rendering.keywords == ["Classique"])

        let sleep = result.events[1]
        #expect(sleep.eventDataName == "EVENT_POWER_SLEEP")
        #expect(sleep.version == 3)
        #expect(sleep.field("TargetState") == "4")
        #expect(sleep.rendering?.keywords == ["(1024)", "(4)"])
        #expect(sleep.rendering?.message.contains("\r\n\nRaison") == true, "a character reference for CR survives")
        #expect(sleep.fields.count == 5, "RenderingInfo text never leaks into the payload")
    }

    @Test func prettyPrintedViewerCopyWithMarkersIsRead() throws {
        let result = importBytes(Array(Fixtures.viewerCopy.utf8))
        #expect(result.diagnostics.isEmpty)
        let event = try #require(result.events.first)
        #expect(result.events.count == 1)
        #expect(event.eventID == 1149)
        #expect(event.fields == [EventField("Param1", "alice"), EventField("Param2", "CORP"), EventField("Param3", "10.20.30.40")])
        #expect(event.providerGUID == "C76BAA63-AE81-421C-B425-340B4B24157F")
        #expect(event.origin.line == 1)
    }

    @Test(arguments: [
        ("UTF-8 with BOM", [0xEF, 0xBB, 0xBF] + Array(Fixtures.eventViewer.utf8)),
        ("UTF-16LE with BOM", Fixtures.eventViewer.utf16Bytes(bigEndian: false)),
        ("UTF-16BE with BOM", Fixtures.eventViewer.utf16Bytes(bigEndian: true)),
        ("UTF-16LE without BOM", Fixtures.eventViewer.utf16Bytes(bigEndian: false, bom: false)),
    ])
    func everyEncodingGivesTheSameEvents(name: String, bytes: [UInt8]) {
        let expected = importBytes(Array(Fixtures.eventViewer.utf8))
        let result = importBytes(bytes)
        #expect(result.diagnostics.isEmpty, "\(name)")
        #expect(fingerprint(result.events) == fingerprint(expected.events), "\(name)")
    }

    @Test func utf16SupplementaryCharactersSurviveTranscoding() throws {
        let text = Fixtures.wevtutil.replacingOccurrences(of: "CORP\\alice", with: "CORP\\🦊ålice")
        let result = importBytes(text.utf16Bytes(bigEndian: false), chunkSize: 3)
        let logon = try #require(result.events.first { $0.eventID == 21 })
        #expect(logon.field("User") == "CORP\\🦊ålice")
    }
}
