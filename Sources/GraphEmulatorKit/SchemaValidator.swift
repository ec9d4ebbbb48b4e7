import Foundation
import SyncSchemaCore

/// The checks Graph applies to a schema PUT: rules must name directories and objects of the
/// document, enums must be members, `targetAttributeName` must be unique per object mapping.
/// Everything else (unknown properties included) is accepted and stored verbatim.
///
/// Enum members are compared case-insensitively (Graph's own samples send `"type": "string"`).
enum SchemaValidator {
    static let attributeTypes = ["String", "Integer", "Reference", "Binary", "Boolean", "DateTime"]
    static let mutabilities = ["ReadWrite", "ReadOnly", "Immutable", "WriteOnly"]
    static let flowTypes = ["Always", "ObjectAddOnly", "MultiValueAddOnly", "ValueAddOnly", "AttributeAddOnly"]
    static let flowBehaviors = ["FlowWhenChanged", "FlowAlways"]
    static let sourceTypes = ["Attribute", "Constant", "Function"]
    static let objectFlowTypes = ["None", "Add", "Update", "Delete"]
    static let discoverabilities = [
        "None", "AttributeNames", "AttributeDataTypes", "AttributeReadOnly", "ReferenceAttributes",
        "UnknownFutureValue",
    ]
    static let resetScopes = [
        "None", "ConnectorDataStore", "Escrows", "Watermark", "QuarantineState", "Full", "ForceDeletes",
    ]

    /// The first problem of `schema`, or `nil` if Graph would accept it.
    static func problem(in schema: JSONValue) -> String? {
        guard let root = schema.objectValue else {
            return "The request body must be a JSON object (a synchronizationSchema)."
        }
        var directories: [String: Set<String>] = [:]
        if let value = root["directories"], !value.isNull {
            guard let list = value.arrayValue else { return mismatch("directories", value, "an array") }
            for (index, directory) in list.enumerated() {
                let path = "directories[\(index)]"
                guard let object = directory.objectValue else { return mismatch(path, directory, "an object") }
                guard let name = object["name"]?.stringValue else {
                    return mismatch("\(path).name", object["name"], "a string")
                }
                if let problem = flags(object["discoverabilities"], discoverabilities, "\(path).discoverabilities") {
                    return problem
                }
                var objectNames: Set<String> = []
                for (objectIndex, definition) in (object["objects"]?.arrayValue ?? []).enumerated() {
                    let objectPath = "\(path).objects[\(objectIndex)]"
                    guard let definitionObject = definition.objectValue,
                        let objectName = definitionObject["name"]?.stringValue
                    else { return mismatch("\(objectPath).name", definition["name"], "a string") }
                    objectNames.insert(objectName)
                    for (attributeIndex, attribute) in (definitionObject["attributes"]?.arrayValue ?? []).enumerated() {
                        let attributePath = "\(objectPath).attributes[\(attributeIndex)]"
                        guard attribute.objectValue != nil else {
                            return mismatch(attributePath, attribute, "an object")
                        }
                        if let problem = member(attribute["type"], attributeTypes, "\(attributePath).type") {
                            return problem
                        }
                        if let problem = member(attribute["mutability"], mutabilities, "\(attributePath).mutability") {
                            return problem
                        }
                    }
                }
                directories[name] = objectNames
            }
        }
        if let value = root["synchronizationRules"], !value.isNull {
            guard let rules = value.arrayValue else { return mismatch("synchronizationRules", value, "an array") }
            for (index, rule) in rules.enumerated() {
                let path = "synchronizationRules[\(index)]"
                guard let object = rule.objectValue else { return mismatch(path, rule, "an object") }
                let ruleName = object["name"]?.stringValue ?? "#\(index)"
                guard let sourceName = object["sourceDirectoryName"]?.stringValue else {
                    return mismatch("\(path).sourceDirectoryName", object["sourceDirectoryName"], "a string")
                }
                guard let targetName = object["targetDirectoryName"]?.stringValue else {
                    return mismatch("\(path).targetDirectoryName", object["targetDirectoryName"], "a string")
                }
                guard let sourceObjects = directories[sourceName] else {
                    return "Synchronization rule '\(ruleName)' references source directory '\(sourceName)', "
                        + "which is not defined in the schema's directories."
                }
                guard let targetObjects = directories[targetName] else {
                    return "Synchronization rule '\(ruleName)' references target directory '\(targetName)', "
                        + "which is not defined in the schema's directories."
                }
                for (mappingIndex, mapping) in (object["objectMappings"]?.arrayValue ?? []).enumerated() {
                    let mappingPath = "\(path).objectMappings[\(mappingIndex)]"
                    guard let mappingObject = mapping.objectValue else {
                        return mismatch(mappingPath, mapping, "an object")
                    }
                    let mappingName = mappingObject["name"]?.stringValue ?? "#\(mappingIndex)"
                    let sourceObject = mappingObject["sourceObjectName"]?.stringValue ?? ""
                    let targetObject = mappingObject["targetObjectName"]?.stringValue ?? ""
                    guard sourceObjects.contains(sourceObject) else {
                        return "Object mapping '\(mappingName)' references source object '\(sourceObject)', "
                            + "which is not defined in directory '\(sourceName)'."
                    }
                    guard targetObjects.contains(targetObject) else {
                        return "Object mapping '\(mappingName)' references target object '\(targetObject)', "
                            + "which is not defined in directory '\(targetName)'."
                    }
                    if let problem = flags(mappingObject["flowTypes"], objectFlowTypes, "\(mappingPath).flowTypes") {
                        return problem
                    }
                    var targets: Set<String> = []
                    for (attributeIndex, attributeMapping) in (mappingObject["attributeMappings"]?.arrayValue ?? [])
                        .enumerated()
                    {
                        let attributePath = "\(mappingPath).attributeMappings[\(attributeIndex)]"
                        guard let attributeObject = attributeMapping.objectValue else {
                            return mismatch(attributePath, attributeMapping, "an object")
                        }
                        if let target = attributeObject["targetAttributeName"]?.stringValue {
                            if !targets.insert(target).inserted {
                                return
                                    "Object mapping '\(mappingName)' maps target attribute '\(target)' more than once."
                            }
                        }
                        if let problem = member(attributeObject["flowType"], flowTypes, "\(attributePath).flowType") {
                            return problem
                        }
                        if let problem = member(
                            attributeObject["flowBehavior"], flowBehaviors, "\(attributePath).flowBehavior")
                        {
                            return problem
                        }
                        if let problem = source(attributeObject["source"], "\(attributePath).source") { return problem }
                    }
                }
            }
        }
        return nil
    }

