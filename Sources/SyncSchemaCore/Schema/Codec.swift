extension MappingSourceCodec {
    /// The production codec: trees are read into expressions with the function table and printed
    /// canonically; text is parsed and compiled locally into the tree the service would store.
    public static func standard(functions: FunctionTable = .builtIn) -> MappingSourceCodec {
        MappingSourceCodec(
            text: { source in
                (try? MappingSource.expression(from: source, functions: functions))?.canonicalText
                    ?? source["expression"]?.stringValue
            },
            compile: { text in
                let expression: Expression
                do throws(ExpressionError) {
                    expression = try ExpressionParser.parse(text)
                } catch {
                    throw CompileError(
                        message: "\(error.message) at column \(error.column)\n\(error.caretDiagnostic(source: text))")
                }
                do throws(ExpressionJSONError) {
                    return try MappingSource.compile(expression, functions: functions)
                } catch {
                    throw CompileError(message: error.description)
                }
            },
            canonical: { text in (try? ExpressionParser.parse(text))?.canonicalText })
    }

    /// Reads a tree's own top-level `expression` (what Graph returns at every level) and cannot
    /// compile: for tests that exercise normalize and render apart from the expression engine.
    public static let expressionField = MappingSourceCodec(
        text: { $0["expression"]?.stringValue },
        compile: { text in throw CompileError(message: "no expression compiler available for \(text)") })

    /// Why expression text could not be turned into a source tree.
    public struct CompileError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
