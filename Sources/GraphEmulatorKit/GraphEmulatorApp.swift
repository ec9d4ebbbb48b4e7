import Foundation
import SyncSchemaCore

/// One entry of the request log (`GET /_emulator/requests`); never holds tokens or bodies.
struct RequestLogEntry: Sendable {
    var method: String
    var path: String
    var status: Int
    var durationMilliseconds: Double
    var fault: String?

    var json: JSONValue {
        var object = JSONObject([
            ("method", .string(method)), ("path", .string(path)), ("status", .int(status)),
            ("durationMs", .number(JSONNumber(literal: String(format: "%.3f", durationMilliseconds)))),
        ])
        if let fault { object["fault"] = .string(fault) }
        return .object(object)
    }
}

extension JSONValue {
    fileprivate var objectValueOrEmpty: JSONObject { objectValue ?? JSONObject() }
}

/// Per-request values of a Graph call: ids echoed in headers and error bodies.
struct GraphContext {
    var requestId: String
    var clientRequestId: String
    var version: String
    var host: String

    var headers: [HTTPHeader] {
        [HTTPHeader("request-id", requestId), HTTPHeader("client-request-id", clientRequestId)]
    }

    /// `@odata.context` values use Graph's own host so captured output does not depend on the port.
    func context(_ fragment: String) -> JSONValue {
        .string("https://graph.microsoft.com/\(version)/$metadata#\(fragment)")
    }
}

/// The request handler behind `EmulatorServer`: routing, auth, faults, state and the request log.
final class GraphEmulatorApp: @unchecked Sendable {
    let options: EmulatorOptions
    private let lock = NSLock()
    private var state: EmulatorState
    private let initialState: EmulatorState
    private var faults: FaultInjector
    private var log: [RequestLogEntry] = []
    private var expressionCompiler: ExpressionCompiler?
    private let tokens = TokenStore()

    init(state: EmulatorState, options: EmulatorOptions) {
        self.options = options
        self.state = state
        initialState = state
        faults = FaultInjector(settings: options.faults)
        expressionCompiler = options.expressionCompiler
    }

    var compiler: ExpressionCompiler? {
        get { lock.withLock { expressionCompiler } }
        set { lock.withLock { expressionCompiler = newValue } }
    }

    func snapshot() -> EmulatorState { lock.withLock { state } }