    /// Checks a mapping source tree (`type` at every level).
    static func source(_ value: JSONValue?, _ path: String) -> String? {
        guard let value, !value.isNull else { return nil }
        guard value.objectValue != nil else { return mismatch(path, value, "an object") }
        if let problem = member(value["type"], sourceTypes, "\(path).type") { return problem }
        for (index, parameter) in (value["parameters"]?.arrayValue ?? []).enumerated() {
            if let problem = source(parameter["value"], "\(path).parameters[\(index)].value") { return problem }
        }
        return nil
    }

    /// `nil` if `value` is absent, null or a member of `members` (case-insensitively).
    static func member(_ value: JSONValue?, _ members: [String], _ path: String) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue else { return mismatch(path, value, "a string") }
        if members.contains(where: { $0.caseInsensitiveCompare(text) == .orderedSame }) { return nil }
        return "Property '\(path)' in payload has a value that does not match schema: '\(text)' is not one of "
            + members.joined(separator: ", ") + "."
    }

    /// `nil` if `value` is absent, null or a comma-separated list of flag words (spaces allowed).
    static func flags(_ value: JSONValue?, _ members: [String], _ path: String) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue else { return mismatch(path, value, "a string") }
        for word in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = word.trimmingCharacters(in: .whitespaces)
            if !members.contains(where: { $0.caseInsensitiveCompare(trimmed) == .orderedSame }) {
                return
                    "Property '\(path)' in payload has a value that does not match schema: '\(trimmed)' in '\(text)' "
                    + "is not one of " + members.joined(separator: ", ") + "."
            }
        }
        return nil
    }

    static func mismatch(_ path: String, _ value: JSONValue?, _ expected: String) -> String {
        "Property '\(path)' in payload has a value that does not match schema: expected \(expected), found "
            + (value?.kindDescription ?? "nothing") + "."
    }
}
