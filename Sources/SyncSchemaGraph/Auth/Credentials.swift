import Foundation
import SyncSchemaCore

/// OAuth client credentials with a shared secret read from a named environment variable.
public struct ClientSecretTokenProvider: TokenProvider {
    let endpoint: TokenEndpoint
    /// The application (client) id.
    public let clientID: String
    /// The variable holding the secret (`SYNCSCHEMA_PROD_SECRET`).
    public let secretVariable: String
    let methodName: String

    /// A provider for `cloud` whose secret is in `secretVariable`.
    public init(
        clientID: String, secretVariable: String, cloud: GraphCloud, transport: any HTTPTransport, effects: SideEffects,
        redactor: SecretRedactor, retryPolicy: RetryPolicy = .default
    ) {
        self.init(
            clientID: clientID, secretVariable: secretVariable,
            endpoint: TokenEndpoint(
                cloud: cloud, transport: transport, effects: effects, redactor: redactor, retryPolicy: retryPolicy),
            methodName: "client-secret")
    }

    init(clientID: String, secretVariable: String, endpoint: TokenEndpoint, methodName: String) {
        self.clientID = clientID
        self.secretVariable = secretVariable
        self.endpoint = endpoint
        self.methodName = methodName
    }

    /// Obtains a token for `tenant`; throws ``AuthError`` naming what is missing, never a secret.
    public func token(for tenant: String) async throws -> AccessToken {
        guard let secret = endpoint.effects.environment[secretVariable], !secret.isEmpty else {
            throw AuthError.missingEnvironmentVariable(
                name: secretVariable, purpose: "the client secret of application \(clientID)", method: methodName)
        }
        return try await endpoint.clientSecret(tenant: tenant, clientID: clientID, secret: secret, method: methodName)
    }
}

/// Workload identity federation: the client assertion is a token from another identity provider
/// (GitHub Actions, Kubernetes, Azure Pipelines) in the file named by an environment variable. The
/// file is read again for every token because it rotates.
public struct WorkloadIdentityTokenProvider: TokenProvider {
    let endpoint: TokenEndpoint
    /// The application (client) id.
    public let clientID: String
    /// The variable holding the token file's path (`AZURE_FEDERATED_TOKEN_FILE`).
    public let tokenFileVariable: String
    let methodName: String

    /// A provider reading the path of the federated token from `tokenFileVariable`.
    public init(
        clientID: String, tokenFileVariable: String = EnvironmentFile.Defaults.federatedTokenFileEnv, cloud: GraphCloud,
        transport: any HTTPTransport, effects: SideEffects, redactor: SecretRedactor,
        retryPolicy: RetryPolicy = .default
    ) {
        self.init(
            clientID: clientID, tokenFileVariable: tokenFileVariable,
            endpoint: TokenEndpoint(
                cloud: cloud, transport: transport, effects: effects, redactor: redactor, retryPolicy: retryPolicy),
            methodName: "workload-identity")
    }

    init(clientID: String, tokenFileVariable: String, endpoint: TokenEndpoint, methodName: String) {
        self.clientID = clientID
        self.tokenFileVariable = tokenFileVariable
        self.endpoint = endpoint
        self.methodName = methodName
    }

    /// Obtains a token for `tenant`; throws ``AuthError`` naming what is missing, never a secret.
    public func token(for tenant: String) async throws -> AccessToken {
        guard let path = endpoint.effects.environment[tokenFileVariable], !path.isEmpty else {
            throw AuthError.missingEnvironmentVariable(
                name: tokenFileVariable,
                purpose: "the path of the federated token file (set by the CI system or the AKS webhook)",
                method: methodName)
        }
        let assertion: String
        do {
            assertion = String(decoding: try endpoint.effects.readFile(path), as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines)
        } catch {
            throw AuthError.unreadableFile(
                path: path, purpose: "the federated token file", method: methodName, detail: Self.describe(error))
        }
        guard !assertion.isEmpty else {
            throw AuthError.misconfigured(method: methodName, detail: "the federated token file \(path) is empty")
        }
        return try await endpoint.clientAssertion(
            tenant: tenant, clientID: clientID, assertion: assertion, method: methodName)
    }

