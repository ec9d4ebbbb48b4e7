/// Converts between ``Expression`` and Graph's `attributeMappingSource` tree, the JSON the
/// schema API stores for every attribute mapping (`reference/expressions.md` §3).
///
/// Comparisons have no documented tree form. Ours: a `Function` node whose `name` is the operator
/// (`=`, `<>`, `>`, `>=`, `<`, `<=`) with two parameters keyed `left` and `right`. Reading a tree
/// also accepts any node it cannot interpret structurally when that node carries its own
/// `expression` text, so whatever the service really sends for comparisons can be read back.
public enum MappingSource {
    /// The parameter keys of a comparison node, left then right.
    public static let comparisonKeys = (left: "left", right: "right")

    /// The tree the service would store for `expression`: every node carries `expression`,
    /// `name`, `parameters` and `type` in that order; numbers and enum words become `Constant`
    /// nodes whose own `expression` is quoted while the parent's text keeps them bare; omitted
    /// arguments are left out; a repeating parameter repeats its key. Function names take their
    /// canonical casing. Throws for functions the table does not know and for surplus arguments.
    public static func compile(_ expression: Expression, functions: FunctionTable) throws(ExpressionJSONError)
        -> JSONValue
    {
        let canonical = try canonicalized(expression, functions: functions, path: .root)
        return node(canonical, functions: functions)
    }

    /// `expression` with every function name in its canonical casing.
    private static func canonicalized(
        _ expression: Expression, functions: FunctionTable, path: JSONPath
    ) throws(ExpressionJSONError) -> Expression {
        switch expression {
        case .call(let name, let arguments):
            guard let signature = functions[name] else {
                throw ExpressionJSONError(
                    "unknown function '\(name)'; load the tenant's schema/functions response to compile it", at: path)
            }
            let slots = signature.parameters(forArgumentCount: arguments.count)
            var result: [Expression?] = []
            for (index, argument) in arguments.enumerated() {
                guard let argument else {
                    result.append(nil)
                    continue
                }
                guard slots[index] != nil else {
                    throw ExpressionJSONError(
                        "\(signature.name) takes at most \(signature.parameters.count) arguments, found \(arguments.count)",
                        at: path)
                }
                result.append(
                    try canonicalized(
                        argument, functions: functions, path: path.appending("parameters").appending(index)))
            }
            return .call(name: signature.name, arguments: result)
        case .comparison(let lhs, let op, let rhs):
            return .comparison(
                try canonicalized(lhs, functions: functions, path: path.appending("parameters").appending(0)), op,
                try canonicalized(rhs, functions: functions, path: path.appending("parameters").appending(1)))
        default:
            return expression
        }
    }

    private static func node(_ expression: Expression, functions: FunctionTable) -> JSONValue {
        func make(_ text: String, _ name: String, _ parameters: [JSONValue], _ type: String) -> JSONValue {
            .object(
                JSONObject([
                    ("expression", .string(text)), ("name", .string(name)), ("parameters", .array(parameters)),
                    ("type", .string(type)),
                ]))
        }
        func entry(_ key: String, _ value: Expression) -> JSONValue {
            .object(JSONObject([("key", .string(key)), ("value", node(value, functions: functions))]))
        }
        switch expression {
        case .attribute(let name):
            return make(expression.canonicalText, name, [], "Attribute")
        case .string(let value):
            return make(expression.canonicalText, value, [], "Constant")
        case .number(let literal), .identifier(let literal):
            return make(Expression.quoted(literal), literal, [], "Constant")
        case .call(let name, let arguments):
            let slots = functions[name]?.parameters(forArgumentCount: arguments.count) ?? []
            var parameters: [JSONValue] = []
            for (index, argument) in arguments.enumerated() {
                if let argument, let parameter = slots[index] { parameters.append(entry(parameter.name, argument)) }
            }
            return make(expression.canonicalText, name, parameters, "Function")
        case .comparison(let lhs, let op, let rhs):
            return make(
                expression.canonicalText, op.rawValue,
                [entry(comparisonKeys.left, lhs), entry(comparisonKeys.right, rhs)],
                "Function")
        }
    }

