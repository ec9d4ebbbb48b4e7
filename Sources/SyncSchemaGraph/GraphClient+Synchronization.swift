import Foundation
import SyncSchemaCore

/// A service principal as the commands need it: the object id that synchronization URLs use, and
/// the names people recognise.
public struct ServicePrincipal: Hashable, Sendable {
    /// The object id (used in `/servicePrincipals/{id}/synchronization/…`).
    public var id: String
    /// The application (client) id.
    public var appID: String
    /// The display name (not unique).
    public var displayName: String

    /// A service principal.
    public init(id: String, appID: String, displayName: String) {
        self.id = id
        self.appID = appID
        self.displayName = displayName
    }

    init?(_ json: JSONValue) {
        guard let id = json["id"]?.stringValue else { return nil }
        self.init(id: id, appID: json["appId"]?.stringValue ?? "", displayName: json["displayName"]?.stringValue ?? "")
    }
}

/// A provisioning job of a service principal.
public struct SynchronizationJob: Hashable, Sendable {
    /// The job id (`API2AAD.b166….1a03…`).
    public var id: String
    /// The template it was created from (`API2AAD`).
    public var templateID: String
    /// The whole job as Graph returned it (status, schedule…).
    public var raw: JSONValue

    /// A job.
    public init(id: String, templateID: String, raw: JSONValue = .null) {
        self.id = id
        self.templateID = templateID
        self.raw = raw
    }

    /// `id (template T)`, for lists in messages.
    public var summary: String { "\(id) (template \(templateID))" }
}

extension GraphClient {
    /// Finds a service principal by object id, appId or exact display name.
    ///
    /// A GUID is tried as an object id first, then as an appId; anything else is a display name.
    /// Display names are not unique, so several matches are an error listing them, never a guess.
    public func resolveServicePrincipal(_ locator: String) async throws(GraphError) -> ServicePrincipal {
        let select = GraphQueryItem("$select", "id,appId,displayName")
        if Self.isGUID(locator) {
            do {
                let json = try await get(
                    GraphPath("servicePrincipals", locator), query: [select],
                    purpose: "read service principal \(locator)")
                if let principal = ServicePrincipal(json) { return principal }
            } catch {
                guard error.status == 404 else { throw error }
            }
            let matches = try await servicePrincipals(
                filter: "appId eq \(Self.odataQuote(locator))",
                purpose: "find the service principal of appId \(locator)")
            return try single(matches, locator: locator)
        }
        let matches = try await servicePrincipals(
            filter: "displayName eq \(Self.odataQuote(locator))",
            purpose: "find the service principal named '\(locator)'")
        return try single(matches, locator: locator)
    }

    private func servicePrincipals(filter: String, purpose: String) async throws(GraphError) -> [ServicePrincipal] {
        try await getAll(
            GraphPath("servicePrincipals"),
            query: [GraphQueryItem("$filter", filter), GraphQueryItem("$select", "id,appId,displayName")],
            purpose: purpose
        ).compactMap(ServicePrincipal.init)
    }

    private func single(_ matches: [ServicePrincipal], locator: String) throws(GraphError) -> ServicePrincipal {
        switch matches.count {
        case 0: throw .servicePrincipalNotFound(locator: locator, tenant: tenant)
        case 1: return matches[0]
        default: throw .ambiguousServicePrincipal(locator: locator, candidates: matches)
        }
    }

    /// The provisioning jobs of a service principal.
    public func listJobs(servicePrincipalID: String) async throws(GraphError) -> [SynchronizationJob] {
        let purpose = "list the provisioning jobs of service principal \(servicePrincipalID)"
        let values = try await getAll(
            GraphPath("servicePrincipals", servicePrincipalID, "synchronization", "jobs"), purpose: purpose)
        return values.compactMap { job in
            guard let id = job["id"]?.stringValue else { return nil }
            return SynchronizationJob(id: id, templateID: job["templateId"]?.stringValue ?? "", raw: job)
        }
    }

