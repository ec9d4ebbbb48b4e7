/// Everything wrong with one environment file, reported together so that one run shows all.
public struct EnvironmentFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One problem at one place in the file.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// Where in the file.
        public var path: JSONPath
        /// What is wrong and what to do about it.
        public var message: String

        /// A problem.
        public init(path: JSONPath, message: String) {
            self.path = path
            self.message = message
        }

        /// `at `auth.clientId`: expected a string`
        public var description: String {
            path.components.isEmpty ? message : "at `\(path)`: \(message)"
        }
    }

    /// The file, as the user named it (`environments/prod.json`).
    public var file: String
    /// The problems, in file order.
    public var problems: [Problem]

    /// An error for `file`.
    public init(file: String, problems: [Problem]) {
        self.file = file
        self.problems = problems
    }

    /// One line per problem: `environments/prod.json: at `auth.clientId`: expected a string`.
    public var description: String {
        problems.map { "\(file): \($0)" }.joined(separator: "\n")
    }
}

extension EnvironmentFile {
    /// Decodes an environment file that has already been parsed as JSON.
    ///
    /// - Parameter file: the file name used in messages (`environments/prod.json`).
    /// - Throws: ``EnvironmentFileError`` listing every problem found.
    public static func decode(_ value: JSONValue, file: String) throws(EnvironmentFileError) -> EnvironmentFile {
        var decoder = EnvironmentDecoder()
        let result = decoder.decodeFile(value)
        if let result, decoder.problems.isEmpty { return result }
        throw EnvironmentFileError(file: file, problems: decoder.problems)
    }

    /// The keys each auth method takes besides `method` (also the source of the JSON Schema).
    public static var authMethodKeys: [String: [String]] { EnvironmentDecoder.methodKeys }

    /// The keys allowed at the top level of an environment file.
    public static let topLevelKeys = [
        "syncschema", "$schema", "tenant", "cloud", "auth", "apps", "variables", "protected",
    ]
}

/// Walks the JSON, collecting problems instead of stopping at the first.
private struct EnvironmentDecoder {
    var problems: [EnvironmentFileError.Problem] = []

    mutating func fail(_ path: JSONPath, _ message: String) {
        problems.append(.init(path: path, message: message))
    }

    mutating func decodeFile(_ value: JSONValue) -> EnvironmentFile? {
        guard let object = value.objectValue else {
            fail(
                .root,
                "expected a JSON object with `\"syncschema\": 1` as its first key, found \(value.kindDescription)")
            return nil
        }
        guard checkVersion(object) else { return nil }
        rejectUnknownKeys(object, allowed: EnvironmentFile.topLevelKeys, at: .root)

        let tenant = requiredString(
            object, "tenant", at: .root, hint: "the tenant id or its primary domain, e.g. `contoso.onmicrosoft.com`")
        let cloud = object["cloud"].map { decodeCloud($0, at: [.key("cloud")]) } ?? EnvironmentFile.Defaults.cloud
        var auth: AuthSetting?
        if let authValue = object["auth"] {
            auth = decodeAuth(authValue, at: [.key("auth")])
        } else {
            fail(
                .root,
                "missing `auth`: add e.g. `\"auth\": { \"method\": \"azure-cli\" }` (see docs/auth.md for every method)"
            )
        }
        let apps = object["apps"].map { decodeApps($0, at: [.key("apps")]) } ?? EnvironmentFile.Defaults.apps
        let variables =
            object["variables"].map { decodeVariables($0, at: [.key("variables")]) }
            ?? EnvironmentFile.Defaults.variables
        var isProtected = EnvironmentFile.Defaults.isProtected
        if let value = object["protected"] {
            if let flag = value.boolValue {
                isProtected = flag
            } else {
                fail([.key("protected")], "expected true or false, found \(value.kindDescription)")
            }
        }
        var jsonSchema = EnvironmentFile.Defaults.jsonSchema
        if let value = object["$schema"] {
            if let text = value.stringValue {
                jsonSchema = text
            } else {
                fail([.key("$schema")], "expected a string (a JSON Schema URL), found \(value.kindDescription)")
            }
        }
        guard let tenant, let auth else { return nil }
        return EnvironmentFile(
            tenant: tenant, auth: auth, cloud: cloud, apps: apps, variables: variables, isProtected: isProtected,
            jsonSchema: jsonSchema)
    }

