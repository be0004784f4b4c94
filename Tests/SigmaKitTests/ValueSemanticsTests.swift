import EventImport
import SigmaKit
import Testing

/// Sigma value semantics: maps, lists, wildcards and escaping, case, null, numbers, keywords.
struct ValueSemanticsTests {
    let event = TestSupport.event([
        ("Image", #"C:\Windows\System32\cmd.exe"#),
        ("CommandLine", #"cmd.exe /c whoami *literal* ?q"#),
        ("LogonType", "10"),
        ("Status", "0xC000006D"),
        ("Empty", ""),
        ("Path", #"C:\Temp\a*b"#),
        ("Name", "Straße Ärger"),
    ])

    @Test func plainValuesCompareWholeValuesIgnoringCase() {
        #expect(TestSupport.matches("    sel:\n        Image: 'c:\\windows\\system32\\CMD.EXE'\n    condition: sel", event))
        #expect(!TestSupport.matches("    sel:\n        Image: 'cmd.exe'\n    condition: sel", event))
    }

    @Test func mapItemsAreAndedAndListValuesAreOred() {
        #expect(TestSupport.matches("    sel:\n        LogonType: [3, 10]\n        Empty: ''\n    condition: sel", event))
        #expect(!TestSupport.matches("    sel:\n        LogonType: [3, 10]\n        Empty: 'x'\n    condition: sel", event))
    }

    @Test func listsOfMapsAreOred() {
        let detection = "    sel:\n        - LogonType: 2\n        - Image|endswith: '\\cmd.exe'\n    condition: sel"
        #expect(TestSupport.matches(detection, event))
        let neither = "    sel:\n        - LogonType: 2\n        - Image|endswith: '\\bash.exe'\n    condition: sel"
        #expect(!TestSupport.matches(neither, event))
    }

    @Test func starAndQuestionMarkAreWildcards() {
        // A backslash before `*` escapes it, so a path separator followed by a wildcard is `\\*`.
        #expect(TestSupport.matches("    sel:\n        Image: 'C:\\Windows\\\\*\\cmd.ex?'\n    condition: sel", event))
        #expect(TestSupport.matches("    sel:\n        Image: '*system??\\\\*'\n    condition: sel", event))
        #expect(!TestSupport.matches("    sel:\n        Image: '*system?\\\\*'\n    condition: sel", event))
        #expect(!TestSupport.matches("    sel:\n        Image: 'C:\\Windows\\*\\cmd.ex?'\n    condition: sel", event))
    }

    @Test func escapedWildcardsAreLiteralCharacters() {
        // `\*` is a plain asterisk: "a*b" matches, "aXb" does not.
        #expect(TestSupport.matches("    sel:\n        Path: 'C:\\Temp\\a\\*b'\n    condition: sel", event))
        let other = TestSupport.event([("Path", #"C:\Temp\aXb"#)])
        #expect(!TestSupport.matches("    sel:\n        Path: 'C:\\Temp\\a\\*b'\n    condition: sel", other))
        #expect(TestSupport.matches("    sel:\n        Path: 'C:\\Temp\\a*b'\n    condition: sel", other))
        // `\?` is a plain question mark.
        #expect(TestSupport.matches("    sel:\n        CommandLine|endswith: ' \\?q'\n    condition: sel", event))
        #expect(!TestSupport.matches("    sel:\n        CommandLine|endswith: ' \\?x'\n    condition: sel", event))
    }

    @Test func escapedBackslashesFollowTheSpecification() {
        let unc = TestSupport.event([("Share", #"\\server\share"#), ("Dir", #"C:\dir\*"#)])
        // `\\\\` (four) is two plain backslashes; a lone `\` before a letter is plain.
        #expect(TestSupport.matches("    sel:\n        Share: '\\\\\\\\server\\share'\n    condition: sel", unc))
        // `\\*` is a backslash followed by a wildcard.
        #expect(TestSupport.matches("    sel:\n        Dir: 'C:\\dir\\\\*'\n    condition: sel", unc))
        // `\\\*` is a backslash followed by a plain asterisk.
        #expect(TestSupport.matches("    sel:\n        Dir: 'C:\\dir\\\\\\*'\n    condition: sel", unc))
        let longer = TestSupport.event([("Dir", #"C:\dir\x"#)])
        #expect(!TestSupport.matches("    sel:\n        Dir: 'C:\\dir\\\\\\*'\n    condition: sel", longer))
    }

    @Test func nullMatchesAnAbsentOrEmptyField() {
        #expect(TestSupport.matches("    sel:\n        Missing: null\n    condition: sel", event))
        #expect(TestSupport.matches("    sel:\n        Empty: null\n    condition: sel", event))
        #expect(!TestSupport.matches("    sel:\n        Image: null\n    condition: sel", event))
        // The specification's "not null" idiom.
        #expect(TestSupport.matches("    sel:\n        LogonType: 10\n    f:\n        Image: null\n    condition: sel and not f", event))
    }

    @Test func emptyStringMatchesOnlyAPresentEmptyValue() {
        #expect(TestSupport.matches("    sel:\n        Empty: ''\n    condition: sel", event))
        #expect(!TestSupport.matches("    sel:\n        Missing: ''\n    condition: sel", event))
    }

    @Test func numbersMatchTheSameNumberInDecimalOrHex() {
        #expect(TestSupport.matches("    sel:\n        LogonType: 10\n    condition: sel", event))
        #expect(TestSupport.matches("    sel:\n        LogonType: '10'\n    condition: sel", event))
        #expect(!TestSupport.matches("    sel:\n        LogonType: 1\n    condition: sel", event))
        // Hexadecimal status codes are written quoted in rules and compared as text, ignoring case.
        #expect(TestSupport.matches("    sel:\n        Status: '0xc000006d'\n    condition: sel", event))
        #expect(TestSupport.matches("    sel:\n        Status: 0xC000006D\n    condition: sel", event))
        let padded = TestSupport.event([("LogonType", "010")])
        #expect(TestSupport.matches("    sel:\n        LogonType: 10\n    condition: sel", padded))
        #expect(!TestSupport.matches("    sel:\n        LogonType: '10'\n    condition: sel", padded))
    }

    @Test func booleansCompareAsText() {
        let flags = TestSupport.event([("Enabled", "true"), ("Initiated", "False")])
        #expect(TestSupport.matches("    sel:\n        Enabled: true\n        Initiated: false\n    condition: sel", flags))
        #expect(!TestSupport.matches("    sel:\n        Enabled: false\n    condition: sel", flags))
    }

    @Test func nonASCIIValuesFallBackToUnicodeCaseFolding() {
        #expect(TestSupport.matches("    sel:\n        Name: 'STRASSE*'\n    condition: sel", event) == false)
        #expect(TestSupport.matches("    sel:\n        Name: 'straße ärger'\n    condition: sel", event))
        #expect(TestSupport.matches("    sel:\n        Name|contains: 'ÄRGER'\n    condition: sel", event))
        let upper = TestSupport.event([("Name", "ÄRGER")])
        #expect(TestSupport.matches("    sel:\n        Name: 'ärger'\n    condition: sel", upper))
        #expect(TestSupport.matches("    sel:\n        Name: '?rger'\n    condition: sel", upper))
    }

    @Test func keywordListsSearchEveryPayloadValue() {
        #expect(TestSupport.matches("    keywords:\n        - 'nothing here'\n        - 'WHOAMI'\n    condition: keywords", event))
        #expect(!TestSupport.matches("    keywords:\n        - 'mimikatz'\n    condition: keywords", event))
        #expect(TestSupport.matches("    keywords: 'System32'\n    condition: keywords", event))
    }

    @Test func keywordAllRequiresEveryKeyword() {
        #expect(TestSupport.matches("    keywords:\n        '|all':\n            - 'cmd.exe'\n            - 'whoami'\n    condition: keywords", event))
        #expect(!TestSupport.matches("    keywords:\n        '|all':\n            - 'cmd.exe'\n            - 'mimikatz'\n    condition: keywords", event))
    }

    @Test func keywordOnlyRulesMatchClassicUnnamedData() {
        let classic = TestSupport.event(
            channel: "Windows PowerShell", provider: "PowerShell", eventID: 400,
            [("", "Available"), ("", "None"), ("", "HostApplication=powershell.exe -enc SQBFAFgA")])
        #expect(TestSupport.matches("    keywords:\n        - '-enc '\n    condition: keywords", classic))
        #expect(TestSupport.matches("    sel:\n        Data|contains: 'HostApplication=powershell'\n    condition: sel", classic))
        #expect(!TestSupport.matches("    sel:\n        Data|contains: 'HostApplication=cmd'\n    condition: sel", classic))
    }

    @Test func systemFieldsAreMatchedByTheirSigmaNames() {
        var system = TestSupport.event(channel: "System", provider: "Service Control Manager", eventID: 7045, [])
        system.level = 4
        system.userID = "S-1-5-18"
        system.recordID = 42
        let detection = """
                sel:
                    EventID: 7045
                    Channel: 'system'
                    Provider_Name: 'Service Control Manager'
                    Computer: 'host1'
                    Level: 4
                    Security_UserID: 'S-1-5-18'
                    EventRecordID: 42
                condition: sel
            """
        #expect(TestSupport.matches(detection, system))
        #expect(!TestSupport.matches("    sel:\n        EventID: 7036\n    condition: sel", system))
    }

    @Test func fieldNamesFallBackToIgnoringSpacesAndCase() {
        let defender = TestSupport.event(
            channel: "Microsoft-Windows-Windows Defender/Operational", provider: "Microsoft-Windows-Windows Defender",
            eventID: 1116, [("Threat Name", "HackTool:Win32/Mimikatz"), ("Process Name", "C:\\x.exe")])
        #expect(TestSupport.matches("    sel:\n        ThreatName|contains: 'mimikatz'\n    condition: sel", defender))
        #expect(TestSupport.matches("    sel:\n        processname: 'C:\\x.exe'\n    condition: sel", defender))
    }
}
