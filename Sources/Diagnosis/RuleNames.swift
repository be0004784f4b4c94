extension Diagnoser {
    /// Rule names the diagnoser itself relies on (the rule pack in `Rules/sigma` defines them).
    public enum RuleName {
        public static let clientDisconnect = "rdp_client_disconnect"
        public static let clientConnectAttempt = "rdp_client_connect_attempt"
        public static let clientServerAddress = "rdp_client_server_address"
        public static let hostConnection = ["rdp_stack_connection", "rdp_listener_connection", "rdp_tcp_established"]
        public static let hostClientAddress = [
            "rdp_stack_connection", "rdp_user_authenticated", "rdp_session_logon", "rdp_logon_success",
            "logon_failure_credentials", "logon_failure_rights", "logon_failure_infrastructure", "rdp_nla_bad_credentials",
        ]
        /// Records a connection attempt leaves on the host, used to align a local report time.
        public static let alignmentTraces = hostAttemptTraces + ["wfp_rdp_blocked", "rdp_session_denied"]
        public static let hostAttemptTraces =
            hostConnection + hostClientAddress + [
                "schannel_private_key_access_failed", "schannel_no_common_cipher", "schannel_fatal_alert_sent",
                "schannel_credential_creation_failed", "rdp_security_layer_error", "termdd_protocol_error",
            ]
        /// Host records of a connection that went well.
        static let successTraces: Set<String> = ["rdp_user_authenticated", "rdp_session_logon", "rdp_logon_success"]
        /// Host records that show a session went well (a success trace, or its shell starting).
        static let sessionSuccess: Set<String> = successTraces.union(["rdp_shell_start"])
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
        /// Every host record that belongs to one connection.
        static let connectionTraces: [String] = Array(connectionOpening.union(sessionStarted).union(sessionEnded)).sorted()
    }
}
