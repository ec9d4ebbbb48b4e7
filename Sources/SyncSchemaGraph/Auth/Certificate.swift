import Foundation
import SyncSchemaCore

/// Client certificate authentication (private_key_jwt): a JWT naming the certificate by its
/// thumbprints (`x5t`, `x5t#S256`), signed RS256. Foundation has no RSA signing on Linux, so the
/// signature comes from the system `openssl`, run through the process seam; the private key never
/// passes through this process.
public struct CertificateTokenProvider: TokenProvider {
    let endpoint: TokenEndpoint
    /// Where the certificate and key are.
    public let setting: CertificateSetting
    let methodName: String

    /// How long an assertion is valid (Entra accepts up to ten minutes).
    static let assertionLifetime: TimeInterval = 600

    /// A provider for `cloud`.
    public init(
        setting: CertificateSetting, cloud: GraphCloud, transport: any HTTPTransport, effects: SideEffects,
        redactor: SecretRedactor,
        retryPolicy: RetryPolicy = .default
    ) {
        self.init(
            setting: setting,
            endpoint: TokenEndpoint(
                cloud: cloud, transport: transport, effects: effects, redactor: redactor, retryPolicy: retryPolicy),
            methodName: "certificate")
    }

    init(setting: CertificateSetting, endpoint: TokenEndpoint, methodName: String) {
        self.setting = setting
        self.endpoint = endpoint
        self.methodName = methodName
    }

    /// Obtains a token for `tenant`; throws ``AuthError`` naming what is missing, never a secret.
    public func token(for tenant: String) async throws -> AccessToken {
        let assertion = try await makeAssertion(tenant: tenant)
        return try await endpoint.clientAssertion(
            tenant: tenant, clientID: setting.clientID, assertion: assertion, method: methodName)
    }

    /// The signed client assertion for `tenant`'s token endpoint.
    func makeAssertion(tenant: String) async throws -> String {
        let der = try loadCertificate()
        let header: JSONValue = [
            "alg": "RS256", "typ": "JWT",
            "x5t": .string(Base64URL.encode(Digest.sha1(der))),
            "x5t#S256": .string(Base64URL.encode(Digest.sha256(der))),
        ]
        let now = Int(endpoint.effects.now().timeIntervalSince1970)
        let claims: JSONValue = [
            "aud": .string(endpoint.cloud.tokenURL(tenant: tenant).absoluteString),
            "iss": .string(setting.clientID), "sub": .string(setting.clientID),
            "jti": .string(endpoint.effects.uuid().uuidString.lowercased()),
            "nbf": .int(now), "iat": .int(now), "exp": .int(now + Int(Self.assertionLifetime)),
        ]
        let signingInput =
            Base64URL.encode(Data(JSONWriter.compact(header).utf8)) + "."
            + Base64URL.encode(Data(JSONWriter.compact(claims).utf8))
        let signature = try await sign(Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// The DER bytes of the first certificate in the PEM file or variable.
    func loadCertificate() throws -> Data {
        let pem: String
        switch setting.certificate {
        case .file(let path):
            do {
                pem = String(decoding: try endpoint.effects.readFile(path), as: UTF8.self)
            } catch {
                throw AuthError.unreadableFile(
                    path: path, purpose: "the certificate", method: methodName,
                    detail: WorkloadIdentityTokenProvider.describe(error))
            }
        case .environmentVariable(let name):
            guard let text = endpoint.effects.environment[name], !text.isEmpty else {
                throw AuthError.missingEnvironmentVariable(
                    name: name, purpose: "the PEM text of the certificate", method: methodName)
            }
            pem = text
        }
        guard let der = PEM.firstBlock(labelled: "CERTIFICATE", in: pem) else {
            throw AuthError.invalidCertificate(
                method: methodName,
                detail:
                    "no `-----BEGIN CERTIFICATE-----` block found; give a PEM certificate (convert a .pfx with `openssl pkcs12 -in cert.pfx -out cert.pem -nodes`)"
            )
        }
        return der
    }

    /// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) through `openssl dgst -sha256 -sign KEYFILE`.
    func sign(_ input: Data) async throws -> Data {
        let invocation = ProcessInvocation(
            executable: "openssl", arguments: ["dgst", "-sha256", "-sign", setting.privateKeyFile], input: input)
        let output: ProcessOutput
        do {
            output = try await endpoint.effects.runProcess(invocation)
        } catch ProcessRunnerError.notFound {
            throw AuthError.toolMissing(
                tool: "openssl", method: methodName,
                advice:
                    "certificate sign-in signs with the system OpenSSL; install it, or use `workload-identity`, `managed-identity` or `client-secret`"
            )
        }
        guard output.exitCode == 0, !output.standardOutput.isEmpty else {
            let detail = endpoint.redactor.redact(
                GraphError.oneLine(String(decoding: output.standardError, as: UTF8.self)))
            throw AuthError.toolFailed(
                tool: "openssl", method: methodName, exitCode: output.exitCode, detail: detail,
                advice: "check that \(setting.privateKeyFile) holds the certificate's unencrypted PEM private key")
        }
        return output.standardOutput
    }
}

/// Base64 with the URL alphabet and no padding, as JWTs use.
public enum Base64URL {
    /// Encodes `data`.
    public static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes, tolerating missing padding.
    public static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

/// Reading PEM files.
enum PEM {
    /// The bytes of the first `-----BEGIN <label>-----` block.
    static func firstBlock(labelled label: String, in text: String) -> Data? {
        guard let begin = text.range(of: "-----BEGIN \(label)-----"),
            let end = text.range(of: "-----END \(label)-----", range: begin.upperBound..<text.endIndex)
        else { return nil }
        let body = text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(body))
    }
}

/// Reading the claims of a JWT without verifying it (only to know when it expires).
enum JWT {
    /// The `exp` claim of `token`, if it is a JWT that has one.
    static func expiry(of token: String) -> Date? {
        let parts = token.split(separator: ".")
        guard parts.count == 3, let payload = Base64URL.decode(String(parts[1])),
            let claims = try? JSONParser.parse(bytes: [UInt8](payload)), let exp = TokenEndpoint.number(claims["exp"])
        else { return nil }
        return Date(timeIntervalSince1970: exp)
    }
}
