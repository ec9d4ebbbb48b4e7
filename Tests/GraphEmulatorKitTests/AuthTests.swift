import Foundation
import GraphEmulatorKit
import SyncSchemaCore
import Testing

@Suite("Token endpoint and Graph authorization")
struct AuthTests {
    @Test("client secret yields a bearer token, by tenant name, id or domain")
    func tokenForSecret() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let devId = try #require(harness.server.state.tenant(matching: "dev")?.id)
        for tenant in ["dev", devId, "dev.contoso.example"] {
            let reply = try await harness.tokenRequest(
                tenant: tenant,
                fields: [
                    ("grant_type", "client_credentials"), ("client_id", "syncschema-demo"),
                    ("client_secret", "demo-secret"), ("scope", "https://graph.microsoft.com/.default"),
                ])
            #expect(reply.status == 200)
            #expect(reply.json?["token_type"] == "Bearer")
            #expect(reply.json?["expires_in"]?.intValue == 3599)
            #expect((reply.json?["access_token"]?.stringValue?.count ?? 0) > 20)
        }
        // The emulator's own base URL is an accepted resource too.
        let local = try await harness.tokenRequest(
            tenant: "dev",
            fields: [
                ("grant_type", "client_credentials"), ("client_id", "syncschema-demo"),
                ("client_secret", "demo-secret"),
                ("scope", "\(harness.base)/.default"),
            ])
        #expect(local.status == 200)
    }

    @Test("token refusals use the identity platform's error shape")
    func tokenRefusals() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let scope = ("scope", "https://graph.microsoft.com/.default")
        let grant = ("grant_type", "client_credentials")
        let cases: [(String, [(String, String)], Int, String, String)] = [
            (
                "dev", [grant, ("client_id", "syncschema-demo"), ("client_secret", "wrong"), scope], 401,
                "invalid_client", "AADSTS7000215"
            ),
            (
                "dev",
                [
                    grant, ("client_id", "syncschema-demo"), ("client_secret", "demo-secret"),
                    ("scope", "https://graph.microsoft.com/User.Read"),
                ], 400, "invalid_scope", "AADSTS1002012"
            ),
            (
                "dev", [grant, ("client_id", "nobody"), ("client_secret", "demo-secret"), scope], 400,
                "unauthorized_client", "AADSTS700016"
            ),
            (
                "nowhere", [grant, ("client_id", "syncschema-demo"), ("client_secret", "demo-secret"), scope], 400,
                "invalid_tenant", "AADSTS90002"
            ),
            (
                "dev", [("grant_type", "password"), ("client_id", "syncschema-demo"), scope], 400,
                "unsupported_grant_type", "AADSTS70003"
            ),
            ("dev", [grant, ("client_id", "syncschema-demo"), scope], 401, "invalid_client", "AADSTS7000216"),
        ]
        for (tenant, fields, status, error, code) in cases {
            let reply = try await harness.tokenRequest(tenant: tenant, fields: fields)
            #expect(reply.status == status, "\(fields)")
            #expect(reply.json?["error"]?.stringValue == error)
            #expect(reply.json?["error_description"]?.stringValue?.hasPrefix(code + ":") == true, "\(reply.text)")
            #expect(!reply.text.contains("demo-secret"))
        }
    }

    @Test("a federated assertion matching the client's credential is accepted, others refused")
    func federatedAssertion() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        func assertion(subject: String, audience: String) -> String {
            let header = base64URL(#"{"alg":"RS256","typ":"JWT"}"#)
            let claims = base64URL(
                #"{"iss":"https://token.actions.githubusercontent.com","sub":"\#(subject)","aud":"\#(audience)","exp":4102444800}"#
            )
            return "\(header).\(claims).c2lnbmF0dXJl"
        }
        func request(_ jwt: String) async throws -> Reply {
            try await harness.tokenRequest(
                tenant: "test",
                fields: [
                    ("grant_type", "client_credentials"), ("client_id", "syncschema-demo"),
                    ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    ("client_assertion", jwt), ("scope", "https://graph.microsoft.com/.default"),
                ])
        }
        let good = try await request(
            assertion(subject: "repo:contoso/hr-schemas:environment:test", audience: "api://AzureADTokenExchange"))
        #expect(good.status == 200)
        let token = try #require(good.json?["access_token"]?.stringValue)
        let ids = try harness.ids(tenant: "test")
        #expect(try await harness.graph("GET", harness.schemaPath(ids), token: token).status == 200)

        let otherSubject = try await request(
            assertion(subject: "repo:contoso/hr-schemas:environment:prod", audience: "api://AzureADTokenExchange"))
        #expect(otherSubject.status == 400)
        #expect(otherSubject.json?["error_description"]?.stringValue?.hasPrefix("AADSTS700213") == true)
        let malformed = try await request("not-a-jwt")
        #expect(malformed.status == 400)
        #expect(malformed.json?["error"] == "invalid_client")
    }

    @Test("managed identity endpoint needs the Metadata header and issues a usable token")
    func managedIdentity() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let path =
            "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fgraph.microsoft.com%2F"
        let refused = try await harness.send("GET", path)
        #expect(refused.status == 400)
        let reply = try await harness.send("GET", path, headers: ["Metadata": "true"])
        #expect(reply.status == 200)
        #expect(reply.json?["token_type"] == "Bearer")
        let token = try #require(reply.json?["access_token"]?.stringValue)
        #expect(
            try await harness.graph("GET", harness.schemaPath(try harness.ids(tenant: "dev")), token: token).status
                == 200)
    }

    @Test("Graph answers 401 without a valid token, with Graph's error body and ids")
    func unauthenticated() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let path = harness.schemaPath(try harness.ids())
        let missing = try await harness.send("GET", path, headers: ["client-request-id": "abc-123"])
        #expect(missing.status == 401)
        #expect(missing.json?["error"]?["code"] == "InvalidAuthenticationToken")
        let requestId = try #require(missing.json?["error"]?["innerError"]?["request-id"]?.stringValue)
        #expect(missing.header("request-id") == requestId)
        #expect(missing.json?["error"]?["innerError"]?["client-request-id"] == "abc-123")
        #expect(missing.header("client-request-id") == "abc-123")
        #expect(missing.json?["error"]?["innerError"]?["date"]?.stringValue?.hasSuffix("Z") == true)
        let bogus = try await harness.graph("GET", path, token: "made-up")
        #expect(bogus.status == 401)
        #expect(bogus.json?["error"]?["code"] == "InvalidAuthenticationToken")
    }

    @Test("a token of another tenant is refused with 401")
    func otherTenant() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let testToken = try await harness.token(tenant: "test")
        let reply = try await harness.graph("GET", harness.schemaPath(try harness.ids(tenant: "dev")), token: testToken)
        #expect(reply.status == 401)
        #expect(reply.json?["error"]?["code"] == "InvalidAuthenticationToken")
    }

    @Test("the reader client may read but not write (403)")
    func readerCannotWrite() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let reader = try await harness.token(client: "syncschema-reader")
        let path = harness.schemaPath(try harness.ids())
        let read = try await harness.graph("GET", path, token: reader)
        #expect(read.status == 200)
        let schema = try #require(read.json)
        for method in ["PUT", "DELETE"] {
            let write = try await harness.graph(method, path, token: reader, body: method == "PUT" ? schema : nil)
            #expect(write.status == 403)
            #expect(write.json?["error"]?["code"] == "Authorization_RequestDenied")
        }
        let parse = try await harness.graph(
            "POST", path + "/parseExpression", token: reader, body: ["expression": "[userName]"])
        #expect(parse.status == 200)
    }
}
