import Foundation
import SyncSchemaCore

/// The static answers of `schema/functions` and `schema/filterOperators`.
///
/// Functions and parameter names follow `reference/expressions.md` §2 and the parameter-key table
/// §3.3 (the keys the service uses in `parameters`); where the key is not known, the documented
/// parameter name is used.
public enum FunctionCatalog {
    /// One parameter: name (the JSON key), required, repeatable, type.
    typealias Parameter = (name: String, required: Bool, multiple: Bool, type: String)

    static func p(_ name: String, _ required: Bool = true, multiple: Bool = false, _ type: String = "String")
        -> Parameter
    { (name, required, multiple, type) }

    static let functions: [(name: String, parameters: [Parameter])] = [
        ("Append", [p("source"), p("suffix")]),
        ("AppRoleAssignmentsComplex", [p("source")]),
        ("BitAnd", [p("value1", true, "Integer"), p("value2", true, "Integer")]),
        ("CBool", [p("source")]),
        ("CDate", [p("source")]),
        ("Coalesce", [p("source", multiple: true), p("defaultValue", false)]),
        ("ConvertToBase64", [p("source")]),
        ("ConvertToUTF8Hex", [p("source")]),
        ("Count", [p("source")]),
        ("CStr", [p("source")]),
        ("DateAdd", [p("interval"), p("value", true, "Integer"), p("dateTime", true, "DateTime")]),
        ("DateDiff", [p("interval"), p("date1", true, "DateTime"), p("date2", true, "DateTime")]),
        ("DateFromNum", [p("source")]),
        ("DefaultDomain", []),
        ("FormatDateTime", [p("source"), p("dateTimeStyles", false), p("inputFormat"), p("outputFormat")]),
        ("Guid", []),
        ("IgnoreFlowIfNullOrEmpty", [p("source")]),
        ("IIF", [p("one", true, "Boolean"), p("two"), p("three")]),
        ("InStr", [p("value1"), p("value2"), p("start", false, "Integer"), p("compareType", false)]),
        ("IsNull", [p("source")]),
        ("IsNullOrEmpty", [p("source")]),
        ("IsPresent", [p("source")]),
        ("IsString", [p("source")]),
        ("Item", [p("source"), p("index", true, "Integer")]),
        ("Join", [p("separator"), p("source", multiple: true)]),
        ("Left", [p("source"), p("numChars", true, "Integer")]),
        ("Len", [p("source")]),
        ("Mid", [p("source"), p("start", true, "Integer"), p("length", true, "Integer")]),
        ("NormalizeDiacritics", [p("source")]),
        ("Not", [p("source", true, "Boolean")]),
        ("Now", []),
        ("NumFromDate", [p("source")]),
        ("PCase", [p("source"), p("wordSeparators", false)]),
        (
            "RandomString",
            [
                p("Length", true, "Integer"), p("MinimumNumbers", true, "Integer"),
                p("MinimumSpecialCharacters", true, "Integer"), p("MinimumCapital", true, "Integer"),
                p("MinimumLowerCase", true, "Integer"), p("CharactersToAvoid", false),
            ]
        ),
        ("Redact", [p("source")]),
        ("RemoveDuplicates", [p("source")]),
        (
            "Replace",
            [
                p("source"), p("Find", false), p("RegularExpression", false), p("RegularExpressionGroupName", false),
                p("Replacement", false), p("ReplacementPropertyName", false), p("Template", false),
            ]
        ),
        ("SelectUniqueValue", [p("source", multiple: true)]),
        ("SingleAppRoleAssignment", [p("source")]),
        ("Split", [p("source"), p("delimiter")]),
        ("StripSpaces", [p("source")]),
        ("Switch", [p("source"), p("defaultValue", false), p("switchValue", multiple: true)]),
        ("ToLower", [p("source"), p("culture", false)]),
        ("ToUpper", [p("source"), p("culture", false)]),
        ("Word", [p("source"), p("wordNumber", true, "Integer"), p("delimiters")]),
    ]