    /// The version key decides how the rest is read, so a wrong one stops decoding.
    mutating func checkVersion(_ object: JSONObject) -> Bool {
        guard let version = object["syncschema"] else {
            fail(
                .root,
                "missing the format version: add `\"syncschema\": \(EnvironmentFile.formatVersion)` as the first key")
            return false
        }
        guard let number = version.intValue else {
            fail(
                [.key("syncschema")],
                "expected the format version number \(EnvironmentFile.formatVersion), found \(version.kindDescription)")
            return false
        }
        guard number == EnvironmentFile.formatVersion else {
            fail(
                [.key("syncschema")],
                "this file has format version \(number), but this syncschema reads version \(EnvironmentFile.formatVersion); "
                    + (number > EnvironmentFile.formatVersion
                        ? "upgrade syncschema" : "set it to \(EnvironmentFile.formatVersion)"))
            return false
        }
        return true
    }

    mutating func rejectUnknownKeys(_ object: JSONObject, allowed: [String], at path: JSONPath, context: String? = nil)
    {
        for key in object.keys where !allowed.contains(key) {
            var message = "unknown key `\(key)`" + (context.map { " \($0)" } ?? "")
            if let suggestion = Suggestions.closest(to: key, in: allowed) {
                message += "; did you mean `\(suggestion)`?"
            } else {
                message += "; allowed keys: " + allowed.map { "`\($0)`" }.joined(separator: ", ")
            }
            fail(path.appending(key), message)
        }
    }

    mutating func requiredString(_ object: JSONObject, _ key: String, at path: JSONPath, hint: String) -> String? {
        guard let value = object[key] else {
            fail(path, "missing `\(key)`: \(hint)")
            return nil
        }
        return nonEmptyString(value, at: path.appending(key), hint: hint)
    }

    mutating func nonEmptyString(_ value: JSONValue, at path: JSONPath, hint: String) -> String? {
        guard let text = value.stringValue else {
            fail(path, "expected a string (\(hint)), found \(value.kindDescription)")
            return nil
        }
        guard !text.allSatisfy(\.isWhitespace) else {
            fail(path, "must not be empty: \(hint)")
            return nil
        }
        return text
    }

    /// A key whose value must be the *name* of an environment variable holding a secret. The value
    /// is never echoed: if someone pasted the secret itself, it must not reach a terminal or a log.
    mutating func environmentVariableName(_ object: JSONObject, _ key: String, at path: JSONPath, holding what: String)
        -> String?
    {
        let keyPath = path.appending(key)
        guard let value = object[key] else {
            fail(path, "missing `\(key)`: the name of the environment variable that holds \(what)")
            return nil
        }
        guard let name = value.stringValue else {
            fail(
                keyPath,
                "expected a string naming an environment variable that holds \(what) (the secret itself never goes in this file), found \(value.kindDescription)"
            )
            return nil
        }
        if EnvironmentVariableName.looksLikeSecret(name) {
            fail(
                keyPath,
                "this looks like a secret value, not the name of an environment variable: remove it from this file (and rotate it if it was ever committed), put it in an environment variable and write that variable's name here"
            )
            return nil
        }
        guard EnvironmentVariableName.isValid(name) else {
            fail(
                keyPath,
                "expected the name of an environment variable that holds \(what) (letters, digits and `_`, not starting with a digit); the secret itself never goes in this file"
            )
            return nil
        }
        return name
    }

