/// Offline semantic checks of a schema file: references between rules, directories and objects,
/// identity uniqueness, matching, scoping filters, expressions, and the lessons of the field
/// (things the service accepts with 202/204 and then silently does wrong).
///
/// Every finding is collected; nothing stops at the first. Codes are stable so CI can grep them.
public struct SchemaValidator: Sendable {
    /// The function table expressions are checked against.
    public var functions: FunctionTable

    public init(functions: FunctionTable = .builtIn) { self.functions = functions }

    /// Scoping-filter operators (reference/graph-sync-api.md §2.10) and whether each takes values.
    public static let filterOperators: [String: Bool] = [
        "&": true, "!&": true, "ENDS_WITH": true, "EQUALS": true, "Greater_Than": true, "Greater_Than_OR_EQUALS": true,
        "Includes": true, "IS FALSE": false, "IS NOT NULL": false, "IS NULL": false, "IS TRUE": false,
        "NOT EQUALS": true, "NOT REGEX MATCH": true, "REGEX MATCH": true,
    ]

    /// All findings for a schema file (structure included).
    public func validate(_ file: JSONValue) -> [Diagnostic] {
        var run = Run(functions: functions)
        run.diagnostics = SchemaFile.check(file)
        run.check(file)
        return run.diagnostics
    }

    private struct Run {
        let functions: FunctionTable
        var diagnostics: [Diagnostic] = []

        /// Attribute definitions by directory name → object name → attribute name.
        var catalog: [String: [String: [String: JSONValue]]] = [:]
        /// Attribute names by directory name → object name, computed once (checked per mapping).
        var attributeNames: [String: [String: Set<String>]] = [:]

        init(functions: FunctionTable) { self.functions = functions }

        mutating func add(_ severity: Diagnostic.Severity, _ code: String, _ message: String, _ path: JSONPath) {
            diagnostics.append(Diagnostic(severity, message, at: path, code: code))
        }

        mutating func check(_ file: JSONValue) {
            let directories = file["directories"]?.arrayValue ?? []
            let directoriesPath = JSONPath.root.appending("directories")
            uniqueness(directories, key: "name", what: "directory", at: directoriesPath)
            for (d, directory) in directories.enumerated() {
                guard let name = directory["name"]?.stringValue else { continue }
                let objects = directory["objects"]?.arrayValue ?? []
                let objectsPath = directoriesPath.appending(d).appending("objects")
                uniqueness(objects, key: "name", what: "object", at: objectsPath)
                var byObject: [String: [String: JSONValue]] = [:]
                for (o, object) in objects.enumerated() {
                    guard let objectName = object["name"]?.stringValue else { continue }
                    let attributes = object["attributes"]?.arrayValue ?? []
                    let attributesPath = objectsPath.appending(o).appending("attributes")
                    uniqueness(attributes, key: "name", what: "attribute", at: attributesPath)
                    var byName: [String: JSONValue] = [:]
                    for (a, attribute) in attributes.enumerated() {
                        guard let attributeName = attribute["name"]?.stringValue else { continue }
                        byName[attributeName] = attribute
                        extensionName(attributeName, at: attributesPath.appending(a).appending("name"))
                        if attribute["defaultValue"] == "" {
                            add(
                                .warning, "empty-default",
                                "attribute default value is the empty string; the service treats it as a value and provisions nothing — remove it or use a real value",
                                attributesPath.appending(a).appending("defaultValue"))
                        }
                    }
                    byObject[objectName] = byName
                }
                catalog[name] = byObject
                attributeNames[name] = byObject.mapValues { Set($0.keys) }
            }

            let rules = file["synchronizationRules"]?.arrayValue ?? []
            let rulesPath = JSONPath.root.appending("synchronizationRules")
            uniqueness(rules, key: "name", what: "synchronization rule", at: rulesPath)
            for (r, rule) in rules.enumerated() {
                checkRule(rule, at: rulesPath.appending(r))
            }
        }

