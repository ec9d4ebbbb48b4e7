import Foundation
import SyncSchemaCore

/// A bearer token for Graph and when it stops working. Its description never shows the token.
public struct AccessToken: Hashable, Sendable, CustomStringConvertible {
    /// The token itself: a secret.
    public var token: String
    /// When it expires.
    public var expiresOn: Date

    /// A token.
    public init(token: String, expiresOn: Date) {
        self.token = token
        self.expiresOn = expiresOn
    }

    /// `AccessToken(expires 2026-…)`: safe to print by accident.
    public var description: String { "AccessToken(expires \(expiresOn))" }
}

/// Something that can obtain a Graph token for a tenant: one per auth method.
public protocol TokenProvider: Sendable {
    /// A fresh token for `tenant`. Throws ``AuthError``, whose text never contains a secret.
    func token(for tenant: String) async throws -> AccessToken
}

/// Keeps one token per tenant in memory for the run (never on disk), shares one request between
/// concurrent callers, and asks again when the token is within ``refreshMargin`` of expiring.
public actor CachingTokenProvider: TokenProvider {
    /// Tokens closer than this to expiry are replaced, so a request never leaves with a token
    /// that expires in flight.
    public let refreshMargin: TimeInterval
    private let base: any TokenProvider
    private let now: @Sendable () -> Date
    private var tokens: [String: AccessToken] = [:]
    private var pending: [String: Task<AccessToken, any Error>] = [:]

    /// A cache in front of `base`.
    public init(_ base: any TokenProvider, now: @escaping @Sendable () -> Date, refreshMargin: TimeInterval = 300) {
        self.base = base
        self.now = now
        self.refreshMargin = refreshMargin
    }

    /// Obtains a token for `tenant`; throws ``AuthError`` naming what is missing, never a secret.
    public func token(for tenant: String) async throws -> AccessToken {
        if let token = tokens[tenant], token.expiresOn.timeIntervalSince(now()) > refreshMargin { return token }
        if let task = pending[tenant] { return try await task.value }
        let base = self.base
        let task = Task { try await base.token(for: tenant) }
        pending[tenant] = task
        defer { pending[tenant] = nil }
        let token = try await task.value
        tokens[tenant] = token
        return token
    }

    /// Forgets the token of `tenant` (after Graph rejected it with 401).
    public func invalidate(tenant: String) {
        tokens[tenant] = nil
    }
}

/// Why no token could be obtained. Descriptions name variables, files and tools, never values.
public enum AuthError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A variable the auth method needs is not set (or empty).
    case missingEnvironmentVariable(name: String, purpose: String, method: String)
    /// A file the auth method needs could not be read.
    case unreadableFile(path: String, purpose: String, method: String, detail: String)
    /// The token endpoint refused (`invalid_client`, `AADSTS7000215: …`).
    case tokenRequestRejected(method: String, status: Int, error: String?, detail: String?)
    /// The token endpoint could not be reached.
    case tokenEndpointUnreachable(method: String, url: String, error: TransportError)
    /// The token endpoint's answer had no usable token.
    case invalidTokenResponse(method: String, detail: String)
    /// A program the method needs is not installed.
    case toolMissing(tool: String, method: String, advice: String)
    /// A program the method needs failed.
    case toolFailed(tool: String, method: String, exitCode: Int32, detail: String, advice: String)
    /// The certificate could not be used.
    case invalidCertificate(method: String, detail: String)
    /// A pre-acquired token has expired.
    case expiredToken(variable: String, expiredAt: Date)
    /// The auth settings are inconsistent.
    case misconfigured(method: String, detail: String)

    /// One line for people, free of secrets.
    public var description: String {
        switch self {
        case .missingEnvironmentVariable(let name, let purpose, let method):
            return
                "Authentication (\(method)) failed: the environment variable \(name) is not set; set it to \(purpose)"
        case .unreadableFile(let path, let purpose, let method, let detail):
            return
                "Authentication (\(method)) failed: could not read \(purpose) at \(path) (\(detail)); check the path and its permissions"
        case .tokenRequestRejected(let method, let status, let error, let detail):
            var text = "Authentication (\(method)) failed: the token endpoint answered HTTP \(status)"
            if let error { text += " \(error)" }
            if let detail { text += ": \(detail)" }
            return text + "; " + Self.advice(for: detail ?? "", error: error)
        case .tokenEndpointUnreachable(let method, let url, let error):
            return
                "Authentication (\(method)) failed: could not reach \(url): \(error); check the network and the cloud settings"
        case .invalidTokenResponse(let method, let detail):
            return "Authentication (\(method)) failed: the token response was not understood (\(detail))"
        case .toolMissing(let tool, let method, let advice):
            return "Authentication (\(method)) failed: `\(tool)` is not installed or not on PATH; \(advice)"
        case .toolFailed(let tool, let method, let exitCode, let detail, let advice):
            return
                "Authentication (\(method)) failed: `\(tool)` exited with status \(exitCode)\(detail.isEmpty ? "" : ": \(detail)"); \(advice)"
        case .invalidCertificate(let method, let detail):
            return "Authentication (\(method)) failed: \(detail)"
        case .expiredToken(let variable, let expiredAt):
            return
                "Authentication (token-env) failed: the token in \(variable) expired at \(expiredAt); acquire a new one"
        case .misconfigured(let method, let detail):
            return "Authentication (\(method)) failed: \(detail)"
        }
    }

    /// What to do about the common AADSTS errors.
    static func advice(for detail: String, error: String?) -> String {
        let hints: [(String, String)] = [
            ("AADSTS7000215", "the client secret is wrong; check the value of the secret's environment variable"),
            ("AADSTS7000222", "the client secret has expired; create a new one and update its environment variable"),
            ("AADSTS700016", "the application was not found in this tenant; check `clientId`, `tenant` and `cloud`"),
            ("AADSTS90002", "the tenant was not found; check `tenant` and `cloud`"),
            (
                "AADSTS70021",
                "no federated credential matches the token's issuer, subject and audience; check the app's federated credentials"
            ),
            ("AADSTS700024", "the federated token is expired or not yet valid; make sure the token file is fresh"),
            (
                "AADSTS700027",
                "the certificate assertion was rejected; check that the certificate is uploaded to the app registration"
            ),
            ("AADSTS50034", "the account does not exist in this tenant; check `tenant`"),
        ]
        for (code, hint) in hints where detail.contains(code) { return hint }
        switch error {
        case "invalid_client": return "check the client id and credential"
        case "unauthorized_client": return "check that the application exists in this tenant and cloud"
        case "invalid_scope": return "check `cloud`: the scope must match the cloud's Graph endpoint"
        default: return "check the auth settings in the environment file (see docs/auth.md)"
        }
    }
}
