@testable import Diagnosis
import EventImport
import Testing

/// RDPClient 1029 records the user name the client connects with as a hash: of several users a
/// ticket names, it tells which one made the attempt.
@Suite("The client's user-name hash (RDPClient 1029)")
struct ClientUserHashTests {
    static let host = AttemptIdentityTests.host
    static let t0 = AttemptIdentityTests.t0
    static let activity = "6F0C3A55-1E2B-4C4D-9E1F-0A1B2C3D4E5F"
    /// Base64(SHA-256(UTF-16LE "bsmith")) and its record's form, as Windows 10 and later write it.
    static let bsmith = "9tvKLeWa9hNL/zJMAOyD0sP20SyfntCZW2Kq89omVPk=-"
    /// The same, typed as `CORP\bsmith`: the domain's hash, a dash, the user's.
    static let corpBsmith = "o0b5eZExqOlrb+NAlZ1Ex5gwvyMS4reSFKWIxhY12xI=-9tvKLeWa9hNL/zJMAOyD0sP20SyfntCZW2Kq89omVPk="
    /// A ticket naming two users and the client, no address.
    static let ticket = TextDocument(source: "ticket.txt", text: "Users: CORP\\rsharma, CORP\\bsmith\nClient: WKS-077\nTarget: rdsh-01\n")

    // Real records: `alice` and `example\alice` from a Windows 10 client (port139's notes, 2019),
    // `Administrator` as SHA-1 from the Server 2012 R2 client in ../shared/corpus/real (StolenSzechuan, record 3).
    @Test(arguments: [
        ("37b1Qe+C6RABWfEqhOY11NzgSzEATQWYD8PK6fWhlzc=-", "alice", true),
        ("37b1Qe+C6RABWfEqhOY11NzgSzEATQWYD8PK6fWhlzc=-", "EXAMPLE\\Alice", true),
        ("37b1Qe+C6RABWfEqhOY11NzgSzEATQWYD8PK6fWhlzc=-", "bob", false),
        ("LZDrhy6nd9yShjFabAXdEq4o+LXDgDsQAAsbbZEr2/0=-37b1Qe+C6RABWfEqhOY11NzgSzEATQWYD8PK6fWhlzc=", "example\\alice", true),
        ("Base64(SHA256(UserName)) is = 37b1Qe+C6RABWfEqhOY11NzgSzEATQWYD8PK6fWhlzc=-", "alice@example.com", true),
        ("Fzr3XPlLZ81S2mb0LIhulrNE7MQ=-", "C137\\Administrator", true),
        ("Fzr3XPlLZ81S2mb0LIhulrNE7MQ=-", "administrator", true),
        ("Fzr3XPlLZ81S2mb0LIhulrNE7MQ=-", "Admin", false),
    ])
    func aHashNamesTheUserTypedWhateverTheTicketsSpelling(trace: String, mention: String, names: Bool) throws {
        let hash = try #require(ClientUserHash(traceMessage: trace))
        #expect(hash.names(mention) == names)
    }

    @Test(arguments: ["", "-", "not a hash", "Base64(SHA256(UserName)) is = -"])
    func aRecordWithoutAHashHoldsNone(trace: String) {
        #expect(ClientUserHash(traceMessage: trace) == nil)
    }

    static func userHash(_ trace: String) -> String {
        Make.event(
            provider: Make.clientProvider, id: 1029, channel: Make.clientChannel, computer: "WKS-077", time: Make.at(t0, 0.6), record: 24,
            data: [("TraceMessage", trace)], activity: activity)
    }

    /// bsmith's password is refused at the attempt; rsharma works on the same host from another client.
    static func hostRecords() -> [String] {
        AttemptIdentityTests.background()
            + Make.healthySession(host: host, at: Make.at(t0, -25), ip: "10.20.31.60", user: "rsharma", activity: "F4207288-0C4D-4F81-A3C4-994B162F0060")
            + Make.connectionOpens(host: host, at: Make.at(t0, 0.2), ip: "10.20.31.77", activity: "F4207288-0C4D-4F81-A3C4-994B162F0077")
            + [
                Make.badPassword(host: host, at: Make.at(t0, 0.9), user: "bsmith", workstation: "WKS-077", ip: "10.20.31.77"),
                Make.nlaRejected(host: host, at: Make.at(t0, 0.95), ip: "10.20.31.77", activity: "F4207288-0C4D-4F81-A3C4-994B162F0077"),
            ]
    }

    @Test(arguments: [bsmith, corpBsmith])
    func ofTwoUsersTheTicketNamesTheHashedOneMadeTheAttempt(trace: String) throws {
        let client = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 1.2, activity: Self.activity)
            + [Self.userHash(trace)]
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: Self.hostRecords(), documents: [Self.ticket])
        let failure = try #require(diagnosis.failures.first)
        #expect(
            failure.context.contains { $0.contains("user bsmith (the client's user-name hash") && $0.contains("ticket.txt, line 1") },
            "\(failure.context)")
        #expect(failure.causes.first?.id == "nla-credssp", "\(failure.causes.map { "\($0.id) \($0.status)" })")
    }

    @Test func aHashOfNoUserTheTicketNamesTiesNone() throws {
        let stranger = "JAm9kwY6Ia+3H+VwNazDeUwJMoGjEHvEyrq1dlAM4Z5=-"
        let client = Make.clientAttempt(computer: "WKS-077", target: "rdsh-01", at: Self.t0, lasts: 1.2, activity: Self.activity)
            + [Self.userHash(stranger)]
        let diagnosis = AttemptIdentityTests.diagnoseCase(client: client, host: Self.hostRecords(), documents: [Self.ticket])
        let failure = try #require(diagnosis.failures.first)
        #expect(!failure.context.contains { $0.contains("user-name hash") }, "\(failure.context)")
    }
}