        mutating func checkRule(_ rule: JSONValue, at path: JSONPath) {
            let sourceDirectory = directory(rule["sourceDirectoryName"], at: path.appending("sourceDirectoryName"))
            let targetDirectory = directory(rule["targetDirectoryName"], at: path.appending("targetDirectoryName"))
            let targetDirectoryName = rule["targetDirectoryName"]?.stringValue ?? ""
            let mappings = rule["objectMappings"]?.arrayValue ?? []
            let mappingsPath = path.appending("objectMappings")
            var seen: [String: Int] = [:]
            for (m, mapping) in mappings.enumerated() {
                let here = mappingsPath.appending(m)
                if let id = SchemaKind.identity(of: mapping, .keyOrPair("name", "sourceObjectName", "targetObjectName"))
                {
                    if let first = seen[id] {
                        add(
                            .error, "duplicate-name",
                            "object mapping \"\(id)\" is defined twice (first at \(mappingsPath.appending(first)))",
                            mapping["name"] != nil ? here.appending("name") : here)
                    } else {
                        seen[id] = m
                    }
                }
                let sourceObject = object(
                    mapping["sourceObjectName"], in: sourceDirectory,
                    directoryName: rule["sourceDirectoryName"]?.stringValue,
                    at: here.appending("sourceObjectName"))
                let sourceNames = sourceObject.flatMap { _ in
                    attributeNames[rule["sourceDirectoryName"]?.stringValue ?? ""]?[
                        mapping["sourceObjectName"]?.stringValue ?? ""]
                }
                let targetObject = object(
                    mapping["targetObjectName"], in: targetDirectory, directoryName: targetDirectoryName,
                    at: here.appending("targetObjectName"))
                checkObjectMapping(
                    mapping, source: sourceObject, sourceNames: sourceNames, target: targetObject,
                    targetDirectoryName: targetDirectoryName, at: here)
            }
        }

        mutating func checkObjectMapping(
            _ mapping: JSONValue, source: [String: JSONValue]?, sourceNames: Set<String>?, target: [String: JSONValue]?,
            targetDirectoryName: String, at path: JSONPath
        ) {
            let attributeMappings = mapping["attributeMappings"]?.arrayValue ?? []
            let listPath = path.appending("attributeMappings")
            uniqueness(
                attributeMappings, key: "targetAttributeName", what: "attribute mapping", at: listPath,
                hint: "the service does not de-duplicate mappings; keep one per target attribute")
            var priorities: [Int: Int] = [:]
            for (i, attributeMapping) in attributeMappings.enumerated() {
                let here = listPath.appending(i)
                if let targetName = attributeMapping["targetAttributeName"]?.stringValue, let target,
                    target[targetName] == nil
                {
                    var message =
                        "target attribute \"\(targetName)\" is not defined in object \"\(mapping["targetObjectName"]?.stringValue ?? "?")\""
                    if let suggestion = Suggestions.closest(to: targetName, in: Array(target.keys)) {
                        message += "; did you mean \"\(suggestion)\"?"
                    } else {
                        message += "; add it to the target directory's attribute list first"
                    }
                    add(.error, "unknown-target-attribute", message, here.appending("targetAttributeName"))
                }
                if let priority = attributeMapping["matchingPriority"]?.intValue, priority > 0 {
                    if let first = priorities[priority] {
                        add(
                            .error, "duplicate-matching-priority",
                            "matching priority \(priority) is already used by attributeMappings[\(first)]; each matching attribute needs its own precedence",
                            here.appending("matchingPriority"))
                    } else {
                        priorities[priority] = i
                    }
                }
                if attributeMapping["defaultValue"] == "" {
                    add(
                        .warning, "empty-default",
                        "default value is the empty string; the service accepts it and silently provisions nothing — remove it or use a real value",
                        here.appending("defaultValue"))
                }
                if case .string(let text)? = attributeMapping["source"] {
                    checkSource(
                        text, flowType: attributeMapping["flowType"]?.stringValue ?? "Always",
                        matching: (attributeMapping["matchingPriority"]?.intValue ?? 0) > 0, sourceNames: sourceNames,
                        targetDirectoryName: targetDirectoryName, at: here.appending("source"))
                }
            }
            if mapping["enabled"] != false, !attributeMappings.isEmpty, priorities.isEmpty {
                add(
                    .error, "no-matching-attribute",
                    "enabled object mapping has no matching attribute (matchingPriority 1); the service cannot match existing objects",
                    path)
            }
            if let scope = mapping["scope"], scope != .null {
                checkScope(scope, source: source, at: path.appending("scope"))
            }
        }

