/// JSON Schema documents for the files syncschema owns, generated from the same tables the
/// readers use (`SchemaKind`, the environment file's keys), so editors validate and complete
/// exactly what the tool accepts. `make json-schemas` writes them to `docs/schemas/`; a test fails
/// when the committed copies are stale.
public enum JSONSchemas {
    /// The documents by file name under `docs/schemas/`.
    public static var all: [(name: String, document: JSONValue)] {
        [("schema-file.schema.json", schemaFile), ("environment-file.schema.json", environmentFile)]
    }

    static let dialect: JSONValue = "https://json-schema.org/draft/2020-12/schema"

    /// `schemas/<app>.json`. Unknown properties are allowed everywhere (they are Graph properties
    /// syncschema carries verbatim).
    public static var schemaFile: JSONValue {
        var definitions = JSONObject()
        for name in KindName.allCases where name != .schema { definitions[name.rawValue] = node(name) }
        var properties = JSONObject()
        properties["$schema"] = ["type": "string"]
        properties["syncschema"] = [
            "const": .int(schemaFileFormatVersion), "description": "Format version of this file.",
        ]
        for child in SchemaKind.of(.schema).children {
            properties[child.key] = ["type": "array", "items": ["$ref": .string("#/$defs/\(child.kind.rawValue)")]]
        }
        return .object(
            JSONObject([
                ("$schema", dialect), ("$id", "https://syncschema.dev/schemas/schema-file.schema.json"),
                ("title", "syncschema schema file"),
                (
                    "description",
                    "The desired synchronization schema of one Entra provisioning app (schemas/<app>.json)."
                ),
                ("type", "object"), ("required", ["syncschema"]), ("properties", .object(properties)),
                ("$defs", .object(definitions)),
            ]))
    }

    private static func node(_ name: KindName) -> JSONValue {
        let kind = SchemaKind.of(name)
        var properties = JSONObject()
        for key in kind.leadingKeys {
            properties[key] = property(key, kind: kind, name: name)
        }
        for child in kind.children {
            properties[child.key] = ["type": "array", "items": ["$ref": .string("#/$defs/\(child.kind.rawValue)")]]
        }
        var object = JSONObject([("type", "object"), ("description", .string(kind.displayName))])
        if let identity = kind.leadingKeys.first, name != .objectMapping { object["required"] = [.string(identity)] }
        object["properties"] = .object(properties)
        return .object(object)
    }

    private static func property(_ key: String, kind: SchemaKind, name: KindName) -> JSONValue {
        var schema = JSONObject()
        if name == .attributeMapping, key == "source" {
            schema["description"] =
                "Expression text, e.g. Join(\" \", [name.givenName], [name.familyName]); or a raw attributeMappingSource object."
            schema["type"] = ["string", "object", "null"]
        } else if let allowed = kind.enums[key] {
            schema["enum"] = .array(allowed.map { .string($0) })
        } else if let words = kind.flags[key] {
            schema["type"] = "string"
            schema["description"] = .string("Comma-separated: \(words.joined(separator: ", "))")
            schema["pattern"] = .string(
                "^\\s*(\(words.joined(separator: "|")))(\\s*,\\s*(\(words.joined(separator: "|"))))*\\s*$")
        } else if kind.strings.contains(key) {
            schema["type"] = kind.defaults[key] == .null ? ["string", "null"] : "string"
        } else if kind.booleans.contains(key) {
            schema["type"] = "boolean"
        } else if kind.integers.contains(key) {
            schema["type"] = "integer"
        }
        if let value = kind.defaults[key] { schema["default"] = value }
        return .object(schema)
    }

    /// `environments/<env>.json`. Unknown keys are errors, as in the reader.
    public static var environmentFile: JSONValue {
        let methods = EnvironmentFile.authMethodKeys.keys.sorted()
        let auth: [JSONValue] = methods.map { method in
            var properties = JSONObject([("method", ["const": .string(method)])])
            for key in EnvironmentFile.authMethodKeys[method] ?? [] { properties[key] = ["type": "string"] }
            return .object(
                JSONObject([
                    ("type", "object"), ("required", ["method"]), ("properties", .object(properties)),
                    ("additionalProperties", false),
                ]))
        }
        let cloud: JSONValue = [
            "oneOf": [
                ["enum": .array(CloudSetting.names.map { .string($0) })],
                [
                    "type": "object", "required": ["graph", "login"], "additionalProperties": false,
                    "properties": ["graph": ["type": "string"], "login": ["type": "string"]],
                ],
            ]
        ]
        let app: JSONValue = [
            "type": "object", "required": ["servicePrincipal"], "additionalProperties": false,
            "properties": [
                "servicePrincipal": ["type": "string", "description": "Object id, appId or display name."],
                "job": ["type": "string", "description": "Job id or template id (API2AAD, API2AD, …)."],
            ],
        ]
        let properties = JSONObject([
            ("$schema", ["type": "string"]),
            ("syncschema", ["const": .int(EnvironmentFile.formatVersion)]),
            ("tenant", ["type": "string", "description": "Tenant id or domain."]),
            ("cloud", cloud),
            ("auth", ["oneOf": .array(auth)]),
            ("apps", ["type": "object", "additionalProperties": app]),
            ("variables", ["type": "object", "additionalProperties": ["type": "string"]]),
            ("protected", ["type": "boolean", "default": false]),
        ])
        return .object(
            JSONObject([
                ("$schema", dialect), ("$id", "https://syncschema.dev/schemas/environment-file.schema.json"),
                ("title", "syncschema environment file"),
                (
                    "description",
                    "One tenant, its credentials (by environment variable name) and variables (environments/<env>.json)."
                ),
                ("type", "object"), ("required", ["syncschema", "tenant", "auth"]), ("properties", .object(properties)),
                ("additionalProperties", false),
            ]))
    }
}
