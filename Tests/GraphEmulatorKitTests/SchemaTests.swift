import Foundation
import GraphEmulatorKit
import SyncSchemaCore
import Testing

/// Edits a JSON value at a path of object keys and array indices.
func edit(_ value: inout JSONValue, _ path: [Any], _ change: (inout JSONValue) -> Void) {
    guard let first = path.first else {
        change(&value)
        return
    }
    let rest = Array(path.dropFirst())
    switch value {
    case .object(var object):
        let key = first as! String
        var child = object[key] ?? .null
        edit(&child, rest, change)
        object[key] = child
        value = .object(object)
    case .array(var array):
        let index = first as! Int
        edit(&array[index], rest, change)
        value = .array(array)
    default:
        Issue.record("cannot descend into \(value.kindDescription)")
    }
}

@Suite("Job schema: GET, PUT, DELETE, PATCH and validation")
struct SchemaTests {
    @Test("GET returns the template schema with @odata.context and realistic content")
    func getSchema() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let token = try await harness.token()
        let ids = try harness.ids()
        let reply = try await harness.graph("GET", harness.schemaPath(ids), token: token)
        #expect(reply.status == 200)
        let schema = try #require(reply.json)
        #expect(
            schema["@odata.context"]?.stringValue?.hasSuffix("/synchronization/jobs('\(ids.job)')/schema/$entity")
                == true)
        #expect(schema["id"]?.stringValue == ids.job)
        #expect(schema["version"] == "v1.0")
        let directories = try #require(schema["directories"]?.arrayValue)
        #expect(directories.map { $0["name"] } == ["API", "Azure Active Directory"])
        let rule = try #require(schema["synchronizationRules"]?.arrayValue?.first)
        #expect(rule["sourceDirectoryName"] == "API")
        let mappings = try #require(rule["objectMappings"]?[0]?["attributeMappings"]?.arrayValue)
        let matching = try #require(mappings.first { $0["targetAttributeName"] == "employeeId" })
        #expect(matching["matchingPriority"]?.intValue == 1)
        #expect(matching["source"]?["expression"] == "[externalId]")
        let enabled = try #require(mappings.first { $0["targetAttributeName"] == "accountEnabled" })
        #expect(enabled["source"]?["name"] == "active")
        // Extension attributes of the tenant's own extension app are in the Entra directory.
        let app = try #require(harness.server.state.tenant(matching: "dev")?.extensionAppId).replacingOccurrences(
            of: "-", with: "")
        let entraAttributes =
            directories[1]["objects"]?[0]?["attributes"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(entraAttributes.contains("extension_\(app)_badgeId"))
        #expect(entraAttributes.contains("extension_\(app)_costCenter"))

        // API2AD: Switch with expression at every level.
        let adIds = try harness.ids(servicePrincipal: "HR inbound (AD)")
        let ad = try #require(
            try await harness.graph("GET", harness.schemaPath(adIds, version: "beta"), token: token).json)
        #expect(ad["directories"]?[1]?["name"] == "Active Directory")
        let adMappings = ad["synchronizationRules"]?[0]?["objectMappings"]?[0]?["attributeMappings"]?.arrayValue ?? []
        let disabled = try #require(adMappings.first { $0["targetAttributeName"] == "accountDisabled" })
        #expect(disabled["source"]?["expression"] == #"Switch([active], "False", "False", "True", "True", "False")"#)
        #expect(disabled["source"]?["parameters"]?[0]?["value"]?["expression"] == "[active]")
        #expect(disabled["source"]?["parameters"]?[1]?["value"]?["expression"] == #""False""#)
    }

    @Test("PUT stores verbatim (unknown properties, exact numbers), bumps version, answers 204 empty")
    func putPreservesAndBumps() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let token = try await harness.token()
        let path = harness.schemaPath(try harness.ids())
        var schema = try #require(try await harness.graph("GET", path, token: token).json)
        edit(&schema, []) { value in
            var object = value.objectValue!
            object["futureTopLevel"] = ["nested": [.number(JSONNumber(literal: "1.50")), "x"]]
            value = .object(object)
        }
        edit(&schema, ["synchronizationRules", 0, "objectMappings", 0, "attributeMappings", 1]) { value in
            var object = value.objectValue!
            object["someNewFlag"] = true
            value = .object(object)
        }
        let put = try await harness.graph("PUT", path, token: token, body: schema)
        #expect(put.status == 204)
        #expect(put.body.isEmpty)
        #expect(put.header("request-id") != nil)
        let after = try #require(try await harness.graph("GET", path, token: token).json)
        #expect(after["version"] == "v1.1")
        #expect(after["futureTopLevel"] == ["nested": [.number(JSONNumber(literal: "1.50")), "x"]])
        #expect(JSONWriter.compact(after["futureTopLevel"]!).contains("1.50"))
        #expect(
            after["synchronizationRules"]?[0]?["objectMappings"]?[0]?["attributeMappings"]?[1]?["someNewFlag"] == true)
        // Everything else equal to what was sent (version aside).
        var expected = schema
        edit(&expected, ["version"]) { $0 = "v1.1" }
        #expect(after == expected)

        #expect(try await harness.graph("PUT", path, token: token, body: schema).status == 204)
        #expect(try await harness.graph("GET", path, token: token).json?["version"] == "v1.2")
    }

    @Test("DELETE resets to the template; PATCH answers 404 UnknownError with the backend's JSON message")
    func deleteAndPatch() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let token = try await harness.token()
        let ids = try harness.ids()
        let path = harness.schemaPath(ids)
        let original = try #require(try await harness.graph("GET", path, token: token).json)
        var changed = original
        edit(&changed, ["synchronizationRules", 0, "objectMappings", 0, "attributeMappings"]) { value in
            value = .array(Array(value.arrayValue!.prefix(3)))
        }
        #expect(try await harness.graph("PUT", path, token: token, body: changed).status == 204)
        let shortened = try #require(try await harness.graph("GET", path, token: token).json)
        #expect(
            shortened["synchronizationRules"]?[0]?["objectMappings"]?[0]?["attributeMappings"]?.arrayValue?.count == 3)

        let delete = try await harness.graph("DELETE", path, token: token)
        #expect(delete.status == 204)
        #expect(delete.body.isEmpty)
        var reset = try #require(try await harness.graph("GET", path, token: token).json)
        #expect(reset["version"] == "v1.2")
        edit(&reset, ["version"]) { $0 = "v1.0" }
        #expect(reset == original)

        let patch = try await harness.graph("PATCH", path, token: token, body: original)
        #expect(patch.status == 404)
        #expect(patch.json?["error"]?["code"] == "UnknownError")
        let message = try #require(patch.json?["error"]?["message"]?.stringValue)
        let inner = try JSONParser.parse(message)
        #expect(inner["Message"]?.stringValue?.contains("syncfabric.windowsazure.com") == true)
        #expect(inner["Message"]?.stringValue?.contains(ids.job) == true)
        #expect(patch.json?["error"]?["innerError"]?["request-id"] != nil)
    }

    @Test(
        "PUT validation answers 400 naming the problem",
        arguments: [
            ("malformed", "{\"synchronizationRules\": [", "not valid JSON"),
            ("not an object", "[1, 2]", "must be a JSON object"),
        ])
    func putRejectsBadDocuments(_ name: String, body: String, message: String) async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let token = try await harness.token()
        let reply = try await harness.graph(
            "PUT", harness.schemaPath(try harness.ids()), token: token, raw: Data(body.utf8))
        #expect(reply.status == 400)
        #expect(reply.json?["error"]?["code"] == "BadRequest")
        #expect(reply.json?["error"]?["message"]?.stringValue?.contains(message) == true, "\(reply.text)")
    }

    @Test("PUT validation: directories, objects and enums")
    func putValidatesReferencesAndEnums() async throws {
        let harness = try Harness()
        defer { harness.stop() }
        let token = try await harness.token()
        let path = harness.schemaPath(try harness.ids())
        let schema = try #require(try await harness.graph("GET", path, token: token).json)
        let rule: [Any] = ["synchronizationRules", 0]
        let objectMapping: [Any] = rule + ["objectMappings", 0]
        let attributeMapping: [Any] = objectMapping + ["attributeMappings", 0]
        let cases: [([Any], JSONValue, String)] = [
            (rule + ["sourceDirectoryName"], "Workday", "'Workday'"),
            (rule + ["targetDirectoryName"], "Microsoft Entra ID", "'Microsoft Entra ID'"),
            (objectMapping + ["sourceObjectName"], "Person", "'Person'"),
            (objectMapping + ["targetObjectName"], "Group", "'Group'"),
            (objectMapping + ["flowTypes"], "Add, Upsert", "'Upsert'"),
            (attributeMapping + ["flowType"], "Sometimes", "'Sometimes'"),
            (attributeMapping + ["flowBehavior"], "FlowNever", "'FlowNever'"),
            (attributeMapping + ["source", "type"], "Lookup", "'Lookup'"),
            (["directories", 0, "objects", 0, "attributes", 0, "type"], "Text", "'Text'"),
            (["directories", 0, "objects", 0, "attributes", 0, "mutability"], "Sometimes", "'Sometimes'"),
        ]
        for (path_, value, needle) in cases {
            var document = schema
            edit(&document, path_) { $0 = value }
            let reply = try await harness.graph("PUT", path, token: token, body: document)
            #expect(reply.status == 400, "\(path_)")
            #expect(reply.json?["error"]?["message"]?.stringValue?.contains(needle) == true, "\(reply.text)")
        }
        // Nested function parameters are checked too.
        var nested = schema
        let adIds = try harness.ids(servicePrincipal: "HR inbound (AD)")
        let adPath = harness.schemaPath(adIds)
        nested = try #require(try await harness.graph("GET", adPath, token: token).json)
        let index = try #require(
            nested["synchronizationRules"]?[0]?["objectMappings"]?[0]?["attributeMappings"]?.arrayValue?
                .firstIndex { $0["targetAttributeName"] == "accountDisabled" })
        edit(
            &nested,
            [
                "synchronizationRules", 0, "objectMappings", 0, "attributeMappings", index, "source", "parameters", 0,
                "value", "type",
            ]
        ) { $0 = "Variable" }
        let nestedReply = try await harness.graph("PUT", adPath, token: token, body: nested)
        #expect(nestedReply.status == 400)
        #expect(nestedReply.json?["error"]?["message"]?.stringValue?.contains("'Variable'") == true)
        // Both spellings of flags are fine, and a duplicate target attribute is refused.
        var spaced = schema
        edit(&spaced, objectMapping + ["flowTypes"]) { $0 = "Add, Update" }
        #expect(try await harness.graph("PUT", path, token: token, body: spaced).status == 204)
        var duplicate = schema
        edit(&duplicate, objectMapping + ["attributeMappings", 1, "targetAttributeName"]) { $0 = "employeeId" }
        let duplicateReply = try await harness.graph("PUT", path, token: token, body: duplicate)
        #expect(duplicateReply.status == 400)
        #expect(duplicateReply.json?["error"]?["message"]?.stringValue?.contains("employeeId") == true)
        // Only the accepted PUT bumped the version.
        #expect(try await harness.graph("GET", path, token: token).json?["version"] == "v1.1")
    }
}
