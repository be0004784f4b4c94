import Foundation

// `tickets check` for the systems other than RT (see ``TicketCheck``): read calls only.

extension JiraClient {
    /// Reads the issue (`GET /rest/api/2/issue/{key}`) and asks Jira whether this user may comment
    /// and attach (`GET /rest/api/2/mypermissions`: `ADD_COMMENTS`, `CREATE_ATTACHMENTS`).
    public func check(_ ticket: TicketReference) -> TicketCheck {
        let key = queryEscaped(ticket.id)
        var report = TicketCheck(system: system, ticket: ticket.id)
        guard
            let issue = report.ask(
                "find the ticket", first: true,
                { () throws(TicketError) in try http.expectSuccess("GET", "/rest/api/2/issue/\(key)?fields=summary,status", retry: retry) })
        else { return report }
        let fields = (issue.json as? [String: Any])?["fields"] as? [String: Any] ?? [:]
        let status = (fields["status"] as? [String: Any])?["name"] as? String ?? "status not shown"
        report.items.append(
            .init(capability: "find the ticket", answer: .yes, detail: "\"\(fields["summary"] as? String ?? "")\" (\(status))"))
        guard
            let mine = report.ask(
                "ask for this user's permissions", first: false,
                { () throws(TicketError) in
                    try http.expectSuccess(
                        "GET", "/rest/api/2/mypermissions?issueKey=\(key)&permissions=ADD_COMMENTS,CREATE_ATTACHMENTS", retry: retry)
                })
        else { return report }
        let permissions = (mine.json as? [String: Any])?["permissions"] as? [String: Any] ?? [:]
        for (name, capability) in [("ADD_COMMENTS", "comment on it"), ("CREATE_ATTACHMENTS", "attach files to it")] {
            switch (permissions[name] as? [String: Any])?["havePermission"] as? Bool {
            case true?: report.items.append(.init(capability: capability, answer: .yes, detail: ""))
            case false?: report.items.append(.init(capability: capability, answer: .no, detail: "Jira: no \(name) permission"))
            case nil: report.items.append(.init(capability: capability, answer: .unknown, detail: "Jira did not answer for \(name)"))
            }
        }
        return report
    }
}

extension ZendeskClient {
    /// Reads the ticket (`GET /api/v2/tickets/{id}.json`) and its comments; Zendesk cannot be asked
    /// whether a private comment will be accepted before one is posted.
    public func check(_ ticket: TicketReference) -> TicketCheck {
        let id = queryEscaped(ticket.id)
        var report = TicketCheck(system: system, ticket: ticket.id)
        guard
            let answer = report.ask(
                "find the ticket", first: true,
                { () throws(TicketError) in try http.expectSuccess("GET", "/api/v2/tickets/\(id).json", retry: retry) })
        else { return report }
        let object = (answer.json as? [String: Any])?["ticket"] as? [String: Any] ?? [:]
        report.items.append(
            .init(
                capability: "find the ticket", answer: .yes,
                detail: "\"\(object["subject"] as? String ?? "")\" (\(object["status"] as? String ?? "status not shown"))"))
        if report.ask(
            "read its comments (to find findings posted before)", first: false,
            { () throws(TicketError) in try http.expectSuccess("GET", "/api/v2/tickets/\(id)/comments.json", retry: retry) }) != nil
        {
            report.items.append(.init(capability: "read its comments (to find findings posted before)", answer: .yes, detail: ""))
        }
        report.items.append(
            .init(capability: "add a private comment", answer: .unknown, detail: "Zendesk cannot be asked before posting"))
        return report
    }
}

extension ServiceNowClient {
    /// Looks the record up by number in the configured table; ServiceNow cannot be asked whether a
    /// work note will be accepted before one is posted.
    public func check(_ ticket: TicketReference) -> TicketCheck {
        var report = TicketCheck(system: system, ticket: ticket.id)
        guard
            let lookup = report.ask(
                "find the ticket", first: true,
                { () throws(TicketError) in
                    try http.expectSuccess(
                        "GET",
                        "/api/now/table/\(table)?sysparm_query=\(queryEscaped("number=\(ticket.id)"))&sysparm_fields=sys_id,short_description,state&sysparm_limit=1",
                        headers: ["Accept": "application/json"], retry: retry)
                })
        else { return report }
        if let record = ((lookup.json as? [String: Any])?["result"] as? [[String: Any]])?.first {
            report.items.append(
                .init(capability: "find the ticket", answer: .yes, detail: "\"\(record["short_description"] as? String ?? "")\""))
            report.items.append(
                .init(capability: "add a work note", answer: .unknown, detail: "ServiceNow cannot be asked before posting"))
        } else {
            report.items.append(.init(capability: "find the ticket", answer: .no, detail: "no \(table) numbered \(ticket.id)"))
        }
        return report
    }
}

extension WebhookClient {
    /// A webhook has no ticket to read: nothing is sent, the answer is `unknown`.
    public func check(_ ticket: TicketReference) -> TicketCheck {
        TicketCheck(
            system: system, ticket: ticket.id,
            items: [.init(capability: "find the ticket", answer: .unknown, detail: "a webhook has no ticket to read; nothing was sent")])
    }
}
