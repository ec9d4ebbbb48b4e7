import Foundation
import SyncSchemaCore
import SyncSchemaGraph
import Testing

/// A value shaped like an Entra client secret; it must never appear in any output.
let knownSecret = "Xq8~SuperSecret.Value_1234567890abcdefGHIJ"

@Suite struct ClientSecretTests {
    @Test func tokenRequestIsAFormPostWithTheSecretFromTheNamedVariable() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([Stub.token])
        let effects = makeEffects(clock: clock, environment: ["PROD_SECRET": knownSecret])
        let provider = ClientSecretTokenProvider(
            clientID: "app-id", secretVariable: "PROD_SECRET", cloud: .global, transport: transport, effects: effects,
            redactor: SecretRedactor())
        let token = try await provider.token(for: "contoso.onmicrosoft.com")
        #expect(token.token == "graph-token-1234567")
        #expect(token.expiresOn == clock.now.addingTimeInterval(3599))
        let request = try #require(transport.requests.first)
        #expect(request.method == .post)
        #expect(
            request.url.absoluteString == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(
            FormEncoding.fields(request.body!).map { [$0.0, $0.1] } == [
                ["client_id", "app-id"], ["scope", "https://graph.microsoft.com/.default"],
                ["client_secret", knownSecret],
                ["grant_type", "client_credentials"],
            ])
        // The secret's `~` and `.` survive form encoding; `/` and `:` in the scope are encoded.
        #expect(
            String(decoding: request.body!, as: UTF8.self).contains(
                "scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"))
        #expect(!"\(token)".contains(token.token))
    }

    @Test func nationalCloudsUseTheirOwnLoginAndScope() async throws {
        let transport = ScriptedTransport([Stub.token])
        let provider = ClientSecretTokenProvider(
            clientID: "app-id", secretVariable: "S", cloud: .usgovdod, transport: transport,
            effects: makeEffects(environment: ["S": knownSecret]), redactor: SecretRedactor())
        _ = try await provider.token(for: "tenant-id")
        let request = try #require(transport.requests.first)
        #expect(request.url.absoluteString == "https://login.microsoftonline.us/tenant-id/oauth2/v2.0/token")
        #expect(formFields(request)["scope"] == "https://dod-graph.microsoft.us/.default")
    }

    @Test func aMissingVariableIsNamedAndNothingIsSent() async throws {
        let transport = ScriptedTransport([])
        let provider = ClientSecretTokenProvider(
            clientID: "app-id", secretVariable: "PROD_SECRET", cloud: .global, transport: transport,
            effects: makeEffects(),
            redactor: SecretRedactor())
        let text = await errorText { _ = try await provider.token(for: "t") }
        #expect(
            text
                == "Authentication (client-secret) failed: the environment variable PROD_SECRET is not set; set it to the client secret of application app-id"
        )
        #expect(transport.requests.isEmpty)
    }

    @Test func anAADErrorBecomesOneLineWithoutTheSecret() async throws {
        // A body that even echoes the secret: the message must still not show it.
        let body =
            #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided (\#(knownSecret)).\r\nTrace ID: 0000\r\nCorrelation ID: 1111\r\nTimestamp: 2026-11-23 04:00:00Z","error_codes":[7000215]}"#
        let transport = ScriptedTransport([Stub.json(401, body)])
        let provider = ClientSecretTokenProvider(
            clientID: "app-id", secretVariable: "S", cloud: .global, transport: transport,
            effects: makeEffects(environment: ["S": knownSecret]), redactor: SecretRedactor())
        let text = await errorText { _ = try await provider.token(for: "t") }
        #expect(
            text
                == "Authentication (client-secret) failed: the token endpoint answered HTTP 401 invalid_client: AADSTS7000215: Invalid client secret provided ([redacted]).; the client secret is wrong; check the value of the secret's environment variable"
        )
        #expect(!text.contains(knownSecret))
        #expect(!text.contains("\n"))
    }

    @Test func graphClientWrapsAuthFailures() async throws {
        let environment = try EnvironmentFile.decode(
            JSONParser.parse(
                #"{ "syncschema": 1, "tenant": "t", "auth": { "method": "client-secret", "clientId": "c", "clientSecretEnv": "NOPE" } }"#
            ),
            file: "environments/dev.json")
        let client = try GraphClient(environment: environment, transport: ScriptedTransport([]), effects: makeEffects())
        do {
            _ = try await client.getSchema(servicePrincipalID: "sp", jobID: "job")
            Issue.record("expected an error")
        } catch {
            guard case .authentication(.missingEnvironmentVariable(let name, _, _)) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(name == "NOPE")
        }
    }
}