    /// Finds a job by job id or template id; with no locator, the only job. Several matches are an
    /// error listing their ids, never a guess.
    public func resolveJob(servicePrincipalID: String, locator: String?) async throws(GraphError) -> SynchronizationJob
    {
        let jobs = try await listJobs(servicePrincipalID: servicePrincipalID)
        guard let locator else {
            switch jobs.count {
            case 0: throw .jobNotFound(locator: nil, servicePrincipal: servicePrincipalID, available: [])
            case 1: return jobs[0]
            default: throw .ambiguousJob(locator: nil, servicePrincipal: servicePrincipalID, candidates: jobs)
            }
        }
        if let exact = jobs.first(where: { $0.id == locator }) { return exact }
        let byID = jobs.filter { $0.id.caseInsensitiveCompare(locator) == .orderedSame }
        if byID.count == 1 { return byID[0] }
        let byTemplate = jobs.filter { $0.templateID.caseInsensitiveCompare(locator) == .orderedSame }
        switch byTemplate.count {
        case 0: throw .jobNotFound(locator: locator, servicePrincipal: servicePrincipalID, available: jobs)
        case 1: return byTemplate[0]
        default: throw .ambiguousJob(locator: locator, servicePrincipal: servicePrincipalID, candidates: byTemplate)
        }
    }

    /// Resolves an app of an environment file to its service principal and job.
    public func resolve(_ app: AppLocator) async throws(GraphError) -> (
        servicePrincipal: ServicePrincipal, job: SynchronizationJob
    ) {
        let principal = try await resolveServicePrincipal(app.servicePrincipal)
        let job = try await resolveJob(servicePrincipalID: principal.id, locator: app.job)
        return (principal, job)
    }

    private func schemaPath(_ servicePrincipalID: String, _ jobID: String) -> GraphPath {
        GraphPath("servicePrincipals", servicePrincipalID, "synchronization", "jobs", jobID, "schema")
    }

    /// The live schema of a job, exactly as Graph sent it.
    public func getSchema(servicePrincipalID: String, jobID: String) async throws(GraphError) -> JSONValue {
        try await get(schemaPath(servicePrincipalID, jobID), purpose: "read the schema of job \(jobID)")
    }

    /// Replaces the schema of a job with `schema` (the whole document: PUT, never PATCH).
    /// Retried on throttling and transient failures: sending the same whole document twice is
    /// harmless.
    public func putSchema(servicePrincipalID: String, jobID: String, schema: JSONValue) async throws(GraphError) {
        try await put(
            schemaPath(servicePrincipalID, jobID), body: schema, purpose: "replace the schema of job \(jobID)")
    }

    /// The functions the job's expressions may use (`schema/functions`).
    public func functions(servicePrincipalID: String, jobID: String) async throws(GraphError) -> JSONValue {
        try await get(
            schemaPath(servicePrincipalID, jobID).appending("functions"),
            purpose: "list the expression functions of job \(jobID)")
    }

    /// The filter operators scoping filters may use (`schema/filterOperators`).
    public func filterOperators(servicePrincipalID: String, jobID: String) async throws(GraphError) -> JSONValue {
        try await get(
            schemaPath(servicePrincipalID, jobID).appending("filterOperators"),
            purpose: "list the filter operators of job \(jobID)")
    }

    /// Asks Graph to parse (and optionally evaluate) an expression: `request` is
    /// `{ "expression": …, "testInputObject"?: …, "targetAttributeDefinition"?: … }`. It changes
    /// nothing, so it is retried like a read.
    public func parseExpression(servicePrincipalID: String, jobID: String, request: JSONValue) async throws(GraphError)
        -> JSONValue
    {
        let purpose = "parse an expression with job \(jobID)"
        guard
            let json = try await post(
                schemaPath(servicePrincipalID, jobID).appending("parseExpression"), body: request, idempotent: true,
                purpose: purpose)
        else { throw .invalidResponse(operation: purpose, detail: "an empty body", requestID: nil) }
        return json
    }

    /// Restarts a job (`{"criteria": {"resetScope": …}}`), which starts a new initial cycle.
    /// Not repeated after an ambiguous failure: a second restart is not what the user asked for.
    public func restartJob(servicePrincipalID: String, jobID: String, resetScope: String? = nil)
        async throws(GraphError)
    {
        var body: JSONValue = [:]
        if let resetScope { body = ["criteria": ["resetScope": .string(resetScope)]] }
        let path = GraphPath("servicePrincipals", servicePrincipalID, "synchronization", "jobs", jobID, "restart")
        try await post(path, body: body, purpose: "restart job \(jobID)")
    }

    /// A string literal for OData `$filter`: single quotes, embedded quotes doubled.
    public static func odataQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Whether `text` is a GUID (`8-4-4-4-12` hex digits).
    public static func isGUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
