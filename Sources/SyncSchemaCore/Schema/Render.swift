/// Declarative schema file → raw Graph schema for one environment (DESIGN §4 "Render").
///
/// Substitutes variables, expands defaults, compiles expression text to source trees, and — when
/// the live document is given — merges onto it by identity keys, so that ids, versions, metadata
/// and everything the file does not manage come from live, and unchanged mappings keep their live
/// trees byte for byte. The result is the exact document to PUT.
public struct Renderer: Sendable {
    /// How expression text becomes source trees (and how live trees are read for reuse).
    public var codec: MappingSourceCodec

    public init(codec: MappingSourceCodec) { self.codec = codec }

    /// Renders a schema file. All problems (unknown variables, expressions that do not compile) are
    /// collected and thrown together.
    public func render(
        _ file: JSONValue, variables: [String: String] = [:], live: JSONValue? = nil
    ) throws(SchemaError) -> JSONValue {
        guard case .object(var root) = file else {
            throw SchemaError("expected a schema file object at the top level, found \(file.kindDescription)")
        }
        root["syncschema"] = nil
        root["$schema"] = nil
        var diagnostics: [Diagnostic] = []
        // Substitution keeps every value's kind, so an object stays an object.
        let desired = Variables.substitute(in: .object(root), values: variables, into: &diagnostics).objectValue ?? root
        var context = Context(codec: codec)
        let result = context.merge(desired, live?.objectValue, kind: .schema, at: .root)
        diagnostics += context.diagnostics
        if diagnostics.contains(where: { $0.severity == .error }) { throw SchemaError(diagnostics: diagnostics) }
        return .object(result)
    }

    private struct Context {
        let codec: MappingSourceCodec
        var diagnostics: [Diagnostic] = []

        init(codec: MappingSourceCodec) { self.codec = codec }

        mutating func merge(_ desired: JSONObject, _ live: JSONObject?, kind name: KindName, at path: JSONPath)
            -> JSONObject
        {
            let kind = SchemaKind.of(name)
            guard let live else { return expand(desired, kind: name, at: path) }
            var result = live
            for key in live.keys {
                if kind.volatile.contains(key) || (name == .schema && key.hasPrefix("@odata.")) { continue }
                if desired.contains(key) { continue }
                if let defaultValue = kind.defaults[key] {
                    if !kind.isDefault(key, live[key]!) { result[key] = defaultValue }
                } else {
                    result[key] = nil  // removed from the file
                }
            }
            for (key, value) in desired {
                if kind.volatile.contains(key) { continue }
                let here = path.appending(key)
                let liveValue = live[key]
                if let child = kind.children.first(where: { $0.key == key }) {
                    result[key] = mergeList(value, liveValue, child, at: here)
                } else if name == .attributeMapping, key == "source" {
                    result[key] = source(value, live: liveValue, at: here)
                } else if kind.flags[key] != nil, case .string(let wanted) = value,
                    case .string(let current)? = liveValue, FlagsValue.sameSet(wanted, current)
                {
                    continue
                } else if liveValue == value {
                    continue
                } else {
                    result[key] = value
                }
            }
            return result
        }

        /// A node with no live counterpart: the file's values plus every documented default.
        mutating func expand(_ desired: JSONObject, kind name: KindName, at path: JSONPath) -> JSONObject {
            let kind = SchemaKind.of(name)
            var result = JSONObject()
            for (key, value) in desired {
                let here = path.appending(key)
                if let child = kind.children.first(where: { $0.key == key }) {
                    result[key] = mergeList(value, nil, child, at: here)
                } else if name == .attributeMapping, key == "source" {
                    result[key] = source(value, live: nil, at: here)
                } else {
                    result[key] = value
                }
            }
            for key in kind.leadingKeys where !result.contains(key) {
                if let defaultValue = kind.defaults[key] { result[key] = defaultValue }
            }
            return result.ordered(by: kind.leadingKeys)
        }

        mutating func mergeList(
            _ desired: JSONValue, _ live: JSONValue?, _ child: SchemaKind.ChildList, at path: JSONPath
        )
            -> JSONValue
        {
            guard case .array(let wanted) = desired else { return desired }
            let current = live?.arrayValue ?? []
            // Index live elements by (identity, occurrence) so duplicates pair up in order.
            var liveIndex: [String: [Int]] = [:]
            for (offset, element) in current.enumerated() {
                if let id = SchemaKind.identity(of: element, child.identity) {
                    liveIndex[id, default: []].append(offset)
                }
            }
            var used: [String: Int] = [:]
            var merged: [(liveOffset: Int?, value: JSONValue)] = []
            for (offset, element) in wanted.enumerated() {
                guard case .object(let object) = element else {
                    merged.append((nil, element))
                    continue
                }
                var match: Int?
                if let id = SchemaKind.identity(of: element, child.identity) {
                    let occurrence = used[id, default: 0]
                    used[id] = occurrence + 1
                    if let offsets = liveIndex[id], occurrence < offsets.count { match = offsets[occurrence] }
                }
                let liveObject = match.flatMap { current[$0].objectValue }
                merged.append((match, .object(merge(object, liveObject, kind: child.kind, at: path.appending(offset)))))
            }
            if child.sorted {
                // Order carries no meaning: keep live's order so the PUT differs only where the file does.
                let kept = merged.filter { $0.liveOffset != nil }.sorted { $0.liveOffset! < $1.liveOffset! }
                let added = merged.filter { $0.liveOffset == nil }
                return .array((kept + added).map(\.value))
            }
            return .array(merged.map(\.value))
        }

        mutating func source(_ value: JSONValue, live: JSONValue?, at path: JSONPath) -> JSONValue {
            switch value {
            case .string(let text):
                if let live, case .object = live, codec.text(live) == text { return live }
                do {
                    return try codec.compile(text)
                } catch {
                    diagnostics.append(
                        Diagnostic(.error, "expression does not compile: \(error)", at: path, code: "expression-syntax")
                    )
                    return value
                }
            default:
                if let live, live == value { return live }
                return value
            }
        }
    }
}
