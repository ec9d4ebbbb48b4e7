/// One parameter of an expression function as `GET …/schema/functions` describes it. Its `name`
/// is the `key` that Graph's `attributeMappingSource.parameters` entries use.
public struct FunctionParameter: Hashable, Sendable {
    /// The JSON `key` (`source`, `Find`, `one`).
    public var name: String
    /// Whether a call must supply it.
    public var isRequired: Bool
    /// Whether it repeats (`Join`'s `source`, `Switch`'s `switchValue`); a repeating parameter
    /// takes every argument its neighbours leave over, each as one entry with the same key.
    public var allowsMultipleOccurrences: Bool
    /// The service's type word (`String`, `Integer`, `Boolean`, `DateTime`, …), when known.
    public var type: String?

    /// A parameter description.
    public init(_ name: String, required: Bool = true, multiple: Bool = false, type: String? = "String") {
        self.name = name
        self.isRequired = required
        self.allowsMultipleOccurrences = multiple
        self.type = type
    }
}

/// An expression function: canonical name and parameters in position order.
public struct FunctionSignature: Hashable, Sendable {
    /// The canonical spelling (`IIF`, `SelectUniqueValue`).
    public var name: String
    /// Parameters in the order arguments are written.
    public var parameters: [FunctionParameter]

    /// A signature.
    public init(_ name: String, _ parameters: [FunctionParameter]) {
        self.name = name
        self.parameters = parameters
    }

    /// The index of the repeating parameter, if any.
    public var repeatingIndex: Int? { parameters.firstIndex { $0.allowsMultipleOccurrences } }

    /// The fewest arguments a call can have: up to the last required parameter.
    public var minimumArgumentCount: Int {
        (parameters.lastIndex { $0.isRequired }).map { $0 + 1 } ?? 0
    }

    /// The most arguments a call can have, `nil` when a parameter repeats.
    public var maximumArgumentCount: Int? { repeatingIndex == nil ? parameters.count : nil }

    /// Which parameter each of `count` argument positions fills; `nil` for positions beyond the
    /// last parameter (too many arguments). With a repeating parameter, the parameters after it
    /// take the last positions and the repeating one takes the rest (at least one when possible),
    /// so `Coalesce([a], [b], "x")` is source, source, defaultValue.
    public func parameters(forArgumentCount count: Int) -> [FunctionParameter?] {
        guard let repeating = repeatingIndex else {
            return (0..<count).map { $0 < parameters.count ? parameters[$0] : nil }
        }
        let trailing = parameters.count - repeating - 1
        let available = max(count - repeating, 0)
        let occurrences = max(available - trailing, min(1, available))
        var result: [FunctionParameter?] = []
        for position in 0..<count {
            if position < repeating {
                result.append(parameters[position])
            } else if position < repeating + occurrences {
                result.append(parameters[repeating])
            } else {
                let index = repeating + 1 + (position - repeating - occurrences)
                result.append(index < parameters.count ? parameters[index] : nil)
            }
        }
        return result
    }
}

/// The expression functions the tool knows, with the JSON keys of their parameters: needed to
/// convert between expression text and Graph's `attributeMappingSource` trees and to check
/// arity. Lookup ignores case and reports the canonical spelling.
public struct FunctionTable: Sendable {
    private var byLowercasedName: [String: FunctionSignature]

    /// A table of the given functions; a later duplicate name replaces an earlier one.
    public init(_ functions: [FunctionSignature]) {
        byLowercasedName = [:]
        for function in functions { byLowercasedName[function.name.lowercased()] = function }
    }

    /// The function with this name in any casing.
    public subscript(name: String) -> FunctionSignature? { byLowercasedName[name.lowercased()] }

    /// All functions, sorted by name.
    public var functions: [FunctionSignature] { byLowercasedName.values.sorted { $0.name < $1.name } }

    /// This table with `other`'s functions added, replacing same-named ones: a captured
    /// `schema/functions` response overrides the built-in table.
    public func merging(_ other: FunctionTable) -> FunctionTable {
        var result = self
        result.byLowercasedName.merge(other.byLowercasedName) { _, new in new }
        return result
    }

