import Foundation
import SyncSchemaCore

/// The Graph API version requests go to.
public enum GraphAPIVersion: String, Hashable, Sendable, CaseIterable {
    /// The stable API (default).
    case v1 = "v1.0"
    /// The preview API, for what v1.0 lacks.
    case beta
}

/// A path relative to the API version, built from unencoded segments so ids with dots, quotes or
/// spaces are always encoded correctly.
public struct GraphPath: Hashable, Sendable, CustomStringConvertible {
    /// The raw segments (`["servicePrincipals", id, "synchronization", "jobs"]`).
    public var segments: [String]

    /// A path from raw segments.
    public init(_ segments: String...) { self.segments = segments }

    /// A path from raw segments.
    public init(segments: [String]) { self.segments = segments }

    /// This path with more segments.
    public func appending(_ more: String...) -> GraphPath { GraphPath(segments: segments + more) }

    private static let allowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@")

    /// `/servicePrincipals/…`, percent-encoded.
    public var description: String {
        segments.map { "/" + ($0.addingPercentEncoding(withAllowedCharacters: Self.allowed) ?? $0) }.joined()
    }
}

/// One query parameter (`$filter`, `$select`); values are encoded when the URL is built.
public struct GraphQueryItem: Hashable, Sendable {
    /// The name, such as `$filter`.
    public var name: String
    /// The unencoded value.
    public var value: String

    /// A query parameter.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    private static let allowedInName = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~$")
    private static let allowedInValue = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~,$")

    /// `name=value`, encoded so that `+`, `&`, `'` and spaces survive.
    var encoded: String {
        (name.addingPercentEncoding(withAllowedCharacters: Self.allowedInName) ?? name) + "="
            + (value.addingPercentEncoding(withAllowedCharacters: Self.allowedInValue) ?? value)
    }
}

/// A successful Graph response.
public struct GraphResponse: Hashable, Sendable {
    /// The HTTP status (2xx).
    public var status: Int
    /// The response headers.
    public var headers: HTTPHeaders
    /// The parsed body, or `nil` when empty (`204 No Content`).
    public var json: JSONValue?
    /// The `request-id` header.
    public var requestID: String? { headers["request-id"] }
}

/// The client for Microsoft Graph: JSON in and out relative to the API base, a bearer token per
/// request, and retries that honour throttling, all waiting done through ``SideEffects``.
///
/// It is `Sendable` and holds no mutable state except the token cache, so one client can serve
/// concurrent work on several apps of one tenant.
public final class GraphClient: Sendable {
    /// The cloud's endpoints.
    public let cloud: GraphCloud
    /// The tenant tokens are requested for.
    public let tenant: String
    /// `v1.0` or `beta`.
    public let apiVersion: GraphAPIVersion
    /// Secrets learned during the run, removed from every message.
    public let redactor: SecretRedactor

    private let tokens: any TokenProvider
    private let sender: RetryingSender
    private let effects: SideEffects
    private let timeout: TimeInterval

    /// A client.
    ///
    /// - Parameters:
    ///   - tokenProvider: where tokens come from; wrapped in a ``CachingTokenProvider`` unless it
    ///     already is one (pass a shared one to reuse tokens across clients of the same tenant).
    ///   - transport: the HTTP seam (``URLSessionTransport`` in production, wrapped in a
    ///     ``TracingTransport`` for `--verbose`).
    public init(
        cloud: GraphCloud, tenant: String, tokenProvider: any TokenProvider, transport: any HTTPTransport,
        effects: SideEffects, apiVersion: GraphAPIVersion = .v1, retryPolicy: RetryPolicy = .default,
        redactor: SecretRedactor = SecretRedactor(), timeout: TimeInterval = 100
    ) {
        self.cloud = cloud
        self.tenant = tenant
        self.apiVersion = apiVersion
        self.redactor = redactor
        self.tokens =
            tokenProvider is CachingTokenProvider
            ? tokenProvider : CachingTokenProvider(tokenProvider, now: effects.now)
        self.sender = RetryingSender(transport: transport, policy: retryPolicy, effects: effects)
        self.effects = effects
        self.timeout = timeout
    }

