/// Edits of a schema file that admins make every day — adding an extension attribute, mapping it —
/// done on the file's JSON so that nothing else in it moves, and checked before anything is written.
public struct SchemaEditor: Sendable {
    /// What an edit did.
    public enum Outcome: Equatable, Sendable {
        /// The element was added.
        case added
        /// An element with that identity existed and was replaced; `previous` is what it was.
        case replaced(previous: JSONValue)
        /// An identical element was already there: nothing changed.
        case unchanged
        /// The element was removed.
        case removed
    }

    /// A refused edit, with the reason and what to do.
    public struct EditError: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// The file being edited.
    public private(set) var file: JSONValue

    public init(file: JSONValue) { self.file = file }

    // MARK: - Locating

    /// Where an object definition is: indices into `directories` and its `objects`.
    public struct ObjectLocation: Equatable, Sendable {
        public let directory: Int
        public let object: Int
        public let directoryName: String
        public let objectName: String
    }

    /// The object to add attributes to: named, or by default the source object of the first
    /// enabled object mapping (for API-driven apps, the API directory's user object).
    public func locateObject(directory: String?, object: String?) throws(EditError) -> ObjectLocation {
        let directories = file["directories"]?.arrayValue ?? []
        var directoryName = directory
        var objectName = object
        if directoryName == nil || objectName == nil, let mapping = firstObjectMapping() {
            directoryName = directoryName ?? mapping.rule["sourceDirectoryName"]?.stringValue
            objectName = objectName ?? (directory == nil ? mapping.mapping["sourceObjectName"]?.stringValue : nil)
        }
        guard let directoryName else {
            throw EditError(
                "the schema has no synchronization rule to take the source directory from; pass --directory")
        }
        guard let d = directories.firstIndex(where: { $0["name"]?.stringValue == directoryName }) else {
            let names = directories.compactMap { $0["name"]?.stringValue }
            throw EditError(
                "no directory \"\(directoryName)\" in the schema (it has: \(names.joined(separator: ", ")))")
        }
        let objects = directories[d]["objects"]?.arrayValue ?? []
        let resolvedObject = objectName ?? (objects.count == 1 ? objects[0]["name"]?.stringValue : nil)
        guard let resolvedObject else {
            throw EditError("directory \"\(directoryName)\" has several objects; pass --object")
        }
        guard let o = objects.firstIndex(where: { $0["name"]?.stringValue == resolvedObject }) else {
            let names = objects.compactMap { $0["name"]?.stringValue }
            throw EditError(
                "no object \"\(resolvedObject)\" in directory \"\(directoryName)\" (it has: \(names.joined(separator: ", ")))"
            )
        }
        return ObjectLocation(directory: d, object: o, directoryName: directoryName, objectName: resolvedObject)
    }

    /// The attribute definitions of an object.
    public func attributes(at location: ObjectLocation) -> [JSONValue] {
        file[path: attributesPath(location)]?.arrayValue ?? []
    }

    private func attributesPath(_ location: ObjectLocation) -> JSONPath {
        [.key("directories"), .index(location.directory), .key("objects"), .index(location.object), .key("attributes")]
    }

    private func firstObjectMapping(named name: String? = nil) -> (
        rule: JSONValue, mapping: JSONValue, ruleIndex: Int, mappingIndex: Int
    )? {
        for (r, rule) in (file["synchronizationRules"]?.arrayValue ?? []).enumerated() {
            for (m, mapping) in (rule["objectMappings"]?.arrayValue ?? []).enumerated() {
                if let name {
                    if mapping["name"]?.stringValue == name { return (rule, mapping, r, m) }
                } else if mapping["enabled"] != false {
                    return (rule, mapping, r, m)
                }
            }
        }
        return nil
    }

    // MARK: - Attributes

    /// The namespace of the custom extension attributes already in an object (`contoso` in
    /// `urn:ietf:params:scim:schemas:extension:contoso:1.0:User:badgeId`), when there is exactly one.
    public func extensionNamespace(at location: ObjectLocation) -> String? {
        let prefix = "urn:ietf:params:scim:schemas:extension:"
        var namespaces = Set<String>()
        for attribute in attributes(at: location) {
            guard let name = attribute["name"]?.stringValue, name.hasPrefix(prefix) else { continue }
            let parts = name.dropFirst(prefix.count).split(separator: ":")
            if parts.count == 4, parts[1] == "1.0", parts[2] == "User" { namespaces.insert(String(parts[0])) }
        }
        return namespaces.count == 1 ? namespaces.first : nil
    }

