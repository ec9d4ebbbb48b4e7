import Foundation
import SyncSchemaCore
import SyncSchemaGraph
import Testing

@Suite struct ServicePrincipalResolutionTests {
    static let objectID = "0b3e1234-5678-4abc-9def-0123456789ab"

    @Test func anObjectIDIsReadDirectly() async throws {
        let transport = ScriptedTransport([
            Stub.json(200, #"{"id":"\#(Self.objectID)","appId":"app-1","displayName":"HR inbound"}"#)
        ])
        let principal = try await makeClient(transport: transport).resolveServicePrincipal(Self.objectID)
        #expect(principal == ServicePrincipal(id: Self.objectID, appID: "app-1", displayName: "HR inbound"))
        #expect(
            transport.requests.map(\.url.absoluteString) == [
                "https://graph.microsoft.com/v1.0/servicePrincipals/\(Self.objectID)?$select=id,appId,displayName"
            ])
    }

    @Test func aGUIDThatIsNoObjectIDIsTriedAsAnAppID() async throws {
        let transport = ScriptedTransport([
            Stub.json(404, #"{"error":{"code":"Request_ResourceNotFound","message":"Resource does not exist."}}"#),
            Stub.json(200, #"{"value":[{"id":"sp-1","appId":"\#(Self.objectID)","displayName":"HR inbound"}]}"#),
        ])
        let principal = try await makeClient(transport: transport).resolveServicePrincipal(Self.objectID)
        #expect(principal.id == "sp-1")
        #expect(
            transport.requests.last?.url.absoluteString
                == "https://graph.microsoft.com/v1.0/servicePrincipals?$filter=appId%20eq%20%27\(Self.objectID)%27&$select=id,appId,displayName"
        )
    }

    @Test func aDisplayNameIsFilteredWithQuotesDoubled() async throws {
        let transport = ScriptedTransport([
            Stub.json(200, #"{"value":[{"id":"sp-1","appId":"a","displayName":"O'Brien & Co+HR"}]}"#)
        ])
        let principal = try await makeClient(transport: transport).resolveServicePrincipal("O'Brien & Co+HR")
        #expect(principal.id == "sp-1")
        #expect(
            transport.requests.first?.url.absoluteString
                == "https://graph.microsoft.com/v1.0/servicePrincipals?$filter=displayName%20eq%20%27O%27%27Brien%20%26%20Co%2BHR%27&$select=id,appId,displayName"
        )
        #expect(GraphClient.odataQuote("it's") == "'it''s'")
    }

    @Test func noMatchIsAClearError() async throws {
        let transport = ScriptedTransport([Stub.json(200, #"{"value":[]}"#)])
        let text = await errorText {
            _ = try await makeClient(transport: transport).resolveServicePrincipal("HR inbound")
        }
        #expect(
            text
                == "No service principal has the object id, appId or display name 'HR inbound' in tenant contoso.onmicrosoft.com; check `servicePrincipal` in the environment file (display names must match exactly)"
        )
    }

    @Test func severalMatchesAreListed() async throws {
        let transport = ScriptedTransport([
            Stub.json(
                200,
                #"{"value":[{"id":"sp-1","appId":"a-1","displayName":"Salesforce"},{"id":"sp-2","appId":"a-2","displayName":"Salesforce"}]}"#
            )
        ])
        let text = await errorText {
            _ = try await makeClient(transport: transport).resolveServicePrincipal("Salesforce")
        }
        #expect(
            text
                == "2 service principals are named 'Salesforce': sp-1 (appId a-1, 'Salesforce'), sp-2 (appId a-2, 'Salesforce'); write the object id of the right one as `servicePrincipal` in the environment file"
        )
    }
}

@Suite struct JobResolutionTests {
    static let jobs = #"""
        {"value":[
          {"id":"API2AAD.b16687d38faf42adb29892cdcaf01c6e.1a03de52-b9c3-4e2c-a1e3-9145aaa8e530","templateId":"API2AAD"},
          {"id":"scim.e4bbf44533ea4eabb17027f3a92e92aa","templateId":"scim"},
          {"id":"scim.f00bf44533ea4eabb17027f3a92e92aa","templateId":"scim"}
        ]}
        """#

    func resolve(_ locator: String?, jobs: String = Self.jobs) async throws -> SynchronizationJob {
        let transport = ScriptedTransport([Stub.json(200, jobs)])
        let job = try await makeClient(transport: transport).resolveJob(servicePrincipalID: "sp-1", locator: locator)
        #expect(
            transport.requests.first?.url.absoluteString
                == "https://graph.microsoft.com/v1.0/servicePrincipals/sp-1/synchronization/jobs")
        return job
    }

    @Test func byIDAndByTemplateID() async throws {
        #expect(
            try await resolve("scim.f00bf44533ea4eabb17027f3a92e92aa").id == "scim.f00bf44533ea4eabb17027f3a92e92aa")
        #expect(
            try await resolve("API2AAD").id
                == "API2AAD.b16687d38faf42adb29892cdcaf01c6e.1a03de52-b9c3-4e2c-a1e3-9145aaa8e530")
        #expect(try await resolve("api2aad").templateID == "API2AAD")
    }

    @Test func severalJobsOfATemplateAreListedNeverGuessed() async throws {
        let text = await errorText { _ = try await resolve("scim") }
        #expect(
            text
                == "2 jobs of service principal sp-1 match 'scim': scim.e4bbf44533ea4eabb17027f3a92e92aa (template scim), scim.f00bf44533ea4eabb17027f3a92e92aa (template scim); set `job` in the environment file to one job id"
        )
    }

    @Test func unknownJobListsTheJobsThatExist() async throws {
        let text = await errorText { _ = try await resolve("AD2AADProvisioning") }
        #expect(
            text.hasPrefix(
                "Service principal sp-1 has no job with id or template id 'AD2AADProvisioning'; its jobs: API2AAD.b166")
        )
    }

    @Test func withoutALocatorTheOnlyJobIsUsed() async throws {
        #expect(try await resolve(nil, jobs: #"{"value":[{"id":"only","templateId":"T"}]}"#).id == "only")
        let several = await errorText { _ = try await resolve(nil) }
        #expect(several.hasPrefix("Service principal sp-1 has 3 jobs: "))
        let none = await errorText { _ = try await resolve(nil, jobs: #"{"value":[]}"#) }
        #expect(none == "Service principal sp-1 has no provisioning job; configure provisioning for the app first")
    }
}

@Suite struct SchemaCallTests {
    @Test func getAndPutTheSchemaAsRawJSON() async throws {
        let raw = #"{"id":"s","version":"date:2024-01-01T00:00:00Z","synchronizationRules":[{"priority":1.0}]}"#
        let transport = ScriptedTransport([Stub.json(200, raw), Stub.status(204)])
        let client = makeClient(transport: transport)
        let schema = try await client.getSchema(servicePrincipalID: "sp-1", jobID: "API2AAD.abc")
        #expect(schema == (try JSONParser.parse(raw)))
        try await client.putSchema(servicePrincipalID: "sp-1", jobID: "API2AAD.abc", schema: schema)
        let put = try #require(transport.requests.last)
        #expect(put.method == .put)
        #expect(
            put.url.absoluteString
                == "https://graph.microsoft.com/v1.0/servicePrincipals/sp-1/synchronization/jobs/API2AAD.abc/schema")
        #expect(put.headers["Content-Type"] == "application/json")
        // Exact numbers survive the round trip: 1.0 stays 1.0.
        #expect(String(decoding: put.body!, as: UTF8.self).contains(#""priority": 1.0"#))
    }

    @Test func betaFunctionsAndParseExpression() async throws {
        let transport = ScriptedTransport([
            Stub.json(200, #"{"value":[{"name":"Append"}]}"#),
            Stub.json(200, #"{"parsingSucceeded":true}"#),
        ])
        let client = GraphClient(
            cloud: .global, tenant: "t", tokenProvider: CountingTokenProvider(clock: TestClock()), transport: transport,
            effects: makeEffects(), apiVersion: .beta)
        let functions = try await client.functions(servicePrincipalID: "sp", jobID: "j")
        #expect(functions["value"]?.arrayValue?.count == 1)
        let parsed = try await client.parseExpression(
            servicePrincipalID: "sp", jobID: "j", request: ["expression": "Trim([givenName])"])
        #expect(parsed == ["parsingSucceeded": true])
        #expect(
            transport.requests.map(\.url.path) == [
                "/beta/servicePrincipals/sp/synchronization/jobs/j/schema/functions",
                "/beta/servicePrincipals/sp/synchronization/jobs/j/schema/parseExpression",
            ])
        #expect(transport.requests[1].method == .post)
    }

    @Test func customCloudsMustBeHTTPSOrLoopback() throws {
        #expect(
            try GraphCloud.custom(graph: "http://127.0.0.1:8123", login: "http://[::1]:8124/").loginURL.absoluteString
                == "http://[::1]:8124")
        #expect(
            try GraphCloud.custom(graph: "http://localhost:1/", login: "https://login.example.com").graphURL
                .absoluteString == "http://localhost:1")
        #expect(throws: GraphError.self) {
            try GraphCloud.custom(graph: "http://graph.example.com", login: "https://login.example.com")
        }
        do {
            _ = try GraphCloud(.custom(graph: "https://graph.example.com", login: "http://10.0.0.1"))
            Issue.record("expected an error")
        } catch {
            #expect(
                "\(error)"
                    == "Refusing the endpoint http://10.0.0.1: plain `http://` is only allowed for loopback hosts (127.0.0.1, ::1, localhost); use `https://`"
            )
        }
        #expect(try GraphCloud(.china).graphURL.absoluteString == "https://microsoftgraph.chinacloudapi.cn")
        #expect(GraphCloud.usgov.scope == "https://graph.microsoft.us/.default")
    }
}

@Suite struct GraphErrorMessageTests {
    func failure(_ status: Int, _ body: String, method: HTTPMethod = .get, requestID: String? = "5e1b-req") async
        -> String
    {
        let headers = requestID.map { [("request-id", $0)] } ?? []
        let transport = ScriptedTransport([], fallback: Stub.json(status, body, headers: headers))
        let client = makeClient(transport: transport, retry: .none)
        return await errorText {
            _ = try await client.send(
                method, GraphPath("servicePrincipals", "sp", "synchronization", "jobs", "j", "schema"),
                body: method == .get ? nil : [:], purpose: "read the schema of job j")
        }
    }

    @Test func forbiddenNamesThePermission() async {
        let text = await failure(
            403,
            #"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}"#,
            method: .put)
        #expect(
            text
                == "Could not read the schema of job j (PUT /v1.0/servicePrincipals/sp/synchronization/jobs/j/schema): HTTP 403 Forbidden, Authorization_RequestDenied: Insufficient privileges to complete the operation. (request-id 5e1b-req); grant the app the Microsoft Graph application permission Synchronization.ReadWrite.All (read-only commands need only Synchronization.Read.All), with admin consent"
        )
    }

    @Test func theSyncBackendsJSONMessageIsUnwrapped() async {
        let body =
            #"{"error":{"code":"UnknownError","message":"{\"Message\":\"No HTTP resource was found that matches the request URI 'https://syncfabric.windowsazure.com/api/x'.\"}","innerError":{"request-id":"c862-inner","date":"2024-07-18T07:14:15"}}}"#
        let text = await failure(404, body, requestID: nil)
        #expect(
            text
                == "Could not read the schema of job j (GET /v1.0/servicePrincipals/sp/synchronization/jobs/j/schema): HTTP 404 Not Found, UnknownError: No HTTP resource was found that matches the request URI 'https://syncfabric.windowsazure.com/api/x'. (request-id c862-inner); check the service principal and job named in the environment file (`apps.<name>.servicePrincipal` and `job`) and the tenant"
        )
    }

    @Test func unauthorizedAdvisesCredentialsAndConsent() async {
        let text = await failure(
            401,
            #"{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid."}}"#
        )
        #expect(
            text.hasSuffix(
                "(request-id 5e1b-req); check the credentials (client id, secret or certificate, tenant, cloud) and that admin consent was granted"
            ))
    }

    @Test func aMultiLineMessageStaysOnOneLine() async {
        let text = await failure(400, #"{"error":{"code":"BadRequest","message":"line one\nline two"}}"#)
        #expect(text.contains("BadRequest: line one line two (request-id 5e1b-req)"))
        #expect(!text.contains("\n"))
    }
}

@Suite struct EnvironmentClientTests {
    @Test func aClientForAnEmulatorEnvironmentUsesItsEndpointsAndToken() async throws {
        let environment = try EnvironmentFile.decode(
            JSONParser.parse(
                #"""
                { "syncschema": 1, "tenant": "tenant-a", "cloud": { "graph": "http://127.0.0.1:8080/", "login": "http://127.0.0.1:8080" },
                  "auth": { "method": "client-secret", "clientId": "app-id", "clientSecretEnv": "DEV_SECRET" } }
                """#), file: "environments/dev.json")
        let transport = ScriptedTransport([Stub.token], fallback: Stub.json(200, #"{"version":"1"}"#))
        let client = try GraphClient(
            environment: environment, transport: transport,
            effects: makeEffects(environment: ["DEV_SECRET": knownSecret]))
        _ = try await client.getSchema(servicePrincipalID: "sp", jobID: "job")
        _ = try await client.getSchema(servicePrincipalID: "sp", jobID: "job")
        #expect(
            transport.requests.map(\.url.absoluteString) == [
                "http://127.0.0.1:8080/tenant-a/oauth2/v2.0/token",
                "http://127.0.0.1:8080/v1.0/servicePrincipals/sp/synchronization/jobs/job/schema",
                "http://127.0.0.1:8080/v1.0/servicePrincipals/sp/synchronization/jobs/job/schema",
            ])
        #expect(formFields(transport.requests[0])["scope"] == "http://127.0.0.1:8080/.default")
        #expect(transport.requests[1].headers["Authorization"] == "Bearer graph-token-1234567")
    }
}