    /// A client for an environment file: its cloud, tenant and auth method.
    ///
    /// - Throws: ``GraphError/insecureEndpoint(_:reason:)`` for a custom cloud that is neither
    ///   HTTPS nor loopback.
    public convenience init(
        environment: EnvironmentFile, transport: any HTTPTransport, effects: SideEffects,
        apiVersion: GraphAPIVersion = .v1, retryPolicy: RetryPolicy = .default,
        redactor: SecretRedactor = SecretRedactor()
    ) throws {
        let cloud = try GraphCloud(environment.cloud)
        let provider = TokenProviders.make(
            for: environment.auth, cloud: cloud, transport: transport, effects: effects, redactor: redactor,
            retryPolicy: retryPolicy)
        self.init(
            cloud: cloud, tenant: environment.tenant, tokenProvider: provider, transport: transport, effects: effects,
            apiVersion: apiVersion, retryPolicy: retryPolicy, redactor: redactor)
    }

    /// The access token this client sends (cached: one per tenant per run). For commands that
    /// show who the credentials are; never print its value.
    public func accessToken() async throws(GraphError) -> AccessToken {
        do {
            return try await tokens.token(for: tenant)
        } catch let error as GraphError {
            throw error
        } catch let error as AuthError {
            throw .authentication(error)
        } catch {
            throw .transport(
                operation: "sign in", method: .post, path: "token", error: .other(redactor.redact("\(error)")),
                attempts: 1)
        }
    }

    /// GETs a JSON resource.
    public func get(_ path: GraphPath, query: [GraphQueryItem] = [], purpose: String) async throws(GraphError)
        -> JSONValue
    {
        let response = try await send(.get, path, query: query, purpose: purpose)
        guard let json = response.json else {
            throw .invalidResponse(operation: purpose, detail: "an empty body", requestID: response.requestID)
        }
        return json
    }

    /// PUTs a whole document (idempotent, so retried like a GET); returns the body, or `nil` for
    /// `204 No Content`.
    @discardableResult
    public func put(_ path: GraphPath, body: JSONValue, purpose: String) async throws(GraphError) -> JSONValue? {
        try await send(.put, path, body: body, purpose: purpose).json
    }

    /// POSTs an action. Actions are retried only when the server surely did not act (429, 503,
    /// no connection) unless `idempotent` says repeating is harmless (`parseExpression`).
    @discardableResult
    public func post(_ path: GraphPath, body: JSONValue?, idempotent: Bool = false, purpose: String)
        async throws(GraphError) -> JSONValue?
    {
        try await send(.post, path, body: body, idempotent: idempotent, purpose: purpose).json
    }

    /// DELETEs a resource.
    public func delete(_ path: GraphPath, purpose: String) async throws(GraphError) {
        _ = try await send(.delete, path, purpose: purpose)
    }

    /// Sends one request with retries and returns the successful response; the other methods are
    /// shorthands for it.
    ///
    /// - Parameter idempotent: defaults to `true` for GET, PUT and DELETE, `false` for POST.
    public func send(
        _ method: HTTPMethod, _ path: GraphPath, query: [GraphQueryItem] = [], body: JSONValue? = nil,
        idempotent: Bool? = nil, purpose: String
    ) async throws(GraphError) -> GraphResponse {
        try await send(
            method, url: try makeURL(path, query: query), displayPath: "/\(apiVersion.rawValue)\(path)", body: body,
            idempotent: idempotent, purpose: purpose)
    }