    /// Loads a captured `GET …/schema/functions` response: the OData wrapper `{"value": [...]}`
    /// or a bare array of `{name, parameters: [{name, required, allowMultipleOccurrences, type}]}`.
    /// Missing booleans default to `false`, as in Graph.
    public init(functionsResponse: JSONValue) throws(ExpressionJSONError) {
        let list: [JSONValue]
        var path = JSONPath.root
        if let array = functionsResponse.arrayValue {
            list = array
        } else if let array = functionsResponse["value"]?.arrayValue {
            list = array
            path = path.appending("value")
        } else {
            throw ExpressionJSONError(
                "expected a schema/functions response: an object with a \"value\" array or an array, found "
                    + functionsResponse.kindDescription, at: .root)
        }
        var functions: [FunctionSignature] = []
        for (index, entry) in list.enumerated() {
            let entryPath = path.appending(index)
            guard let object = entry.objectValue else {
                throw ExpressionJSONError("expected a function object, found \(entry.kindDescription)", at: entryPath)
            }
            guard let name = object["name"]?.stringValue, !name.isEmpty else {
                throw ExpressionJSONError(
                    "expected the function's \"name\" as a string", at: entryPath.appending("name"))
            }
            var parameters: [FunctionParameter] = []
            let parametersValue = object["parameters"] ?? .null
            guard parametersValue.isNull || parametersValue.arrayValue != nil else {
                throw ExpressionJSONError(
                    "expected an array, found \(parametersValue.kindDescription)", at: entryPath.appending("parameters")
                )
            }
            for (parameterIndex, parameter) in (parametersValue.arrayValue ?? []).enumerated() {
                let parameterPath = entryPath.appending("parameters").appending(parameterIndex)
                guard let key = parameter["name"]?.stringValue, !key.isEmpty else {
                    throw ExpressionJSONError(
                        "expected the parameter's \"name\" as a string", at: parameterPath.appending("name"))
                }
                func flag(_ field: String) throws(ExpressionJSONError) -> Bool {
                    switch parameter[field] {
                    case nil, .null?: return false
                    case .bool(let value)?: return value
                    case let other?:
                        throw ExpressionJSONError(
                            "expected a boolean, found \(other.kindDescription)", at: parameterPath.appending(field))
                    }
                }
                parameters.append(
                    FunctionParameter(
                        key, required: try flag("required"), multiple: try flag("allowMultipleOccurrences"),
                        type: parameter["type"]?.stringValue))
            }
            functions.append(FunctionSignature(name, parameters))
        }
        self.init(functions)
    }
}

/// A problem in Graph JSON that the expression layer reads (a `schema/functions` response or an
/// `attributeMappingSource` tree), with the JSON path of the offending value.
public struct ExpressionJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, for people.
    public let message: String
    /// Where, relative to the value handed in.
    public let path: JSONPath

    /// An error at `path`.
    public init(_ message: String, at path: JSONPath) {
        self.message = message
        self.path = path
    }

    /// ``at `parameters[1].value.name`: expected a string``
    public var description: String { path.components.isEmpty ? message : "at `\(path)`: \(message)" }
}

