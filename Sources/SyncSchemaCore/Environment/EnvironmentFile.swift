/// One deployment target, decoded from `environments/<env>.json`: which tenant and cloud, how to
/// authenticate, where each app's provisioning job lives, and the values of the variables that
/// schema files use.
///
/// The file names environment variables that hold secrets, never a secret itself, so that it can
/// be committed and reviewed like code.
public struct EnvironmentFile: Hashable, Sendable {
    /// The format version this build reads and writes (`"syncschema": 1`).
    public static let formatVersion = 1

    /// The tenant id or primary domain (`contoso.onmicrosoft.com`), used in the token URL.
    public var tenant: String
    /// Which Microsoft cloud (or which explicit endpoints, such as the emulator) to talk to.
    public var cloud: CloudSetting
    /// How to obtain an access token for Graph.
    public var auth: AuthSetting
    /// The apps managed in this environment, by app name (the `schemas/<app>.json` file name), in
    /// file order.
    public var apps: [AppLocator]
    /// Values substituted for `${name}` in schema files, by variable name.
    public var variables: [String: String]
    /// Whether changes here need an explicit `--confirm-env` on top of `--auto-approve`.
    public var isProtected: Bool
    /// The optional `"$schema"` URL editors use for completion; not interpreted.
    public var jsonSchema: String?

    /// Builds an environment; omitted values take the defaults of ``Defaults``.
    public init(
        tenant: String, auth: AuthSetting, cloud: CloudSetting = Defaults.cloud, apps: [AppLocator] = Defaults.apps,
        variables: [String: String] = Defaults.variables, isProtected: Bool = Defaults.isProtected,
        jsonSchema: String? = Defaults.jsonSchema
    ) {
        self.tenant = tenant
        self.cloud = cloud
        self.auth = auth
        self.apps = apps
        self.variables = variables
        self.isProtected = isProtected
        self.jsonSchema = jsonSchema
    }

    /// The values of every optional key, in one place, so that the documentation, the decoder and
    /// the tests cannot disagree about them.
    public enum Defaults {
        /// The public Microsoft cloud.
        public static let cloud = CloudSetting.global
        /// No apps.
        public static let apps: [AppLocator] = []
        /// No variables.
        public static let variables: [String: String] = [:]
        /// Not protected.
        public static let isProtected = false
        /// No `$schema`.
        public static let jsonSchema: String? = nil
        /// The variable that holds the path of the federated token file (as Azure SDKs use).
        public static let federatedTokenFileEnv = "AZURE_FEDERATED_TOKEN_FILE"
    }

    /// The app with this name, if the environment declares it.
    public func app(named name: String) -> AppLocator? { apps.first { $0.name == name } }
}

/// The Microsoft cloud an environment lives in (`cloud` in the environment file).
public enum CloudSetting: Hashable, Sendable {
    /// `graph.microsoft.com` and `login.microsoftonline.com` (also GCC).
    case global
    /// US Government L4 (GCC High).
    case usgov
    /// US Government L5 (DoD).
    case usgovdod
    /// Microsoft Azure operated by 21Vianet.
    case china
    /// Explicit base URLs, for the emulator or a proxy: `{ "graph": URL, "login": URL }`.
    case custom(graph: String, login: String)

    /// The names accepted as a string value of `cloud`.
    public static let names = ["global", "usgov", "usgovdod", "china"]
}

/// How syncschema authenticates to Graph (`auth` in the environment file).
public enum AuthSetting: Hashable, Sendable {
    /// OAuth client credentials with a shared secret read from the environment variable `secretEnv`.
    case clientSecret(clientID: String, secretEnv: String)
    /// Workload identity federation: the assertion is the content of the file whose path is in the
    /// environment variable `tokenFileEnv` (`AZURE_FEDERATED_TOKEN_FILE` by default).
    case workloadIdentity(clientID: String, tokenFileEnv: String)
    /// The managed identity of the Azure host (system-assigned, or user-assigned by client id).
    case managedIdentity(clientID: String?)
    /// The signed-in Azure CLI (`az account get-access-token`).
    case azureCLI
    /// A token acquired beforehand, read from the environment variable `tokenEnv`.
    case tokenEnv(String)
    /// `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` or `AZURE_FEDERATED_TOKEN_FILE`,
    /// `AZURE_AUTHORITY_HOST`, as Azure SDKs read them.
    case environment
    /// A client certificate (private_key_jwt).
    case certificate(CertificateSetting)

    /// The method names accepted in `auth.method`.
    public static let methodNames = [
        "client-secret", "workload-identity", "managed-identity", "azure-cli", "token-env", "environment",
        "certificate",
    ]

    /// The `auth.method` name of this setting.
    public var methodName: String {
        switch self {
        case .clientSecret: "client-secret"
        case .workloadIdentity: "workload-identity"
        case .managedIdentity: "managed-identity"
        case .azureCLI: "azure-cli"
        case .tokenEnv: "token-env"
        case .environment: "environment"
        case .certificate: "certificate"
        }
    }
}

/// Where the client certificate and its private key are for the `certificate` auth method.
public struct CertificateSetting: Hashable, Sendable {
    /// Where the PEM certificate comes from.
    public enum Source: Hashable, Sendable {
        /// A PEM file path (it may also hold the private key).
        case file(String)
        /// An environment variable holding the PEM text of the certificate.
        case environmentVariable(String)
    }

    /// The application (client) id.
    public var clientID: String
    /// The certificate, needed for its thumbprint.
    public var certificate: Source
    /// The PEM private key file used for signing; the certificate file when it holds both.
    public var privateKeyFile: String

    /// A certificate setting.
    public init(clientID: String, certificate: Source, privateKeyFile: String) {
        self.clientID = clientID
        self.certificate = certificate
        self.privateKeyFile = privateKeyFile
    }
}

/// Where one app's provisioning job lives (`apps.<name>` in the environment file).
public struct AppLocator: Hashable, Sendable {
    /// The app name, also the schema file name (`schemas/<name>.json`).
    public var name: String
    /// The service principal's object id, appId or display name.
    public var servicePrincipal: String
    /// The job id or template id (`API2AAD`); `nil` when the service principal has only one job.
    public var job: String?

    /// An app locator.
    public init(name: String, servicePrincipal: String, job: String?) {
        self.name = name
        self.servicePrincipal = servicePrincipal
        self.job = job
    }
}
