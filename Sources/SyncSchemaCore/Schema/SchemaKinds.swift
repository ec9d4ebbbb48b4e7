import Foundation

/// What the tool knows about each kind of node in a synchronization schema: which properties the
/// server owns, which have documented defaults, which are flags strings, how children are
/// identified and ordered. Normalize, render, merge and validation all read this one table, so a
/// fact about Graph (reference/graph-sync-api.md §2) is written down exactly once.
///
/// Everything not named here is an *unknown* property and is carried verbatim in both directions.
public struct SchemaKind: Sendable {
    /// A human name for messages ("attribute mapping").
    public let displayName: String
    /// Server-owned, volatile properties dropped by normalize and always taken from live on render.
    public let volatile: Set<String>
    /// Documented defaults. Normalize omits a property equal to its default; render restores it.
    public let defaults: [String: JSONValue]
    /// Flags-enum properties written as comma-separated words (`"Add,Update,Delete"`), compared as
    /// sets, written canonically in the order of this list of words.
    public let flags: [String: [String]]
    /// Properties whose value must be a string when present (checked when a file is read).
    public let strings: Set<String>
    /// Properties whose value must be a boolean when present.
    public let booleans: Set<String>
    /// Properties whose value must be an integer when present.
    public let integers: Set<String>
    /// Enumerations: property → allowed values.
    public let enums: [String: [String]]
    /// Known keys written first, in this order.
    public let leadingKeys: [String]
    /// Child lists, written after every other key.
    public let children: [ChildList]

    /// A list of child nodes held under `key`.
    public struct ChildList: Sendable {
        /// The property holding the array.
        public let key: String
        /// The kind of each element.
        public let kind: KindName
        /// How elements are identified across documents.
        public let identity: Identity
        /// Whether normalize sorts the list by identity (large lists whose order carries no meaning).
        public let sorted: Bool
    }

    /// How list elements are matched between two documents.
    public enum Identity: Sendable {
        /// By the string value of one property.
        case key(String)
        /// By one property, falling back to a pair of others when it is absent or null.
        case keyOrPair(String, String, String)
    }

    /// Every property this kind knows (for "did you mean" on misspelled keys).
    public var knownKeys: Set<String> {
        Set(leadingKeys).union(children.map(\.key)).union(volatile).union(defaults.keys).union(flags.keys)
    }
}

/// The names of the node kinds of a schema.
public enum KindName: String, Sendable, CaseIterable {
    case schema, directory, object, attribute, rule, objectMapping, attributeMapping
}

extension SchemaKind {
    /// The table itself.
    public static func of(_ name: KindName) -> SchemaKind {
        switch name {
        case .schema: schema
        case .directory: directory
        case .object: object
        case .attribute: attribute
        case .rule: rule
        case .objectMapping: objectMapping
        case .attributeMapping: attributeMapping
        }
    }

    static let schema = SchemaKind(
        displayName: "schema",
        volatile: ["id", "version", "@odata.context", "@odata.etag", "@odata.type", "@odata.id"],
        defaults: [:], flags: [:], strings: [], booleans: [], integers: [], enums: [:],
        leadingKeys: [],
        children: [
            ChildList(key: "directories", kind: .directory, identity: .key("name"), sorted: false),
            ChildList(key: "synchronizationRules", kind: .rule, identity: .key("name"), sorted: false),
        ])

    static let directory = SchemaKind(
        displayName: "directory",
        volatile: ["id", "version", "discoveryDateTime"],
        defaults: ["metadata": [], "readOnly": false],
        flags: [
            "discoverabilities": [
                "None", "AttributeNames", "AttributeDataTypes", "AttributeReadOnly", "ReferenceAttributes",
                "UnknownFutureValue",
            ]
        ],
        strings: ["name"], booleans: ["readOnly"], integers: [], enums: [:],
        leadingKeys: ["name", "readOnly", "discoverabilities", "metadata"],
        children: [ChildList(key: "objects", kind: .object, identity: .key("name"), sorted: true)])

    static let object = SchemaKind(
        displayName: "object",
        volatile: [],
        defaults: ["metadata": [], "supportedApis": []],
        flags: [:], strings: ["name"], booleans: [], integers: [], enums: [:],
        leadingKeys: ["name", "supportedApis", "metadata"],
        children: [ChildList(key: "attributes", kind: .attribute, identity: .key("name"), sorted: true)])

    /// Attribute types of reference/graph-sync-api.md §2.4.
    public static let attributeTypes = ["String", "Integer", "Reference", "Binary", "Boolean", "DateTime"]