    mutating func decodeCloud(_ value: JSONValue, at path: JSONPath) -> CloudSetting {
        switch value {
        case .string(let name):
            switch name {
            case "global": return .global
            case "usgov": return .usgov
            case "usgovdod": return .usgovdod
            case "china": return .china
            default:
                var message = "unknown cloud `\(name)`"
                if let suggestion = Suggestions.closest(to: name, in: CloudSetting.names) {
                    message += "; did you mean `\(suggestion)`?"
                }
                message +=
                    " Use one of " + CloudSetting.names.map { "`\($0)`" }.joined(separator: ", ")
                    + ", or `{ \"graph\": URL, \"login\": URL }` for explicit endpoints"
                fail(path, message)
                return .global
            }
        case .object(let object):
            rejectUnknownKeys(object, allowed: ["graph", "login"], at: path)
            let graph = endpoint(object, "graph", at: path, example: "https://graph.microsoft.com")
            let login = endpoint(object, "login", at: path, example: "https://login.microsoftonline.com")
            return .custom(graph: graph ?? "", login: login ?? "")
        default:
            fail(
                path,
                "expected a cloud name (`global`, `usgov`, `usgovdod`, `china`) or `{ \"graph\": URL, \"login\": URL }`, found \(value.kindDescription)"
            )
            return .global
        }
    }

    mutating func endpoint(_ object: JSONObject, _ key: String, at path: JSONPath, example: String) -> String? {
        guard let text = requiredString(object, key, at: path, hint: "a base URL such as `\(example)`") else {
            return nil
        }
        if let problem = EndpointPolicy.problem(with: text) {
            fail(path.appending(key), problem)
            return nil
        }
        return text
    }

    /// Keys people use when they paste a secret into the file.
    static let secretKeys: Set<String> = [
        "clientsecret", "client_secret", "secret", "password", "token", "accesstoken", "access_token", "privatekey",
    ]

    static let methodKeys: [String: [String]] = [
        "client-secret": ["clientId", "clientSecretEnv"],
        "workload-identity": ["clientId", "tokenFileEnv"],
        "managed-identity": ["clientId"],
        "azure-cli": [],
        "token-env": ["tokenEnv"],
        "environment": [],
        "certificate": ["clientId", "certificateFile", "certificateEnv", "privateKeyFile"],
    ]

    mutating func decodeAuth(_ value: JSONValue, at path: JSONPath) -> AuthSetting? {
        guard let object = value.objectValue else {
            fail(path, "expected an object such as `{ \"method\": \"azure-cli\" }`, found \(value.kindDescription)")
            return nil
        }
        guard let methodValue = object["method"] else {
            fail(path, "missing `method`: one of " + AuthSetting.methodNames.map { "`\($0)`" }.joined(separator: ", "))
            return nil
        }
        guard let method = methodValue.stringValue, let allowed = Self.methodKeys[method] else {
            var message = "unknown auth method"
            if let name = methodValue.stringValue {
                message += " `\(name)`"
                if let suggestion = Suggestions.closest(to: name, in: AuthSetting.methodNames) {
                    message += "; did you mean `\(suggestion)`?"
                }
            }
            message += " Use one of " + AuthSetting.methodNames.map { "`\($0)`" }.joined(separator: ", ")
            fail(path.appending("method"), message)
            return nil
        }
        for key in object.keys where key != "method" && !allowed.contains(key) {
            let keyPath = path.appending(key)
            let suggestion = Suggestions.closest(to: key, in: allowed)
            let lowered = key.lowercased()
            let holdsSecret =
                Self.secretKeys.contains(lowered)
                || (suggestion == nil && ["secret", "token", "password"].contains { lowered.contains($0) })
            if holdsSecret {
                fail(
                    keyPath,
                    "secrets never go in this file: remove `\(key)` (and rotate the secret if it was ever committed); put it in an environment variable and name that variable instead"
                        + (method == "client-secret" ? " with `clientSecretEnv`" : ""))
                continue
            }
            var message = "unknown key `\(key)` for auth method `\(method)`"
            if let suggestion {
                message += "; did you mean `\(suggestion)`?"
            } else if allowed.isEmpty {
                message += "; this method takes no other keys"
            } else {
                message += "; allowed keys: " + allowed.map { "`\($0)`" }.joined(separator: ", ")
            }
            fail(keyPath, message)
        }
        let clientHint = "the application (client) id, a GUID"
        switch method {
        case "client-secret":
            let clientID = requiredString(object, "clientId", at: path, hint: clientHint)
            let secretEnv = environmentVariableName(object, "clientSecretEnv", at: path, holding: "the client secret")
            guard let clientID, let secretEnv else { return nil }
            return .clientSecret(clientID: clientID, secretEnv: secretEnv)
        case "workload-identity":
            let clientID = requiredString(object, "clientId", at: path, hint: clientHint)
            var tokenFileEnv: String? = EnvironmentFile.Defaults.federatedTokenFileEnv
            if object["tokenFileEnv"] != nil {
                tokenFileEnv = environmentVariableName(
                    object, "tokenFileEnv", at: path, holding: "the path of the federated token file")
            }
            guard let clientID, let tokenFileEnv else { return nil }
            return .workloadIdentity(clientID: clientID, tokenFileEnv: tokenFileEnv)
        case "managed-identity":
            guard let value = object["clientId"] else { return .managedIdentity(clientID: nil) }
            guard
                let clientID = nonEmptyString(
                    value, at: path.appending("clientId"), hint: "the client id of a user-assigned identity")
            else { return nil }
            return .managedIdentity(clientID: clientID)
        case "azure-cli":
            return .azureCLI
        case "token-env":
            guard let name = environmentVariableName(object, "tokenEnv", at: path, holding: "an access token for Graph")
            else { return nil }
            return .tokenEnv(name)
        case "environment":
            return .environment
        default:
            return decodeCertificate(object, at: path, clientHint: clientHint)
        }
    }

