/// Checks a SCIM bulk request the way the inbound provisioning API (`…/jobs/{jobId}/bulkUpload`)
/// treats it, before it is sent.
///
/// The service answers `202 Accepted` to almost anything and does its work later, so many mistakes
/// never come back as errors: a lower-case `operations` key, an attribute that is not in the app's
/// API directory, an empty string. This checker turns those silent failures into findings, each
/// with the operation and the JSON path it is about. `docs/payload-check.md` lists every finding.
public struct BulkRequestChecker: Sendable {
    /// The message schema every bulk request must declare.
    public static let bulkRequestSchema = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
    /// The service's limit on operations per request (reference/graph-sync-api.md §1.1).
    public static let maximumOperations = 50
    /// Record members that are SCIM metadata rather than data, never mapped: ignored.
    public static let ignoredRecordMembers: Set<String> = ["schemas", "meta", "resourceType"]
    /// Members of a multi-valued entry (`emails[…]`) that select or qualify the entry rather than
    /// carry a value: ignored.
    public static let ignoredEntryMembers: Set<String> = ["type", "primary", "display"]

    /// One finding about a bulk request.
    public struct Finding: Hashable, Sendable {
        public var severity: Diagnostic.Severity
        /// A stable identifier (`unknown-attribute`); `docs/payload-check.md` lists them.
        public var code: String
        /// What is wrong and what to do, for people.
        public var message: String
        /// Where: `Operations[3].data.name.givenName`.
        public var path: JSONPath
        /// The index of the operation concerned, when the finding is about one.
        public var operation: Int?
        /// That operation's `bulkId`, when it has one.
        public var bulkId: String?

        public init(
            _ severity: Diagnostic.Severity, _ code: String, _ message: String, at path: JSONPath,
            operation: Int? = nil,
            bulkId: String? = nil
        ) {
            self.severity = severity
            self.code = code
            self.message = message
            self.path = path
            self.operation = operation
            self.bulkId = bulkId
        }
    }

    /// Why a schema file cannot be used to check payloads.
    public struct SetupError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The API source directory's name.
    public let directoryName: String
    /// The attribute names of the API source directory, as SCIM paths.
    public let knownAttributes: Set<String>
    private let sortedAttributes: [String]
    private let lowercased: [String: String]