@Suite struct WorkloadIdentityTests {
    @Test func theFederatedTokenFileIsTheClientAssertion() async throws {
        let transport = ScriptedTransport([Stub.token])
        let effects = makeEffects(
            environment: ["AZURE_FEDERATED_TOKEN_FILE": "/var/run/secrets/azure/tokens/azure-identity-token"],
            files: ["/var/run/secrets/azure/tokens/azure-identity-token": "eyJhbGciOi.federated.token\n"])
        let provider = WorkloadIdentityTokenProvider(
            clientID: "app-id", cloud: .global, transport: transport, effects: effects, redactor: SecretRedactor())
        _ = try await provider.token(for: "tenant")
        let request = try #require(transport.requests.first)
        #expect(
            FormEncoding.fields(request.body!).map { [$0.0, $0.1] } == [
                ["client_id", "app-id"], ["scope", "https://graph.microsoft.com/.default"],
                ["client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"],
                ["client_assertion", "eyJhbGciOi.federated.token"], ["grant_type", "client_credentials"],
            ])
    }

    @Test func missingVariableAndUnreadableFileAreNamed() async throws {
        let provider = WorkloadIdentityTokenProvider(
            clientID: "app-id", tokenFileVariable: "MY_TOKEN_FILE", cloud: .global, transport: ScriptedTransport([]),
            effects: makeEffects(),
            redactor: SecretRedactor())
        let missing = await errorText { _ = try await provider.token(for: "t") }
        #expect(
            missing.hasPrefix(
                "Authentication (workload-identity) failed: the environment variable MY_TOKEN_FILE is not set"))
        let unreadable = WorkloadIdentityTokenProvider(
            clientID: "app-id", tokenFileVariable: "MY_TOKEN_FILE", cloud: .global, transport: ScriptedTransport([]),
            effects: makeEffects(environment: ["MY_TOKEN_FILE": "/nowhere/token"]), redactor: SecretRedactor())
        let text = await errorText { _ = try await unreadable.token(for: "t") }
        #expect(
            text.hasPrefix(
                "Authentication (workload-identity) failed: could not read the federated token file at /nowhere/token"))
    }
}

@Suite struct ManagedIdentityTests {
    static let imdsAnswer = Stub.json(
        200,
        #"{"access_token":"mi-token-abcdef","refresh_token":"","expires_in":"86399","expires_on":"1800086399","not_before":"1800000000","resource":"https://graph.microsoft.com","token_type":"Bearer"}"#
    )

    @Test func imdsIsAskedWithTheMetadataHeader() async throws {
        let transport = ScriptedTransport([Self.imdsAnswer])
        let provider = ManagedIdentityTokenProvider(
            clientID: nil, cloud: .global, transport: transport, effects: makeEffects(), redactor: SecretRedactor())
        let token = try await provider.token(for: "t")
        #expect(token == AccessToken(token: "mi-token-abcdef", expiresOn: Date(timeIntervalSince1970: 1_800_086_399)))
        let request = try #require(transport.requests.first)
        #expect(request.method == .get)
        #expect(
            request.url.absoluteString
                == "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fgraph.microsoft.com"
        )
        #expect(request.headers["Metadata"] == "true")
    }

    @Test func aUserAssignedIdentityIsNamedByClientID() async throws {
        let transport = ScriptedTransport([Self.imdsAnswer])
        let provider = ManagedIdentityTokenProvider(
            clientID: "user-assigned-id", cloud: .usgov, transport: transport, effects: makeEffects(),
            redactor: SecretRedactor())
        _ = try await provider.token(for: "t")
        #expect(
            transport.requests.first?.url.query
                == "api-version=2018-02-01&resource=https%3A%2F%2Fgraph.microsoft.us&client_id=user-assigned-id")
    }

    @Test func appServiceUsesIdentityEndpointAndHeader() async throws {
        let transport = ScriptedTransport([Self.imdsAnswer])
        let effects = makeEffects(environment: [
            "IDENTITY_ENDPOINT": "http://127.0.0.1:41741/msi/token", "IDENTITY_HEADER": "header-secret-0123456789",
        ])
        let provider = ManagedIdentityTokenProvider(
            clientID: nil, cloud: .global, transport: transport, effects: effects, redactor: SecretRedactor())
        _ = try await provider.token(for: "t")
        let request = try #require(transport.requests.first)
        #expect(
            request.url.absoluteString
                == "http://127.0.0.1:41741/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fgraph.microsoft.com")
        #expect(request.headers["X-IDENTITY-HEADER"] == "header-secret-0123456789")
    }

    @Test func anUnreachableEndpointSaysWhereThisMethodWorks() async throws {
        let transport = ScriptedTransport([], fallback: Stub.fail(.cannotConnect("connection refused")))
        let provider = ManagedIdentityTokenProvider(
            clientID: nil, cloud: .global, transport: transport, effects: makeEffects(), redactor: SecretRedactor(),
            retryPolicy: .none)
        let text = await errorText { _ = try await provider.token(for: "t") }
        #expect(text.contains("this method works only on an Azure host with a managed identity"))
    }
}

