/// Generated scenarios and metamorphic properties that today's diagnoser gets wrong, in one place.
///
/// Each entry is a case (or `case|transformation`) whose check fails on the diagnoser as it is;
/// its failures are recorded as known issues. When the diagnoser improves and an entry starts to
/// pass, the test reports that the known issue was not recorded: delete the entry then, so that
/// the list only ever shrinks. Never add an entry to make a new failure go away; an entry is for a
/// failure the issue (diagnosis on real, shared hosts) describes and that is still being fixed.
///
/// The metamorphic entries cover the full matrix (`RDPCAUSE_METAMORPHIC=full`); the default run
/// checks a sample of it, so only the sampled entries are flagged when they start to pass there.
enum KnownDiagnosisGaps {
    /// Scenario id → what today's diagnoser does wrong.
    static let scenarios: [String: String] = [
        "np-busy-silent": "another user's healthy session near the attempt is taken as this user's (no identity match): client-side, network-path ruled out",
        "np-busy-ip-silent": "another user's healthy session near the attempt is taken as this user's (no identity match): client-side, network-path ruled out",
        "svc-busy-skew": "skew and client address taken from another user's records (skew +47 s, really +240 s): client-side; the text and JSON reports of one attempt are two failures",
        "svc-scanner-nolog": "the zone-less report time is aligned to a scanner burst 3 h away (its 4625 spray): nla-credssp",
        "svc-fr-note": "the French user note (codes and a dd/MM/yyyy time, no English labels) is not read as a report; the failure is placed on the host's latest connection record, another user's session: client-side",
        "cert-scanner-nolog": "the zone-less report time is aligned to a scanner burst 2 h away: nla-credssp",
        "tls-skew-two-reports": "the text and JSON reports of one attempt (same ActivityID) are counted as two failures",
        "nla-busy-skew": "another user's healthy session is taken as this attempt (skew anchored on another client): client-side",
        "nla-scanner-nolog": "the zone-less report time is aligned to a scanner's Schannel burst 1 h away: tls-mismatch",
        "nla-fr-note": "the French user note is not read as a report; the failure is placed on the host's latest connection record, another user's session: client-side",
        "rights-busy-skew": "another user's 1149/4624/LSM 21 near the attempt is taken as this user's logon: client-side",
        "rights-scanner-nolog": "the zone-less report time is aligned to a scanner burst 2 h away (its 4625 spray): nla-credssp",
        "rights-de-nolog": "the German word \"ist\" is read as the zone IST (+5:30) before the stated MESZ: the report time is hours off, no connection is found there and network-path is likely",
        "tls-fr-nolog": "the French word \"Cet\" is read as the zone CET (+1) before the stated UTC+2: the report time is an hour off, no connection is found there and network-path is likely",
        "profile-busy-skew": "another user's healthy logon near the attempt is taken as this user's: client-side",
        "hearsay-en": "a ticket that only mentions 0x904 is anchored on the host's latest connection although the client log covers the day with clean disconnects only: client-side",
        "hearsay-de-busy": "a German ticket that only mentions 0x904 is anchored on the host's latest connection: inconclusive instead of no-failure-found",
        "hearsay-fwd-ip": "a forwarded mail quoting the error is anchored on the host's latest connection: client-side instead of no-failure-found",
        "multi-three-hosts": "the text and JSON reports of one attempt are two failures; the failure on crm-ts, which has no logs, gets another user's workstation (named in that user's JSON report) as its host instead of the name typed",
        "multi-de-ip": "the failure whose target was typed as an IP address gets another user's workstation (the first name in the ticket) as its host instead of the host behind the address, so its client-side cause is never assessed and the case is inconclusive",
    ]

    /// `case|transformation` → what today's diagnoser does wrong.
    static let metamorphic: [String: String] = [
        "sample:distractor|other-sessions": "other users' connections minutes before TermService stopped are read as this attempt reaching the stack: rdp-service-down drops to inconclusive",
        "sample:rdp-service-down|other-sessions": "other users' sessions before the crash and after the restart are read as this attempt's healthy handshake: client-side",
        "rights-de|other-sessions": "another user's 1149/4624/LSM 21 near the attempt is read as this user's logon: client-side",
        "sample:logon-rights|without-deciding-log": "without the Security and RCM logs the client's RdpCoreTS 131 alone makes client-side likely instead of inconclusive",
        "sample:profile-corrupt|without-deciding-log": "without the Application, LSM and Security logs the RdpCoreTS 131 alone makes client-side likely instead of inconclusive",
        "rights-de|without-deciding-log": "without the Security and RCM logs the RdpCoreTS 131 alone makes client-side likely instead of inconclusive",
        "profile-ip|without-deciding-log": "without the Application, LSM and Security logs the RdpCoreTS 131 alone makes client-side likely instead of inconclusive",
        "profile-scanner|without-deciding-log": "without the Application, LSM and Security logs the RdpCoreTS 131 alone makes client-side likely instead of inconclusive",
        "multi-two-hosts|without-deciding-log": "without the Security and RCM logs the RdpCoreTS 131 alone makes client-side likely instead of inconclusive",
        "sample:distractor|without-deciding-log": "without the System log (service stopped) the missing listener traces make network-path likely instead of inconclusive",
        "sample:rdp-service-down|without-deciding-log": "without the System log (service crashed) the missing listener traces make network-path likely instead of inconclusive",
        "np-firewall-skew-ip|without-deciding-log": "network-path stays likely (0.60) on the absence of 261/131 in the RCM/RdpCoreTS logs, which the diagnosis does not list among its supporting evidence",
        "np-de-ticket|without-deciding-log": "network-path stays likely (0.60) on the absence of 261/131 in the RCM/RdpCoreTS logs, which the diagnosis does not list among its supporting evidence",
        "tls-fr-nolog|without-unused-logs": "the (misaligned) network-path answer rests on the absence of 261/131 in RCM/RdpCoreTS logs that the diagnosis does not cite; without them it is inconclusive and the host the ticket names is lost",
        "rights-de-nolog|without-unused-logs": "the (misaligned) network-path answer rests on the absence of 261/131 in RCM/RdpCoreTS logs that the diagnosis does not cite; without them it is inconclusive and the host the ticket names is lost",
        "svc-busy-skew|without-deciding-log": "the original answer (client-side) rests on other users' records; without them rdp-service-down appears",
        "profile-busy-skew|without-deciding-log": "the original answer (client-side) rests on other users' records; without them profile-corrupt appears",
        "svc-scanner-nolog|without-deciding-log": "the original answer rests on a scanner's 4625 spray 3 h away; without the Security log the scanner's Schannel records make tls-mismatch likely",
        "cert-scanner-nolog|without-deciding-log": "the original answer rests on a scanner's 4625 spray 2 h away; without the Security log the scanner's Schannel records make tls-mismatch likely",
        "rights-scanner-nolog|without-deciding-log": "the original answer rests on a scanner's 4625 spray 2 h away; without the Security log the scanner's Schannel records make tls-mismatch likely",
        "svc-fr-note|without-deciding-log": "the failure was placed on another user's host record; without those logs it is lost (no-failure-found) although the user's note reports 0x904",
        "nla-fr-note|without-deciding-log": "the failure was placed on another user's host record; without those logs it is lost (no-failure-found) although the user's note reports 0x904",
    ]
}
