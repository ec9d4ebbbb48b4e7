/// Reading schema files (`schemas/<app>.json`): JSON syntax, the version key, and the shape of every
/// known property, with every problem reported at its JSON path.
///
/// Properties the tool does not know are allowed and carried verbatim (Graph may add properties
/// and the PUT must not drop them) — except when a name is one edit away from a known one, which is
/// almost always a typo that Graph would reject or, worse, ignore.
public enum SchemaFile {
    /// Parses and checks a schema file's text. Returns the document when it has no errors.
    public static func read(_ text: String, file: String? = nil) throws(SchemaError) -> JSONValue {
        let document: JSONValue
        do {
            document = try JSONParser.parse(text)
        } catch {
            throw SchemaError(diagnostics: [
                Diagnostic(
                    .error, "invalid JSON at line \(error.line), column \(error.column): \(error.message)", file: file,
                    code: "json-syntax")
            ])
        }
        let problems = check(document).map { diagnostic -> Diagnostic in
            var copy = diagnostic
            copy.file = file
            return copy
        }
        if problems.contains(where: { $0.severity == .error }) { throw SchemaError(diagnostics: problems) }
        return document
    }

    /// Structural problems of a parsed schema file (version key, types, enums, misspelled keys).
    public static func check(_ document: JSONValue) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        guard case .object(let root) = document else {
            return [
                Diagnostic(
                    .error, "expected a JSON object at the top level, found \(document.kindDescription)", code: "shape")
            ]
        }
        switch root["syncschema"] {
        case nil:
            let hint =
                root.contains("synchronizationRules") || root.contains("directories")
                ? "this looks like a raw Graph schema: convert it with `syncschema normalize FILE`"
                : "add \"syncschema\": \(schemaFileFormatVersion) as the first key"
            diagnostics.append(Diagnostic(.error, "missing \"syncschema\" version key; \(hint)", code: "version"))
        case .number(let number) where number.doubleValue == Double(schemaFileFormatVersion):
            break
        case let other?:
            diagnostics.append(
                Diagnostic(
                    .error,
                    "unsupported schema file version \(JSONWriter.compact(other)); this syncschema reads version \(schemaFileFormatVersion) — upgrade syncschema or convert the file",
                    at: [.key("syncschema")], code: "version"))
        }
        var body = root
        body["syncschema"] = nil
        if let schemaRef = body["$schema"], schemaRef.stringValue == nil {
            diagnostics.append(
                Diagnostic(
                    .error, "expected a string (the URL or path of the JSON Schema)", at: [.key("$schema")],
                    code: "type"))
        }
        body["$schema"] = nil
        checkNode(body, kind: .schema, at: .root, into: &diagnostics)
        return diagnostics
    }

    private static func checkNode(
        _ object: JSONObject, kind name: KindName, at path: JSONPath, into diagnostics: inout [Diagnostic]
    ) {
        let kind = SchemaKind.of(name)
        let known = kind.knownKeys
        for (key, value) in object {
            let here = path.appending(key)
            if !known.contains(key) {
                if let suggestion = Suggestions.closest(to: key, in: Array(known)),
                    Suggestions.editDistance(key, suggestion) <= 2
                {
                    diagnostics.append(
                        Diagnostic(
                            .error, "unknown key \"\(key)\" in \(kind.displayName); did you mean \"\(suggestion)\"?",
                            at: here,
                            code: "unknown-key"))
                }
                continue
            }
            if let child = kind.children.first(where: { $0.key == key }) {
                guard case .array(let elements) = value else {
                    diagnostics.append(
                        typeError(here, "an array of \(plural(SchemaKind.of(child.kind).displayName))", value))
                    continue
                }
                for (offset, element) in elements.enumerated() {
                    guard case .object(let member) = element else {
                        diagnostics.append(
                            typeError(
                                here.appending(offset), "\(article(SchemaKind.of(child.kind).displayName)) object",
                                element))
                        continue
                    }
                    checkNode(member, kind: child.kind, at: here.appending(offset), into: &diagnostics)
                }
                continue
            }
            if value == .null { continue }
            if kind.strings.contains(key) || kind.flags[key] != nil, value.stringValue == nil {
                diagnostics.append(typeError(here, "a string", value))
            } else if kind.booleans.contains(key), value.boolValue == nil {
                diagnostics.append(typeError(here, "true or false", value))
            } else if kind.integers.contains(key), value.intValue == nil {
                diagnostics.append(typeError(here, "an integer", value))
            } else if let allowed = kind.enums[key] {
                if let text = value.stringValue {
                    if !allowed.contains(text) {
                        var message = "invalid value \"\(text)\"; expected one of \(allowed.joined(separator: ", "))"
                        if let suggestion = Suggestions.closest(to: text, in: allowed) {
                            message += " (did you mean \"\(suggestion)\"?)"
                        }
                        diagnostics.append(Diagnostic(.error, message, at: here, code: "enum"))
                    }
                } else {
                    diagnostics.append(typeError(here, "a string", value))
                }
            } else if let words = kind.flags[key], let text = value.stringValue {
                for word in FlagsValue.words(text) where !words.contains(word) {
                    diagnostics.append(
                        Diagnostic(
                            .error,
                            "invalid flag \"\(word)\"; expected a comma-separated list of \(words.joined(separator: ", "))",
                            at: here, code: "enum"))
                }
            } else if name == .attributeMapping, key == "source", value.stringValue == nil, value.objectValue == nil {
                diagnostics.append(typeError(here, "an expression string (or a raw source object)", value))
            }
        }
        if name != .schema, let identityKey = kind.leadingKeys.first, kind.strings.contains(identityKey),
            object[identityKey] == nil, !(name == .objectMapping && object["sourceObjectName"] != nil)
        {
            diagnostics.append(
                Diagnostic(.error, "\(kind.displayName) has no \"\(identityKey)\"", at: path, code: "missing-key"))
        }
    }

    /// "directories", "attribute mappings".
    private static func plural(_ noun: String) -> String {
        noun.hasSuffix("y") ? noun.dropLast() + "ies" : noun + "s"
    }

    /// "an attribute mapping", "a directory".
    private static func article(_ noun: String) -> String {
        ("aeiou".contains(noun.prefix(1)) ? "an " : "a ") + noun
    }

    private static func typeError(_ path: JSONPath, _ expected: String, _ found: JSONValue) -> Diagnostic {
        Diagnostic(.error, "expected \(expected), found \(found.kindDescription)", at: path, code: "type")
    }
}
