import Foundation
import SyncSchemaCore

/// A Graph request that ended with an HTTP error status, with everything a person needs to act on
/// it or to quote it to Microsoft support.
public struct GraphFailure: Hashable, Sendable {
    /// What was being done, in words (`read the schema of job API2AAD.…`).
    public var operation: String
    /// The HTTP method.
    public var method: HTTPMethod
    /// The request path relative to the Graph base (`/v1.0/servicePrincipals/…`), without the query.
    public var path: String
    /// The final HTTP status.
    public var status: Int
    /// Graph's `error.code` (`Authorization_RequestDenied`, `UnknownError`).
    public var code: String?
    /// Graph's `error.message`, or the backend's `Message` when Graph wrapped a JSON message.
    public var message: String?
    /// The `request-id` header, or `error.innerError.request-id`.
    public var requestID: String?
    /// How many attempts were made.
    public var attempts: Int
    /// Whether the status was retryable and the attempts or time budget ran out.
    public var retriesExhausted: Bool

    /// A failure.
    public init(
        operation: String, method: HTTPMethod, path: String, status: Int, code: String? = nil, message: String? = nil,
        requestID: String? = nil, attempts: Int = 1, retriesExhausted: Bool = false
    ) {
        self.operation = operation
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
        self.attempts = attempts
        self.retriesExhausted = retriesExhausted
    }

    /// Reads Graph's error body (`{"error": {"code", "message", "innerError": {"request-id"}}}`).
    /// For synchronization endpoints the message is often itself JSON from the sync backend
    /// (`{"Message": "…"}`); its `Message` is what people need to read.
    static func parse(body: Data, headers: HTTPHeaders) -> (code: String?, message: String?, requestID: String?) {
        var requestID = headers["request-id"]
        guard let json = try? JSONParser.parse(bytes: [UInt8](body)), let error = json["error"] else {
            return (nil, nil, requestID)
        }
        var message = error["message"]?.stringValue
        if let text = message, text.hasPrefix("{"), let inner = try? JSONParser.parse(text),
            let innerMessage = inner["Message"]?.stringValue ?? inner["message"]?.stringValue
        {
            message = innerMessage
        }
        if requestID == nil { requestID = error["innerError"]?["request-id"]?.stringValue }
        return (error["code"]?.stringValue, message, requestID)
    }

    /// What the user should do next, chosen by status.
    public var nextStep: String {
        switch status {
        case 400:
            "check the request content; Graph's message above says what it rejected"
        case 401:
            "check the credentials (client id, secret or certificate, tenant, cloud) and that admin consent was granted"
        case 403:
            method == .get
                ? "grant the app the Microsoft Graph application permission Synchronization.Read.All (read-only) or Synchronization.ReadWrite.All, with admin consent"
                : "grant the app the Microsoft Graph application permission Synchronization.ReadWrite.All (read-only commands need only Synchronization.Read.All), with admin consent"
        case 404:
            "check the service principal and job named in the environment file (`apps.<name>.servicePrincipal` and `job`) and the tenant"
        case 409, 412:
            "the resource changed meanwhile; plan again"
        case 429:
            "Graph is throttling this app; retry later"
        case 500...599:
            retriesExhausted
                ? "Graph kept failing; retry later, and quote the request-id to Microsoft support if it persists"
                : "retry later; quote the request-id to Microsoft support if it persists"
        default:
            "see Graph's message above"
        }
    }

    /// Standard reason phrases for the statuses Graph uses.
    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 412: "Precondition Failed"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: ""
        }
    }
}