    /// `attributeMappingFunctionSchema[]` as Graph serves it.
    public static var functionsJSON: JSONValue {
        .array(
            functions.map { function in
                [
                    "name": .string(function.name),
                    "parameters": .array(
                        function.parameters.map { parameter in
                            [
                                "allowMultipleOccurrences": .bool(parameter.multiple), "name": .string(parameter.name),
                                "required": .bool(parameter.required), "type": .string(parameter.type),
                            ]
                        }),
                ]
            })
    }

    /// The documented scoping-filter operators (`filterOperatorSchema[]`).
    public static var filterOperatorsJSON: JSONValue {
        let operators: [(String, String, String, [String])] = [
            ("EQUALS", "Binary", "All", ["String", "Integer"]),
            ("NOT EQUALS", "Binary", "All", ["String", "Integer"]),
            ("Includes", "Binary", "Any", ["String"]),
            ("ENDS_WITH", "Binary", "All", ["String"]),
            ("REGEX MATCH", "Binary", "All", ["String"]),
            ("NOT REGEX MATCH", "Binary", "All", ["String"]),
            ("Greater_Than", "Binary", "All", ["Integer"]),
            ("Greater_Than_OR_EQUALS", "Binary", "All", ["Integer"]),
            ("&", "Binary", "All", ["Integer"]),
            ("!&", "Binary", "All", ["Integer"]),
            ("IS TRUE", "Unary", "All", ["Boolean"]),
            ("IS FALSE", "Unary", "All", ["Boolean"]),
            ("IS NULL", "Unary", "All", ["String", "Integer", "Boolean", "DateTime", "Reference", "Binary"]),
            ("IS NOT NULL", "Unary", "All", ["String", "Integer", "Boolean", "DateTime", "Reference", "Binary"]),
        ]
        return .array(
            operators.map { name, arity, comparison, types in
                [
                    "name": .string(name), "arity": .string(arity), "multivaluedComparisonType": .string(comparison),
                    "supportedAttributeTypes": .array(types.map { .string($0) }),
                ]
            })
    }
}

/// Why an expression could not be compiled; becomes `parseExpressionResponse.error`.
public struct EmulatorExpressionError: Error, Sendable, Equatable {
    /// What is wrong, in words.
    public var message: String
    /// An error with a message.
    public init(message: String) { self.message = message }
}

/// Compiles expression text into a Graph `attributeMappingSource` tree (with `expression` at every
/// level); the emulator's `parseExpression` uses it.
public typealias ExpressionCompiler = @Sendable (String) -> Result<JSONValue, EmulatorExpressionError>

/// The stand-in compiler used until the project's expression engine is plugged in: it accepts a
/// single attribute reference `[name]` or a single quoted constant `"text"` and nothing else.
public enum FallbackExpressionCompiler {
    /// Compiles `text` or explains why it cannot.
    @Sendable public static func compile(_ text: String) -> Result<JSONValue, EmulatorExpressionError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("["), trimmed.hasSuffix("]"), trimmed.count >= 3 {
            let name = String(trimmed.dropFirst().dropLast())
            if !name.contains("]") && !name.contains("[") || name.contains(" eq ") {
                return .success(SchemaBuilder.Source.attribute(name).json)
            }
        }
        if trimmed.hasPrefix("\""), trimmed.hasSuffix("\""), trimmed.count >= 2 {
            var value = ""
            var escaped = false
            var closedEarly = false
            let inner = trimmed.dropFirst().dropLast()
            for character in inner {
                if escaped {
                    value.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    closedEarly = true
                    break
                } else {
                    value.append(character)
                }
            }
            if !closedEarly && !escaped { return .success(SchemaBuilder.Source.constant(value).json) }
        }
        if trimmed.isEmpty { return .failure(EmulatorExpressionError(message: "The expression is empty.")) }
        return .failure(
            EmulatorExpressionError(
                message: "Unable to parse expression '\(text)': only an attribute reference such as [userName] "
                    + "or a quoted constant is understood by this emulator's built-in parser."))
    }
}
