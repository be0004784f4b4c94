/// What the Remote Desktop client's disconnect codes mean.
///
/// Primary codes are `IMsTscAxEvents::OnDisconnected` reasons (the client's event 1026 stores
/// them in decimal; dialogs show hex); extended codes are `ExtendedDisconnectReasonCode` values,
/// the same numbers the server sends in its Set Error Info PDU. Texts follow Microsoft's
/// documentation as collected in `shared/reference/domain-events.md` §0.
public enum DisconnectCodes {
    /// The primary code this tool exists for: 2308 = 0x904, `disconnectReasonAtClientWinsockFDCLOSE`.
    public static let socketClosed: UInt32 = 0x904

    /// True for disconnect reasons that report an error.
    ///
    /// The low byte of a reason is its class and the values below 0x100 (0 no information, 1 local
    /// disconnection, 2 remote disconnection by the user, 3 by the server, and the other small
    /// values clients write after a logoff) end a session on purpose; every error reason
    /// Microsoft documents is 0x104 or above.
    public static func isError(_ reason: UInt32) -> Bool { reason >= 0x100 }

    /// The meaning of a primary disconnect reason, when known.
    public static func meaning(of code: UInt32) -> String? {
        switch code {
        case 0: "no information"
        case 1: "local disconnection (not an error)"
        case 2: "remote disconnection by the user (not an error)"
        case 3: "remote disconnection by the server (not an error)"
        case 260: "DNS name lookup failed: the client could not find the remote computer"
        case 262: "out of memory"
        case 264: "the connection timed out: the remote computer did not answer in time"
        case 516: "socket connect failed: remote access is not enabled, the computer is off, or it is not reachable on the network"
        case 520: "host not found"
        case 772: "Windows Sockets send call failed"
        case 1028: "Windows Sockets receive call failed"
        case 1030: "security data is not valid"
        case 1796: "this computer can't connect to the remote computer (internal timer error)"
        case 1798: "the server certificate could not be unpacked"
        case 2055: "logon failure: the user name or password is not correct (SSL_ERR_LOGON_FAILURE)"
        case 2056: "licensing failed"
        case 2308: "socket closed (Winsock FD_CLOSE): the connection was established and then closed by the server, a middlebox or the network"
        case 2310: "internal security error"
        case 2311: "unexpected server authentication certificate"
        case 2567: "the user account does not exist"
        case 2822: "encryption error"
        case 2823: "the account is disabled"
        case 2825: "the remote computer requires Network Level Authentication, which this client does not support"
        case 3079: "account restriction"
        case 3335: "the account is locked out"
        case 3591: "the account has expired"
        case 3847: "the password has expired"
        case 4615: "the password must be changed before logging on"
        case 5639: "the credential delegation policy does not allow these credentials"
        case 5895: "the policy allows only NTLM, which the server refused"
        case 6151: "no authenticating authority could be contacted"
        case 6919: "the server's authentication certificate has expired or is not valid"
        case 7431: "the time or date differs between client and server"
        case 8455: "fresh credentials are required"
        case 9732: "client and server versions do not match"
        default: nil
        }
    }

    /// The meaning of an extended disconnect reason, when known.
    public static func extendedMeaning(of code: UInt32) -> String? {
        switch code {
        case 0: "no additional information"
        case 1: "the application disconnected the session"
        case 2: "the application logged off the session"
        case 3: "the server's idle time limit was reached"
        case 4: "the server's logon time limit was reached"
        case 5: "another connection replaced this one"
        case 6: "the server ran out of memory"
        case 7: "the server denied the connection"
        case 8: "the server denied the connection for FIPS reasons"
        case 9: "the user lacks the privileges to connect"
        case 10: "the server requires fresh credentials"
        case 11: "disconnected by a user or administrator through RPC"
        case 12: "the user logged off"
        case 256...267: "a Remote Desktop licensing error"
        case 768: "the credentials sent were not valid"
        case 4096...32767: "a protocol error; the server's event log holds the reason"
        default: nil
        }
    }

    /// `0x904`-style hex for a code.
    public static func hex(_ code: UInt32) -> String { "0x" + String(code, radix: 16, uppercase: true) }
}