    // MARK: - Entry point

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let started = Date()
        let path = request.rawPath
        if path == "/_emulator" || path.hasPrefix("/_emulator/") { return control(request) }
        let (decision, settings) = lock.withLock { (faults.next(), faults.settings) }
        if settings.latencyMilliseconds > 0 {
            Thread.sleep(forTimeInterval: Double(settings.latencyMilliseconds) / 1000)
        }
        var response: HTTPResponse
        switch decision {
        case .none: response = route(request)
        case .throttle:
            let context = makeContext(request, version: "v1.0")
            response = graphError(
                429, "TooManyRequests", "Too many requests. Please retry after the time given in Retry-After.", context)
            response.headers.append(HTTPHeader("Retry-After", String(settings.retryAfterSeconds)))
        case .serverError(let status):
            let context = makeContext(request, version: "v1.0")
            response =
                status == 503
                ? graphError(503, "ServiceUnavailable", "The service is temporarily unavailable.", context)
                : graphError(500, "UnknownError", "An internal server error occurred.", context)
            if status == 503 { response.headers.append(HTTPHeader("Retry-After", String(settings.retryAfterSeconds))) }
        case .drop:
            response = HTTPResponse(status: 0)
            response.dropConnection = true
        }
        response.slowBodyMilliseconds = settings.slowBodyMilliseconds
        let entry = RequestLogEntry(
            method: request.method, path: path, status: response.dropConnection ? 0 : response.status,
            durationMilliseconds: Date().timeIntervalSince(started) * 1000, fault: decision.label)
        lock.withLock {
            log.append(entry)
            if log.count > options.requestLogLimit { log.removeFirst(log.count - options.requestLogLimit) }
        }
        return response
    }

    private func route(_ request: HTTPRequest) -> HTTPResponse {
        let segments = request.rawPath.split(separator: "/", omittingEmptySubsequences: true).map {
            FormDecoding.decode(String($0), plusIsSpace: false)
        }
        if segments.count == 4, segments[1] == "oauth2", segments[2] == "v2.0", segments[3] == "token" {
            return token(request, tenantKey: segments[0])
        }
        if segments == ["metadata", "identity", "oauth2", "token"] { return managedIdentityToken(request) }
        if let first = segments.first, first == "v1.0" || first == "beta" {
            return graph(request, version: first, segments: Array(segments.dropFirst()))
        }
        let context = makeContext(request, version: "v1.0")
        return graphError(404, "BadRequest", "Invalid version: \(segments.first ?? "")", context)
    }

    // MARK: - Responses

    private func makeContext(_ request: HTTPRequest, version: String) -> GraphContext {
        GraphContext(
            requestId: UUID().uuidString.lowercased(),
            clientRequestId: request.header("client-request-id") ?? UUID().uuidString.lowercased(), version: version,
            host: request.header("Host") ?? "127.0.0.1")
    }

    private func json(_ status: Int, _ value: JSONValue, _ context: GraphContext) -> HTTPResponse {
        HTTPResponse(
            status: status, contentType: "application/json;odata.metadata=minimal;odata.streaming=true;charset=utf-8",
            text: JSONWriter.compact(value), headers: context.headers)
    }

    private func noContent(_ context: GraphContext) -> HTTPResponse {
        HTTPResponse(status: 204, headers: context.headers)
    }

    private func graphError(_ status: Int, _ code: String, _ message: String, _ context: GraphContext) -> HTTPResponse {
        let body: JSONValue = [
            "error": [
                "code": .string(code), "message": .string(message),
                "innerError": [
                    "date": .string(HTTPDate.iso8601(Date())), "request-id": .string(context.requestId),
                    "client-request-id": .string(context.clientRequestId),
                ],
            ]
        ]
        return json(status, body, context)
    }

    private func notFound(_ what: String, _ context: GraphContext) -> HTTPResponse {
        graphError(
            404, "Request_ResourceNotFound",
            "Resource '\(what)' does not exist or one of its queried reference-property objects are not present.",
            context)
    }

    // MARK: - Token endpoints

    private func acceptedScope(_ scope: String, host: String?) -> Bool {
        let scopes = scope.split(separator: " ").map(String.init)
        guard scopes.count == 1, let only = scopes.first else { return false }
        var accepted = ["https://graph.microsoft.com/.default"]
        if let host { accepted += ["http://\(host)/.default", "https://\(host)/.default"] }
        return accepted.contains(only)
    }

    private func token(_ request: HTTPRequest, tenantKey: String) -> HTTPResponse {
        guard request.method == "POST" else {
            return AADError.response(
                status: 405, error: "invalid_request", code: 900561,
                description: "The endpoint only accepts POST requests.")
        }
        let current = snapshot()
        guard let tenant = current.tenant(matching: tenantKey) else {
            return AADError.response(
                status: 400, error: "invalid_tenant", code: 90002,
                description: "Tenant '\(tenantKey)' not found. Check to make sure you have the correct tenant ID.")
        }
        var fields = FormDecoding.fields(request.body)
        if let authorization = request.header("Authorization"), authorization.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        {
            fields["client_id"] = fields["client_id"] ?? FormDecoding.decode(String(pair[..<colon]))
            fields["client_secret"] =
                fields["client_secret"] ?? FormDecoding.decode(String(pair[pair.index(after: colon)...]))
        }
        guard let grantType = fields["grant_type"] else {
            return AADError.response(
                status: 400, error: "invalid_request", code: 900144,
                description: "The request body must contain the following parameter: 'grant_type'.")
        }
        guard grantType == "client_credentials" else {
            return AADError.response(
                status: 400, error: "unsupported_grant_type", code: 70003,
                description: "The app requested an unsupported grant type '\(grantType)'.")
        }
        guard let clientId = fields["client_id"], !clientId.isEmpty else {
            return AADError.response(
                status: 400, error: "invalid_request", code: 900144,
                description: "The request body must contain the following parameter: 'client_id'.")
        }
        guard let scope = fields["scope"] else {
            return AADError.response(
                status: 400, error: "invalid_request", code: 900144,
                description: "The request body must contain the following parameter: 'scope'.")
        }
        guard acceptedScope(scope, host: request.header("Host")) else {
            return AADError.response(
                status: 400, error: "invalid_scope", code: 1002012,
                description: "The provided value for scope \(scope) is not valid. Client credential flows must have a "
                    + "scope value with /.default suffixed to the resource identifier (application ID URI).")
        }
        guard let client = tenant.clients.first(where: { $0.clientId == clientId && !$0.managedIdentity }) else {
            return AADError.response(
                status: 400, error: "unauthorized_client", code: 700016,
                description:
                    "Application with identifier '\(clientId)' was not found in the directory '\(tenant.name)'.")
        }
        if let secret = fields["client_secret"] {
            guard let expected = client.clientSecret, expected == secret else {
                return AADError.response(
                    status: 401, error: "invalid_client", code: 7000215,
                    description: "Invalid client secret provided. Ensure the secret being sent in the request is the "
                        + "client secret value, not the client secret ID, for a secret added to app '\(clientId)'.")
            }
        } else if let assertion = fields["client_assertion"] {
            guard fields["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" else {
                return AADError.response(
                    status: 400, error: "invalid_request", code: 90014,
                    description: "The request body must contain 'client_assertion_type' with the value "
                        + "'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.")
            }
            guard let claims = ClientAssertion.claims(of: assertion) else {
                return AADError.response(
                    status: 400, error: "invalid_client", code: 50027,
                    description: "JWT token is invalid or malformed.")
            }
            guard ClientAssertion.matches(claims, client.federatedCredentials) else {
                let subject = claims["sub"]?.stringValue ?? ""
                return AADError.response(
                    status: 400, error: "invalid_client", code: 700213,
                    description:
                        "No matching federated identity record found for presented assertion subject '\(subject)'.")
            }
        } else {
            return AADError.response(
                status: 401, error: "invalid_client", code: 7000216,
                description:
                    "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type."
            )
        }
        let token = tokens.issue(
            TokenGrant(
                tenantId: tenant.id, clientId: client.clientId, permissions: Set(client.permissions),
                expires: Date().addingTimeInterval(Double(TokenStore.lifetime))))
        let body: JSONValue = [
            "token_type": "Bearer", "expires_in": .int(TokenStore.lifetime),
            "ext_expires_in": .int(TokenStore.lifetime),
            "access_token": .string(token),
        ]
        return HTTPResponse(
            status: 200, contentType: "application/json; charset=utf-8", text: JSONWriter.compact(body),
            headers: [HTTPHeader("Cache-Control", "no-store, no-cache")])
    }

    private func managedIdentityToken(_ request: HTTPRequest) -> HTTPResponse {
        func failure(_ status: Int, _ error: String, _ description: String) -> HTTPResponse {
            HTTPResponse(
                status: status, contentType: "application/json; charset=utf-8",
                text: JSONWriter.compact(["error": .string(error), "error_description": .string(description)]))
        }
        guard request.method == "GET" else { return failure(405, "invalid_request", "Only GET is supported.") }
        guard request.header("Metadata")?.lowercased() == "true" else {
            return failure(400, "invalid_request", "Required metadata header not specified")
        }
        let query = request.queryItems
        guard let resource = query["resource"] else {
            return failure(400, "invalid_request", "Required query variable 'resource' is missing")
        }
        let host = request.header("Host")
        let normalized = resource.hasSuffix("/") ? String(resource.dropLast()) : resource
        guard acceptedScope(normalized + "/.default", host: host) else {
            return failure(
                400, "invalid_resource", "AADSTS500011: The resource principal named \(resource) was not found.")
        }
        let current = snapshot()
        let wanted = query["client_id"]
        var found: (EmulatorTenant, EmulatorClient)?
        for tenant in current.tenants {
            if let client = tenant.clients.first(where: {
                $0.managedIdentity && (wanted == nil || $0.clientId == wanted)
            }) {
                found = (tenant, client)
                break
            }
        }
        guard let (tenant, client) = found else {
            return failure(400, "invalid_request", "Identity not found")
        }
        let now = Int(Date().timeIntervalSince1970)
        let token = tokens.issue(
            TokenGrant(
                tenantId: tenant.id, clientId: client.clientId, permissions: Set(client.permissions),
                expires: Date().addingTimeInterval(Double(TokenStore.lifetime))))
        let body: JSONValue = [
            "access_token": .string(token), "client_id": .string(client.clientId),
            "expires_in": .string(String(TokenStore.lifetime)),
            "expires_on": .string(String(now + TokenStore.lifetime)),
            "ext_expires_in": .string(String(TokenStore.lifetime)),
            "not_before": .string(String(now)), "refresh_token": "", "resource": .string(resource),
            "token_type": "Bearer",
        ]
        return HTTPResponse(status: 200, contentType: "application/json; charset=utf-8", text: JSONWriter.compact(body))
    }

    // MARK: - Graph

    private static let readPermissions: Set<String> = [
        "Synchronization.Read.All", "Synchronization.ReadWrite.All", "Application.ReadWrite.OwnedBy",
        "Application.Read.All", "Application.ReadWrite.All",
    ]
    private static let writePermissions: Set<String> = [
        "Synchronization.ReadWrite.All", "Application.ReadWrite.OwnedBy",
    ]

    private func graph(_ request: HTTPRequest, version: String, segments: [String]) -> HTTPResponse {
        let context = makeContext(request, version: version)
        guard let authorization = request.header("Authorization"), authorization.lowercased().hasPrefix("bearer "),
            !authorization.dropFirst(7).trimmingCharacters(in: .whitespaces).isEmpty
        else {
            return graphError(401, "InvalidAuthenticationToken", "Access token is empty.", context)
        }
        let token = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard let grant = tokens.grant(for: token) else {
            return graphError(
                401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.", context)
        }
        let isRead = request.method == "GET" || (request.method == "POST" && segments.last == "parseExpression")
        let needed = isRead ? Self.readPermissions : Self.writePermissions
        guard !grant.permissions.isDisjoint(with: needed) else {
            return graphError(
                403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", context)
        }
        guard let first = segments.first else { return graphError(400, "BadRequest", "Invalid request.", context) }
        let current = snapshot()
        guard let tenant = current.tenants.first(where: { $0.id == grant.tenantId }) else {
            return graphError(401, "InvalidAuthenticationToken", "Access token validation failure.", context)
        }
        var servicePrincipalKey: String?
        var rest = Array(segments.dropFirst())
        if first.caseInsensitiveCompare("servicePrincipals") == .orderedSame {
            if rest.isEmpty {
                guard request.method == "GET" else { return methodNotAllowed(context) }
                return listServicePrincipals(request, tenant, context)
            }
            servicePrincipalKey = rest.removeFirst()
        } else if first.lowercased().hasPrefix("serviceprincipals(appid="), first.hasSuffix(")") {
            let inner = first.dropFirst("servicePrincipals(appId=".count).dropLast()
            let appId =
                inner.hasPrefix("'") && inner.hasSuffix("'") && inner.count >= 2
                ? String(inner.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'") : String(inner)
            guard let sp = tenant.servicePrincipals.first(where: { $0.appId.lowercased() == appId.lowercased() }) else {
                return notFound(appId, context)
            }
            servicePrincipalKey = sp.id
        } else {
            return unknownSegment(first, context)
        }
        guard let spKey = servicePrincipalKey else { return notFound(first, context) }
        guard let sp = tenant.servicePrincipals.first(where: { $0.id.lowercased() == spKey.lowercased() }) else {
            if current.tenants.contains(where: {
                $0.servicePrincipals.contains { $0.id.lowercased() == spKey.lowercased() }
            }) {
                return graphError(
                    401, "InvalidAuthenticationToken",
                    "Access token validation failure: the token was issued for another tenant.", context)
            }
            return notFound(spKey, context)
        }
        return servicePrincipalRoute(request, tenant: tenant, sp: sp, rest: rest, context: context)
    }

    /// An unknown route below a known prefix: 404 with Graph's error body.
    private func unknownSegment(_ segment: String, _ context: GraphContext) -> HTTPResponse {
        graphError(404, "BadRequest", "Resource not found for the segment '\(segment)'.", context)
    }

    private func methodNotAllowed(_ context: GraphContext) -> HTTPResponse {
        graphError(405, "Request_BadRequest", "The HTTP method is not supported for this resource.", context)
    }

    private func servicePrincipalJSON(_ sp: EmulatorServicePrincipal, tenant: EmulatorTenant) -> JSONObject {
        JSONObject([
            ("id", .string(sp.id)), ("accountEnabled", true), ("appDisplayName", .string(sp.displayName)),
            ("appId", .string(sp.appId)), ("applicationTemplateId", .string(sp.applicationTemplateId)),
            ("appOwnerOrganizationId", .string(tenant.id)), ("displayName", .string(sp.displayName)),
            ("servicePrincipalType", "Application"), ("tags", ["WindowsAzureActiveDirectoryIntegratedApp"]),
        ])
    }

    private func select(_ object: JSONObject, _ request: HTTPRequest) -> JSONValue {
        guard let select = request.queryItems["$select"], !select.isEmpty else { return .object(object) }
        let wanted = select.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return .object(
            JSONObject(object.pairs.filter { wanted.contains($0.key.lowercased()) }.map { ($0.key, $0.value) }))
    }

    private func listServicePrincipals(_ request: HTTPRequest, _ tenant: EmulatorTenant, _ context: GraphContext)
        -> HTTPResponse
    {
        var candidates = tenant.servicePrincipals
        if let filterText = request.queryItems["$filter"] {
            switch ODataFilter.parse(filterText) {
            case .failure(let error): return graphError(400, "BadRequest", error.message, context)
            case .success(let filter):
                candidates = candidates.filter {
                    filter.matches(["id": $0.id, "appId": $0.appId, "displayName": $0.displayName])
                }
            }
        }
        let body: JSONValue = [
            "@odata.context": context.context("servicePrincipals"),
            "value": .array(candidates.map { select(servicePrincipalJSON($0, tenant: tenant), request) }),
        ]
        return json(200, body, context)
    }

    private func servicePrincipalRoute(
        _ request: HTTPRequest, tenant: EmulatorTenant, sp: EmulatorServicePrincipal, rest: [String],
        context: GraphContext
    ) -> HTTPResponse {
        let method = request.method
        if rest.isEmpty {
            guard method == "GET" else { return methodNotAllowed(context) }
            var object = servicePrincipalJSON(sp, tenant: tenant)
            object = JSONObject(
                [("@odata.context", context.context("servicePrincipals/$entity"))]
                    + object.pairs.map { ($0.key, $0.value) })
            return json(200, select(object, request), context)
        }
        guard rest[0].lowercased() == "synchronization", rest.count >= 2 else {
            return unknownSegment(rest[0], context)
        }
        let area = rest[1].lowercased()
        let tail = Array(rest.dropFirst(2))
        switch area {
        case "jobs": return jobsRoute(request, tenant: tenant, sp: sp, tail: tail, context: context)
        case "templates": return templatesRoute(request, tenant: tenant, sp: sp, tail: tail, context: context)
        case "secrets":
            guard tail.isEmpty else { return graphError(400, "BadRequest", "Invalid request.", context) }
            return secretsRoute(request, tenant: tenant, sp: sp, context: context)
        default:
            return unknownSegment(rest[1], context)
        }
    }

    // MARK: Jobs

    private func jobJSON(_ job: EmulatorJob) -> JSONObject {
        let interval = job.scheduleState == "Disabled" ? "P10675199DT2H48M5.4775807S" : "PT40M"
        return JSONObject([
            ("id", .string(job.id)), ("templateId", .string(job.templateId)),
            ("schedule", ["expiration": nil, "interval": .string(interval), "state": .string(job.scheduleState)]),
            (
                "status",
                [
                    "code": .string(job.statusCode), "countSuccessiveCompleteFailures": 0, "escrowsPruned": false,
                    "lastExecution": nil, "lastSuccessfulExecution": nil, "lastSuccessfulExecutionWithExports": nil,
                    "progress": [], "quarantine": nil, "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
                    "steadyStateLastAchievedTime": "0001-01-01T00:00:00Z", "synchronizedEntryCountByType": [],
                    "troubleshootingUrl": nil,
                ]
            ),
            ("synchronizationJobSettings", []),
        ])
    }

    private func currentSchema(_ job: EmulatorJob, tenant: EmulatorTenant, sp: EmulatorServicePrincipal) -> JSONObject {
        var schema: JSONObject
        if let custom = job.customSchema?.objectValue {
            schema = custom
        } else if let template = BuiltInTemplates.all[job.templateId] {
            schema = template.makeSchema(tenant.context(for: sp), job.id).objectValueOrEmpty
        } else {
            schema = JSONObject()
        }
        schema["version"] = .string(job.versionString)
        return schema
    }

    private func jobsRoute(
        _ request: HTTPRequest, tenant: EmulatorTenant, sp: EmulatorServicePrincipal, tail: [String],
        context: GraphContext
    ) -> HTTPResponse {
        let method = request.method
        let spPath = "servicePrincipals('\(sp.id)')/synchronization/jobs"
        if tail.isEmpty {
            switch method {
            case "GET":
                return json(
                    200,
                    ["@odata.context": context.context(spPath), "value": .array(sp.jobs.map { .object(jobJSON($0)) })],
                    context)
            case "POST":
                guard let body = try? JSONParser.parse(bytes: request.body),
                    let templateId = body["templateId"]?.stringValue
                else {
                    return graphError(
                        400, "BadRequest", "The request body must be an object with a 'templateId'.", context)
                }
                guard sp.templateIds.contains(templateId), BuiltInTemplates.all[templateId] != nil else {
                    return graphError(
                        400, "BadRequest", "Template '\(templateId)' is not available for this application.", context)
                }
                let result: Result<EmulatorJob, ResponseFailure> = mutate(context) { state in
                    let index = state.tenants.firstIndex { $0.id == tenant.id }!
                    let spIndex = state.tenants[index].servicePrincipals.firstIndex { $0.id == sp.id }!
                    var job = EmulatorJob.derived(
                        tenantName: tenant.name, tenantId: tenant.id, servicePrincipalId: sp.id, templateId: templateId)
                    let count = state.tenants[index].servicePrincipals[spIndex].jobs.count
                    if count > 0 {
                        let hex = DeterministicID.hex32([tenant.name, sp.id, "job", templateId, String(count)])
                        job.id = "\(templateId).\(hex).\(tenant.id)"
                    }
                    state.tenants[index].servicePrincipals[spIndex].jobs.append(job)
                    return job
                }
                switch result {
                case .failure(let failure): return failure.response
                case .success(let job):
                    var object = jobJSON(job)
                    object = JSONObject(
                        [("@odata.context", context.context("\(spPath)/$entity"))]
                            + object.pairs.map { ($0.key, $0.value) })
                    return json(201, .object(object), context)
                }
            default: return methodNotAllowed(context)
            }
        }
        let jobId = tail[0]
        guard let job = sp.jobs.first(where: { $0.id == jobId }) else { return notFound(jobId, context) }
        let sub = Array(tail.dropFirst())
        if sub.isEmpty {
            switch method {
            case "GET":
                var object = jobJSON(job)
                object = JSONObject(
                    [("@odata.context", context.context("\(spPath)/$entity"))] + object.pairs.map { ($0.key, $0.value) }
                )
                return json(200, .object(object), context)
            case "DELETE":
                return mutateJob(tenant, sp, job, context, remove: true) { _ in }
            default: return methodNotAllowed(context)
            }
        }
        switch sub[0].lowercased() {
        case "start" where sub.count == 1, "pause" where sub.count == 1, "restart" where sub.count == 1:
            guard method == "POST" else { return methodNotAllowed(context) }
            let action = sub[0].lowercased()
            if action == "restart", !request.body.isEmpty {
                guard let body = try? JSONParser.parse(bytes: request.body), body.objectValue != nil else {
                    return graphError(400, "BadRequest", "The request body is not valid JSON.", context)
                }
                if let problem = SchemaValidator.flags(
                    body["criteria"]?["resetScope"], SchemaValidator.resetScopes, "criteria.resetScope")
                {
                    return graphError(400, "BadRequest", problem, context)
                }
            }
            return mutateJob(tenant, sp, job, context) { job in
                switch action {
                case "start", "restart":
                    job.scheduleState = "Active"
                    job.statusCode = "Active"
                default:
                    job.scheduleState = "Paused"
                    job.statusCode = "Paused"
                }
            }
        case "schema":
            return schemaRoute(request, tenant: tenant, sp: sp, job: job, sub: Array(sub.dropFirst()), context: context)
        default:
            return unknownSegment(sub[0], context)
        }
    }

    /// Runs `change` on the job under the lock, persists, and answers 204.
    private func mutateJob(
        _ tenant: EmulatorTenant, _ sp: EmulatorServicePrincipal, _ job: EmulatorJob, _ context: GraphContext,
        remove: Bool = false, _ change: @escaping (inout EmulatorJob) -> Void
    ) -> HTTPResponse {
        let result: Result<Void, ResponseFailure> = mutate(context) { state in
            guard let index = state.tenants.firstIndex(where: { $0.id == tenant.id }),
                let spIndex = state.tenants[index].servicePrincipals.firstIndex(where: { $0.id == sp.id }),
                let jobIndex = state.tenants[index].servicePrincipals[spIndex].jobs.firstIndex(where: {
                    $0.id == job.id
                })
            else { throw GraphFailure.notFound(job.id) }
            if remove {
                state.tenants[index].servicePrincipals[spIndex].jobs.remove(at: jobIndex)
            } else {
                change(&state.tenants[index].servicePrincipals[spIndex].jobs[jobIndex])
            }
        }
        switch result {
        case .success: return noContent(context)
        case .failure(let failure): return failure.response
        }
    }

    /// A finished error response carried through `Result`.
    struct ResponseFailure: Error {
        var response: HTTPResponse
    }

    private enum GraphFailure: Error {
        case notFound(String)
    }

    /// Applies `change` to the state under the lock and writes the state file; errors become responses.
    private func mutate<T>(_ context: GraphContext, _ change: (inout EmulatorState) throws -> T) -> Result<
        T, ResponseFailure
    > {
        lock.lock()
        defer { lock.unlock() }
        var copy = state
        let value: T
        do { value = try change(&copy) } catch GraphFailure.notFound(let what) {
            return .failure(ResponseFailure(response: notFound(what, context)))
        } catch {
            return .failure(ResponseFailure(response: graphError(500, "UnknownError", "\(error)", context)))
        }
        if let file = options.stateFile {
            do { try copy.write(to: file) } catch {
                return .failure(
                    ResponseFailure(
                        response: graphError(
                            500, "UnknownError", "Could not write the state file: \(error.localizedDescription)",
                            context)))
            }
        }
        state = copy
        return .success(value)
    }

    // MARK: Schema

    private func schemaRoute(
        _ request: HTTPRequest, tenant: EmulatorTenant, sp: EmulatorServicePrincipal, job: EmulatorJob, sub: [String],
        context: GraphContext
    ) -> HTTPResponse {
        let method = request.method
        let schemaPath = "servicePrincipals('\(sp.id)')/synchronization/jobs('\(job.id)')/schema"
        if sub.isEmpty {
            switch method {
            case "GET":
                let schema = currentSchema(job, tenant: tenant, sp: sp)
                return json(
                    200,
                    .object(
                        JSONObject(
                            [("@odata.context", context.context("\(schemaPath)/$entity"))]
                                + schema.pairs.map { ($0.key, $0.value) })), context)
            case "PUT":
                let document: JSONValue
                do { document = try JSONParser.parse(bytes: request.body) } catch {
                    return graphError(
                        400, "BadRequest", "The request body is not valid JSON: \(error.description).", context)
                }
                if let problem = SchemaValidator.problem(in: document) {
                    return graphError(400, "BadRequest", problem, context)
                }
                return mutateJob(tenant, sp, job, context) { job in
                    job.schemaVersion += 1
                    var object = document.objectValueOrEmpty
                    // OData annotations of a GET sent back as-is are response metadata, not schema.
                    for key in object.keys where key.hasPrefix("@odata.") { object[key] = nil }
                    if object["id"] == nil {
                        object = JSONObject([("id", .string(job.id))] + object.pairs.map { ($0.key, $0.value) })
                    }
                    object["version"] = .string(job.versionString)
                    job.customSchema = .object(object)
                }
            case "DELETE":
                return mutateJob(tenant, sp, job, context) { job in
                    job.schemaVersion += 1
                    job.customSchema = nil
                }
            case "PATCH":
                // The backend's own (compact) JSON, carried as a string in Graph's error message.
                let uri =
                    "https://syncfabric.windowsazure.com/api/servicePrincipals('\(sp.id)')/synchronization/jobs('\(job.id)')/schema?api-version=2.0"
                let message = "{\"Message\":\"No HTTP resource was found that matches the request URI '\(uri)'.\"}"
                return graphError(404, "UnknownError", message, context)
            default: return methodNotAllowed(context)
            }
        }
        let schema = currentSchema(job, tenant: tenant, sp: sp)
        return schemaSubroute(request, schema: schema, sub: sub, schemaPath: schemaPath, context: context)
    }

    /// `directories`, `discover`, `functions`, `filterOperators`, `parseExpression` (jobs and templates).
    private func schemaSubroute(
        _ request: HTTPRequest, schema: JSONObject, sub: [String], schemaPath: String, context: GraphContext
    ) -> HTTPResponse {
        let method = request.method
        let directories = schema["directories"]?.arrayValue ?? []
        switch sub[0].lowercased() {
        case "directories":
            if sub.count == 1 {
                guard method == "GET" else { return methodNotAllowed(context) }
                return json(
                    200,
                    ["@odata.context": context.context("\(schemaPath)/directories"), "value": .array(directories)],
                    context)
            }
            guard let directory = directories.first(where: { $0["id"]?.stringValue == sub[1] }) else {
                return notFound(sub[1], context)
            }
            if sub.count == 2 {
                guard method == "GET" else { return methodNotAllowed(context) }
                var object = directory.objectValueOrEmpty
                object = JSONObject(
                    [("@odata.context", context.context("\(schemaPath)/directories/$entity"))]
                        + object.pairs.map { ($0.key, $0.value) })
                return json(200, .object(object), context)
            }
            guard sub.count == 3, sub[2].lowercased() == "discover" else {
                return unknownSegment(sub[2], context)
            }
            guard method == "POST" else { return methodNotAllowed(context) }
            var object = directory.objectValueOrEmpty
            let now = Date()
            object["discoveryDateTime"] = .string(HTTPDate.iso8601(now))
            object["version"] = .string("Date:\(HTTPDate.iso8601(now)), ActivityId:\(UUID().uuidString.lowercased())")
            object = JSONObject(
                [("@odata.context", context.context("microsoft.graph.directoryDefinition"))]
                    + object.pairs.map { ($0.key, $0.value) })
            return json(200, .object(object), context)
        case "functions" where sub.count == 1:
            guard method == "GET" else { return methodNotAllowed(context) }
            return json(
                200, ["@odata.context": context.context("functions"), "value": FunctionCatalog.functionsJSON], context)
        case "filteroperators" where sub.count == 1:
            guard method == "GET" else { return methodNotAllowed(context) }
            return json(
                200,
                ["@odata.context": context.context("filterOperators"), "value": FunctionCatalog.filterOperatorsJSON],
                context)
        case "parseexpression" where sub.count == 1:
            guard method == "POST" else { return methodNotAllowed(context) }
            return parseExpression(request, context: context)
        default:
            return unknownSegment(sub[0], context)
        }
    }

    private func parseExpression(_ request: HTTPRequest, context: GraphContext) -> HTTPResponse {
        guard let body = try? JSONParser.parse(bytes: request.body), body.objectValue != nil else {
            return graphError(400, "BadRequest", "The request body must be a JSON object.", context)
        }
        guard let expression = body["expression"]?.stringValue else {
            return graphError(400, "BadRequest", "The request body must contain 'expression' (a string).", context)
        }
        let compile = compiler ?? StandardExpressionCompiler.compile
        let odata = context.context("microsoft.graph.parseExpressionResponse")
        switch compile(expression) {
        case .success(let tree):
            var evaluation: [String]? = nil
            if let properties = body["testInputObject"]?["properties"]?.arrayValue {
                switch tree["type"]?.stringValue {
                case "Constant": evaluation = tree["name"]?.stringValue.map { [$0] }
                case "Attribute":
                    if let name = tree["name"]?.stringValue,
                        let property = properties.first(where: { $0["key"]?.stringValue == name })
                    {
                        evaluation =
                            property["value"]?.stringValue.map { [$0] }
                            ?? property["value"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    }
                default: break
                }
            }
            return json(
                200,
                [
                    "@odata.context": odata, "error": nil,
                    "evaluationResult": evaluation.map { .array($0.map { .string($0) }) } ?? nil,
                    "evaluationSucceeded": .bool(evaluation != nil), "parsedExpression": tree, "parsingSucceeded": true,
                ], context)
        case .failure(let error):
            return json(
                200,
                [
                    "@odata.context": odata,
                    "error": [
                        "code": "ExpressionParsingFailed", "message": .string(error.message), "target": "expression",
                        "details": [], "innerError": nil,
                    ],
                    "evaluationResult": nil, "evaluationSucceeded": false, "parsedExpression": nil,
                    "parsingSucceeded": false,
                ], context)
        }
    }

    // MARK: Templates and secrets

    private func templatesRoute(
        _ request: HTTPRequest, tenant: EmulatorTenant, sp: EmulatorServicePrincipal, tail: [String],
        context: GraphContext
    ) -> HTTPResponse {
        let templates = sp.templateIds.compactMap { BuiltInTemplates.all[$0] }
        let path = "servicePrincipals('\(sp.id)')/synchronization/templates"
        if tail.isEmpty {
            guard request.method == "GET" else { return methodNotAllowed(context) }
            return json(
                200,
                [
                    "@odata.context": context.context(path),
                    "value": .array(templates.map { $0.json(applicationId: sp.appId) }),
                ], context)
        }
        guard let template = templates.first(where: { $0.id == tail[0] }) else { return notFound(tail[0], context) }
        if tail.count == 1 {
            guard request.method == "GET" else { return methodNotAllowed(context) }
            var object = template.json(applicationId: sp.appId).objectValueOrEmpty
            object = JSONObject(
                [("@odata.context", context.context("\(path)/$entity"))] + object.pairs.map { ($0.key, $0.value) })
            return json(200, .object(object), context)
        }
        guard tail[1].lowercased() == "schema" else {
            return unknownSegment(tail[1], context)
        }
        let schemaPath = "\(path)('\(template.id)')/schema"
        let schema = template.makeSchema(tenant.context(for: sp), template.id).objectValueOrEmpty
        if tail.count == 2 {
            guard request.method == "GET" else {
                return graphError(
                    403, "Authorization_RequestDenied",
                    "Template schemas are changed on the application object by its owner, not on the service principal.",
                    context)
            }
            return json(
                200,
                .object(
                    JSONObject(
                        [("@odata.context", context.context("\(schemaPath)/$entity"))]
                            + schema.pairs.map { ($0.key, $0.value) })), context)
        }
        return schemaSubroute(
            request, schema: schema, sub: Array(tail.dropFirst(2)), schemaPath: schemaPath, context: context)
    }

    private static let maskedSecretKeys: Set<String> = [
        "Password", "SecretToken", "ClientSecret", "AppKey", "ConsumerSecret", "Oauth2ClientSecret",
        "Oauth2AccessToken", "Oauth2RefreshToken", "TokenKey",
    ]

    private func secretsRoute(
        _ request: HTTPRequest, tenant: EmulatorTenant, sp: EmulatorServicePrincipal, context: GraphContext
    ) -> HTTPResponse {
        switch request.method {
        case "GET":
            let masked = sp.secrets.map { secret -> JSONValue in
                guard let key = secret["key"]?.stringValue, Self.maskedSecretKeys.contains(key) else { return secret }
                return ["key": .string(key), "value": "*"]
            }
            return json(
                200,
                [
                    "@odata.context": context.context("servicePrincipals('\(sp.id)')/synchronization/secrets"),
                    "value": .array(masked),
                ], context)
        case "PUT":
            guard let body = try? JSONParser.parse(bytes: request.body), let values = body["value"]?.arrayValue,
                values.allSatisfy({ $0["key"]?.stringValue != nil && $0.objectValue != nil })
            else {
                return graphError(
                    400, "BadRequest", "The request body must be {\"value\": [{\"key\": …, \"value\": …}]}.", context)
            }
            let result: Result<Void, ResponseFailure> = mutate(context) { state in
                guard let index = state.tenants.firstIndex(where: { $0.id == tenant.id }),
                    let spIndex = state.tenants[index].servicePrincipals.firstIndex(where: { $0.id == sp.id })
                else { throw GraphFailure.notFound(sp.id) }
                state.tenants[index].servicePrincipals[spIndex].secrets = values
            }
            switch result {
            case .success: return noContent(context)
            case .failure(let failure): return failure.response
            }
        default: return methodNotAllowed(context)
        }
    }

    // MARK: - Control routes

    private func control(_ request: HTTPRequest) -> HTTPResponse {
        func reply(_ status: Int, _ value: JSONValue) -> HTTPResponse {
            HTTPResponse(status: status, contentType: "application/json", text: JSONWriter.compact(value))
        }
        func failure(_ status: Int, _ message: String) -> HTTPResponse {
            reply(status, ["error": ["code": "BadRequest", "message": .string(message)]])
        }
        switch (request.method, request.rawPath) {
        case ("GET", "/_emulator/requests"):
            let entries = lock.withLock { log }
            return reply(200, ["count": .int(entries.count), "value": .array(entries.map(\.json))])
        case ("DELETE", "/_emulator/requests"):
            lock.withLock { log.removeAll() }
            return HTTPResponse(status: 204)
        case ("GET", "/_emulator/faults"):
            return reply(200, lock.withLock { faults.settings.json })
        case ("POST", "/_emulator/faults"), ("PUT", "/_emulator/faults"):
            let settings: FaultSettings
            do {
                let body =
                    request.body.isEmpty ? JSONValue.object(JSONObject()) : try JSONParser.parse(bytes: request.body)
                settings = try FaultSettings(json: body)
            } catch let error as EmulatorStateError {
                return failure(400, error.message)
            } catch {
                return failure(400, "The body is not valid JSON: \(error)")
            }
            lock.withLock { faults.reset(settings) }
            return reply(200, settings.json)
        case ("POST", "/_emulator/reset"):
            let context = makeContext(request, version: "v1.0")
            let initial = initialState
            switch mutate(context, { state in state = initial }) {
            case .success: return HTTPResponse(status: 204)
            case .failure(let failure): return failure.response
            }
        case ("GET", "/_emulator/tenants"):
            let current = snapshot()
            return reply(
                200,
                [
                    "value": .array(
                        current.tenants.map { tenant in
                            [
                                "name": .string(tenant.name), "id": .string(tenant.id),
                                "domains": .array(tenant.domains.map { .string($0) }),
                                "extensionAppId": .string(tenant.extensionAppId),
                                "clients": .array(
                                    tenant.clients.map {
                                        [
                                            "clientId": .string($0.clientId),
                                            "permissions": .array($0.permissions.map { .string($0) }),
                                        ]
                                    }),
                                "servicePrincipals": .array(
                                    tenant.servicePrincipals.map { sp in
                                        [
                                            "id": .string(sp.id), "appId": .string(sp.appId),
                                            "displayName": .string(sp.displayName),
                                            "jobs": .array(
                                                sp.jobs.map {
                                                    ["id": .string($0.id), "templateId": .string($0.templateId)]
                                                }),
                                        ]
                                    }),
                            ]
                        })
                ])
        default:
            return failure(404, "No emulator control route \(request.method) \(request.rawPath).")
        }
    }
}