    static let attribute = SchemaKind(
        displayName: "attribute",
        volatile: [],
        defaults: [
            "anchor": false, "apiExpressions": [], "caseExact": false, "defaultValue": .null, "flowNullValues": false,
            "metadata": [], "multivalued": false, "mutability": "ReadWrite", "referencedObjects": [],
            "required": false, "type": "String",
        ],
        flags: [:],
        strings: ["name", "defaultValue"],
        booleans: ["anchor", "caseExact", "flowNullValues", "multivalued", "required"],
        integers: [],
        enums: ["type": attributeTypes, "mutability": ["ReadWrite", "ReadOnly", "Immutable", "WriteOnly"]],
        leadingKeys: [
            "name", "type", "anchor", "required", "multivalued", "caseExact", "flowNullValues", "mutability",
            "defaultValue", "referencedObjects", "apiExpressions", "metadata",
        ],
        children: [])

    static let rule = SchemaKind(
        displayName: "synchronization rule",
        volatile: [],
        defaults: ["containerFilter": .null, "groupFilter": .null, "metadata": []],
        flags: [:],
        strings: ["name", "id", "sourceDirectoryName", "targetDirectoryName"],
        booleans: ["editable"], integers: ["priority"], enums: [:],
        leadingKeys: [
            "name", "id", "sourceDirectoryName", "targetDirectoryName", "priority", "editable", "containerFilter",
            "groupFilter", "metadata",
        ],
        children: [
            ChildList(
                key: "objectMappings", kind: .objectMapping,
                identity: .keyOrPair("name", "sourceObjectName", "targetObjectName"), sorted: false)
        ])

    /// Object flow-type words in canonical order (reference/graph-sync-api.md §2.6).
    public static let objectFlowTypes = ["None", "Add", "Update", "Delete"]

    static let objectMapping = SchemaKind(
        displayName: "object mapping",
        volatile: [],
        defaults: ["metadata": [], "scope": .null],
        flags: ["flowTypes": objectFlowTypes],
        strings: ["name", "sourceObjectName", "targetObjectName"],
        booleans: ["enabled"], integers: [], enums: [:],
        leadingKeys: ["name", "enabled", "sourceObjectName", "targetObjectName", "flowTypes", "scope", "metadata"],
        children: [
            ChildList(
                key: "attributeMappings", kind: .attributeMapping, identity: .key("targetAttributeName"), sorted: true)
        ])

    /// Attribute flow types (reference/graph-sync-api.md §2.7).
    public static let attributeFlowTypes = [
        "Always", "ObjectAddOnly", "MultiValueAddOnly", "ValueAddOnly", "AttributeAddOnly",
    ]

    static let attributeMapping = SchemaKind(
        displayName: "attribute mapping",
        volatile: [],
        defaults: [
            "defaultValue": .null, "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged",
            "flowType": "Always", "matchingPriority": 0, "source": .null,
        ],
        flags: [:],
        strings: ["targetAttributeName", "defaultValue"],
        booleans: ["exportMissingReferences"], integers: ["matchingPriority"],
        enums: ["flowType": attributeFlowTypes, "flowBehavior": ["FlowWhenChanged", "FlowAlways"]],
        leadingKeys: [
            "targetAttributeName", "source", "defaultValue", "matchingPriority", "flowType", "flowBehavior",
            "exportMissingReferences",
        ],
        children: [])
}

extension SchemaKind {
    /// Whether `value` for `key` means the same as leaving the property out.
    func isDefault(_ key: String, _ value: JSONValue) -> Bool {
        guard let defaultValue = defaults[key] else { return false }
        if value == defaultValue { return true }
        // Graph writes absent optional members as `null`; an empty list means the same as none.
        if defaultValue == .null, value == .null { return true }
        if defaultValue == [] && value == .null { return true }
        return false
    }

    /// The identity of a list element under this child list, or `nil` when it has none.
    static func identity(of element: JSONValue, _ identity: Identity) -> String? {
        switch identity {
        case .key(let key):
            return element[key]?.stringValue
        case .keyOrPair(let key, let first, let second):
            if let value = element[key]?.stringValue, !value.isEmpty { return value }
            guard let a = element[first]?.stringValue, let b = element[second]?.stringValue else { return nil }
            return "\(a) → \(b)"
        }
    }
}

/// Flags strings (`"Add, Update,Delete"`) as sets of words, written canonically.
public enum FlagsValue {
    /// The words of a flags string, trimmed; empty words dropped.
    public static func words(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The canonical spelling: known words in `order`, then unknown words as written, joined by ",".
    public static func canonical(_ text: String, order: [String]) -> String {
        let given = words(text)
        var seen = Set<String>()
        var result: [String] = []
        for word in order where given.contains(word) && seen.insert(word).inserted { result.append(word) }
        for word in given where seen.insert(word).inserted { result.append(word) }
        return result.joined(separator: ",")
    }

    /// Whether two flags strings name the same set of words.
    public static func sameSet(_ a: String, _ b: String) -> Bool { Set(words(a)) == Set(words(b)) }
}
