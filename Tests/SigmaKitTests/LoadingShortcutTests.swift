import Testing

@testable import SigmaKit

/// The shortcuts of rule loading give what the general forms give.
struct LoadingShortcutTests {
    /// ASCII ids are checked byte by byte; other text by characters, as before.
    @Test func uuidCheckOfASCIIAndOtherText() {
        #expect(isUUID("11111111-1111-4111-8111-111111111111"))
        #expect(isUUID("ABCDEF01-abcd-4ef0-8A9b-0123456789aF"))
        #expect(!isUUID("11111111-1111-4111-8111-11111111111"))  // 35 characters
        #expect(!isUUID("11111111-1111-4111-8111-1111111111111"))  // 37
        #expect(!isUUID("111111111-111-4111-8111-111111111111"))  // a dash moved
        #expect(!isUUID("11111111-1111-4111-8111-11111111111g"))
        #expect(!isUUID("11111111-1111-4111-8111_111111111111"))
        #expect(!isUUID("11111111-1111-4111-8111-11111111111:"))  // the byte after "9" once "0x3A"
        #expect(!isUUID("11111111-1111-4111-8111-11111111111@"))  // the byte before "A"
        #expect(!isUUID(""))
        // Full-width digits are hexadecimal digits to `Character.isHexDigit`.
        #expect(isUUID("１1111111-1111-4111-8111-111111111111"))
        #expect(!isUUID("é1111111-1111-4111-8111-111111111111"))
    }

    /// System field names resolve by their name or alias in any case; a name that is both a
    /// field's and an alias's resolves to the field.
    @Test func systemFieldNamesResolveInAnyCase() {
        #expect(FieldReference.resolve("eventid") == .system(.eventID))
        #expect(FieldReference.resolve("PROVIDER_NAME") == .system(.providerName))
        #expect(FieldReference.resolve("EventSourceName") == .system(.eventSourceName))
        #expect(FieldReference.resolve("eventid_qualifiers") == .system(.qualifiers))
        #expect(FieldReference.resolve("TimeCreated") == .system(.timeCreated))
        #expect(FieldReference.resolve("Level") == .payloadThenSystem(PayloadName("Level"), .level))
        #expect(FieldReference.resolve("data") == .unnamedData)
        #expect(FieldReference.resolve("CommandLine") == .payload(PayloadName("CommandLine")))
        for field in SystemField.allCases {
            #expect(SystemField.byLoweredName[field.rawValue.lowercased()] == field)
        }
    }
}
