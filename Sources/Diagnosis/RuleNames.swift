extension Diagnoser {
    /// Rule names the diagnoser itself relies on (the rule pack in `Rules/sigma` defines them).
    public enum RuleName {
        /// The client's disconnect record (RDPClient 1026).
        public static let clientDisconnect = "rdp_client_disconnect"
        /// The client's connect record (RDPClient 1024, the server name as typed).
        public static let clientConnectAttempt = "rdp_client_connect_attempt"
        /// The client's multi-transport record (RDPClient 1102, the server's address).
        public static let clientServerAddress = "rdp_client_server_address"
        /// The client's record of the user name it connects with, hashed (RDPClient 1029).
        static let clientUserHash = "rdp_client_user_hash"
        /// Host records that show a session went well: authentication, logon, the shell starting.
        static let sessionSuccess: Set<String> = ["rdp_user_authenticated", "rdp_session_logon", "rdp_logon_success", "rdp_shell_start"]
        /// Host records that open a connection, or show one being handled (the first record of a
        /// connection seen in the host's logs is one of these).
        static let connectionOpening: Set<String> = [
            "rdp_listener_connection", "rdp_stack_connection", "rdp_tcp_established", "rdp_security_layer_error",
            "rdp_nla_bad_credentials", "rdp_user_authenticated", "rdp_session_logon", "rdp_session_reconnected",
            "rdp_logon_success", "logon_failure_credentials", "logon_failure_rights", "logon_failure_infrastructure",
            "wfp_rdp_blocked", "termdd_protocol_error",
        ]
        /// Host records of a session being logged on.
        static let sessionStarted: Set<String> = ["rdp_session_logon", "rdp_shell_start", "rdp_session_reconnected", "rdp_logon_success"]
        /// Host records of a session ending (logoff, disconnect, denial).
        static let sessionEnded: Set<String> = ["rdp_session_logoff", "rdp_session_disconnected", "rdp_session_denied"]
        /// Host records of a failed attempt, listed as candidates when a reported failure cannot be
        /// located, with what each says.
        static let failureCandidates: [(rule: String, says: String)] = [
            ("logon_failure_credentials", "{Computer} refused the logon of {TargetDomainName}\\{TargetUserName} from {IpAddress}: bad user name or password ({Status}/{SubStatus})"),
            ("logon_failure_rights", "{Computer} refused the logon of {TargetDomainName}\\{TargetUserName} from {IpAddress}: account restriction ({Status}/{SubStatus}, logon type {LogonType})"),
            ("logon_failure_infrastructure", "{Computer} could not authenticate {TargetUserName} from {IpAddress} ({Status}/{SubStatus})"),
            ("rdp_nla_bad_credentials", "the RDP stack on {Computer} rejected the credentials sent from {IPString}"),
            ("rdp_session_denied", "the session manager on {Computer} denied session {Session} (reason {Reason})"),
            ("profile_load_failed", "the User Profile Service on {Computer} could not load a profile (event {EventID})"),
            ("termservice_crashed", "Remote Desktop Services on {Computer} terminated unexpectedly"),
            ("termservice_stopped", "Remote Desktop Services on {Computer} stopped"),
            ("rdp_cert_expired", "the RDP certificate of {Computer} has expired"),
            ("rdp_cert_expired_not_replaced", "{Computer} failed to replace its expired RDP certificate"),
            ("rdp_cert_create_failed", "{Computer} could not create its self-signed RDP certificate"),
            ("rdp_cert_key_inaccessible", "the private key of {Computer}'s RDP certificate is not accessible"),
            ("schannel_private_key_access_failed", "Schannel on {Computer} could not access the TLS private key (error {ErrorCode})"),
            ("schannel_no_common_cipher", "Schannel on {Computer} found no cipher suite in common with a client"),
            ("rdp_security_layer_error", "the RDP security layer on {Computer} failed for {IPString}"),
            ("wfp_rdp_blocked", "the Filtering Platform on {Computer} dropped RDP traffic from {SourceAddress}"),
        ]
        /// Every host record that belongs to one connection.
        static let connectionTraces: [String] = Array(connectionOpening.union(sessionStarted).union(sessionEnded)).sorted()
    }
}
