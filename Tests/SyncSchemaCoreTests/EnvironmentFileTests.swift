import SyncSchemaCore
import Testing

@Suite struct EnvironmentFileTests {
    let file = "environments/prod.json"

    func decode(_ text: String) throws -> EnvironmentFile {
        try EnvironmentFile.decode(JSONParser.parse(text), file: file)
    }

    /// The error text for a file that must fail.
    func errorText(_ text: String) throws -> String {
        do {
            _ = try decode(text)
            Issue.record("expected decoding to fail")
            return ""
        } catch let error as EnvironmentFileError {
            return error.description
        }
    }

    @Test func minimalFileYieldsTheDefaults() throws {
        let environment = try decode(
            #"{ "syncschema": 1, "tenant": "contoso.onmicrosoft.com", "auth": { "method": "azure-cli" } }"#)
        #expect(environment.tenant == "contoso.onmicrosoft.com")
        #expect(environment.auth == .azureCLI)
        #expect(environment.cloud == EnvironmentFile.Defaults.cloud)
        #expect(environment.apps == EnvironmentFile.Defaults.apps)
        #expect(environment.variables == EnvironmentFile.Defaults.variables)
        #expect(environment.isProtected == EnvironmentFile.Defaults.isProtected)
        #expect(environment.jsonSchema == EnvironmentFile.Defaults.jsonSchema)
        #expect(environment == EnvironmentFile(tenant: "contoso.onmicrosoft.com", auth: .azureCLI))
        // The defaults themselves, pinned: changing one is a user-visible change.
        #expect(EnvironmentFile.Defaults.cloud == .global)
        #expect(EnvironmentFile.Defaults.isProtected == false)
    }

    @Test func fullFileDecodes() throws {
        let environment = try decode(
            #"""
            {
              "syncschema": 1,
              "$schema": "https://example.com/env.schema.json",
              "tenant": "contoso.onmicrosoft.com",
              "cloud": "usgov",
              "auth": { "method": "client-secret", "clientId": "11111111-2222-3333-4444-555555555555", "clientSecretEnv": "SYNCSCHEMA_PROD_SECRET" },
              "apps": {
                "hr-employees": { "servicePrincipal": "HR inbound", "job": "API2AAD" },
                "cloud-sync": { "servicePrincipal": "0b3e0000-0000-0000-0000-000000000001" }
              },
              "variables": { "extensionAppId": "0b3e1234", "domain": "contoso.com" },
              "protected": true
            }
            """#)
        #expect(environment.cloud == .usgov)
        #expect(
            environment.auth
                == .clientSecret(clientID: "11111111-2222-3333-4444-555555555555", secretEnv: "SYNCSCHEMA_PROD_SECRET"))
        #expect(environment.apps.map(\.name) == ["hr-employees", "cloud-sync"])
        #expect(
            environment.app(named: "hr-employees")
                == AppLocator(name: "hr-employees", servicePrincipal: "HR inbound", job: "API2AAD"))
        #expect(environment.app(named: "cloud-sync")?.job == nil)
        #expect(environment.variables == ["extensionAppId": "0b3e1234", "domain": "contoso.com"])
        #expect(environment.isProtected)
        #expect(environment.jsonSchema == "https://example.com/env.schema.json")
    }

    @Test(arguments: [
        (
            #"{ "method": "workload-identity", "clientId": "c" }"#,
            AuthSetting.workloadIdentity(clientID: "c", tokenFileEnv: "AZURE_FEDERATED_TOKEN_FILE")
        ),
        (
            #"{ "method": "workload-identity", "clientId": "c", "tokenFileEnv": "MY_TOKEN_FILE" }"#,
            .workloadIdentity(clientID: "c", tokenFileEnv: "MY_TOKEN_FILE")
        ),
        (#"{ "method": "managed-identity" }"#, .managedIdentity(clientID: nil)),
        (#"{ "method": "managed-identity", "clientId": "u" }"#, .managedIdentity(clientID: "u")),
        (#"{ "method": "token-env", "tokenEnv": "GRAPH_TOKEN" }"#, .tokenEnv("GRAPH_TOKEN")),
        (#"{ "method": "environment" }"#, .environment),
        (
            #"{ "method": "certificate", "clientId": "c", "certificateFile": "cert.pem" }"#,
            .certificate(CertificateSetting(clientID: "c", certificate: .file("cert.pem"), privateKeyFile: "cert.pem"))
        ),
        (
            #"{ "method": "certificate", "clientId": "c", "certificateEnv": "CERT_PEM", "privateKeyFile": "key.pem" }"#,
            .certificate(
                CertificateSetting(
                    clientID: "c", certificate: .environmentVariable("CERT_PEM"), privateKeyFile: "key.pem"))
        ),
    ])
    func authMethodsDecode(_ auth: String, _ expected: AuthSetting) throws {
        let environment = try decode(#"{ "syncschema": 1, "tenant": "t", "auth": \#(auth) }"#)
        #expect(environment.auth == expected)
    }

    @Test func customCloudAllowsHTTPSAndLoopbackOnly() throws {
        let emulator = try decode(
            #"{ "syncschema": 1, "tenant": "t", "cloud": { "graph": "http://127.0.0.1:8080", "login": "http://localhost:8080" }, "auth": { "method": "azure-cli" } }"#
        )
        #expect(emulator.cloud == .custom(graph: "http://127.0.0.1:8080", login: "http://localhost:8080"))
        let text = try errorText(
            #"{ "syncschema": 1, "tenant": "t", "cloud": { "graph": "http://graph.example.com", "login": "https://login.example.com" }, "auth": { "method": "azure-cli" } }"#
        )
        #expect(
            text
                == "environments/prod.json: at `cloud.graph`: plain `http://` is only allowed for loopback hosts (127.0.0.1, ::1, localhost); use `https://`"
        )
    }

    @Test func missingVersionIsAClearError() throws {
        let text = try errorText(#"{ "tenant": "t", "auth": { "method": "azure-cli" } }"#)
        #expect(text == #"environments/prod.json: missing the format version: add `"syncschema": 1` as the first key"#)
    }

    @Test func otherVersionIsAClearError() throws {
        let text = try errorText(#"{ "syncschema": 2, "tenant": "t", "auth": { "method": "azure-cli" } }"#)
        #expect(
            text
                == "environments/prod.json: at `syncschema`: this file has format version 2, but this syncschema reads version 1; upgrade syncschema"
        )
    }

    @Test func unknownKeysGetASuggestion() throws {
        let text = try errorText(
            #"{ "syncschema": 1, "tenant": "t", "protectd": true, "auth": { "method": "client-secret", "clientId": "c", "clientSecretEnvironment": "X" } }"#
        )
        let lines = text.split(separator: "\n").map(String.init)
        #expect(
            lines.contains("environments/prod.json: at `protectd`: unknown key `protectd`; did you mean `protected`?"))
        #expect(
            lines.contains {
                $0.hasPrefix("environments/prod.json: at `auth.clientSecretEnvironment`: unknown key")
                    && $0.contains("did you mean `clientSecretEnv`?")
            })
        // Every problem is reported, not just the first: the missing clientSecretEnv too.
        #expect(lines.contains { $0.hasPrefix("environments/prod.json: at `auth`: missing `clientSecretEnv`") })
    }

    @Test func unknownMethodAndCloudGetSuggestions() throws {
        let text = try errorText(
            #"{ "syncschema": 1, "tenant": "t", "cloud": "usgovdd", "auth": { "method": "client-secrets" } }"#)
        #expect(text.contains("at `cloud`: unknown cloud `usgovdd`; did you mean `usgovdod`?"))
        #expect(text.contains("at `auth.method`: unknown auth method `client-secrets`; did you mean `client-secret`?"))
    }

    @Test func secretEnvMustBeAString() throws {
        let text = try errorText(
            #"{ "syncschema": 1, "tenant": "t", "auth": { "method": "client-secret", "clientId": "c", "clientSecretEnv": 42 } }"#
        )
        #expect(
            text
                == "environments/prod.json: at `auth.clientSecretEnv`: expected a string naming an environment variable that holds the client secret (the secret itself never goes in this file), found a number"
        )
    }

    @Test(arguments: [
        "abc~DEF.ghi_jkl", "Xy7Q~a1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvWxYz12", "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6kL9nP2",
    ])
    func aPastedSecretIsRejectedWithoutEchoingIt(_ secret: String) throws {
        let text = try errorText(
            #"{ "syncschema": 1, "tenant": "t", "auth": { "method": "client-secret", "clientId": "c", "clientSecretEnv": "\#(secret)" } }"#
        )
        #expect(text.contains("at `auth.clientSecretEnv`: this looks like a secret value"))
        #expect(!text.contains(secret))
    }

    @Test func aSecretUnderAnotherKeyIsRejectedWithoutEchoingIt() throws {
        let secret = "Q1w2E3r4~T5y6U7i8O9p0"
        let text = try errorText(
            #"{ "syncschema": 1, "tenant": "t", "auth": { "method": "client-secret", "clientId": "c", "clientSecret": "\#(secret)", "clientSecretEnv": "S" } }"#
        )
        #expect(text.contains("at `auth.clientSecret`: secrets never go in this file"))
        #expect(!text.contains(secret))
    }

    @Test func anInvalidVariableNameIsNotEchoed() throws {
        let text = try errorText(
            #"{ "syncschema": 1, "tenant": "t", "auth": { "method": "token-env", "tokenEnv": "not a name" } }"#)
        #expect(text.contains("at `auth.tokenEnv`: expected the name of an environment variable"))
        #expect(!text.contains("not a name"))
    }

    @Test func appsAndVariablesAreChecked() throws {
        let text = try errorText(
            #"{ "syncschema": 1, "tenant": "t", "auth": { "method": "azure-cli" }, "apps": { "../x": { "servicePrincipal": "s" }, "hr": { "job": "API2AAD", "jobs": 1 } }, "variables": { "n": 1 } }"#
        )
        let lines = text.split(separator: "\n").map(String.init)
        #expect(
            lines.contains {
                $0.hasPrefix(#"environments/prod.json: at `apps["../x"]`: app names are also file names"#)
            })
        #expect(lines.contains("environments/prod.json: at `apps.hr.jobs`: unknown key `jobs`; did you mean `job`?"))
        #expect(lines.contains { $0.hasPrefix("environments/prod.json: at `apps.hr`: missing `servicePrincipal`") })
        #expect(
            lines.contains {
                $0.hasPrefix("environments/prod.json: at `variables.n`: expected a string value, found a number")
            })
    }

    @Test func certificateNeedsExactlyOneSource() throws {
        let both = try errorText(
            #"{ "syncschema": 1, "tenant": "t", "auth": { "method": "certificate", "clientId": "c", "certificateFile": "a", "certificateEnv": "B" } }"#
        )
        #expect(both.contains("give either `certificateFile` or `certificateEnv`, not both"))
        let envWithoutKey = try errorText(
            #"{ "syncschema": 1, "tenant": "t", "auth": { "method": "certificate", "clientId": "c", "certificateEnv": "B" } }"#
        )
        #expect(envWithoutKey.contains("missing `privateKeyFile`"))
    }

    @Test func suggestionsNeedToBeClose() {
        #expect(Suggestions.closest(to: "tenat", in: EnvironmentFile.topLevelKeys) == "tenant")
        #expect(Suggestions.closest(to: "zzzzzz", in: EnvironmentFile.topLevelKeys) == nil)
        #expect(Suggestions.editDistance("kitten", "sitting") == 3)
    }
}