    /// Adds (or updates) an attribute definition; identical → `.unchanged`.
    public mutating func addAttribute(_ attribute: JSONObject, at location: ObjectLocation) -> Outcome {
        var list = attributes(at: location)
        let name = attribute["name"]?.stringValue
        if let index = list.firstIndex(where: { $0["name"]?.stringValue == name }) {
            if list[index] == .object(attribute) { return .unchanged }
            let previous = list[index]
            list[index] = .object(attribute)
            file = file.replacing(at: attributesPath(location), with: .array(list))
            return .replaced(previous: previous)
        }
        list.append(.object(attribute))
        file = file.replacing(at: attributesPath(location), with: .array(list))
        return .added
    }

    /// Removes an attribute definition; refuses while a mapping or scoping filter uses it.
    public mutating func removeAttribute(named name: String, at location: ObjectLocation) throws(EditError) -> Outcome {
        var list = attributes(at: location)
        guard let index = list.firstIndex(where: { $0["name"]?.stringValue == name }) else { return .unchanged }
        let users = uses(of: name, in: location)
        if !users.isEmpty {
            throw EditError(
                "attribute \"\(name)\" is still used by \(users.joined(separator: "; ")); remove or change those first (`syncschema mapping remove`)"
            )
        }
        list.remove(at: index)
        file = file.replacing(at: attributesPath(location), with: .array(list))
        return .removed
    }

    /// Where an attribute of an object is used: mapping expressions and scoping filters of object
    /// mappings reading that object, and mapping targets of object mappings writing it.
    public func uses(of name: String, in location: ObjectLocation) -> [String] {
        var users: [String] = []
        for rule in file["synchronizationRules"]?.arrayValue ?? [] {
            let readsDirectory = rule["sourceDirectoryName"]?.stringValue == location.directoryName
            let writesDirectory = rule["targetDirectoryName"]?.stringValue == location.directoryName
            for mapping in rule["objectMappings"]?.arrayValue ?? [] {
                let mappingName = mapping["name"]?.stringValue ?? "?"
                let reads = readsDirectory && mapping["sourceObjectName"]?.stringValue == location.objectName
                let writes = writesDirectory && mapping["targetObjectName"]?.stringValue == location.objectName
                for attributeMapping in mapping["attributeMappings"]?.arrayValue ?? [] {
                    let target = attributeMapping["targetAttributeName"]?.stringValue ?? "?"
                    if writes, target == name { users.append("the mapping to \"\(target)\" in \"\(mappingName)\"") }
                    if reads, let text = attributeMapping["source"]?.stringValue,
                        let expression = try? ExpressionParser.parse(text), expression.attributeNames.contains(name)
                    {
                        users.append("the mapping to \"\(target)\" in \"\(mappingName)\"")
                    }
                }
                if reads, let scope = mapping["scope"], scope.containsString(name, forKey: "sourceOperandName") {
                    users.append("the scoping filter of \"\(mappingName)\"")
                }
            }
        }
        return users
    }

    // MARK: - Mappings

    /// Where an object mapping is.
    public struct MappingLocation: Equatable, Sendable {
        public let rule: Int
        public let mapping: Int
        public let name: String
        public let sourceDirectoryName: String
        public let sourceObjectName: String
        public let targetDirectoryName: String
        public let targetObjectName: String
    }