    /// Reads a tree back into an expression. Parameter keys map to argument positions through
    /// `functions`; omitted positions become `nil`. A node's own `expression` text, when present,
    /// decides what the keys cannot: whether a `Constant` was a bare number or enum word, and how
    /// many trailing omitted arguments the call shows (`Replace(…, "_", , )`). A node whose type,
    /// function or keys are unknown is read from its `expression` text instead; without one, the
    /// error names the JSON path (relative to `path`).
    public static func expression(
        from source: JSONValue, functions: FunctionTable, at path: JSONPath = .root
    ) throws(ExpressionJSONError) -> Expression {
        try read(source, functions: functions, path: path, hint: nil)
    }

    private static func read(
        _ value: JSONValue, functions: FunctionTable, path: JSONPath, hint: Expression?
    ) throws(ExpressionJSONError) -> Expression {
        guard let object = value.objectValue else {
            let what = value.isNull ? "null (a mapping without a source takes its defaultValue)" : value.kindDescription
            throw ExpressionJSONError("expected an attributeMappingSource object, found \(what)", at: path)
        }
        let ownText = object["expression"]?.stringValue
        let own: Expression? = ownText.flatMap { try? ExpressionParser.parse($0) }
        func fallback(_ problem: String, at problemPath: JSONPath) throws(ExpressionJSONError) -> Expression {
            if let own { return own }
            let reason = ownText == nil ? "no expression text to read instead" : "its expression text does not parse"
            throw ExpressionJSONError("\(problem), and the node has \(reason)", at: problemPath)
        }

        let type: String
        switch object["type"] {
        case nil, .null?: type = "Attribute"
        case .string(let text)?: type = text
        case let other?:
            throw ExpressionJSONError(
                "expected \"type\" as a string, found \(other.kindDescription)", at: path.appending("type"))
        }
        let name = object["name"]?.stringValue

        switch type {
        case "Attribute":
            guard let name, !name.isEmpty else {
                return try fallback("attribute node without a \"name\"", at: path.appending("name"))
            }
            return .attribute(name)
        case "Constant":
            guard let name else { return try fallback("constant node without a \"name\"", at: path.appending("name")) }
            for candidate in [hint, own] {
                switch candidate {
                case .number(let literal)? where literal == name: return .number(literal)
                case .identifier(let literal)? where literal == name: return .identifier(literal)
                default: continue
                }
            }
            return .string(name)
        case "Function":
            guard let name, !name.isEmpty else {
                return try fallback("function node without a \"name\"", at: path.appending("name"))
            }
            let entries = try parameterEntries(object, path: path)
            let guide = own ?? hint
            if let op = ComparisonOperator(rawValue: name) {
                return try readComparison(
                    op, entries: entries, functions: functions, path: path, guide: guide, fallback: fallback)
            }
            guard let signature = functions[name] else {
                return try fallback("unknown function '\(name)'", at: path.appending("name"))
            }
            return try readCall(
                signature, entries: entries, functions: functions, path: path, guide: guide, fallback: fallback)
        default:
            return try fallback(
                "unknown source type '\(type)' (expected Attribute, Constant or Function)", at: path.appending("type"))
        }
    }

    private typealias Entry = (key: String, value: JSONValue, path: JSONPath)

    private static func parameterEntries(_ object: JSONObject, path: JSONPath) throws(ExpressionJSONError) -> [Entry] {
        let parametersPath = path.appending("parameters")
        switch object["parameters"] {
        case nil, .null?:
            return []
        case .array(let list)?:
            var entries: [Entry] = []
            for (index, item) in list.enumerated() {
                let itemPath = parametersPath.appending(index)
                guard let key = item["key"]?.stringValue else {
                    throw ExpressionJSONError(
                        "expected a parameter entry with a string \"key\"", at: itemPath.appending("key"))
                }
                guard let value = item["value"] else {
                    throw ExpressionJSONError("parameter '\(key)' has no \"value\"", at: itemPath)
                }
                entries.append((key, value, itemPath.appending("value")))
            }
            return entries
        case let other?:
            throw ExpressionJSONError(
                "expected \"parameters\" as an array, found \(other.kindDescription)", at: parametersPath)
        }
    }