extension FunctionTable {
    /// The functions of the app-provisioning reference (`reference/expressions.md` §2) with the
    /// parameter keys of §3.3. Keys marked "inferred" were not seen in service output; a loaded
    /// `schema/functions` response overrides them (``merging(_:)``).
    public static let builtIn: FunctionTable = {
        typealias P = FunctionParameter
        let source = P("source")
        return FunctionTable([
            FunctionSignature("Append", [source, P("suffix")]),
            FunctionSignature("AppRoleAssignmentsComplex", [source]),  // key inferred
            FunctionSignature("BitAnd", [P("value1", type: "Integer"), P("value2", type: "Integer")]),  // keys inferred
            FunctionSignature("CBool", [source]),  // key inferred
            FunctionSignature("CDate", [source]),  // key inferred
            // keys inferred; defaultValue is the last argument only by position
            FunctionSignature("Coalesce", [P("source", multiple: true), P("defaultValue", required: false)]),
            FunctionSignature("ConvertToBase64", [source]),  // key inferred
            FunctionSignature("ConvertToUTF8Hex", [source]),  // key inferred
            FunctionSignature("Count", [source]),  // key inferred
            FunctionSignature("CStr", [source]),  // key inferred
            // keys inferred
            FunctionSignature(
                "DateAdd", [P("interval"), P("value", type: "Integer"), P("dateTime", type: "DateTime")]),
            // keys inferred
            FunctionSignature("DateDiff", [P("interval"), P("date1", type: "DateTime"), P("date2", type: "DateTime")]),
            FunctionSignature("DateFromNum", [source]),  // key inferred
            FunctionSignature("DefaultDomain", []),
            // dateTimeStyles inferred (added after the 2017 response that lists the other three)
            FunctionSignature(
                "FormatDateTime", [source, P("dateTimeStyles", required: false), P("inputFormat"), P("outputFormat")]),
            FunctionSignature("Guid", []),
            FunctionSignature("IgnoreFlowIfNullOrEmpty", [source]),  // key inferred
            FunctionSignature("IIF", [P("one"), P("two"), P("three")]),  // "one" seen; "two", "three" inferred
            // keys inferred
            FunctionSignature(
                "InStr",
                [
                    P("value1"), P("value2"), P("start", required: false, type: "Integer"),
                    P("compareType", required: false),
                ]),
            FunctionSignature("IsNull", [source]),  // key inferred
            FunctionSignature("IsNullOrEmpty", [source]),  // key inferred
            FunctionSignature("IsPresent", [source]),
            FunctionSignature("IsString", [source]),  // key inferred
            FunctionSignature("Item", [source, P("index", type: "Integer")]),  // keys inferred
            FunctionSignature("Join", [P("separator"), P("source", multiple: true)]),
            FunctionSignature("Left", [source, P("numChars", type: "Integer")]),  // keys inferred
            FunctionSignature("Len", [source]),  // key inferred
            FunctionSignature("Mid", [source, P("start", type: "Integer"), P("length", type: "Integer")]),
            FunctionSignature("NormalizeDiacritics", [source]),  // key inferred
            FunctionSignature("Not", [P("source", type: "Boolean")]),
            FunctionSignature("Now", []),
            FunctionSignature("NumFromDate", [source]),  // key inferred
            FunctionSignature("PCase", [source, P("wordSeparators", required: false)]),  // keys inferred
            // keys inferred
            FunctionSignature(
                "RandomString",
                [
                    P("length", type: "Integer"), P("minimumNumbers", type: "Integer"),
                    P("minimumSpecialCharacters", type: "Integer"), P("minimumCapital", type: "Integer"),
                    P("minimumLowerCase", type: "Integer"), P("charactersToAvoid", required: false),
                ]),
            FunctionSignature("Redact", [source]),  // key inferred
            FunctionSignature("RemoveDuplicates", [source]),  // key inferred
            FunctionSignature(
                "Replace",
                [
                    source, P("Find", required: false), P("RegularExpression", required: false),
                    P("RegularExpressionGroupName", required: false), P("Replacement", required: false),
                    P("ReplacementPropertyName", required: false), P("Template", required: false),
                ]),
            FunctionSignature("SelectUniqueValue", [P("uniqueValueRule", multiple: true)]),  // key inferred
            FunctionSignature("SingleAppRoleAssignment", [source]),
            FunctionSignature("Split", [source, P("delimiter")]),
            FunctionSignature("StripSpaces", [source]),
            // switchValue holds every key and every value; pairing is checked separately
            FunctionSignature(
                "Switch",
                [source, P("defaultValue", required: false), P("switchValue", required: false, multiple: true)]),
            FunctionSignature("ToLower", [source, P("culture", required: false)]),  // "culture" inferred
            FunctionSignature("ToUpper", [source, P("culture", required: false)]),  // "culture" inferred
            FunctionSignature("Word", [source, P("wordNumber", type: "Integer"), P("delimiters")]),  // keys inferred
        ])
    }()

    /// Functions only Entra Cloud Sync (AD → Entra) documents (`reference/expressions.md` §2.2);
    /// merge them in for cloud sync jobs. Keys other than `Trim`'s `source` are inferred.
    public static let cloudSyncExtras: FunctionTable = {
        typealias P = FunctionParameter
        return FunctionTable([
            FunctionSignature("ConvertFromBase64", [P("source"), P("encoding", required: false)]),
            FunctionSignature("DNComponent", [P("source"), P("componentNumber", type: "Integer")]),
            FunctionSignature("Error", [P("message")]),
            FunctionSignature("StringFromSid", [P("source", type: "Binary")]),
            FunctionSignature("Trim", [P("source")]),
        ])
    }()
}