    /// Every item of a collection, following `@odata.nextLink` page by page. A next link must
    /// point at this client's Graph host (the token is never sent anywhere else), and at most
    /// `maximumPages` pages are read.
    public func getAll(
        _ path: GraphPath, query: [GraphQueryItem] = [], purpose: String, maximumPages: Int = 1000
    ) async throws(GraphError) -> [JSONValue] {
        var page = try await get(path, query: query, purpose: purpose)
        var items: [JSONValue] = []
        var pages = 1
        while true {
            guard let values = page["value"]?.arrayValue else {
                throw .invalidResponse(operation: purpose, detail: "no `value` array", requestID: nil)
            }
            items += values
            guard let link = page["@odata.nextLink"]?.stringValue else { return items }
            guard let url = URL(string: link), url.scheme == cloud.graphURL.scheme, url.host == cloud.graphURL.host,
                url.port == cloud.graphURL.port
            else {
                throw .invalidResponse(
                    operation: purpose, detail: "a next-page link that is not on \(cloud.graphURL.absoluteString)",
                    requestID: nil)
            }
            pages += 1
            guard pages <= maximumPages else {
                throw .invalidResponse(operation: purpose, detail: "more than \(maximumPages) pages", requestID: nil)
            }
            let response = try await send(
                .get, url: url, displayPath: url.path, body: nil, idempotent: true, purpose: purpose)
            guard let json = response.json else {
                throw .invalidResponse(operation: purpose, detail: "an empty page", requestID: response.requestID)
            }
            page = json
        }
    }

    private func send(
        _ method: HTTPMethod, url: URL, displayPath: String, body: JSONValue?, idempotent: Bool?, purpose: String
    ) async throws(GraphError) -> GraphResponse {
        let idempotent = idempotent ?? (method != .post && method != .patch)
        let bodyData = body.map { Data(JSONWriter.compact($0).utf8) }
        var refreshedAfter401 = false
        while true {
            let outcome: RetriedResponse
            do {
                outcome = try await sender.send(idempotent: idempotent) {
                    let token = try await self.tokens.token(for: self.tenant)
                    var headers: HTTPHeaders = ["Authorization": "Bearer \(token.token)", "Accept": "application/json"]
                    if bodyData != nil { headers["Content-Type"] = "application/json" }
                    headers["client-request-id"] = self.effects.uuid().uuidString.lowercased()
                    return HTTPRequest(
                        method: method, url: url, headers: headers, body: bodyData, timeout: self.timeout)
                }
            } catch let failure as RetriedTransportFailure {
                throw .transport(
                    operation: purpose, method: method, path: displayPath, error: failure.error,
                    attempts: failure.attempts)
            } catch let error as AuthError {
                throw .authentication(error)
            } catch let error as GraphError {
                throw error
            } catch {
                throw .transport(
                    operation: purpose, method: method, path: displayPath, error: .other(redactor.redact("\(error)")),
                    attempts: 1)
            }
            let response = outcome.response
            if response.status == 401 && !refreshedAfter401, let cache = tokens as? CachingTokenProvider {
                // The cached token may have been revoked or clock skew may have expired it early.
                refreshedAfter401 = true
                await cache.invalidate(tenant: tenant)
                continue
            }
            guard (200..<300).contains(response.status) else {
                let details = GraphFailure.parse(body: response.body, headers: response.headers)
                throw .http(
                    GraphFailure(
                        operation: purpose, method: method, path: displayPath, status: response.status,
                        code: details.code,
                        message: details.message.map(redactor.redact), requestID: details.requestID,
                        attempts: outcome.attempts, retriesExhausted: outcome.gaveUp))
            }
            var json: JSONValue?
            if !response.body.isEmpty {
                do {
                    json = try JSONParser.parse(bytes: [UInt8](response.body))
                } catch {
                    throw .invalidResponse(
                        operation: purpose, detail: "invalid JSON: \(error)", requestID: response.headers["request-id"])
                }
            }
            return GraphResponse(status: response.status, headers: response.headers, json: json)
        }
    }

    /// The absolute URL of `path` under this client's Graph base and API version.
    public func makeURL(_ path: GraphPath, query: [GraphQueryItem] = []) throws(GraphError) -> URL {
        var text = cloud.graphURL.absoluteString + "/" + apiVersion.rawValue + path.description
        if !query.isEmpty { text += "?" + query.map(\.encoded).joined(separator: "&") }
        guard let url = URL(string: text) else { throw .insecureEndpoint(text, reason: "not a valid URL") }
        return url
    }
}