    private static func readComparison(
        _ op: ComparisonOperator, entries: [Entry], functions: FunctionTable, path: JSONPath, guide: Expression?,
        fallback: (String, JSONPath) throws(ExpressionJSONError) -> Expression
    ) throws(ExpressionJSONError) -> Expression {
        guard entries.count == 2 else {
            return try fallback(
                "comparison '\(op.rawValue)' needs exactly two parameters, found \(entries.count)",
                path.appending("parameters"))
        }
        var ordered = entries
        if entries[0].key == comparisonKeys.right && entries[1].key == comparisonKeys.left { ordered.reverse() }
        var sides: (Expression?, Expression?) = (nil, nil)
        if case .comparison(let lhs, op, let rhs)? = guide { sides = (lhs, rhs) }
        let lhs = try read(ordered[0].value, functions: functions, path: ordered[0].path, hint: sides.0)
        let rhs = try read(ordered[1].value, functions: functions, path: ordered[1].path, hint: sides.1)
        return .comparison(lhs, op, rhs)
    }

    private static func readCall(
        _ signature: FunctionSignature, entries: [Entry], functions: FunctionTable, path: JSONPath, guide: Expression?,
        fallback: (String, JSONPath) throws(ExpressionJSONError) -> Expression
    ) throws(ExpressionJSONError) -> Expression {
        // Resolve keys (exact spelling first, then any casing) to parameter indices.
        var indices: [Int] = []
        for entry in entries {
            let index =
                signature.parameters.firstIndex { $0.name == entry.key }
                ?? signature.parameters.firstIndex { $0.name.lowercased() == entry.key.lowercased() }
            guard let index else {
                let known = signature.parameters.map(\.name).joined(separator: ", ")
                return try fallback(
                    "\(signature.name) has no parameter '\(entry.key)' (known: \(known.isEmpty ? "none" : known))",
                    entry.path.dropLastComponent().appending("key"))
            }
            indices.append(index)
        }
        let repeating = signature.repeatingIndex
        let occurrences = indices.filter { $0 == repeating }.count
        var positions: [Int] = []
        var seenRepeating = 0
        var used = Set<Int>()
        for (entryIndex, index) in indices.enumerated() {
            let position: Int
            if let repeating, index == repeating {
                position = repeating + seenRepeating
                seenRepeating += 1
            } else if let repeating, index > repeating {
                position = repeating + occurrences + (index - repeating - 1)
            } else {
                position = index
            }
            guard used.insert(position).inserted else {
                return try fallback(
                    "parameter '\(entries[entryIndex].key)' appears more than once",
                    entries[entryIndex].path.dropLastComponent().appending("key"))
            }
            positions.append(position)
        }
        var guideArguments: [Expression?] = []
        if case .call(let guideName, let arguments)? = guide, guideName.lowercased() == signature.name.lowercased() {
            guideArguments = arguments
        }
        var count = (positions.max() ?? -1) + 1
        if guideArguments.count > count, guideArguments[count...].allSatisfy({ $0 == nil }) {
            count = guideArguments.count
        }
        var arguments = [Expression?](repeating: nil, count: count)
        for (entry, position) in zip(entries, positions) {
            let hint = position < guideArguments.count ? guideArguments[position] : nil
            arguments[position] = try read(entry.value, functions: functions, path: entry.path, hint: hint)
        }
        return .call(name: signature.name, arguments: arguments)
    }

    /// `source` with the defaults Graph applies filled in, recursively: a missing `type` becomes
    /// `Attribute`, missing or `null` `parameters` become `[]`. Trees that differ only in those
    /// omissions (input written by hand) then compare equal to compiled ones.
    public static func normalized(_ source: JSONValue) -> JSONValue {
        guard var object = source.objectValue else { return source }
        if object["type"] == nil || object["type"] == .null { object["type"] = "Attribute" }
        var parameters: [JSONValue] = []
        for item in object["parameters"]?.arrayValue ?? [] {
            guard var entry = item.objectValue else {
                parameters.append(item)
                continue
            }
            if let value = entry["value"] { entry["value"] = normalized(value) }
            parameters.append(.object(entry))
        }
        object["parameters"] = .array(parameters)
        return .object(object.ordered(by: ["expression", "name", "parameters", "type"]))
    }
}

extension JSONPath {
    /// The path without its last step (the root stays the root).
    fileprivate func dropLastComponent() -> JSONPath { JSONPath(components: Array(components.dropLast())) }
}
