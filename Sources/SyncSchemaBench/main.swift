import Foundation
import SyncSchemaCore

// `make bench`: times the offline pipeline on synthetic schemas of growing size (release build).
// Prints one table row per size; each figure is the median of several runs.

/// A synthetic raw schema: one API directory with `attributes` attributes, an Entra directory,
/// and one object mapping with `mappings` attribute mappings of varied expressions.
func syntheticSchema(attributes: Int, mappings: Int) -> JSONValue {
    let codec = MappingSourceCodec.standard()
    func attribute(_ name: String, _ index: Int) -> JSONValue {
        [
            "anchor": .bool(index == 0), "caseExact": false, "defaultValue": nil, "flowNullValues": false, "multivalued": false,
            "mutability": "ReadWrite", "name": .string(name), "required": false, "type": index % 7 == 0 ? "Boolean" : "String",
            "apiExpressions": [], "metadata": [], "referencedObjects": [],
        ]
    }
    let sourceNames = (0..<attributes).map { "urn:ietf:params:scim:schemas:extension:contoso:1.0:User:attribute\($0)" }
    let targetNames = (0..<attributes).map { "extension_0b3e51c2a0b74b4e8c3b2b1f6f0e9d11_attribute\($0)" }
    let expressions = [
        "[%a]", "Join(\" \", [%a], [%b])", "ToUpper([%a], )", "Replace([%a], , \"(?<n>\\\\d+)\", , \"x\", , )",
        "IIF(IsPresent([%a]), [%a], \"none\")", "Switch([%a], \"0\", \"1\", \"True\", \"0\", \"False\")",
    ]
    let attributeMappings: [JSONValue] = (0..<mappings).map { index in
        let text = expressions[index % expressions.count]
            .replacingOccurrences(of: "%a", with: sourceNames[index % attributes])
            .replacingOccurrences(of: "%b", with: sourceNames[(index + 1) % attributes])
        return [
            "defaultValue": nil, "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged", "flowType": "Always",
            "matchingPriority": .int(index == 0 ? 1 : 0), "targetAttributeName": .string(targetNames[index % attributes]),
            "source": try! codec.compile(text),
        ]
    }
    return [
        "id": "API2AAD.bench", "version": "v1",
        "synchronizationRules": [
            [
                "editable": true, "id": "rule", "name": "API2AAD", "priority": 1, "sourceDirectoryName": "API",
                "targetDirectoryName": "Azure Active Directory", "metadata": [],
                "objectMappings": [
                    [
                        "enabled": true, "flowTypes": "Add, Update", "name": "Provision", "sourceObjectName": "User",
                        "targetObjectName": "User", "scope": nil, "metadata": [], "attributeMappings": .array(attributeMappings),
                    ]
                ],
            ]
        ],
        "directories": [
            ["id": "api", "name": "API", "objects": [["name": "User", "attributes": .array(sourceNames.enumerated().map { attribute($1, $0) }.reversed())]]],
            ["id": "aad", "name": "Azure Active Directory", "objects": [["name": "User", "attributes": .array(targetNames.enumerated().map { attribute($1, $0) })]]],
        ],
    ]
}

func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
    }
    return times.sorted()[times.count / 2]
}

let codec = MappingSourceCodec.standard()
let normalizer = Normalizer(codec: codec)
let renderer = Renderer(codec: codec)
print("size (attributes/mappings) | raw JSON | parse ms | normalize ms | render onto live ms | render offline ms | validate ms | plan ms | write ms")
print("---|---|---|---|---|---|---|---|---")
for (attributes, mappings) in [(100, 40), (1_000, 400), (5_000, 2_000), (10_000, 4_000)] {
    let raw = syntheticSchema(attributes: attributes, mappings: mappings)
    let text = JSONWriter().string(raw)
    let runs = attributes >= 5_000 ? 3 : 7
    var file: JSONValue = .null
    let parse = try median(runs) { _ = try JSONParser.parse(text) }
    let normalize = try median(runs) { file = try normalizer.normalize(raw) }
    let renderLive = try median(runs) { _ = try renderer.render(file, live: raw) }
    let renderOffline = try median(runs) { _ = try renderer.render(file) }
    let validate = median(runs) { _ = SchemaValidator().validate(file) }
    let plan = try median(runs) {
        _ = try Planner(codec: codec).plan(environment: "bench", app: "bench", file: file, variables: [:], live: raw)
    }
    let write = median(runs) { _ = JSONWriter().string(file) }
    func f(_ value: Double) -> String { String(format: "%.1f", value) }
    print(
        "\(attributes)/\(mappings) | \(text.utf8.count / 1024) kB | \(f(parse)) | \(f(normalize)) | \(f(renderLive)) | \(f(renderOffline)) | \(f(validate)) | \(f(plan)) | \(f(write))"
    )
}