    mutating func decodeCertificate(_ object: JSONObject, at path: JSONPath, clientHint: String) -> AuthSetting? {
        let clientID = requiredString(object, "clientId", at: path, hint: clientHint)
        var source: CertificateSetting.Source?
        switch (object["certificateFile"], object["certificateEnv"]) {
        case (.some, .some):
            fail(path, "give either `certificateFile` or `certificateEnv`, not both")
        case (.some(let value), nil):
            source = nonEmptyString(value, at: path.appending("certificateFile"), hint: "the path of a PEM certificate")
                .map { .file($0) }
        case (nil, .some):
            source = environmentVariableName(object, "certificateEnv", at: path, holding: "the PEM certificate").map {
                .environmentVariable($0)
            }
        case (nil, nil):
            fail(
                path,
                "missing `certificateFile` (a PEM file path) or `certificateEnv` (the name of a variable holding the PEM certificate)"
            )
        }
        var keyFile: String?
        if let value = object["privateKeyFile"] {
            keyFile = nonEmptyString(
                value, at: path.appending("privateKeyFile"), hint: "the path of the PEM private key")
        } else if case .file(let certificateFile) = source {
            keyFile = certificateFile
        } else if source != nil {
            fail(path, "missing `privateKeyFile`: the path of the PEM private key (needed with `certificateEnv`)")
        }
        guard let clientID, let source, let keyFile else { return nil }
        return .certificate(CertificateSetting(clientID: clientID, certificate: source, privateKeyFile: keyFile))
    }

    mutating func decodeApps(_ value: JSONValue, at path: JSONPath) -> [AppLocator] {
        guard let object = value.objectValue else {
            fail(
                path,
                "expected an object `{ \"<app>\": { \"servicePrincipal\": …, \"job\": … } }`, found \(value.kindDescription)"
            )
            return []
        }
        var apps: [AppLocator] = []
        for (name, entry) in object {
            let entryPath = path.appending(name)
            if !AppName.isValid(name) {
                fail(
                    entryPath,
                    "app names are also file names (`schemas/<app>.json`): use letters, digits, `.`, `_` and `-` only, not starting with `.`"
                )
            }
            guard let entryObject = entry.objectValue else {
                fail(
                    entryPath,
                    "expected an object `{ \"servicePrincipal\": …, \"job\": … }`, found \(entry.kindDescription)")
                continue
            }
            rejectUnknownKeys(entryObject, allowed: ["servicePrincipal", "job"], at: entryPath)
            let servicePrincipal = requiredString(
                entryObject, "servicePrincipal", at: entryPath,
                hint: "the service principal's object id, appId or display name")
            var job: String?
            if let jobValue = entryObject["job"] {
                job = nonEmptyString(
                    jobValue, at: entryPath.appending("job"), hint: "a job id or a template id such as `API2AAD`")
            }
            if let servicePrincipal {
                apps.append(AppLocator(name: name, servicePrincipal: servicePrincipal, job: job))
            }
        }
        return apps
    }

