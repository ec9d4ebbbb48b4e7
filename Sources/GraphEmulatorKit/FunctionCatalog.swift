import Foundation
import SyncSchemaCore

/// The static answers of `schema/functions` and `schema/filterOperators`.
///
/// Functions and parameter names follow `reference/expressions.md` §2 and the parameter-key table
/// §3.3 (the keys the service uses in `parameters`); where the key is not known, the documented
/// parameter name is used.
public enum FunctionCatalog {
    /// `attributeMappingFunctionSchema[]` as Graph serves it, from the project's function table.
    public static var functionsJSON: JSONValue {
        .array(
            FunctionTable.builtIn.functions.map { function in
                [
                    "name": .string(function.name),
                    "parameters": .array(
                        function.parameters.map { parameter in
                            [
                                "allowMultipleOccurrences": .bool(parameter.allowsMultipleOccurrences),
                                "name": .string(parameter.name), "required": .bool(parameter.isRequired),
                                "type": .string(parameter.type ?? "String"),
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

/// The compiler `parseExpression` uses by default: the project's expression engine, so the
/// emulator accepts and rejects exactly what `syncschema expr` does and returns the same trees.
public enum StandardExpressionCompiler {
    /// Compiles `text` or explains why it cannot, in the words the service would use.
    @Sendable public static func compile(_ text: String) -> Result<JSONValue, EmulatorExpressionError> {
        do {
            let expression = try ExpressionParser.parse(text)
            return .success(try MappingSource.compile(expression, functions: .builtIn))
        } catch let error as ExpressionError {
            return .failure(
                EmulatorExpressionError(
                    message: "Unable to parse expression '\(text)': \(error.message) at position \(error.column)."))
        } catch {
            return .failure(EmulatorExpressionError(message: "Unable to parse expression '\(text)': \(error)"))
        }
    }
}
