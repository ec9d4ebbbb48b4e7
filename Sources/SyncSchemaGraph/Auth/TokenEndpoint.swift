import Foundation
import SyncSchemaCore

/// The shared part of every OAuth flow: a form-encoded POST to `{login}/{tenant}/oauth2/v2.0/token`
/// with scope `{graph}/.default`, the token read from the answer, and AAD's error body turned into
/// one line without any secret.
struct TokenEndpoint: Sendable {
    var cloud: GraphCloud
    var transport: any HTTPTransport
    var effects: SideEffects
    var redactor: SecretRedactor
    var retryPolicy: RetryPolicy

    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    /// Client credentials with a shared secret.
    func clientSecret(tenant: String, clientID: String, secret: String, method: String) async throws -> AccessToken {
        redactor.register(secret)
        return try await request(
            tenant: tenant, method: method,
            fields: [
                ("client_id", clientID), ("scope", cloud.scope), ("client_secret", secret),
                ("grant_type", "client_credentials"),
            ])
    }

    /// Client credentials with a signed assertion (certificate or federated token).
    func clientAssertion(tenant: String, clientID: String, assertion: String, method: String) async throws
        -> AccessToken
    {
        redactor.register(assertion)
        return try await request(
            tenant: tenant, method: method,
            fields: [
                ("client_id", clientID), ("scope", cloud.scope), ("client_assertion_type", Self.assertionType),
                ("client_assertion", assertion), ("grant_type", "client_credentials"),
            ])
    }

    func request(tenant: String, method: String, fields: [(String, String)]) async throws -> AccessToken {
        let url = cloud.tokenURL(tenant: tenant)
        let request = HTTPRequest(
            method: .post, url: url,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: FormEncoding.body(fields), timeout: 60)
        let response = try await send(request, method: method, idempotent: true)
        return try parseTokenResponse(response, method: method)
    }

    /// Sends with the Graph retry policy (throttling and transient failures of the login endpoint
    /// or IMDS are common) and maps failures to ``AuthError``.
    func send(_ request: HTTPRequest, method: String, idempotent: Bool) async throws -> HTTPResponse {
        let sender = RetryingSender(transport: transport, policy: retryPolicy, effects: effects)
        let outcome: RetriedResponse
        do {
            outcome = try await sender.send(idempotent: idempotent) { request }
        } catch let failure as RetriedTransportFailure {
            var url = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
            url?.query = nil
            throw AuthError.tokenEndpointUnreachable(
                method: method, url: url?.string ?? request.url.absoluteString, error: failure.error)
        }
        return outcome.response
    }

    /// Reads `access_token` and `expires_in` (or `expires_on`) from a 2xx answer; turns AAD's
    /// `error` / `error_description` into ``AuthError/tokenRequestRejected(method:status:error:detail:)``.
    func parseTokenResponse(_ response: HTTPResponse, method: String) throws -> AccessToken {
        let json = try? JSONParser.parse(bytes: [UInt8](response.body))
        guard (200..<300).contains(response.status) else {
            let error = json?["error"]?.stringValue ?? json?["error"]?["code"]?.stringValue
            let description =
                json?["error_description"]?.stringValue ?? json?["error"]?["message"]?.stringValue
                ?? json?["message"]?.stringValue
            throw AuthError.tokenRequestRejected(
                method: method, status: response.status, error: error.map(redactor.redact),
                detail: description.map { redactor.redact(GraphError.oneLine(Self.firstLine($0))) })
        }
        guard let json, let token = json["access_token"]?.stringValue, !token.isEmpty else {
            throw AuthError.invalidTokenResponse(method: method, detail: "no access_token")
        }
        redactor.register(token)
        let now = effects.now()
        if let expiresOn = Self.number(json["expires_on"]) {
            return AccessToken(token: token, expiresOn: Date(timeIntervalSince1970: expiresOn))
        }
        let expiresIn = Self.number(json["expires_in"]) ?? 3600
        return AccessToken(token: token, expiresOn: now.addingTimeInterval(expiresIn))
    }

    /// AAD puts trace ids and timestamps on further lines; the first line is the message.
    static func firstLine(_ text: String) -> String {
        String(text.split(whereSeparator: \.isNewline).first ?? "")
    }

    /// A number that IMDS and the CLI send as a number or as a string.
    static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let number)?: number.doubleValue
        case .string(let text)?: Double(text)
        default: nil
        }
    }
}
