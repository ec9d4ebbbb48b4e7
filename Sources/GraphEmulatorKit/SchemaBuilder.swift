import SyncSchemaCore

/// Builders for Graph synchronization JSON (attribute definitions, mapping sources, rules) in the
/// property order the service uses, so the built-in templates read like captured payloads.
public enum SchemaBuilder {
    /// An attribute-mapping source as a tree; `nil` arguments are omitted optional positions.
    public indirect enum Source: Sendable {
        /// `[name]`.
        case attribute(String)
        /// `"value"`.
        case constant(String)
        /// `Name(arg, …)` with each argument's parameter key (`nil` = an empty slot).
        case function(String, [(key: String, value: Source?)])

        /// The expression text, as the service prints it.
        public var expression: String {
            switch self {
            case .attribute(let name): "[\(name)]"
            case .constant(let value): SchemaBuilder.quote(value)
            case .function(let name, let arguments):
                "\(name)(\(arguments.map { $0.value?.expression ?? "" }.joined(separator: ", ")))"
            }
        }

        /// The Graph `attributeMappingSource` JSON, with `expression` at every level.
        public var json: JSONValue {
            switch self {
            case .attribute(let name):
                ["expression": .string(expression), "name": .string(name), "parameters": [], "type": "Attribute"]
            case .constant(let value):
                ["expression": .string(expression), "name": .string(value), "parameters": [], "type": "Constant"]
            case .function(let name, let arguments):
                [
                    "expression": .string(expression), "name": .string(name),
                    "parameters": .array(
                        arguments.compactMap { argument in
                            argument.value.map { ["key": .string(argument.key), "value": $0.json] }
                        }),
                    "type": "Function",
                ]
            }
        }
    }

    /// A constant as an expression literal: quoted, with `"` and `\` escaped by a backslash.
    public static func quote(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// An `attributeDefinition`.
    static func attribute(
        _ name: String, type: String = "String", anchor: Bool = false, required: Bool = false,
        multivalued: Bool = false, caseExact: Bool = false, flowNullValues: Bool = false,
        mutability: String = "ReadWrite", references: [String] = []
    ) -> JSONValue {
        [
            "anchor": .bool(anchor), "caseExact": .bool(caseExact), "defaultValue": nil,
            "flowNullValues": .bool(flowNullValues), "multivalued": .bool(multivalued),
            "mutability": .string(mutability), "name": .string(name), "required": .bool(required),
            "referencedObjects": .array(
                references.map { ["referencedObjectName": .string($0), "referencedProperty": nil] }),
            "type": .string(type), "apiExpressions": [], "metadata": [],
        ]
    }

    /// Several plain single-valued `String` attributes.
    static func strings(_ names: [String]) -> [JSONValue] { names.map { attribute($0) } }

    /// An `objectDefinition`.
    static func object(
        _ name: String, attributes: [JSONValue], metadata: [(String, String)] = [], supportedApis: [String] = []
    ) -> JSONValue {
        [
            "name": .string(name), "attributes": .array(attributes),
            "metadata": .array(metadata.map { ["key": .string($0.0), "value": .string($0.1)] }),
            "supportedApis": .array(supportedApis.map { .string($0) }),
        ]
    }

    /// A `directoryDefinition`.
    static func directory(
        id: String, name: String, readOnly: Bool, discoverabilities: String, version: String?, objects: [JSONValue]
    ) -> JSONValue {
        [
            "id": .string(id), "name": .string(name), "discoverabilities": .string(discoverabilities),
            "discoveryDateTime": nil, "readOnly": .bool(readOnly), "version": version.map { .string($0) } ?? nil,
            "objects": .array(objects),
        ]
    }

    /// An `attributeMapping`.
    static func mapping(
        _ target: String, _ source: Source?, flowType: String = "Always", matchingPriority: Int = 0,
        defaultValue: String? = nil
    ) -> JSONValue {
        [
            "defaultValue": defaultValue.map { .string($0) } ?? nil, "exportMissingReferences": false,
            "flowBehavior": "FlowWhenChanged", "flowType": .string(flowType),
            "matchingPriority": .int(matchingPriority), "source": source?.json ?? nil,
            "targetAttributeName": .string(target),
        ]
    }

    /// A direct mapping `[source]` → `target`.
    static func direct(_ source: String, _ target: String, flowType: String = "Always") -> JSONValue {
        mapping(target, .attribute(source), flowType: flowType)
    }

    /// An `objectMapping`.
    static func objectMapping(
        name: String, source: String, target: String, flowTypes: String, mappings: [JSONValue]
    ) -> JSONValue {
        [
            "enabled": true, "flowTypes": .string(flowTypes), "metadata": [], "name": .string(name), "scope": nil,
            "sourceObjectName": .string(source), "targetObjectName": .string(target),
            "attributeMappings": .array(mappings),
        ]
    }

    /// A `synchronizationRule`.
    static func rule(
        id: String, name: String, priority: Int, source: String, target: String, objectMappings: [JSONValue]
    ) -> JSONValue {
        [
            "editable": true, "id": .string(id), "name": .string(name), "priority": .int(priority),
            "sourceDirectoryName": .string(source), "targetDirectoryName": .string(target),
            "containerFilter": nil, "groupFilter": nil, "metadata": [],
            "objectMappings": .array(objectMappings),
        ]
    }
}
