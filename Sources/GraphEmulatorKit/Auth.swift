import Foundation
import SyncSchemaCore

/// What an access token grants: one tenant, a set of permissions, until an expiry time.
struct TokenGrant: Sendable {
    var tenantId: String
    var clientId: String
    var permissions: Set<String>
    var expires: Date
}

/// Issued access tokens, held in memory only.
final class TokenStore: @unchecked Sendable {
    /// Lifetime of issued tokens, in seconds.
    static let lifetime = 3599
    private let lock = NSLock()
    private var grants: [String: TokenGrant] = [:]

    /// Issues a new token for `grant`: JWT-shaped like Entra's (header, claims, signature), so that
    /// clients can show who they are and what they may do (`tid`, `appid`, `roles`, `exp`); the
    /// signature part is random and never checked — the emulator looks the whole token up.
    func issue(_ grant: TokenGrant) -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        let header: JSONValue = ["typ": "JWT", "alg": "none"]
        let claims: JSONValue = [
            "aud": "https://graph.microsoft.com", "iss": .string("https://sts.windows.net/\(grant.tenantId)/"),
            "tid": .string(grant.tenantId), "appid": .string(grant.clientId),
            "roles": .array(grant.permissions.sorted().map { .string($0) }),
            "exp": .int(Int(grant.expires.timeIntervalSince1970)),
        ]
        let token = [Data(JSONWriter.compact(header).utf8), Data(JSONWriter.compact(claims).utf8), Data(bytes)]
            .map(Self.base64URL).joined(separator: ".")
        lock.withLock { grants[token] = grant }
        return token
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The live grant of a token, if any.
    func grant(for token: String) -> TokenGrant? {
        lock.withLock {
            guard let grant = grants[token] else { return nil }
            if grant.expires < Date() {
                grants[token] = nil
                return nil
            }
            return grant
        }
    }
}

/// The Microsoft identity platform's error shape (`{"error","error_description",…}`).
enum AADError {
    static func response(status: Int, error: String, code: Int, description: String) -> HTTPResponse {
        let traceId = UUID().uuidString.lowercased()
        let body: JSONValue = [
            "error": .string(error), "error_description": .string("AADSTS\(code): \(description)"),
            "error_codes": [.int(code)], "timestamp": .string(HTTPDate.iso8601(Date())),
            "trace_id": .string(traceId), "correlation_id": .string(UUID().uuidString.lowercased()),
        ]
        return HTTPResponse(
            status: status, contentType: "application/json; charset=utf-8", text: JSONWriter.compact(body))
    }
}

/// Checks federated client assertions: a well-formed JWT (`header.payload.signature`, base64url
/// JSON parts) whose `sub`, `aud` and (when configured) `iss` match a federated credential of the
/// client and whose `exp`, if present, is in the future. Signatures are not verified — the
/// emulator trusts its caller, and documents that.
enum ClientAssertion {
    /// The claims of a well-formed JWT, or `nil`.
    static func claims(of jwt: String) -> JSONObject? {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = decode(parts[0]), header.objectValue != nil,
            let payload = decode(parts[1])?.objectValue
        else { return nil }
        return payload
    }

    /// Whether `claims` satisfy one of `credentials`.
    static func matches(_ claims: JSONObject, _ credentials: [FederatedCredential], now: Date = Date()) -> Bool {
        guard let subject = claims["sub"]?.stringValue else { return false }
        let audiences: [String] =
            claims["aud"]?.stringValue.map { [$0] } ?? claims["aud"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if let exp = claims["exp"], case .number(let number) = exp, let seconds = number.doubleValue,
            seconds < now.timeIntervalSince1970
        {
            return false
        }
        return credentials.contains { credential in
            credential.subject == subject && audiences.contains(where: credential.audiences.contains)
                && (credential.issuer == nil || credential.issuer == claims["iss"]?.stringValue)
        }
    }

    private static func decode(_ part: Substring) -> JSONValue? {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return nil }
        return try? JSONParser.parse(bytes: Array(data))
    }
}