        mutating func checkSource(
            _ text: String, flowType: String, matching: Bool, sourceNames: Set<String>?, targetDirectoryName: String,
            at path: JSONPath
        ) {
            let expression: Expression
            do {
                expression = try ExpressionParser.parse(text)
            } catch {
                add(
                    .error, "expression-syntax",
                    "\(error.message) (column \(error.column)):\n\(error.caretDiagnostic(source: text))", path)
                return
            }
            for problem in checkExpression(expression, functions: functions, knownAttributes: sourceNames) {
                if problem.code == ExpressionProblemCode.nondeterministic {
                    if flowType == "Always" {
                        add(
                            .warning, problem.code,
                            "\(problem.message); this mapping flows Always, so the value changes on every cycle — set \"flowType\": \"ObjectAddOnly\"",
                            path)
                    }
                    continue
                }
                if problem.code == ExpressionProblemCode.unknownFunction, !problem.message.contains("did you mean") {
                    add(
                        problem.severity, problem.code,
                        "\(problem.message); if this app's service defines it (Cloud Sync has Trim, DNComponent, …), pass its GET …/schema/functions response with --functions",
                        path)
                    continue
                }
                add(problem.severity, problem.code, problem.message, path)
            }
            if case .call(let name, _) = expression, name.lowercased() == "selectuniquevalue" {
                if !targetDirectoryName.lowercased().contains("active directory")
                    || targetDirectoryName.lowercased().contains("azure")
                {
                    add(
                        .warning, "select-unique-value-target",
                        "SelectUniqueValue is supported only for on-premises Active Directory targets (Workday, SuccessFactors or API-driven to AD)",
                        path)
                }
                if matching {
                    add(
                        .error, "select-unique-value-matching",
                        "SelectUniqueValue cannot be used on a matching attribute", path)
                }
            }
        }

        mutating func checkScope(_ scope: JSONValue, source: [String: JSONValue]?, at path: JSONPath) {
            for groupsKey in ["groups", "inputFilterGroups", "categoryFilterGroups"] {
                for (g, group) in (scope[groupsKey]?.arrayValue ?? []).enumerated() {
                    let groupPath = path.appending(groupsKey).appending(g)
                    for (c, clause) in (group["clauses"]?.arrayValue ?? []).enumerated() {
                        let here = groupPath.appending("clauses").appending(c)
                        let operatorName = clause["operatorName"]?.stringValue ?? ""
                        let values = clause["targetOperand"]?["values"]?.arrayValue ?? []
                        if let takesValues = SchemaValidator.filterOperators[operatorName] {
                            if !takesValues, !values.isEmpty {
                                add(
                                    .error, "unary-operator-values",
                                    "operator \"\(operatorName)\" takes no values; remove targetOperand.values",
                                    here.appending("targetOperand"))
                            } else if takesValues, values.isEmpty {
                                add(
                                    .error, "binary-operator-values",
                                    "operator \"\(operatorName)\" needs a value in targetOperand.values",
                                    here.appending("targetOperand"))
                            }
                        } else {
                            var message = "unknown scoping operator \"\(operatorName)\""
                            let known = SchemaValidator.filterOperators.keys.sorted()
                            if let suggestion = Suggestions.closest(to: operatorName, in: known) {
                                message += "; did you mean \"\(suggestion)\"?"
                            } else {
                                message += "; expected one of \(known.joined(separator: ", "))"
                            }
                            add(.error, "unknown-filter-operator", message, here.appending("operatorName"))
                        }
                        guard let operand = clause["sourceOperandName"]?.stringValue, let source else { continue }
                        if let attribute = source[operand] {
                            if attribute["multivalued"] == true {
                                add(
                                    .error, "multivalued-filter",
                                    "scoping filters are not supported on multi-valued attribute \"\(operand)\"",
                                    here.appending("sourceOperandName"))
                            }
                        } else {
                            var message = "scoping filter attribute \"\(operand)\" is not defined in the source object"
                            if let suggestion = Suggestions.closest(to: operand, in: Array(source.keys)) {
                                message += "; did you mean \"\(suggestion)\"?"
                            }
                            add(.error, "unknown-filter-attribute", message, here.appending("sourceOperandName"))
                        }
                    }
                }
            }
        }

