import Foundation
import GraphEmulatorKit
import SyncSchemaCore
import Testing

@Suite("Service principals, jobs, templates and schema helpers")
struct RouteTests {
    @Test("$filter on displayName and appId, with OData quote escaping and $select")
    func servicePrincipalFilter() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let token = try await harness.token()
        func list(_ filter: String, select: String? = nil) async throws -> Reply {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            var query = "$filter=" + filter.addingPercentEncoding(withAllowedCharacters: allowed)!
            if let select { query += "&$select=\(select)" }
            return try await harness.graph("GET", "/v1.0/servicePrincipals?\(query)", token: token)
        }
        let exact = try await list("displayName eq 'HR inbound'", select: "id,appId,displayName")
        #expect(exact.status == 200)
        let values = try #require(exact.json?["value"]?.arrayValue)
        #expect(values.count == 1)
        #expect(values[0]["displayName"] == "HR inbound")
        #expect(values[0].objectValue?.keys == ["id", "appId", "displayName"])
        #expect(try await list("startswith(displayName, 'HR')").json?["value"]?.arrayValue?.count == 2)
        let appId = try #require(values[0]["appId"]?.stringValue)
        let byApp = try await list("appId eq '\(appId)'")
        #expect(byApp.json?["value"]?[0]?["id"] == values[0]["id"])
        let quoted = try await list("displayName eq 'O''Brien''s app' or displayName eq 'Contoso SCIM app'")
        #expect(quoted.status == 200)
        #expect(quoted.json?["value"]?.arrayValue?.map { $0["displayName"] } == ["Contoso SCIM app"])
        #expect(try await list("displayName ne 'x'").status == 400)
        #expect(try await list("displayName eq 'unterminated").status == 400)
        let all = try await harness.graph("GET", "/beta/servicePrincipals", token: token)
        #expect(all.json?["value"]?.arrayValue?.count == 3)
        let single = try await harness.graph(
            "GET", "/v1.0/servicePrincipals/\(values[0]["id"]!.stringValue!)", token: token)
        #expect(single.json?["applicationTemplateId"]?.stringValue != nil)
        #expect(
            try await harness.graph("GET", "/v1.0/servicePrincipals/00000000-0000-0000-0000-000000000000", token: token)
                .status == 404)
    }

    @Test("jobs list/get/start/pause/restart")
    func jobs() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let token = try await harness.token()
        let ids = try harness.ids()
        let jobsPath = "/v1.0/servicePrincipals/\(ids.sp)/synchronization/jobs"
        let list = try await harness.graph("GET", jobsPath, token: token)
        #expect(list.json?["value"]?[0]?["id"]?.stringValue == ids.job)
        #expect(list.json?["value"]?[0]?["templateId"] == "API2AAD")
        let tenantId = try #require(harness.server.state.tenant(matching: "dev")?.id)
        let parts = ids.job.split(separator: ".")
        #expect(parts.count == 3 && parts[0] == "API2AAD" && parts[1].count == 32 && String(parts[2]) == tenantId)
        #expect(
            try await harness.graph("GET", "\(jobsPath)/\(ids.job)", token: token).json?["status"]?["code"] == "NotRun")
        let start = try await harness.graph("POST", "\(jobsPath)/\(ids.job)/start", token: token)
        #expect(start.status == 204 && start.body.isEmpty)
        #expect(
            try await harness.graph("GET", "\(jobsPath)/\(ids.job)", token: token).json?["schedule"]?["state"]
                == "Active")
        #expect(try await harness.graph("POST", "\(jobsPath)/\(ids.job)/pause", token: token).status == 204)
        #expect(
            try await harness.graph("GET", "\(jobsPath)/\(ids.job)", token: token).json?["status"]?["code"] == "Paused")
        let restart = try await harness.graph(
            "POST", "\(jobsPath)/\(ids.job)/restart", token: token,
            body: ["criteria": ["resetScope": "Watermark, Escrows, QuarantineState"]])
        #expect(restart.status == 204)
        let badRestart = try await harness.graph(
            "POST", "\(jobsPath)/\(ids.job)/restart", token: token, body: ["criteria": ["resetScope": "Everything"]])
        #expect(badRestart.status == 400)
        #expect(try await harness.graph("GET", "\(jobsPath)/API2AAD.nope", token: token).status == 404)
    }

    @Test("templates, directories, discover, functions, filterOperators, secrets")
    func schemaHelpers() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let token = try await harness.token()
        let ids = try harness.ids()
        let base = "/v1.0/servicePrincipals/\(ids.sp)/synchronization"
        let templates = try await harness.graph("GET", "\(base)/templates", token: token)
        #expect(templates.json?["value"]?.arrayValue?.map { $0["id"] } == ["API2AAD"])
        #expect(
            try await harness.graph("GET", "\(base)/templates/API2AAD", token: token).json?["factoryTag"] == "API2AAD")
        let templateSchema = try await harness.graph("GET", "\(base)/templates/API2AAD/schema", token: token)
        #expect(
            templateSchema.json?["synchronizationRules"]?[0]?["id"]?.stringValue == BuiltInTemplates.ruleId("API2AAD"))

        let schemaPath = harness.schemaPath(ids)
        let directories = try await harness.graph("GET", "\(schemaPath)/directories", token: token)
        let apiId = try #require(directories.json?["value"]?[0]?["id"]?.stringValue)
        #expect(directories.json?["value"]?[1]?["id"]?.stringValue == BuiltInTemplates.entraDirectoryId)
        let one = try await harness.graph("GET", "\(schemaPath)/directories/\(apiId)", token: token)
        #expect(one.json?["name"] == "API")
        let discover = try await harness.graph("POST", "\(schemaPath)/directories/\(apiId)/discover", token: token)
        #expect(discover.status == 200)
        #expect(discover.json?["discoveryDateTime"]?.stringValue != nil)
        #expect(discover.json?["objects"]?[0]?["name"] == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")

        let functions = try await harness.graph("GET", "\(schemaPath)/functions", token: token)
        let replace = try #require(functions.json?["value"]?.arrayValue?.first { $0["name"] == "Replace" })
        #expect(
            replace["parameters"]?.arrayValue?.map { $0["name"] } == [
                "source", "Find", "RegularExpression", "RegularExpressionGroupName", "Replacement",
                "ReplacementPropertyName", "Template",
            ])
        let operators = try await harness.graph("GET", "\(schemaPath)/filterOperators", token: token)
        #expect(
            operators.json?["value"]?.arrayValue?.contains { $0["name"] == "EQUALS" && $0["arity"] == "Binary" } == true
        )

        let secrets = try await harness.graph(
            "PUT", "\(base)/secrets", token: token,
            body: [
                "value": [
                    ["key": "BaseAddress", "value": "https://scim.example"], ["key": "SecretToken", "value": "s3cret"],
                ]
            ])
        #expect(secrets.status == 204)
        let readBack = try await harness.graph("GET", "\(base)/secrets", token: token)
        #expect(readBack.json?["value"]?[1]?["value"] == "*")
        #expect(try await harness.graph("PUT", "\(base)/secrets", token: token, body: ["value": "nope"]).status == 400)
    }

    @Test("parseExpression: attribute and constant succeed, anything else fails; the hook replaces the fallback")
    func parseExpression() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let token = try await harness.token()
        let path = harness.schemaPath(try harness.ids()) + "/parseExpression"
        let attribute = try await harness.graph(
            "POST", path, token: token,
            body: [
                "expression": "[preferredLanguage]",
                "testInputObject": [
                    "definition": nil, "properties": [["key": "preferredLanguage", "value": "EN-US"]],
                ],
            ])
        #expect(attribute.status == 200)
        #expect(attribute.json?["parsingSucceeded"] == true)
        #expect(
            attribute.json?["parsedExpression"] == [
                "expression": "[preferredLanguage]", "name": "preferredLanguage", "parameters": [], "type": "Attribute",
            ])
        #expect(attribute.json?["evaluationResult"] == ["EN-US"])
        let constant = try await harness.graph("POST", path, token: token, body: ["expression": #""a \"b\"""#])
        #expect(constant.json?["parsedExpression"]?["name"] == #"a "b""#)
        #expect(constant.json?["parsedExpression"]?["type"] == "Constant")
        let bad = try await harness.graph("POST", path, token: token, body: ["expression": "Join(\"\", [a]"])
        #expect(bad.status == 200)
        #expect(bad.json?["parsingSucceeded"] == false)
        #expect(bad.json?["parsedExpression"] == .null)
        #expect(bad.json?["error"]?["message"]?.stringValue?.isEmpty == false)
        #expect(try await harness.graph("POST", path, token: token, body: ["notExpression": 1]).status == 400)

        harness.server.expressionCompiler = { text in
            .success(SchemaBuilder.Source.function("Not", [("source", .attribute(text))]).json)
        }
        let hooked = try await harness.graph("POST", path, token: token, body: ["expression": "IsSoftDeleted"])
        #expect(hooked.json?["parsedExpression"]?["expression"] == "Not([IsSoftDeleted])")
        #expect(hooked.json?["parsedExpression"]?["parameters"]?[0]?["value"]?["expression"] == "[IsSoftDeleted]")
    }

    @Test("tenants have distinct, deterministic ids")
    func tenantsDiffer() async throws {
        let first = EmulatorState.builtInDefault()
        let second = EmulatorState.builtInDefault()
        #expect(first == second)
        let dev = try #require(first.tenant(matching: "dev"))
        let test = try #require(first.tenant(matching: "test"))
        #expect(dev.id != test.id)
        #expect(dev.extensionAppId != test.extensionAppId)
        #expect(dev.servicePrincipals[0].id != test.servicePrincipals[0].id)
        #expect(dev.servicePrincipals[0].jobs[0].id != test.servicePrincipals[0].jobs[0].id)
        #expect(Set(first.tenants.map(\.id)).count == 3)

        let harness = try Harness()
        defer { harness.stop() }
        let devToken = try await harness.token(tenant: "dev")
        let testToken = try await harness.token(tenant: "test")
        let devSchema = try #require(
            try await harness.graph("GET", harness.schemaPath(try harness.ids(tenant: "dev")), token: devToken).json)
        let testSchema = try #require(
            try await harness.graph("GET", harness.schemaPath(try harness.ids(tenant: "test")), token: testToken).json)
        #expect(devSchema["id"] != testSchema["id"])
        #expect(devSchema["directories"]?[0]?["id"] != testSchema["directories"]?[0]?["id"])
        #expect(devSchema["synchronizationRules"]?[0]?["id"] == testSchema["synchronizationRules"]?[0]?["id"])
        #expect(devSchema["directories"]?[1]?["id"] == testSchema["directories"]?[1]?["id"])
        #expect(JSONWriter.compact(testSchema).contains(test.extensionAppId.replacingOccurrences(of: "-", with: "")))
        #expect(!JSONWriter.compact(testSchema).contains(dev.extensionAppId.replacingOccurrences(of: "-", with: "")))
    }

    @Test("unknown routes answer a Graph 404/400 error")
    func unknownRoutes() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let token = try await harness.token()
        let unknown = try await harness.graph("GET", "/v2.0/things", token: token)
        #expect(unknown.status == 404)
        #expect(unknown.json?["error"]?["innerError"]?["request-id"] != nil)
        let ids = try harness.ids()
        for path in [
            "/v1.0/users", "/v1.0/servicePrincipals/\(ids.sp)/owners",
            "/v1.0/servicePrincipals/\(ids.sp)/synchronization/bogus",
            "/beta/servicePrincipals/\(ids.sp)/synchronization/jobs/\(ids.job)/schema/bogus",
        ] {
            let reply = try await harness.graph("GET", path, token: token)
            #expect(reply.status == 404, "\(path)")
            #expect(
                reply.json?["error"]?["message"]?.stringValue?.hasPrefix("Resource not found for the segment") == true)
        }
        let created = try await harness.graph(
            "POST", "/v1.0/servicePrincipals/\(ids.sp)/synchronization/jobs", token: token,
            body: ["templateId": "API2AAD"])
        #expect(created.status == 201)
        let newJob = try #require(created.json?["id"]?.stringValue)
        #expect(newJob.hasPrefix("API2AAD.") && newJob != ids.job)
        let jobs = try await harness.graph(
            "GET", "/v1.0/servicePrincipals/\(ids.sp)/synchronization/jobs", token: token)
        #expect(jobs.json?["value"]?.arrayValue?.count == 2)
        #expect(
            try await harness.graph(
                "POST", "/v1.0/servicePrincipals/\(ids.sp)/synchronization/jobs", token: token,
                body: ["templateId": "API2AD"]
            ).status == 400)
        let control = try await harness.send("GET", "/_emulator/nothing")
        #expect(control.status == 404)
    }
}