    /// The object mapping named, or the first enabled one.
    public func locateMapping(named name: String?) throws(EditError) -> MappingLocation {
        guard let found = firstObjectMapping(named: name) else {
            if let name {
                let names = (file["synchronizationRules"]?.arrayValue ?? []).flatMap {
                    ($0["objectMappings"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
                }
                throw EditError("no object mapping \"\(name)\" (the schema has: \(names.joined(separator: ", ")))")
            }
            throw EditError("the schema has no enabled object mapping; pass --object-mapping")
        }
        return MappingLocation(
            rule: found.ruleIndex, mapping: found.mappingIndex, name: found.mapping["name"]?.stringValue ?? "",
            sourceDirectoryName: found.rule["sourceDirectoryName"]?.stringValue ?? "",
            sourceObjectName: found.mapping["sourceObjectName"]?.stringValue ?? "",
            targetDirectoryName: found.rule["targetDirectoryName"]?.stringValue ?? "",
            targetObjectName: found.mapping["targetObjectName"]?.stringValue ?? "")
    }

    private func mappingsPath(_ location: MappingLocation) -> JSONPath {
        [
            .key("synchronizationRules"), .index(location.rule), .key("objectMappings"), .index(location.mapping),
            .key("attributeMappings"),
        ]
    }

    /// The attribute mappings of an object mapping.
    public func attributeMappings(at location: MappingLocation) -> [JSONValue] {
        file[path: mappingsPath(location)]?.arrayValue ?? []
    }

    /// Adds or replaces the mapping to `mapping["targetAttributeName"]`.
    public mutating func setMapping(_ mapping: JSONObject, at location: MappingLocation) -> Outcome {
        var list = attributeMappings(at: location)
        let target = mapping["targetAttributeName"]?.stringValue
        if let index = list.firstIndex(where: { $0["targetAttributeName"]?.stringValue == target }) {
            if list[index] == .object(mapping) { return .unchanged }
            let previous = list[index]
            list[index] = .object(mapping)
            file = file.replacing(at: mappingsPath(location), with: .array(list))
            return .replaced(previous: previous)
        }
        list.append(.object(mapping))
        file = file.replacing(at: mappingsPath(location), with: .array(list))
        return .added
    }

    /// Removes the mapping to a target attribute.
    public mutating func removeMapping(target: String, at location: MappingLocation) -> Outcome {
        var list = attributeMappings(at: location)
        guard let index = list.firstIndex(where: { $0["targetAttributeName"]?.stringValue == target }) else {
            return .unchanged
        }
        list.remove(at: index)
        file = file.replacing(at: mappingsPath(location), with: .array(list))
        return .removed
    }

    /// The attribute names of an object given by directory and object name.
    public func attributeNames(directory: String, object: String) -> Set<String>? {
        guard let d = (file["directories"]?.arrayValue ?? []).first(where: { $0["name"]?.stringValue == directory }),
            let o = (d["objects"]?.arrayValue ?? []).first(where: { $0["name"]?.stringValue == object })
        else { return nil }
        return Set((o["attributes"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
    }
}

/// Attribute names for API-driven inbound provisioning.
public enum ExtensionAttributeName {
    /// `urn:ietf:params:scim:schemas:extension:<namespace>:1.0:User:<name>` for a bare name.
    public static func qualified(_ name: String, namespace: String) -> String {
        "urn:ietf:params:scim:schemas:extension:\(namespace):1.0:User:\(name)"
    }

    /// The name without quotes and whitespace (which bulk requests cannot address), and whether
    /// anything was removed.
    public static func sanitized(_ name: String) -> (String, changed: Bool) {
        let cleaned = String(name.filter { !$0.isWhitespace && $0 != "\"" && $0 != "'" && $0 != "\u{FEFF}" })
        return (cleaned, cleaned != name)
    }
}

extension JSONValue {
    /// A copy with the value at `path` replaced (intermediate containers must exist).
    public func replacing(at path: JSONPath, with value: JSONValue) -> JSONValue {
        guard let first = path.components.first else { return value }
        let rest = JSONPath(components: Array(path.components.dropFirst()))
        switch (self, first) {
        case (.object(var object), .key(let key)):
            object[key] = (object[key] ?? .null).replacing(at: rest, with: value)
            return .object(object)
        case (.array(var elements), .index(let index)) where elements.indices.contains(index):
            elements[index] = elements[index].replacing(at: rest, with: value)
            return .array(elements)
        default:
            return self
        }
    }

    /// Whether any object inside has `key` equal to the string `value`.
    func containsString(_ value: String, forKey key: String) -> Bool {
        switch self {
        case .object(let object):
            if object[key]?.stringValue == value { return true }
            return object.pairs.contains { $0.value.containsString(value, forKey: key) }
        case .array(let elements):
            return elements.contains { $0.containsString(value, forKey: key) }
        default:
            return false
        }
    }
}