/// Why a Graph operation failed. Its description is one line for people: what failed, the HTTP
/// status, Graph's code and message, the `request-id`, and what to do next.
public enum GraphError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Graph answered with an error status.
    case http(GraphFailure)
    /// No answer arrived (timeouts, dropped or refused connections), after retries where safe.
    case transport(operation: String, method: HTTPMethod, path: String, error: TransportError, attempts: Int)
    /// No token could be obtained.
    case authentication(AuthError)
    /// Graph answered 2xx with something that is not what the API documents.
    case invalidResponse(operation: String, detail: String, requestID: String?)
    /// A base URL that is neither HTTPS nor loopback.
    case insecureEndpoint(String, reason: String)
    /// No service principal matches the locator.
    case servicePrincipalNotFound(locator: String, tenant: String)
    /// Several service principals share the display name.
    case ambiguousServicePrincipal(locator: String, candidates: [ServicePrincipal])
    /// No job matches the locator (`nil`: the service principal has no job at all).
    case jobNotFound(locator: String?, servicePrincipal: String, available: [SynchronizationJob])
    /// Several jobs match the locator (or none was given and there are several).
    case ambiguousJob(locator: String?, servicePrincipal: String, candidates: [SynchronizationJob])

    /// One line for people, free of secrets.
    public var description: String {
        switch self {
        case .http(let failure):
            var text =
                "Could not \(failure.operation) (\(failure.method.rawValue) \(failure.path)): HTTP \(failure.status)"
            let reason = GraphFailure.reason(failure.status)
            if !reason.isEmpty { text += " \(reason)" }
            if failure.retriesExhausted {
                text += " after \(failure.attempts) attempt\(failure.attempts == 1 ? "" : "s")"
            }
            switch (failure.code, failure.message) {
            case (let code?, let message?): text += ", \(code): \(Self.oneLine(message))"
            case (let code?, nil): text += ", \(code)"
            case (nil, let message?): text += ": \(Self.oneLine(message))"
            case (nil, nil): break
            }
            text += " (request-id \(failure.requestID ?? "not given"))"
            return text + "; " + failure.nextStep
        case .transport(let operation, let method, let path, let error, let attempts):
            let tries = attempts > 1 ? " after \(attempts) attempts" : ""
            return
                "Could not \(operation) (\(method.rawValue) \(path)): \(error)\(tries); check the network connection and the cloud endpoints, then retry"
        case .authentication(let error):
            return error.description
        case .invalidResponse(let operation, let detail, let requestID):
            return
                "Could not \(operation): Graph's response was not understood (\(detail)) (request-id \(requestID ?? "not given")); please report this with the request-id"
        case .insecureEndpoint(let url, let reason):
            return "Refusing the endpoint \(url): \(reason)"
        case .servicePrincipalNotFound(let locator, let tenant):
            return
                "No service principal has the object id, appId or display name '\(locator)' in tenant \(tenant); check `servicePrincipal` in the environment file (display names must match exactly)"
        case .ambiguousServicePrincipal(let locator, let candidates):
            let list = candidates.map { "\($0.id) (appId \($0.appID), '\($0.displayName)')" }.joined(separator: ", ")
            return
                "\(candidates.count) service principals are named '\(locator)': \(list); write the object id of the right one as `servicePrincipal` in the environment file"
        case .jobNotFound(let locator, let servicePrincipal, let available):
            if available.isEmpty {
                return
                    "Service principal \(servicePrincipal) has no provisioning job; configure provisioning for the app first"
            }
            let list = available.map(\.summary).joined(separator: ", ")
            return
                "Service principal \(servicePrincipal) has no job with id or template id '\(locator ?? "")'; its jobs: \(list); set `job` in the environment file to one of them"
        case .ambiguousJob(let locator, let servicePrincipal, let candidates):
            let list = candidates.map(\.summary).joined(separator: ", ")
            let subject =
                locator.map { "\(candidates.count) jobs of service principal \(servicePrincipal) match '\($0)'" }
                ?? "Service principal \(servicePrincipal) has \(candidates.count) jobs"
            return "\(subject): \(list); set `job` in the environment file to one job id"
        }
    }

    /// The first line of a message, trimmed and shortened: one error, one line.
    static func oneLine(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        return line.count > 400 ? String(line.prefix(400)) + "…" : line
    }

    /// The HTTP status, when Graph answered.
    public var status: Int? {
        if case .http(let failure) = self { return failure.status }
        return nil
    }
}