    static func describe(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}

/// The managed identity of the Azure host: App Service and Functions through `IDENTITY_ENDPOINT`
/// and `IDENTITY_HEADER`, virtual machines and the rest through IMDS. These local endpoints are
/// plain HTTP by design and never leave the host.
public struct ManagedIdentityTokenProvider: TokenProvider {
    let endpoint: TokenEndpoint
    /// The client id of a user-assigned identity; `nil` for the system-assigned one.
    public let clientID: String?

    /// The IMDS token URL (link-local, reachable only from inside the Azure host).
    public static let imdsURL = "http://169.254.169.254/metadata/identity/oauth2/token"

    /// A provider for `cloud`'s Graph resource.
    public init(
        clientID: String?, cloud: GraphCloud, transport: any HTTPTransport, effects: SideEffects,
        redactor: SecretRedactor,
        retryPolicy: RetryPolicy = .default
    ) {
        self.clientID = clientID
        self.endpoint = TokenEndpoint(
            cloud: cloud, transport: transport, effects: effects, redactor: redactor, retryPolicy: retryPolicy)
    }

    /// Obtains a token for `tenant`; throws ``AuthError`` naming what is missing, never a secret.
    public func token(for tenant: String) async throws -> AccessToken {
        let environment = endpoint.effects.environment
        var query = [GraphQueryItem("resource", endpoint.cloud.resource)]
        if let clientID { query.append(GraphQueryItem("client_id", clientID)) }
        let request: HTTPRequest
        if let identityEndpoint = environment["IDENTITY_ENDPOINT"], let identityHeader = environment["IDENTITY_HEADER"]
        {
            endpoint.redactor.register(identityHeader)
            let text =
                identityEndpoint + "?"
                + ([GraphQueryItem("api-version", "2019-08-01")] + query).map(\.encoded).joined(separator: "&")
            guard let url = URL(string: text) else {
                throw AuthError.misconfigured(
                    method: "managed-identity", detail: "IDENTITY_ENDPOINT is not a valid URL")
            }
            request = HTTPRequest(
                method: .get, url: url, headers: ["X-IDENTITY-HEADER": identityHeader, "Metadata": "true"], timeout: 30)
        } else {
            let text =
                Self.imdsURL + "?"
                + ([GraphQueryItem("api-version", "2018-02-01")] + query).map(\.encoded).joined(separator: "&")
            request = HTTPRequest(method: .get, url: URL(string: text)!, headers: ["Metadata": "true"], timeout: 30)
        }
        do {
            let response = try await endpoint.send(request, method: "managed-identity", idempotent: true)
            return try endpoint.parseTokenResponse(response, method: "managed-identity")
        } catch AuthError.tokenEndpointUnreachable(_, let url, let error) {
            throw AuthError.misconfigured(
                method: "managed-identity",
                detail:
                    "the managed identity endpoint \(url) is not reachable (\(error)); this method works only on an Azure host with a managed identity, use another method elsewhere"
            )
        }
    }
}

/// A token acquired beforehand and passed in an environment variable (by a pipeline step, say).
/// It cannot be refreshed; an expired one is reported as such.
public struct EnvironmentTokenProvider: TokenProvider {
    /// The variable holding the token.
    public let variable: String
    let effects: SideEffects
    let redactor: SecretRedactor

    /// A provider reading `variable`.
    public init(variable: String, effects: SideEffects, redactor: SecretRedactor) {
        self.variable = variable
        self.effects = effects
        self.redactor = redactor
    }

