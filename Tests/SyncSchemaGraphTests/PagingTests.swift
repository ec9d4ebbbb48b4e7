import Foundation
import SyncSchemaCore
import SyncSchemaGraph
import Testing

@Suite struct PagingTests {
    @Test func jobListsFollowNextLinks() async throws {
        let transport = ScriptedTransport([
            Stub.json(
                200,
                #"{"value":[{"id":"API2AAD.a.1","templateId":"API2AAD"}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/servicePrincipals/sp/synchronization/jobs?$skiptoken=X"}"#
            ),
            Stub.json(200, #"{"value":[{"id":"scim.b.1","templateId":"scim"}]}"#),
        ])
        let jobs = try await makeClient(transport: transport).listJobs(servicePrincipalID: "sp")
        #expect(jobs.map(\.id) == ["API2AAD.a.1", "scim.b.1"])
        #expect(
            transport.requests.last?.url.absoluteString
                == "https://graph.microsoft.com/v1.0/servicePrincipals/sp/synchronization/jobs?$skiptoken=X")
        #expect(transport.requests.last?.headers["Authorization"] != nil)
    }

    @Test func aNextLinkToAnotherHostIsRefusedAndGetsNoToken() async throws {
        let transport = ScriptedTransport([
            Stub.json(200, #"{"value":[],"@odata.nextLink":"https://evil.example/v1.0/servicePrincipals?page=2"}"#)
        ])
        let text = await errorText {
            _ = try await makeClient(transport: transport).listJobs(servicePrincipalID: "sp")
        }
        #expect(text.contains("next-page link that is not on https://graph.microsoft.com"), "\(text)")
        #expect(transport.requests.count == 1)
    }

    @Test func severalPagesOfServicePrincipalsCountAsOneAnswer() async throws {
        let transport = ScriptedTransport([
            Stub.json(
                200,
                #"{"value":[{"id":"sp-1","appId":"a","displayName":"HR"}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/servicePrincipals?$skiptoken=Y"}"#
            ),
            Stub.json(200, #"{"value":[{"id":"sp-2","appId":"b","displayName":"HR"}]}"#),
        ])
        let text = await errorText { _ = try await makeClient(transport: transport).resolveServicePrincipal("HR") }
        #expect(text.contains("sp-1") && text.contains("sp-2"), "both pages' matches are listed: \(text)")
    }
}
