/// Everything that names one failed attempt: the client's addresses, its machine name, the user,
/// and the ActivityID, each with where it was learned.
///
/// Host records are tied to the attempt by this identity, not by time alone: a record that names
/// another client (another address, workstation or user) belongs to someone else.
struct AttemptIdentity {
    /// How a host record relates to the attempt.
    enum Relation: Equatable {
        /// It names this attempt's client (how).
        case same(String)
        /// It names another client (how).
        case other(String)
        /// Neither the record nor the attempt says enough to tell.
        case unknown
    }

    /// What is known of the client.
    var client = RecordIdentity()
    /// ActivityIDs of the attempt (a host record carrying one is the attempt's own).
    var activityIDs: Set<String> = []
    /// Where each piece was learned, in order (said in the findings).
    var sources: [String] = []

    /// True when nothing names the attempt's client.
    var isEmpty: Bool { client.isEmpty && activityIDs.isEmpty }

    /// Adds a client address learned from `source` (nil: said elsewhere).
    mutating func addAddress(_ text: String, from source: String?) {
        guard let address = RecordIdentity.address(text), !client.addresses.contains(address) else { return }
        client.addresses.insert(address)
        if let source { sources.append("client address \(address) (\(source))") }
    }

    /// Adds the client machine's name learned from `source` (nil: said elsewhere).
    mutating func addMachine(_ text: String, from source: String?) {
        guard let machine = RecordIdentity.workstation(text), !client.workstations.contains(machine) else { return }
        client.workstations.insert(machine)
        if let source { sources.append("client machine \(text) (\(source))") }
    }

    /// Adds the user's name learned from `source` (nil: said elsewhere).
    mutating func addUser(_ text: String, from source: String?) {
        guard let user = RecordIdentity.user(text), !client.users.contains(user) else { return }
        client.users.insert(user)
        if let source { sources.append("user \(user) (\(source))") }
    }

    /// Adds everything `record` names, learned from `source` (nil: said elsewhere); true when
    /// something was new.
    @discardableResult
    mutating func adopt(_ record: RecordIdentity, from source: String?) -> Bool {
        let before = (client.addresses.count, client.users.count, client.workstations.count)
        for address in record.addresses.sorted() { addAddress(address, from: source) }
        for machine in record.workstations.sorted() { addMachine(machine, from: source) }
        for user in record.users.sorted() { addUser(user, from: source) }
        return before != (client.addresses.count, client.users.count, client.workstations.count)
    }

    /// How a record that names `record` (and carries `activityID`) relates to the attempt.
    ///
    /// The strongest attribute both sides know decides: the ActivityID (only when equal), then the
    /// address, the workstation, the user. A record about the host's own console is never the attempt.
    func relation(to record: RecordIdentity, activityID: String = "") -> Relation {
        if !activityID.isEmpty, activityIDs.contains(activityID) { return .same("ActivityID \(activityID)") }
        if record.isConsole { return .other("the host's console session") }
        if let verdict = Self.compare(client.addresses, record.addresses, what: "address") { return verdict }
        if let verdict = Self.compare(client.workstations, record.workstations, what: "workstation") { return verdict }
        if let verdict = Self.compare(client.users, record.users, what: "user") { return verdict }
        return .unknown
    }

    private static func compare(_ ours: Set<String>, _ theirs: Set<String>, what: String) -> Relation? {
        guard !ours.isEmpty, !theirs.isEmpty else { return nil }
        if let shared = ours.intersection(theirs).sorted().first { return .same("\(what) \(shared)") }
        return .other("\(what) \(theirs.sorted().joined(separator: ", "))")
    }
}