@Suite struct AzureCLITests {
    @Test func theCLIIsAskedForAGraphTokenOfTheTenant() async throws {
        let recorder = ProcessRecorder()
        let effects = makeEffects { invocation in
            recorder.record(invocation)
            return ProcessOutput(
                exitCode: 0,
                standardOutput: Data(
                    #"{"accessToken":"cli-token-abcdef","expiresOn":"2027-01-15 09:00:00.000000","expires_on":1800003600,"tenant":"t","tokenType":"Bearer"}"#
                        .utf8))
        }
        let provider = AzureCLITokenProvider(cloud: .global, effects: effects, redactor: SecretRedactor())
        let token = try await provider.token(for: "contoso.onmicrosoft.com")
        #expect(token == AccessToken(token: "cli-token-abcdef", expiresOn: Date(timeIntervalSince1970: 1_800_003_600)))
        #expect(
            recorder.invocations == [
                ProcessInvocation(
                    executable: "az",
                    arguments: [
                        "account", "get-access-token", "--resource", "https://graph.microsoft.com", "--tenant",
                        "contoso.onmicrosoft.com", "--output", "json",
                    ])
            ])
    }

    @Test func olderCLIsGiveOnlyExpiresOn() async throws {
        let effects = makeEffects { _ in
            ProcessOutput(
                exitCode: 0,
                standardOutput: Data(
                    #"{"accessToken":"cli-token-abcdef","expiresOn":"2027-01-15 09:00:00.000000"}"#.utf8))
        }
        let token = try await AzureCLITokenProvider(cloud: .global, effects: effects, redactor: SecretRedactor()).token(
            for: "t")
        var components = DateComponents(year: 2027, month: 1, day: 15, hour: 9)
        components.timeZone = .current
        #expect(token.expiresOn == Calendar(identifier: .gregorian).date(from: components))
    }

    @Test func aMissingOrSignedOutCLIIsExplained() async throws {
        let missing = AzureCLITokenProvider(cloud: .global, effects: makeEffects(), redactor: SecretRedactor())
        let missingText = await errorText { _ = try await missing.token(for: "t") }
        #expect(
            missingText
                == "Authentication (azure-cli) failed: `az` is not installed or not on PATH; install the Azure CLI and run `az login --tenant t`, or choose another auth method"
        )
        let signedOut = AzureCLITokenProvider(
            cloud: .global,
            effects: makeEffects { _ in
                ProcessOutput(exitCode: 1, standardError: Data("ERROR: Please run 'az login' to setup account.\n".utf8))
            },
            redactor: SecretRedactor())
        let text = await errorText { _ = try await signedOut.token(for: "t") }
        #expect(
            text
                == "Authentication (azure-cli) failed: `az` exited with status 1: ERROR: Please run 'az login' to setup account.; run `az login --tenant t` (and `az cloud set` for a national cloud)"
        )
    }
}

@Suite struct TokenEnvTests {
    @Test func aPreAcquiredTokenIsUsedUntilItsExpiry() async throws {
        let jwt = "eyJhbGciOiJub25lIn0.eyJleHAiOiAxODAwMDAzNjAwfQ.c2ln"
        let provider = EnvironmentTokenProvider(
            variable: "GRAPH_TOKEN", effects: makeEffects(environment: ["GRAPH_TOKEN": "Bearer \(jwt)"]),
            redactor: SecretRedactor())
        let token = try await provider.token(for: "t")
        #expect(token == AccessToken(token: jwt, expiresOn: Date(timeIntervalSince1970: 1_800_003_600)))
    }

