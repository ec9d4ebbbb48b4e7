import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// A codec that stores expression text in a one-node tree, so these tests exercise normalize and
/// render independently of the expression engine.
let textCodec = MappingSourceCodec(
    text: { $0["expression"]?.stringValue },
    compile: { text in ["expression": .string(text), "name": "Compiled", "parameters": [], "type": "Function"] })

let sampleRaw: JSONValue = try! JSONParser.parse(
    #"""
    {
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('sp')/synchronization/jobs('job')/schema/$entity",
      "id": "API2AAD.abc.def", "version": "v3",
      "synchronizationRules": [{
        "editable": true, "id": "rule-1", "name": "USER_INBOUND_USER", "priority": 1,
        "sourceDirectoryName": "API", "targetDirectoryName": "Azure Active Directory",
        "containerFilter": null, "groupFilter": null, "metadata": [],
        "objectMappings": [{
          "enabled": true, "flowTypes": "Add, Update", "metadata": [], "name": "Provision API users",
          "scope": null, "sourceObjectName": "User", "targetObjectName": "User",
          "attributeMappings": [
            { "defaultValue": null, "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged", "flowType": "Always",
              "matchingPriority": 1, "targetAttributeName": "employeeId",
              "source": { "expression": "[externalId]", "name": "externalId", "parameters": [], "type": "Attribute" } },
            { "defaultValue": "", "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged", "flowType": "Always",
              "matchingPriority": 0, "targetAttributeName": "displayName",
              "source": { "expression": "Join(\" \", [name.givenName], [name.familyName])", "name": "Join", "type": "Function",
                          "parameters": [] } },
            { "defaultValue": null, "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged", "flowType": "ObjectAddOnly",
              "matchingPriority": 0, "targetAttributeName": "accountEnabled", "futureProperty": {"a": 1.0},
              "source": { "expression": "Replace([x], , \"(?<n>\\\\d+)\", , \"${n}\", , )", "name": "Replace", "type": "Function", "parameters": [] } }
          ]
        }]
      }],
      "directories": [
        { "id": "dir-api", "name": "API", "discoverabilities": "None", "discoveryDateTime": null, "readOnly": false, "version": null,
          "objects": [{ "name": "User", "metadata": [], "supportedApis": [], "attributes": [
            { "anchor": false, "caseExact": false, "defaultValue": null, "flowNullValues": false, "multivalued": false,
              "mutability": "ReadWrite", "name": "name.givenName", "required": false, "type": "String",
              "apiExpressions": [], "metadata": [], "referencedObjects": [] },
            { "anchor": true, "caseExact": false, "defaultValue": null, "flowNullValues": false, "multivalued": false,
              "mutability": "ReadWrite", "name": "externalId", "required": false, "type": "String",
              "apiExpressions": [], "metadata": [], "referencedObjects": [] }
          ] }] },
        { "id": "66e4a8cc-1b7b-435e-95f8-f06cea133828", "name": "Azure Active Directory", "readOnly": true,
          "discoverabilities": "AttributeNames, AttributeDataTypes",
          "objects": [{ "name": "User", "attributes": [
            { "name": "employeeId", "type": "String", "flowNullValues": true },
            { "name": "displayName" }, { "name": "accountEnabled", "type": "Boolean" }
          ] }] }
      ]
    }
    """#)

@Suite struct NormalizeTests {
    let normalizer = Normalizer(codec: textCodec)
    let renderer = Renderer(codec: textCodec)

    @Test func dropsVolatileValuesAndDefaultsAndKeepsUnknowns() throws {
        let file = try normalizer.normalize(sampleRaw)
        let root = try #require(file.objectValue)
        #expect(root.keys.first == "syncschema")
        #expect(root["id"] == nil && root["version"] == nil && root["@odata.context"] == nil)
        let api = try #require(file[path: [.key("directories"), .index(0)]])
        #expect(api["id"] == nil && api["discoveryDateTime"] == nil && api["readOnly"] == nil)
        #expect(api["discoverabilities"] == "None")
        let attributes = try #require(api[path: [.key("objects"), .index(0), .key("attributes")]]?.arrayValue)
        #expect(attributes.map { $0["name"] } == ["externalId", "name.givenName"])  // sorted by name
        #expect(attributes[0] == ["name": "externalId", "anchor": true])
        let mapping = try #require(
            file[path: [.key("synchronizationRules"), .index(0), .key("objectMappings"), .index(0)]])
        #expect(mapping["flowTypes"] == "Add,Update")
        let mappings = try #require(mapping["attributeMappings"]?.arrayValue)
        #expect(mappings.map { $0["targetAttributeName"] } == ["accountEnabled", "displayName", "employeeId"])
        #expect(mappings[2] == ["targetAttributeName": "employeeId", "source": "[externalId]", "matchingPriority": 1])
        #expect(mappings[1]["defaultValue"] == "")  // empty string is not the default null
        #expect(mappings[0]["futureProperty"] == ["a": .number(JSONNumber(literal: "1.0"))])
        // A literal ${ from live is escaped so render gives it back unchanged.
        #expect(mappings[0]["source"] == #"Replace([x], , "(?<n>\\d+)", , "$${n}", , )"#)
        let entra = try #require(file[path: [.key("directories"), .index(1)]])
        #expect(entra["discoverabilities"] == "AttributeNames,AttributeDataTypes")
        #expect(entra["readOnly"] == true)
    }

    @Test func renderOntoLiveGivesLiveBack() throws {
        let file = try normalizer.normalize(sampleRaw)
        let rendered = try renderer.render(file, live: sampleRaw)
        #expect(rendered == sampleRaw, "\(lineDiff(JSONWriter().string(sampleRaw), JSONWriter().string(rendered)))")
        // Byte for byte, key order included, because the live document is the base.
        #expect(JSONWriter().string(rendered) == JSONWriter().string(sampleRaw))
    }

    @Test func normalizeOfRenderIsTheFile() throws {
        let file = try normalizer.normalize(sampleRaw)
        let offline = try renderer.render(file)
        #expect(try normalizer.normalize(offline) == file)
        let onto = try renderer.render(file, live: sampleRaw)
        #expect(try normalizer.normalize(onto) == file)
    }

    @Test func oneChangeInTheFileIsOneChangeInThePut() throws {
        var text = JSONWriter().string(try normalizer.normalize(sampleRaw))
        text = text.replacingOccurrences(of: #""source": "[externalId]""#, with: #""source": "[userName]""#)
        let file = try SchemaFile.read(text)
        let rendered = try renderer.render(file, live: sampleRaw)
        let path: JSONPath = [
            .key("synchronizationRules"), .index(0), .key("objectMappings"), .index(0), .key("attributeMappings"),
            .index(0),
        ]
        #expect(rendered[path: path.appending("source")]?["expression"] == "[userName]")
        // Everything else is exactly live.
        var restored = rendered
        if case .object(var root) = restored {
            root["synchronizationRules"] = sampleRaw["synchronizationRules"]
            restored = .object(root)
        }
        #expect(restored == sampleRaw)
        #expect(
            rendered[path: path.appending("targetAttributeName")] == "employeeId"
                && rendered[path: path.appending("matchingPriority")] == .int(1))
    }

    @Test func removedPropertiesAndAddedElementsMerge() throws {
        var file = try normalizer.normalize(sampleRaw)
        let mappingsPath: JSONPath = [
            .key("synchronizationRules"), .index(0), .key("objectMappings"), .index(0), .key("attributeMappings"),
        ]
        var mappings = try #require(file[path: mappingsPath]?.arrayValue)
        mappings.remove(at: 1)  // displayName
        mappings.append(["targetAttributeName": "jobTitle", "source": "[title]"])
        file = file.replacing(at: mappingsPath, with: .array(mappings))
        let rendered = try renderer.render(file, live: sampleRaw)
        let targets = try #require(rendered[path: mappingsPath]?.arrayValue).map { $0["targetAttributeName"] }
        #expect(targets == ["employeeId", "accountEnabled", "jobTitle"])  // live order kept, new one appended
        let added = try #require(rendered[path: mappingsPath.appending(2)])
        #expect(added["flowType"] == "Always" && added["matchingPriority"] == .int(0) && added["defaultValue"] == .null)
        #expect(added["source"]?["expression"] == "[title]")
    }

    @Test func variablesSubstituteAndUnknownOnesAreReported() throws {
        let file: JSONValue = [
            "syncschema": 1,
            "directories": [
                [
                    "name": "Azure Active Directory",
                    "objects": [["name": "User", "attributes": [["name": "extension_${appId}_badge"]]]],
                ]
            ],
        ]
        let rendered = try renderer.render(file, variables: ["appId": "0b3e"])
        #expect(
            rendered[path: [
                .key("directories"), .index(0), .key("objects"), .index(0), .key("attributes"), .index(0), .key("name"),
            ]] == "extension_0b3e_badge")
        #expect(throws: SchemaError.self) { try renderer.render(file, variables: ["appid": "x"]) }
        do {
            _ = try renderer.render(file, variables: ["appid": "x"])
        } catch {
            #expect(error.diagnostics.first?.message.contains("did you mean ${appid}") == true)
            #expect(error.diagnostics.first?.path.description == "directories[0].objects[0].attributes[0].name")
        }
    }

    @Test func formatIsIdempotentAndCanonical() throws {
        let file = try normalizer.normalize(sampleRaw)
        #expect(normalizer.format(file) == file)
        #expect(JSONWriter().string(normalizer.format(file)) == JSONWriter().string(file))
    }
}