    /// Obtains a token for `tenant`; throws ``AuthError`` naming what is missing, never a secret.
    public func token(for tenant: String) async throws -> AccessToken {
        guard var token = effects.environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty
        else {
            throw AuthError.missingEnvironmentVariable(
                name: variable, purpose: "an access token for Microsoft Graph", method: "token-env")
        }
        if token.lowercased().hasPrefix("bearer ") {
            token = String(token.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        redactor.register(token)
        guard let expiry = JWT.expiry(of: token) else {
            // Not a readable JWT: let Graph judge it.
            return AccessToken(token: token, expiresOn: .distantFuture)
        }
        if expiry <= effects.now() { throw AuthError.expiredToken(variable: variable, expiredAt: expiry) }
        return AccessToken(token: token, expiresOn: expiry)
    }
}

/// The signed-in Azure CLI: `az account get-access-token`, run through the process seam.
public struct AzureCLITokenProvider: TokenProvider {
    let cloud: GraphCloud
    let effects: SideEffects
    let redactor: SecretRedactor

    /// A provider for `cloud`'s Graph resource.
    public init(cloud: GraphCloud, effects: SideEffects, redactor: SecretRedactor) {
        self.cloud = cloud
        self.effects = effects
        self.redactor = redactor
    }

    /// Obtains a token for `tenant`; throws ``AuthError`` naming what is missing, never a secret.
    public func token(for tenant: String) async throws -> AccessToken {
        let invocation = ProcessInvocation(
            executable: "az",
            arguments: [
                "account", "get-access-token", "--resource", cloud.resource, "--tenant", tenant, "--output", "json",
            ])
        let output: ProcessOutput
        do {
            output = try await effects.runProcess(invocation)
        } catch ProcessRunnerError.notFound {
            throw AuthError.toolMissing(
                tool: "az", method: "azure-cli",
                advice: "install the Azure CLI and run `az login --tenant \(tenant)`, or choose another auth method")
        }
        guard output.exitCode == 0 else {
            let detail = redactor.redact(GraphError.oneLine(String(decoding: output.standardError, as: UTF8.self)))
            throw AuthError.toolFailed(
                tool: "az", method: "azure-cli", exitCode: output.exitCode, detail: detail,
                advice: "run `az login --tenant \(tenant)` (and `az cloud set` for a national cloud)")
        }
        guard let json = try? JSONParser.parse(bytes: [UInt8](output.standardOutput)),
            let token = json["accessToken"]?.stringValue, !token.isEmpty
        else {
            throw AuthError.invalidTokenResponse(
                method: "azure-cli", detail: "`az account get-access-token` printed no accessToken")
        }
        redactor.register(token)
        if let epoch = TokenEndpoint.number(json["expires_on"]) {
            return AccessToken(token: token, expiresOn: Date(timeIntervalSince1970: epoch))
        }
        if let text = json["expiresOn"]?.stringValue, let date = Self.parseLocalDate(text) {
            return AccessToken(token: token, expiresOn: date)
        }
        return AccessToken(token: token, expiresOn: JWT.expiry(of: token) ?? effects.now().addingTimeInterval(300))
    }

    /// `expiresOn` is local time without a zone (`2026-11-23 05:12:00.000000`).
    static func parseLocalDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        for format in ["yyyy-MM-dd HH:mm:ss.SSSSSS", "yyyy-MM-dd HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

/// The Azure SDK `EnvironmentCredential` conventions, so CI setups carry over: `AZURE_CLIENT_ID`
/// with `AZURE_CLIENT_SECRET` (preferred), `AZURE_CLIENT_CERTIFICATE_PATH`, or
/// `AZURE_FEDERATED_TOKEN_FILE`; `AZURE_TENANT_ID` overrides the file's tenant and
/// `AZURE_AUTHORITY_HOST` the login endpoint.
public struct AzureEnvironmentTokenProvider: TokenProvider {
    let cloud: GraphCloud
    let transport: any HTTPTransport
    let effects: SideEffects
    let redactor: SecretRedactor
    let retryPolicy: RetryPolicy

    /// A provider configured from `effects.environment` at token time.
    public init(
        cloud: GraphCloud, transport: any HTTPTransport, effects: SideEffects, redactor: SecretRedactor,
        retryPolicy: RetryPolicy = .default
    ) {
        self.cloud = cloud
        self.transport = transport
        self.effects = effects
        self.redactor = redactor
        self.retryPolicy = retryPolicy
    }

    /// Obtains a token for `tenant`; throws ``AuthError`` naming what is missing, never a secret.
    public func token(for tenant: String) async throws -> AccessToken {
        let environment = effects.environment.filter { !$0.value.isEmpty }
        let method = "environment"
        guard let clientID = environment["AZURE_CLIENT_ID"] else {
            throw AuthError.missingEnvironmentVariable(
                name: "AZURE_CLIENT_ID", purpose: "the application (client) id", method: method)
        }
        var cloud = self.cloud
        if let host = environment["AZURE_AUTHORITY_HOST"] {
            if let problem = EndpointPolicy.problem(with: host) {
                throw AuthError.misconfigured(method: method, detail: "AZURE_AUTHORITY_HOST: \(problem)")
            }
            var trimmed = host
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            guard let url = URL(string: trimmed) else {
                throw AuthError.misconfigured(method: method, detail: "AZURE_AUTHORITY_HOST is not a valid URL")
            }
            cloud.loginURL = url
        }
        let tenant = environment["AZURE_TENANT_ID"] ?? tenant
        let endpoint = TokenEndpoint(
            cloud: cloud, transport: transport, effects: effects, redactor: redactor, retryPolicy: retryPolicy)
        if environment["AZURE_CLIENT_SECRET"] != nil {
            return try await ClientSecretTokenProvider(
                clientID: clientID, secretVariable: "AZURE_CLIENT_SECRET", endpoint: endpoint, methodName: method
            ).token(for: tenant)
        }
        if let certificate = environment["AZURE_CLIENT_CERTIFICATE_PATH"] {
            let setting = CertificateSetting(
                clientID: clientID, certificate: .file(certificate), privateKeyFile: certificate)
            return try await CertificateTokenProvider(setting: setting, endpoint: endpoint, methodName: method).token(
                for: tenant)
        }
        if environment["AZURE_FEDERATED_TOKEN_FILE"] != nil {
            return try await WorkloadIdentityTokenProvider(
                clientID: clientID, tokenFileVariable: "AZURE_FEDERATED_TOKEN_FILE", endpoint: endpoint,
                methodName: method
            ).token(for: tenant)
        }
        throw AuthError.misconfigured(
            method: method,
            detail:
                "AZURE_CLIENT_ID is set but none of AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE is; set one of them"
        )
    }
}

/// Builds the provider an environment file's `auth` names.
public enum TokenProviders {
    /// The provider for `auth` in `cloud`, not yet cached (``GraphClient`` adds the cache).
    public static func make(
        for auth: AuthSetting, cloud: GraphCloud, transport: any HTTPTransport, effects: SideEffects,
        redactor: SecretRedactor,
        retryPolicy: RetryPolicy = .default
    ) -> any TokenProvider {
        switch auth {
        case .clientSecret(let clientID, let secretEnv):
            ClientSecretTokenProvider(
                clientID: clientID, secretVariable: secretEnv, cloud: cloud, transport: transport, effects: effects,
                redactor: redactor,
                retryPolicy: retryPolicy)
        case .workloadIdentity(let clientID, let tokenFileEnv):
            WorkloadIdentityTokenProvider(
                clientID: clientID, tokenFileVariable: tokenFileEnv, cloud: cloud, transport: transport,
                effects: effects,
                redactor: redactor, retryPolicy: retryPolicy)
        case .managedIdentity(let clientID):
            ManagedIdentityTokenProvider(
                clientID: clientID, cloud: cloud, transport: transport, effects: effects, redactor: redactor,
                retryPolicy: retryPolicy)
        case .azureCLI:
            AzureCLITokenProvider(cloud: cloud, effects: effects, redactor: redactor)
        case .tokenEnv(let variable):
            EnvironmentTokenProvider(variable: variable, effects: effects, redactor: redactor)
        case .environment:
            AzureEnvironmentTokenProvider(
                cloud: cloud, transport: transport, effects: effects, redactor: redactor, retryPolicy: retryPolicy)
        case .certificate(let setting):
            CertificateTokenProvider(
                setting: setting, cloud: cloud, transport: transport, effects: effects, redactor: redactor,
                retryPolicy: retryPolicy)
        }
    }
}
