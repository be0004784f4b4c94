import Correlation
import EventImport

/// Which machine of the case an IP address belongs to, from the records that carry a machine's
/// own address: the Filtering Platform's records of port 3389 on the host (the address on the
/// listening side), and a client's connection whose 1024 names a host of the case while its
/// 1102 gives the address the name resolved to.
struct MachineAddresses {
    /// Machine (normalized) by address, with the record that shows it.
    private(set) var machines: [String: (machine: String, record: CaseIndex.Hit)] = [:]

    init(index: CaseIndex) {
        for hit in index.hits(of: "wfp_rdp_blocked") {
            let own = hit.event.field(caseInsensitive: "DestPort") == "3389" ? "DestAddress" : "SourceAddress"
            if let value = hit.event.field(caseInsensitive: own), let address = RecordIdentity.address(value), machines[address] == nil {
                machines[address] = (hit.machine, hit)
            }
        }
        let attempts = index.hits(of: Diagnoser.RuleName.clientConnectAttempt)
        for hit in index.hits(of: Diagnoser.RuleName.clientServerAddress) where !hit.event.activityID.isEmpty {
            guard let value = hit.event.field(caseInsensitive: "Value"), let address = RecordIdentity.address(value), machines[address] == nil,
                let name = attempts.last(where: { $0.event.activityID == hit.event.activityID })?.event.field(caseInsensitive: "Value")
            else { continue }
            let machine = HostName.normalized(name)
            if index.coverage[machine] != nil, index.isHost(machine) || !index.isClient(machine) { machines[address] = (machine, hit) }
        }
    }

    /// The machine whose address `text` is, when the case shows it.
    func machine(for text: String) -> (machine: String, record: CaseIndex.Hit)? {
        RecordIdentity.address(text).flatMap { machines[$0] }
    }
}
