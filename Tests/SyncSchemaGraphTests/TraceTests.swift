import Foundation
import SyncSchemaCore
import SyncSchemaGraph
import Testing

/// Collects trace lines.
final class LineSink: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.withLock { stored } }
    func append(_ line: String) { lock.withLock { stored.append(line) } }
}

@Suite struct TraceTests {
    @Test func theVerboseTraceNeverShowsASecret() async throws {
        let clock = TestClock()
        let sink = LineSink()
        let redactor = SecretRedactor()
        let scripted = ScriptedTransport([
            { _ in
                clock.advance(by: 0.25)
                return HTTPResponse(
                    status: 200, headers: ["request-id": "tok-1"],
                    body: Data(
                        #"{"token_type":"Bearer","expires_in":3599,"access_token":"eyJ0eXAi.secret-access-token.sig"}"#
                            .utf8))
            },
            Stub.json(
                403,
                #"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges (token eyJ0eXAi.secret-access-token.sig)."}}"#,
                headers: [("request-id", "graph-req-9")]),
        ])
        let effects = makeEffects(clock: clock, environment: ["PROD_SECRET": knownSecret])
        let tracing = TracingTransport(scripted, redactor: redactor, now: effects.now, sink: sink.append)
        let environment = try EnvironmentFile.decode(
            JSONParser.parse(
                #"{ "syncschema": 1, "tenant": "contoso.onmicrosoft.com", "auth": { "method": "client-secret", "clientId": "app-id", "clientSecretEnv": "PROD_SECRET" } }"#
            ), file: "environments/prod.json")
        let client = try GraphClient(
            environment: environment, transport: tracing, effects: effects, retryPolicy: .none, redactor: redactor)
        let text = await errorText { _ = try await client.getSchema(servicePrincipalID: "sp", jobID: "job") }

        let trace = sink.lines.joined(separator: "\n")
        for secret in [knownSecret, FormEncoding.encode(knownSecret), "eyJ0eXAi.secret-access-token.sig"] {
            #expect(!trace.contains(secret))
            #expect(!text.contains(secret))
        }
        #expect(
            sink.lines.contains("> POST https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"))
        #expect(
            sink.lines.contains(
                ">   body: client_id=app-id&scope=https://graph.microsoft.com/.default&client_secret=[redacted]&grant_type=client_credentials"
            ))
        #expect(
            sink.lines.contains(
                "< 200 POST https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token (250 ms) request-id: tok-1"
            ))
        #expect(sink.lines.contains(">   Authorization: [redacted]"))
        #expect(
            sink.lines.contains(
                "< 403 GET https://graph.microsoft.com/v1.0/servicePrincipals/sp/synchronization/jobs/job/schema (0 ms) request-id: graph-req-9"
            ))
        #expect(trace.contains("Insufficient privileges (token [redacted])"))
        #expect(text.contains("(request-id graph-req-9)"))
    }

    @Test func theRedactorCoversSecretCarryingFields() {
        let redactor = SecretRedactor()
        redactor.register(knownSecret)
        redactor.register("abc")  // too short to be a credential: left alone
        #expect(redactor.redact("secret=\(knownSecret).") == "secret=[redacted].")
        #expect(
            redactor.redact("client_assertion=eyJ.abc.def&grant_type=x") == "client_assertion=[redacted]&grant_type=x")
        #expect(
            redactor.redact(#"{"access_token": "eyJ\"x", "expires_in": 1}"#)
                == #"{"access_token": "[redacted]", "expires_in": 1}"#)
        #expect(redactor.redact("Authorization: Bearer eyJabc.def") == "Authorization: Bearer [redacted]")
        #expect(redactor.redact("abc") == "abc")
    }
}
