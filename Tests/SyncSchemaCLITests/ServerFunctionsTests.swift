import Foundation
import SyncSchemaCLI
import SyncSchemaCore
import SyncSchemaGraph
import SyncSchemaTestSupport
import Testing

/// Apps whose service knows functions the built-in table does not (Cloud Sync's `Trim`): the plan
/// reads the job's `schema/functions` once and compiles with it.
@Suite struct ServerFunctionsTests {
    final class RequestLog: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String] = []
        var all: [String] { lock.withLock { entries } }
        func add(_ entry: String) { lock.withLock { entries.append(entry) } }
    }

    @Test func aChangedExpressionWithAServiceFunctionPlans() async throws {
        let raw = try Fixtures.json("normalize/cloud-sync-trim/raw.json")
        let jobID = try #require(raw["id"]?.stringValue)
        let log = RequestLog()
        let transport = ClosureHTTPTransport { request in
            let path = request.url.path
            log.add("\(request.method.rawValue) \(path)")
            let json: JSONValue
            if path.hasSuffix("/oauth2/v2.0/token") {
                json = ["token_type": "Bearer", "expires_in": 3600, "access_token": "token-for-tests-only"]
            } else if path.hasSuffix("/schema/functions") {
                json = [
                    "value": [
                        [
                            "name": "Trim",
                            "parameters": [
                                [
                                    "name": "source", "required": true, "allowMultipleOccurrences": false,
                                    "type": "String",
                                ]
                            ],
                        ]
                    ]
                ]
            } else if path.hasSuffix("/schema") {
                json = raw
            } else {
                return HTTPResponse(
                    status: 404, body: Data(#"{"error":{"code":"NotFound","message":"no route"}}"#.utf8))
            }
            return HTTPResponse(
                status: 200, headers: ["Content-Type": "application/json"], body: Data(JSONWriter.compact(json).utf8))
        }
        let environment: JSONValue = [
            "syncschema": 1, "tenant": "contoso.onmicrosoft.com",
            "cloud": ["graph": "https://graph.example", "login": "https://login.example"],
            "auth": ["method": "token-env", "tokenEnv": "GRAPH_TOKEN"],
            "apps": [
                "cloud-sync": ["servicePrincipal": "00000000-0000-0000-0000-0000000000aa", "job": .string(jobID)]
            ],
        ]
        let schema = try Fixtures.text("normalize/cloud-sync-trim/schema.json").replacingOccurrences(
            of: "Trim([extensionAttribute3])", with: "Trim([extensionAttribute4])")
        let fileSystem = InMemoryFileSystem(files: [
            "environments/prod.json": JSONWriter().string(environment), "schemas/cloud-sync.json": schema,
        ])
        let output = OutputBuffer()
        let code = await CLI.run(
            arguments: ["plan", "--env", "prod", "--format", "json"],
            environment: CLIEnvironment(
                output: output.sink, errorOutput: output.sink, variables: ["GRAPH_TOKEN": "token-for-tests-only"],
                fileSystem: fileSystem, transport: transport))
        #expect(code == 0, "\(output.contents)")
        let plan = try JSONParser.parse(String(output.contents.drop { $0 != "{" }))
        #expect(plan["summary"] == ["add": 0, "change": 1, "remove": 0])
        #expect(log.all.filter { $0.hasSuffix("/schema/functions") }.count == 1)
        #expect(log.all.filter { $0.hasSuffix("/schema") }.count == 1)
    }
}