    /// A checker for the app described by `schemaFile`: its API directory is the source directory
    /// of the first synchronization rule.
    public init(schemaFile: JSONValue) throws(SetupError) {
        guard let rule = schemaFile["synchronizationRules"]?.arrayValue?.first else {
            throw SetupError(message: "the schema has no synchronization rule, so it names no API source directory")
        }
        guard let name = rule["sourceDirectoryName"]?.stringValue else {
            throw SetupError(message: "the first synchronization rule has no sourceDirectoryName")
        }
        guard
            let directory = (schemaFile["directories"]?.arrayValue ?? []).first(where: {
                $0["name"]?.stringValue == name
            })
        else {
            throw SetupError(
                message: "the source directory \"\(name)\" of the first rule is not among the schema's directories")
        }
        let names = (directory["objects"]?.arrayValue ?? []).flatMap { object in
            (object["attributes"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        }
        self.init(directoryName: name, attributes: names)
    }

    /// A checker for an API directory with these attribute names.
    public init(directoryName: String, attributes: [String]) {
        self.directoryName = directoryName
        knownAttributes = Set(attributes)
        sortedAttributes = knownAttributes.sorted()
        var lowercased: [String: String] = [:]
        for name in sortedAttributes where lowercased[name.lowercased()] == nil { lowercased[name.lowercased()] = name }
        self.lowercased = lowercased
    }

    // MARK: - Checking

    /// Every finding about `request`, in document order.
    public func check(_ request: JSONValue) -> [Finding] {
        var findings: [Finding] = []
        guard let root = request.objectValue else {
            return [
                Finding(
                    .error, "not-an-object", "a bulk request is a JSON object; this is \(request.kindDescription)",
                    at: .root)
            ]
        }
        let schemas = root["schemas"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if !schemas.contains(Self.bulkRequestSchema) {
            findings.append(
                Finding(
                    .error, "bulk-schema-missing",
                    "\"schemas\" must contain \"\(Self.bulkRequestSchema)\"; the service rejects the request without it",
                    at: JSONPath.root.appending("schemas")))
        }
        let misspelled = root.keys.filter { $0 != "Operations" && $0.lowercased() == "operations" }
        for key in misspelled {
            findings.append(
                Finding(
                    .error, "operations-misspelled",
                    "the key is \"\(key)\"; the service reads only \"Operations\" (capital O) and ignores this one, so nothing is provisioned",
                    at: JSONPath.root.appending(key)))
        }
        guard let operationsValue = root["Operations"] else {
            if misspelled.isEmpty {
                findings.append(
                    Finding(
                        .error, "operations-missing",
                        "the request has no \"Operations\" array, so it provisions nothing", at: .root))
            }
            return findings
        }
        let path = JSONPath.root.appending("Operations")
        guard let operations = operationsValue.arrayValue else {
            findings.append(
                Finding(
                    .error, "operations-not-array",
                    "\"Operations\" must be an array; this is \(operationsValue.kindDescription)", at: path))
            return findings
        }
        if operations.isEmpty {
            findings.append(
                Finding(.warning, "no-operations", "\"Operations\" is empty; the request provisions nothing", at: path))
        }
        if operations.count > Self.maximumOperations {
            findings.append(
                Finding(
                    .error, "too-many-operations",
                    "\(operations.count) operations; the service accepts at most \(Self.maximumOperations) per request, split it",
                    at: path))
        }
        var firstIndexOfBulkId: [String: Int] = [:]
        for (index, operation) in operations.enumerated() {
            checkOperation(
                operation, index: index, path: path.appending(index), firstIndexOfBulkId: &firstIndexOfBulkId,
                into: &findings)
        }
        return findings
    }

    private func checkOperation(
        _ operation: JSONValue, index: Int, path: JSONPath, firstIndexOfBulkId: inout [String: Int],
        into findings: inout [Finding]
    ) {
        guard let object = operation.objectValue else {
            findings.append(
                Finding(
                    .error, "operation-not-object",
                    "an operation is a JSON object; this is \(operation.kindDescription)", at: path, operation: index))
            return
        }
        let bulkId = object["bulkId"]?.stringValue
        func add(_ severity: Diagnostic.Severity, _ code: String, _ message: String, _ at: JSONPath) {
            findings.append(Finding(severity, code, message, at: at, operation: index, bulkId: bulkId))
        }
        let method = object["method"]?.stringValue
        if method != "POST" {
            add(
                .error, "method-not-post",
                "\"method\" is \(Self.describe(object["method"])); every bulk operation is \"POST\" (the service decides create or update itself)",
                path.appending("method"))
        }
        if object["path"]?.stringValue != "/Users" {
            add(
                .error, "path-not-users", "\"path\" is \(Self.describe(object["path"])); it must be \"/Users\"",
                path.appending("path"))
        }
        if let bulkId, !bulkId.isEmpty {
            if let first = firstIndexOfBulkId[bulkId] {
                add(
                    .error, "bulkid-duplicate",
                    "bulkId \"\(bulkId)\" is already used by operation \(first); each operation needs its own, or the results cannot be told apart",
                    path.appending("bulkId"))
            } else {
                firstIndexOfBulkId[bulkId] = index
            }
        } else {
            add(
                .error, "bulkid-missing", "the operation has no \"bulkId\" (a non-empty string, unique in the request)",
                path.appending("bulkId"))
        }
        let dataPath = path.appending("data")
        guard let data = object["data"]?.objectValue else {
            add(.error, "data-missing", "the operation has no \"data\" object holding the user record", dataPath)
            return
        }
        checkRecord(data, path: dataPath, add: add)
    }

    private func checkRecord(
        _ data: JSONObject, path: JSONPath, add: (Diagnostic.Severity, String, String, JSONPath) -> Void
    ) {
        let declared = Set(data["schemas"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        switch data["externalId"] {
        case .string(let text)? where !text.isEmpty:
            break
        case nil:
            add(
                .error, "externalid-missing",
                "the record has no \"externalId\"; the service matches users by it and skips records without one",
                path.appending("externalId"))
        case let value?:
            add(
                .error, "externalid-missing",
                "\"externalId\" is \(Self.describe(value)); it must be a non-empty string identifying the user in the source system",
                path.appending("externalId"))
        }
        for (key, value) in data {
            if key == "externalId" {
                checkName(key, path: path.appending(key), add: add)
                continue
            }
            if Self.ignoredRecordMembers.contains(key) { continue }
            let memberPath = path.appending(key)
            if key.hasPrefix("urn:"), case .object(let block) = value {
                if !declared.contains(key) {
                    add(
                        .error, "extension-not-declared",
                        "the extension \"\(key)\" is used but not listed in this record's \"schemas\"; the service ignores undeclared extensions",
                        memberPath)
                }
                for (member, memberValue) in block {
                    checkValue(memberValue, name: "\(key):\(member)", path: memberPath.appending(member), add: add)
                }
            } else {
                checkValue(value, name: key, path: memberPath, add: add)
            }
        }
    }

    /// Checks one record member whose SCIM attribute path is `name`.
    private func checkValue(
        _ value: JSONValue, name: String, path: JSONPath, add: (Diagnostic.Severity, String, String, JSONPath) -> Void
    ) {
        switch value {
        case .null:
            checkName(name, path: path, add: add)
            add(
                .error, "null-value",
                "\(name) is null; the service accepts the request (202) and then provisions nothing for the record — leave the attribute out instead",
                path)
        case .string(let text) where text.isEmpty:
            checkName(name, path: path, add: add)
            add(
                .error, "empty-string",
                "\(name) is an empty string; the service accepts the request (202) and then provisions nothing for the record — leave the attribute out instead",
                path)
        case .object(let object):
            // A complex value. When the attribute is known as a whole (the enterprise `manager`, a
            // reference whose `value` is used), its sub-attributes are not separate attributes.
            if knownAttributes.contains(name) {
                for (member, memberValue) in object {
                    checkEmpty(memberValue, name: "\(name).\(member)", path: path.appending(member), add: add)
                }
                return
            }
            for (member, memberValue) in object {
                checkValue(memberValue, name: "\(name).\(member)", path: path.appending(member), add: add)
            }
        case .array(let elements):
            if knownAttributes.contains(name) {
                for (index, element) in elements.enumerated() {
                    checkEmpty(element, name: name, path: path.appending(index), add: add)
                }
                return
            }
            // Multi-valued complex attributes are flattened by entry type: emails[type eq "work"].value.
            for (index, element) in elements.enumerated() {
                let elementPath = path.appending(index)
                guard let entry = element.objectValue else {
                    checkValue(element, name: name, path: elementPath, add: add)
                    continue
                }
                let type = entry["type"]?.stringValue
                for (member, memberValue) in entry where !Self.ignoredEntryMembers.contains(member) {
                    let flattened = type.map { "\(name)[type eq \"\($0)\"].\(member)" } ?? "\(name).\(member)"
                    checkValue(memberValue, name: flattened, path: elementPath.appending(member), add: add)
                }
            }
        default:
            checkName(name, path: path, add: add)
        }
    }

    /// Reports nulls and empty strings below an attribute known as a whole.
    private func checkEmpty(
        _ value: JSONValue, name: String, path: JSONPath, add: (Diagnostic.Severity, String, String, JSONPath) -> Void
    ) {
        switch value {
        case .null:
            add(
                .error, "null-value",
                "\(name) is null; the service accepts the request (202) and then provisions nothing for the record — leave it out instead",
                path)
        case .string(let text) where text.isEmpty:
            add(
                .error, "empty-string",
                "\(name) is an empty string; the service accepts the request (202) and then provisions nothing for the record — leave it out instead",
                path)
        case .object(let object):
            for (member, memberValue) in object {
                checkEmpty(memberValue, name: "\(name).\(member)", path: path.appending(member), add: add)
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                checkEmpty(element, name: name, path: path.appending(index), add: add)
            }
        default:
            break
        }
    }

    /// Reports an attribute that is not in the API directory, naming the closest one that is.
    private func checkName(_ name: String, path: JSONPath, add: (Diagnostic.Severity, String, String, JSONPath) -> Void)
    {
        if knownAttributes.contains(name) { return }
        if let spelled = lowercased[name.lowercased()] {
            add(
                .warning, "attribute-case",
                "\(name) is spelled \(spelled) in the \(directoryName) directory; SCIM names are case-insensitive, but write it as the schema does",
                path)
            return
        }
        var message = "\(name) is not an attribute of the \(directoryName) directory; the service silently drops it"
        if let closest = closest(to: name) { message += " (closest known: \(closest))" }
        message += ". Add it with `syncschema attribute add`, or fix the name"
        add(.error, "unknown-attribute", message, path)
    }

    /// The known attribute closest to `name`: first by the attribute's own name (the part after
    /// the extension namespace, so `urn:…:sap:2.0:User:hireDate` finds `urn:…:HireDate`), then by
    /// the whole name; ties in alphabetical order.
    func closest(to name: String) -> String? {
        func leaf(_ text: String) -> String { String(text.split(separator: ":").last ?? Substring(text)).lowercased() }
        let lowered = name.lowercased(), leafName = leaf(name)
        var best: (name: String, score: (Int, Int))?
        for candidate in sortedAttributes {
            let score = (
                Suggestions.editDistance(leafName, leaf(candidate)),
                Suggestions.editDistance(lowered, candidate.lowercased())
            )
            if best == nil || score < best!.score { best = (candidate, score) }
        }
        return best?.name
    }

    /// `"/users"`, `missing`, `a number`: a value as a finding mentions it.
    static func describe(_ value: JSONValue?) -> String {
        switch value {
        case nil: "missing"
        case .string(let text)?: JSONWriter.compact(.string(text))
        case .null?: "null"
        case let value?: value.kindDescription
        }
    }
}

extension BulkRequestChecker.Finding {
    /// `at `Operations[1].data.username`: warning[attribute-case]: operation 1 (bulkId "a6…"): …`
    public var description: String {
        var text = ""
        if !path.components.isEmpty { text += "at `\(path)`: " }
        text += "\(severity.rawValue)[\(code)]: "
        if let operation {
            text += "operation \(operation)"
            if let bulkId { text += " (bulkId \(JSONWriter.compact(.string(bulkId))))" }
            text += ": "
        }
        text += message
        return text
    }

    /// The finding as a JSON object, for `--format json`.
    public var json: JSONValue {
        var object = JSONObject()
        object["severity"] = .string(severity.rawValue)
        object["code"] = .string(code)
        object["operation"] = operation.map { .int($0) } ?? .null
        object["bulkId"] = bulkId.map { .string($0) } ?? .null
        object["path"] = .string(path.description)
        object["message"] = .string(message)
        return .object(object)
    }
}