    @Test func anExpiredOrMissingTokenIsReported() async throws {
        let expired = EnvironmentTokenProvider(
            variable: "GRAPH_TOKEN",
            effects: makeEffects(environment: ["GRAPH_TOKEN": "eyJhbGciOiJub25lIn0.eyJleHAiOiAxNzAwMDAwMDAwfQ.c2ln"]),
            redactor: SecretRedactor())
        let text = await errorText { _ = try await expired.token(for: "t") }
        #expect(text.hasPrefix("Authentication (token-env) failed: the token in GRAPH_TOKEN expired at 2023-11-14"))
        #expect(!text.contains("eyJ"))
        let missing = EnvironmentTokenProvider(
            variable: "GRAPH_TOKEN", effects: makeEffects(), redactor: SecretRedactor())
        let missingText = await errorText { _ = try await missing.token(for: "t") }
        #expect(
            missingText
                == "Authentication (token-env) failed: the environment variable GRAPH_TOKEN is not set; set it to an access token for Microsoft Graph"
        )
    }
}

@Suite struct AzureEnvironmentTests {
    @Test func theSecretIsPreferredOverTheFederatedToken() async throws {
        let transport = ScriptedTransport([Stub.token])
        let effects = makeEffects(
            environment: [
                "AZURE_TENANT_ID": "tenant-guid", "AZURE_CLIENT_ID": "env-client", "AZURE_CLIENT_SECRET": knownSecret,
                "AZURE_FEDERATED_TOKEN_FILE": "/token", "AZURE_AUTHORITY_HOST": "https://login.microsoftonline.us/",
            ],
            files: ["/token": "federated"])
        let provider = AzureEnvironmentTokenProvider(
            cloud: .usgov, transport: transport, effects: effects, redactor: SecretRedactor())
        _ = try await provider.token(for: "file-tenant")
        let request = try #require(transport.requests.first)
        #expect(request.url.absoluteString == "https://login.microsoftonline.us/tenant-guid/oauth2/v2.0/token")
        #expect(formFields(request)["client_id"] == "env-client")
        #expect(formFields(request)["client_secret"] == knownSecret)
        #expect(formFields(request)["client_assertion"] == nil)
    }

    @Test func theFederatedTokenIsUsedWithoutASecret() async throws {
        let transport = ScriptedTransport([Stub.token])
        let effects = makeEffects(
            environment: [
                "AZURE_CLIENT_ID": "env-client", "AZURE_FEDERATED_TOKEN_FILE": "/token", "AZURE_CLIENT_SECRET": "",
            ],
            files: ["/token": "federated-assertion"])
        let provider = AzureEnvironmentTokenProvider(
            cloud: .global, transport: transport, effects: effects, redactor: SecretRedactor())
        _ = try await provider.token(for: "file-tenant")
        let request = try #require(transport.requests.first)
        #expect(request.url.absoluteString == "https://login.microsoftonline.com/file-tenant/oauth2/v2.0/token")
        #expect(formFields(request)["client_assertion"] == "federated-assertion")
        #expect(formFields(request)["client_secret"] == nil)
    }

    @Test func missingVariablesAreNamed() async throws {
        let none = AzureEnvironmentTokenProvider(
            cloud: .global, transport: ScriptedTransport([]), effects: makeEffects(), redactor: SecretRedactor())
        #expect(
            await errorText { _ = try await none.token(for: "t") }.contains(
                "the environment variable AZURE_CLIENT_ID is not set"))
        let onlyID = AzureEnvironmentTokenProvider(
            cloud: .global, transport: ScriptedTransport([]),
            effects: makeEffects(environment: ["AZURE_CLIENT_ID": "c"]), redactor: SecretRedactor())
        #expect(
            await errorText { _ = try await onlyID.token(for: "t") }.contains(
                "none of AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE is"))
    }

    @Test func anInsecureAuthorityHostIsRefused() async throws {
        let provider = AzureEnvironmentTokenProvider(
            cloud: .global, transport: ScriptedTransport([]),
            effects: makeEffects(environment: [
                "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": knownSecret,
                "AZURE_AUTHORITY_HOST": "http://login.example.com",
            ]),
            redactor: SecretRedactor())
        let text = await errorText { _ = try await provider.token(for: "t") }
        #expect(text.contains("AZURE_AUTHORITY_HOST: plain `http://` is only allowed for loopback hosts"))
    }
}
