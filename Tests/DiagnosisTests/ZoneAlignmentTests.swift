import Diagnosis
import EventImport
import Foundation
import Testing

/// A zone-less local report time is aligned with the host's connection sequences, not with record
/// counts; the margin to the runner-up is reported and an inferred zone lowers the confidence.
@Suite("Aligning a local report time")
struct ZoneAlignmentTests {
    static let host = "RDSH-02.corp.example"
    /// mstsc prints its local time with no zone.
    static let dialog = "Error code: 0x904\r\nExtended error code: 0x7\r\nTimestamp: 06/12/26 09:41:53 PM\r\n"

    /// The attempt at 19:41:52Z: the connection from 10.20.31.58, Schannel 36870 and RdpCoreTS 139.
    static func privateKeyAttempt() -> [String] {
        let start = "2026-06-12T19:41:52.4000000Z"
        let activity = "E8649ABD-1F2E-4C4D-9E1F-0A1B2C3D4E5F"
        return Make.connectionOpens(host: host, at: start, ip: "10.20.31.58", activity: activity) + [
            Make.event(
                provider: "Schannel", id: 36870, channel: "System", computer: host, time: Make.at(start, 0.035), record: 47074,
                data: [("Type", "server"), ("ErrorCode", "0x8009030d"), ("ErrorStatus", "10001")], level: 2),
            Make.event(
                provider: Make.coreProvider, id: 139, channel: Make.coreChannel, computer: host, time: Make.at(start, 0.036), record: 50776,
                data: [("ResultCode", "0x8009030d"), ("IPString", "10.20.31.58")], activity: activity, level: 3),
        ]
    }

    /// An internet scanner an hour earlier: 60 connections from one address within three minutes,
    /// and 300 Schannel handshake failures.
    static func scannerBurst() -> [String] {
        var records: [String] = []
        for n in 0..<60 {
            let time = Make.at("2026-06-12T18:40:30.0000000Z", Double(n) * 3)
            records += Make.connectionOpens(host: host, at: time, ip: "45.155.205.99", activity: String(format: "F420%04X-0B2E-4F81-A3C4-994B162F0000", n), port: 40000 + n)
        }
        for n in 0..<300 {
            records.append(Make.noCommonCipher(computer: host, time: Make.at("2026-06-12T18:40:31.0000000Z", Double(n) * 0.6), record: 90000 + n))
        }
        return records
    }

    static func hostEvents(_ records: [String]) -> [WinEvent] {
        events((AttemptIdentityTests.background(host) + records).joined(separator: "\r\n"), source: "RDSH-02/host.xml")
    }

    @Test func aScannerBurstAWholeHourAwayDoesNotOutweighTheAttempt() throws {
        let diagnosis = diagnose(
            events: Self.hostEvents(Self.privateKeyAttempt() + Self.scannerBurst()), documents: [TextDocument(source: "error.txt", text: Self.dialog)])
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.time.iso8601(fractionDigits: 0) == "2026-06-12T19:41:53Z", "\(failure.context)")
        #expect(failure.context.contains { $0.contains("UTC+02:00 aligns it with 1 connection sequence") && $0.contains("the next best, UTC+03:00") })
        let top = try #require(failure.causes.first)
        #expect(top.id == "private-key-inaccessible")
        #expect(top.status == .likely)
        #expect(failure.causes.first { $0.id == "tls-mismatch" }?.status != .likely)
    }

    @Test func theSequenceThatNamesTheClientDecidesBetweenTwoFailures() throws {
        // Two refused logons an hour apart; the JSON report names the client WKS-077, whose 4625
        // is the one at 19:41 (UTC+2); the other is WKS-090's at 20:41 (UTC+1).
        let report = TextDocument(
            source: "error.json",
            text: #"{"code":"0x904","extendedCode":"0x7","timestamp":"2026-06-12T21:41:53","timestampIsUtc":false,"client":"WKS-077","host":"rdsh-02"}"#)
        var records: [String] = []
        for (start, user, workstation, ip, activity) in [
            ("2026-06-12T19:41:51.0000000Z", "rsharma", "WKS-077", "10.20.31.77", "904FB781-5C2D-4E6F-8A9B-0C1D2E3F4A5B"),
            ("2026-06-12T20:41:51.0000000Z", "jdoe", "WKS-090", "10.20.31.90", "904FB781-5C2D-4E6F-8A9B-0C1D2E3F4A5C"),
        ] {
            records += Make.connectionOpens(host: Self.host, at: start, ip: ip, activity: activity)
            records += [
                Make.badPassword(host: Self.host, at: Make.at(start, 1.59), user: user, workstation: workstation, ip: ip),
                Make.nlaRejected(host: Self.host, at: Make.at(start, 1.61), ip: ip, activity: activity),
            ]
        }
        let diagnosis = diagnose(events: Self.hostEvents(records), documents: [report])
        let failure = try #require(diagnosis.failures.first)
        #expect(failure.time.iso8601(fractionDigits: 0) == "2026-06-12T19:41:53Z", "\(failure.context)")
        #expect(failure.context.contains { $0.contains("UTC+02:00 aligns it") && $0.contains("1 naming the client") })
        let top = try #require(failure.causes.first)
        #expect(top.id == "nla-credssp")
        #expect(top.evidence.contains { $0.meaning.contains("rsharma") })
        #expect(!top.evidence.contains { $0.meaning.contains("jdoe") || $0.meaning.contains("10.20.31.90") })
    }

    @Test func anInferredZoneLowersTheConfidenceAndSaysSo() throws {
        let records = Self.hostEvents(Self.privateKeyAttempt())
        let inferred = try #require(diagnose(events: records, documents: [TextDocument(source: "error.txt", text: Self.dialog)]).failures.first)
        let stated = try #require(
            diagnose(
                events: records,
                documents: [TextDocument(source: "error.txt", text: Self.dialog), TextDocument(source: "ticket.txt", text: "Caller in Munich (UTC+2).")]
            ).failures.first)
        #expect(inferred.time == stated.time)
        let inferredTop = try #require(inferred.causes.first)
        let statedTop = try #require(stated.causes.first)
        #expect(inferredTop.id == statedTop.id)
        #expect(inferredTop.confidence < statedTop.confidence)
        #expect(inferred.context.contains { $0.contains("the zone is inferred") && $0.contains("scaled by 0.85") })
        #expect(!stated.context.contains { $0.contains("scaled by") })
    }
}
