/// Converts between a mapping's `source` tree (Graph's `attributeMappingSource`) and the
/// expression text people review. Normalize and render take one, so tests and the online path
/// (Graph's `parseExpression` as the compiler of record) can supply their own.
public struct MappingSourceCodec: Sendable {
    /// The canonical expression text of a source tree, or `nil` when the tree cannot be read
    /// (then the tree is kept verbatim in the file).
    public var text: @Sendable (JSONValue) -> String?
    /// A source tree for expression text.
    public var compile: @Sendable (String) throws -> JSONValue
    /// The canonical spelling of expression text (what `fmt` writes), or `nil` when it does not parse.
    public var canonical: @Sendable (String) -> String?

    public init(
        text: @escaping @Sendable (JSONValue) -> String?, compile: @escaping @Sendable (String) throws -> JSONValue,
        canonical: @escaping @Sendable (String) -> String? = { $0 }
    ) {
        self.text = text
        self.compile = compile
        self.canonical = canonical
    }
}

/// The version of the schema file format this build reads and writes.
public let schemaFileFormatVersion = 1

/// Raw Graph schema → declarative schema file (DESIGN §4 "Normalize").
///
/// Drops server-owned volatile values, omits documented defaults, writes flags strings canonically,
/// sorts large lists by identity, turns mapping sources into expression text, escapes `${`, and
/// keeps every property it does not know verbatim.
public struct Normalizer: Sendable {
    /// How source trees become text.
    public var codec: MappingSourceCodec

    public init(codec: MappingSourceCodec) { self.codec = codec }

    /// The schema file for a raw schema document (`"syncschema": 1` first).
    public func normalize(_ raw: JSONValue) throws(SchemaError) -> JSONValue {
        guard case .object(let root) = raw else {
            throw SchemaError("expected a synchronization schema object at the top level, found \(raw.kindDescription)")
        }
        if root.contains("syncschema") {
            throw SchemaError(
                "this is already a syncschema file, not a raw Graph schema (use `syncschema fmt` to reformat it)")
        }
        var file = JSONObject()
        file["syncschema"] = .int(schemaFileFormatVersion)
        for (key, value) in node(root, kind: .schema, raw: true) { file[key] = value }
        return .object(file)
    }

    /// The canonical form of a schema file (what `fmt` writes): same key order, sorting, flags
    /// spelling and default omission as `normalize`, expression text in the canonical spelling.
    /// Unlike `normalize`, nothing is escaped and nothing is dropped: the input is already a file.
    public func format(_ file: JSONValue) -> JSONValue {
        guard case .object(var root) = file else { return file }
        let version = root["syncschema"] ?? .int(schemaFileFormatVersion)
        let schemaReference = root["$schema"]
        root["syncschema"] = nil
        root["$schema"] = nil
        var result = JSONObject()
        if let schemaReference { result["$schema"] = schemaReference }
        result["syncschema"] = version
        for (key, value) in node(root, kind: .schema, raw: false) { result[key] = value }
        return .object(result)
    }

    /// Normalizes one node of a known kind; `raw` input comes from Graph, otherwise from a file.
    func node(_ object: JSONObject, kind name: KindName, raw: Bool) -> JSONObject {
        let escape: (JSONValue) -> JSONValue = raw ? Variables.escape : { $0 }
        let kind = SchemaKind.of(name)
        var known = JSONObject()
        var unknown: [(String, JSONValue)] = []
        var children = JSONObject()
        for (key, value) in object {
            if raw, kind.volatile.contains(key) || (name == .schema && key.hasPrefix("@odata.")) { continue }
            if let child = kind.children.first(where: { $0.key == key }) {
                children[key] = list(value, child, raw: raw)
            } else if kind.isDefault(key, value) {
                continue
            } else if let words = kind.flags[key], case .string(let text) = value {
                known[key] = escape(.string(FlagsValue.canonical(text, order: words)))
            } else if raw, name == .attributeMapping, key == "source", case .object = value {
                known[key] = codec.text(value).map { .string(Variables.escape($0)) } ?? escape(value)
            } else if !raw, name == .attributeMapping, key == "source", case .string(let text) = value {
                known[key] = .string(codec.canonical(text) ?? text)
            } else if kind.leadingKeys.contains(key) || kind.volatile.contains(key) {
                known[key] = escape(value)
            } else {
                unknown.append((raw ? Variables.escape(key) : key, escape(value)))
            }
        }
        var result = known.ordered(by: kind.leadingKeys)
        for (key, value) in unknown.sorted(by: { $0.0 < $1.0 }) { result[key] = value }
        for child in kind.children { if let value = children[child.key] { result[child.key] = value } }
        return result
    }

    private func list(_ value: JSONValue, _ child: SchemaKind.ChildList, raw: Bool) -> JSONValue {
        guard case .array(let elements) = value else { return raw ? Variables.escape(value) : value }
        let normalized: [JSONValue] = elements.map { element in
            guard case .object(let object) = element else { return raw ? Variables.escape(element) : element }
            return .object(node(object, kind: child.kind, raw: raw))
        }
        guard child.sorted else { return .array(normalized) }
        // Stable sort by identity; elements without one keep their relative order at the end.
        let keyed = elements.enumerated().map { (offset, element) in
            (SchemaKind.identity(of: element, child.identity), offset)
        }
        let order = keyed.sorted { lhs, rhs in
            switch (lhs.0, rhs.0) {
            case (let a?, let b?): return a == b ? lhs.1 < rhs.1 : a < b
            case (nil, nil): return lhs.1 < rhs.1
            case (.some, nil): return true
            case (nil, .some): return false
            }
        }
        return .array(order.map { normalized[$0.1] })
    }
}

/// A problem with a schema document as a whole (wrong top-level shape), or a list of problems
/// found while rendering or reading a schema file.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    /// The problems, each with its location.
    public var diagnostics: [Diagnostic]

    /// One problem at the root.
    public init(_ message: String, at path: JSONPath = .root, code: String = "schema") {
        diagnostics = [Diagnostic(.error, message, at: path, code: code)]
    }

    /// Several problems.
    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    /// The problems attributed to `file`.
    public func inFile(_ file: String) -> SchemaError {
        SchemaError(
            diagnostics: diagnostics.map {
                var copy = $0; copy.file = copy.file ?? file; return copy
            })
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
