/// Per-file match counts of the pack over the whole real corpus, computed independently of SigmaKit
/// (a Python re-implementation of each rule over the corpus XML, written while the rules were made).
/// A file that is absent here must match no pack rule at all. Re-derive the counts when a rule changes.
enum CorpusExpectations {
    static let countsByFile: [String: [String: Int]] = [
        "DFIRArtifactMuseum__Server2022_APTSimulatorVM__Microsoft-Windows-TerminalServices-LocalSessionManager-Operational": [
            "rdp_session_logoff": 1,
            "rdp_session_logon": 2,
            "rdp_shell_start": 2,
        ],
        "DFIRArtifactMuseum__Server2022_APTSimulatorVM__Microsoft-Windows-Windows_Firewall_With_Advanced_Security-Firewall": [
            "firewall_inbound_rule_changed": 61,
            "firewall_network_profile_changed": 2,
            "firewall_rule_deleted": 2,
        ],
        "DFIRArtifactMuseum__Server2022_APTSimulatorVM__System": [
            "host_boot": 6,
            "host_shutdown": 6,
        ],
        "DFIRArtifactMuseum__Win10_APTSimulatorVM__Microsoft-Windows-TerminalServices-LocalSessionManager-Operational": [
            "rdp_session_logoff": 1,
            "rdp_session_logon": 2,
            "rdp_shell_start": 2,
        ],
        "DFIRArtifactMuseum__Win10_APTSimulatorVM__Microsoft-Windows-Windows_Firewall_With_Advanced_Security-Firewall": [
            "firewall_inbound_rule_changed": 208,
            "firewall_network_profile_changed": 8,
            "firewall_rule_deleted": 156,
        ],
        "DFIRArtifactMuseum__Win10_APTSimulatorVM__System": [
            "client_update_installed": 3,
            "host_boot": 6,
            "host_shutdown": 3,
        ],
        "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__Microsoft-Windows-RemoteDesktopServices-RdpCoreTS-Operational": [
            "rdp_tcp_established": 9,
        ],
        "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__Microsoft-Windows-TerminalServices-LocalSessionManager-Operational": [
            "rdp_session_disconnected": 9,
            "rdp_session_logoff": 16,
            "rdp_session_logon": 18,
            "rdp_session_reconnected": 3,
            "rdp_shell_start": 18,
        ],
        "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational": [
            "rdp_listener_connection": 11,
        ],
        "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__Microsoft-Windows-Windows_Firewall_With_Advanced_Security-Firewall": [
            "firewall_inbound_rule_changed": 153,
            "firewall_network_profile_changed": 49,
            "firewall_rule_deleted": 51,
        ],
        "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__Security": [
            "logon_failure_credentials": 20,
            "logon_failure_infrastructure": 6,
            "logon_failure_rights": 20,
            "rdp_logon_success": 7,
        ],
        "DFIRArtifactMuseum__Win10_BelkasoftCTF_InsiderThreat__System": [
            "client_update_installed": 2,
            "host_boot": 44,
            "host_resume": 3,
            "host_shutdown": 57,
            "host_sleep": 3,
            "host_unexpected_reboot": 8,
            "host_wake_report": 3,
            "rdp_cert_created": 9,
        ],
        "DFIRArtifactMuseum__Win10_RathbunVM__Microsoft-Windows-TerminalServices-LocalSessionManager-Operational": [
            "rdp_session_disconnected": 1,
            "rdp_session_logoff": 3,
            "rdp_session_logon": 4,
            "rdp_shell_start": 4,
        ],
        "DFIRArtifactMuseum__Win10_RathbunVM__Microsoft-Windows-Windows_Firewall_With_Advanced_Security-Firewall": [
            "firewall_inbound_rule_changed": 239,
            "firewall_network_profile_changed": 15,
            "firewall_rule_deleted": 299,
        ],
        "DFIRArtifactMuseum__Win10_RathbunVM__System": [
            "client_update_installed": 7,
            "host_boot": 8,
            "host_resume": 1,
            "host_shutdown": 6,
            "host_sleep": 1,
            "host_wake_report": 1,
        ],
        "DFIRArtifactMuseum__Win11_RathbunVM__Microsoft-Windows-TerminalServices-LocalSessionManager-Operational": [
            "rdp_session_disconnected": 1,
            "rdp_session_logoff": 4,
            "rdp_session_logon": 5,
            "rdp_shell_start": 5,
        ],
        "DFIRArtifactMuseum__Win11_RathbunVM__Microsoft-Windows-Windows_Firewall_With_Advanced_Security-Firewall": [
            "firewall_inbound_rule_changed": 225,
            "firewall_network_profile_changed": 13,
            "firewall_rule_deleted": 303,
        ],
        "DFIRArtifactMuseum__Win11_RathbunVM__Security": [
            "logon_failure_rights": 1,
        ],
        "DFIRArtifactMuseum__Win11_RathbunVM__System": [
            "client_update_installed": 6,
            "host_boot": 10,
            "host_resume": 1,
            "host_shutdown": 9,
            "host_sleep": 1,
            "host_wake_report": 1,
        ],
        "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Microsoft-Windows-RemoteDesktopServices-RdpCoreTS-Operational": [
            "rdp_security_layer_error": 247,
            "rdp_stack_connection": 346,
            "rdp_tcp_established": 4,
        ],
        "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Microsoft-Windows-TerminalServices-LocalSessionManager-Operational": [
            "rdp_session_disconnected": 3,
            "rdp_session_logoff": 12,
            "rdp_session_logon": 13,
            "rdp_shell_start": 13,
        ],
        "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Microsoft-Windows-TerminalServices-RDPClient-Operational": [
            "rdp_client_connect_attempt": 1,
            "rdp_client_connected": 1,
            "rdp_client_disconnect": 1,
            "rdp_client_server_address": 1,
            "rdp_client_ssl_error": 1,
            "rdp_client_user_hash": 1,
        ],
        "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational": [
            "rdp_listener_connection": 1938,
            "rdp_user_authenticated": 4,
        ],
        "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Microsoft-Windows-Windows_Firewall_With_Advanced_Security-Firewall": [
            "firewall_inbound_rule_changed": 48,
            "firewall_network_profile_changed": 14,
            "firewall_rdp_rule_blocking": 1,
            "firewall_rdp_rule_changed": 3,
        ],
        "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__Security": [
            "logon_failure_credentials": 96,
            "rdp_logon_success": 4,
        ],
        "DFIRArtifactMuseum__Win2012R2_StolenSzechuan__System": [
            "client_update_installed": 1,
            "group_policy_computer_settings_applied": 2,
            "host_boot": 22,
            "host_shutdown": 37,
            "rdp_cert_created": 3,
            "schannel_fatal_alert_sent": 29205,
            "schannel_no_common_cipher": 29205,
            "termservice_running": 8,
            "termservice_stopped": 7,
        ],
        "EVTX-ATTACK-SAMPLES__Command_and_Control_DE_RDP_Tunnel_5156": [
            "rdp_logon_success": 1,
        ],
        "EVTX-ATTACK-SAMPLES__Command_and_Control_DE_RDP_Tunneling_4624": [
            "rdp_logon_success": 1,
        ],
        "EVTX-ATTACK-SAMPLES__Command_and_Control_DE_RDP_Tunneling_TerminalServices-RemoteConnectionManagerOperational_1149": [
            "rdp_listener_connection": 25,
            "rdp_user_authenticated": 11,
        ],
        "EVTX-ATTACK-SAMPLES__Lateral_Movement_dfir_rdpsharp_target_RdpCoreTs_168_68_131": [
            "rdp_stack_connection": 22,
        ],
        "EVTX-ATTACK-SAMPLES__Other_rdpcorets_148_mst120_bluekeep_rpdscan_full": [
            "rdp_stack_connection": 16,
            "rdp_tcp_established": 7,
        ],
        "EVTX-to-MITRE-Attack__ID1149-RDP_success_logins_to_multiple_hosts": [
            "rdp_user_authenticated": 11,
        ],
        "EVTX-to-MITRE-Attack__ID131-RDP_brutforce_no_user_info": [
            "rdp_stack_connection": 154,
        ],
        "EVTX-to-MITRE-Attack__ID2004-Any_any_firewall_rule_created": [
            "firewall_inbound_rule_changed": 1,
        ],
        "EVTX-to-MITRE-Attack__ID4625-failed_login_with_denied_access_due_to_account_restriction": [
            "logon_failure_rights": 2,
        ],
        "artemis__System": [
            "client_update_installed": 1,
            "group_policy_computer_settings_applied": 1,
            "host_boot": 4,
            "host_shutdown": 3,
        ],
        "omerbenamram-evtx__2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS-Operational": [
            "rdp_nla_bad_credentials": 126,
            "rdp_stack_connection": 126,
        ],
        "omerbenamram-evtx__2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager-Operational": [
            "rdp_listener_connection": 1769,
            "rdp_user_authenticated": 5,
        ],
        "omerbenamram-evtx__2-vss_7-System": [
            "client_update_installed": 5,
            "credssp_version_mismatch": 8,
            "host_boot": 6,
            "host_shutdown": 6,
            "rdp_cert_created": 1,
        ],
        "omerbenamram-evtx__Security_short_selected": [
            "logon_failure_credentials": 1,
            "wfp_rdp_blocked": 1,
        ],
        "omerbenamram-evtx__sample-with-zero-data-size-event": [
            "host_boot": 10,
            "host_shutdown": 14,
            "rdp_cert_created": 3,
        ],
        "omerbenamram-evtx__system": [
            "client_update_installed": 2,
            "host_boot": 6,
            "host_resume": 2,
            "host_shutdown": 6,
            "host_sleep": 2,
            "host_wake_report": 2,
        ],
        "plaso__evtx_System": [
            "group_policy_computer_settings_applied": 3,
            "host_boot": 16,
            "host_shutdown": 20,
            "host_unexpected_reboot": 3,
            "rdp_cert_created": 1,
            "termservice_running": 3,
            "termservice_stopped": 2,
        ],
        "python-evtx__system": [
            "client_update_installed": 7,
            "host_boot": 10,
            "host_shutdown": 9,
            "host_unexpected_reboot": 4,
            "termdd_protocol_error": 3,
            "termservice_running": 5,
            "termservice_stopped": 3,
        ],
        "velociraptor__RDPAuth_LocalSessionManager": [
            "rdp_session_disconnected": 2,
            "rdp_session_logoff": 2,
            "rdp_session_logon": 1,
            "rdp_session_reconnected": 1,
            "rdp_shell_start": 1,
        ],
        "velociraptor__RDPAuth_RemoteConnectionManager": [
            "rdp_listener_connection": 1,
            "rdp_user_authenticated": 1,
        ],
        "velociraptor__RDPAuth_Security": [
            "rdp_logon_success": 2,
        ],
        "velociraptor__RDPAuth_System": [
            "host_boot": 2,
            "host_shutdown": 3,
            "termservice_running": 1,
            "termservice_stopped": 1,
        ],
    ]
}
