import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

@Suite struct JSONSchemaTests {
    @Test(arguments: JSONSchemas.all.map(\.name))
    func committedCopiesAreCurrent(_ name: String) throws {
        let document = try #require(JSONSchemas.all.first { $0.name == name }?.document)
        let path = Fixtures.repositoryRoot.appendingPathComponent("docs/schemas/\(name)").path
        let committed = try? String(contentsOfFile: path, encoding: .utf8)
        #expect(
            committed == JSONWriter().string(document),
            "docs/schemas/\(name) is stale or missing: run `make json-schemas` and commit the result")
    }

    @Test func schemaFileSchemaFollowsTheKindTable() throws {
        let schema = JSONSchemas.schemaFile
        let mapping = try #require(schema[path: [.key("$defs"), .key("attributeMapping"), .key("properties")]])
        #expect(mapping["flowType"]?["enum"] == .array(SchemaKind.attributeFlowTypes.map { .string($0) }))
        #expect(mapping["matchingPriority"]?["default"] == .int(0))
        #expect(schema[path: [.key("properties"), .key("syncschema"), .key("const")]] == .int(1))
    }

    @Test func environmentSchemaListsEveryAuthMethod() throws {
        let methods =
            JSONSchemas.environmentFile[path: [.key("properties"), .key("auth"), .key("oneOf")]]?.arrayValue ?? []
        let names = Set(
            methods.compactMap { $0[path: [.key("properties"), .key("method"), .key("const")]]?.stringValue })
        #expect(names == Set(AuthSetting.methodNames))
    }
}