        /// Extension attributes of API-driven apps must look like `urn:…:<namespace>:1.0:User:<name>`.
        mutating func extensionName(_ name: String, at path: JSONPath) {
            guard name.hasPrefix("urn:") else { return }
            if name.contains(where: { $0 == "\"" || $0 == "'" || $0.isWhitespace }) {
                add(
                    .error, "extension-attribute-name",
                    "attribute name \"\(name)\" contains quotes or whitespace; the service stores it but bulk requests cannot address it",
                    path)
                return
            }
            if name.hasPrefix("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:")
                || name.hasPrefix("urn:ietf:params:scim:schemas:core:2.0:User:")
            {
                return
            }
            let parts = name.split(separator: ":", omittingEmptySubsequences: false)
            let valid =
                parts.count >= 5 && parts[parts.count - 2] == "User" && !parts[parts.count - 1].isEmpty
                && parts[parts.count - 3].contains(".")
            if !valid {
                add(
                    .warning, "extension-attribute-name",
                    "extension attribute \"\(name)\" does not have the form urn:…:<namespace>:1.0:User:<name> that the inbound provisioning API expects",
                    path)
            }
        }

        mutating func uniqueness(
            _ elements: [JSONValue], key: String, what: String, at path: JSONPath, hint: String? = nil
        ) {
            var seen: [String: Int] = [:]
            for (offset, element) in elements.enumerated() {
                guard let name = element[key]?.stringValue else { continue }
                if let first = seen[name] {
                    var message = "\(what) \"\(name)\" is defined twice (first at \(path.appending(first)))"
                    if let hint { message += "; \(hint)" }
                    add(.error, "duplicate-name", message, path.appending(offset).appending(key))
                } else {
                    seen[name] = offset
                }
            }
        }

        mutating func directory(_ name: JSONValue?, at path: JSONPath) -> [String: [String: JSONValue]]? {
            guard let name = name?.stringValue else { return nil }
            if let found = catalog[name] { return found }
            var message = "directory \"\(name)\" is not defined in \"directories\""
            if let suggestion = Suggestions.closest(to: name, in: Array(catalog.keys)) {
                message += "; did you mean \"\(suggestion)\"?"
            }
            add(.error, "unknown-directory", message, path)
            return nil
        }

        mutating func object(
            _ name: JSONValue?, in directory: [String: [String: JSONValue]]?, directoryName: String?, at path: JSONPath
        ) -> [String: JSONValue]? {
            guard let name = name?.stringValue, let directory else { return nil }
            if let found = directory[name] { return found }
            var message = "object \"\(name)\" is not defined in directory \"\(directoryName ?? "?")\""
            if let suggestion = Suggestions.closest(to: name, in: Array(directory.keys)) {
                message += "; did you mean \"\(suggestion)\"?"
            }
            add(.error, "unknown-object", message, path)
            return nil
        }
    }
}