    mutating func decodeVariables(_ value: JSONValue, at path: JSONPath) -> [String: String] {
        guard let object = value.objectValue else {
            fail(path, "expected an object of names to string values, found \(value.kindDescription)")
            return [:]
        }
        var variables: [String: String] = [:]
        for (name, entry) in object {
            let entryPath = path.appending(name)
            if !EnvironmentVariableName.isValid(name) {
                fail(
                    entryPath,
                    "variable names are used as `${name}`: use letters, digits and `_`, not starting with a digit")
            }
            guard let text = entry.stringValue else {
                fail(
                    entryPath,
                    "expected a string value, found \(entry.kindDescription); write numbers and booleans as strings")
                continue
            }
            variables[name] = text
        }
        return variables
    }
}

/// Rules for the names of environment variables (and of `${…}` variables, which follow them).
public enum EnvironmentVariableName {
    /// `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || isASCIILetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || isASCIILetter($0) || ("0"..."9").contains($0) }
    }

    /// Whether a value given where a variable *name* belongs is probably a pasted secret: Entra
    /// client secrets contain `~`, and long strings mixing lower case, upper case and digits (or
    /// other symbols) are not how people name variables.
    public static func looksLikeSecret(_ value: String) -> Bool {
        if value.contains("~") { return true }
        guard value.count > 40 else { return false }
        let scalars = value.unicodeScalars
        let lower = scalars.contains { ("a"..."z").contains($0) }
        let upper = scalars.contains { ("A"..."Z").contains($0) }
        let digit = scalars.contains { ("0"..."9").contains($0) }
        let symbol = scalars.contains { !isASCIILetter($0) && !("0"..."9").contains($0) && $0 != "_" }
        return (lower && upper && digit) || symbol
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}

/// Rules for app names, which become file and directory names.
public enum AppName {
    /// Letters, digits, `.`, `_`, `-`; not empty, not starting with `.`.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != "." else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "._-".unicodeScalars.contains($0)
        }
    }
}

/// The transport-security rule for Graph and login endpoints: HTTPS, except on the loopback
/// interface (the emulator), where plain HTTP is allowed because nothing leaves the machine.
public enum EndpointPolicy {
    /// Host names treated as loopback.
    public static let loopbackHosts: Set<String> = ["localhost", "127.0.0.1", "::1", "[::1]"]

    /// Why `url` is not acceptable as a base URL, or `nil` when it is.
    public static func problem(with url: String) -> String? {
        let lowered = url.lowercased()
        let scheme: String
        if lowered.hasPrefix("https://") {
            scheme = "https"
        } else if lowered.hasPrefix("http://") {
            scheme = "http"
        } else {
            return "expected an absolute `https://` URL"
        }
        let rest = lowered.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let host = hostName(ofAuthority: String(authority)), !host.isEmpty else {
            return "expected an absolute `https://` URL with a host name"
        }
        if scheme == "http" && !loopbackHosts.contains(host) {
            return "plain `http://` is only allowed for loopback hosts (127.0.0.1, ::1, localhost); use `https://`"
        }
        if rest.contains("?") || rest.contains("#") {
            return "a base URL must not have a query or fragment"
        }
        return nil
    }

    /// Whether `host` (without brackets or port) is a loopback host.
    public static func isLoopback(host: String) -> Bool { loopbackHosts.contains(host.lowercased()) }

    private static func hostName(ofAuthority authority: String) -> String? {
        var text = Substring(authority)
        if let at = text.lastIndex(of: "@") { text = text[text.index(after: at)...] }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            return String(text[text.index(after: text.startIndex)..<close])
        }
        return String(text.prefix { $0 != ":" })
    }
}
