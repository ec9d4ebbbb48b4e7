import SyncSchemaCore

/// `syncschema expr 'EXPRESSION'`: parse, print canonically, check, or compile one expression.
enum ExprCommand {
    static let spec = CommandSpec(
        name: "expr",
        abstract: "Parse one attribute-mapping expression: canonical text, findings, or its source tree.",
        discussion: """
            Prints the expression as the service prints it (and a multi-line form with --pretty), then any
            findings (unknown functions, arity, casing). With --json prints the attributeMappingSource tree
            that a schema PUT would carry. A syntax error exits 1 with a caret under the column.
            """,
        options: [
            OptionSpec("--json", help: "Print the compiled attributeMappingSource JSON instead of text."),
            OptionSpec("--pretty", help: "Print the expression over several lines."),
            OptionSpec(
                "--functions", .value(placeholder: "FUNCTIONS.json"),
                help: "A captured GET …/schema/functions response to use."),
        ],
        positionals: [PositionalSpec("EXPRESSION", help: "The expression text ('-' for standard input).")],
        examples: [
            #"syncschema expr 'Join(" ", [name.givenName], [name.familyName])'"#,
            #"syncschema expr --json 'Replace([mobile], , "[()\\s-]+", , "", , )'"#,
        ],
        run: { arguments, context in
            let toolkit = try Toolkit(functionsPath: arguments.value("--functions"), context: context)
            var text = arguments.positionals[0]
            if text == "-" { text = try context.readText("-") }
            let expression: Expression
            do throws(ExpressionError) {
                expression = try ExpressionParser.parse(text)
            } catch {
                throw CLIError(
                    "expression: \(error.message) (column \(error.column))\n\(error.caretDiagnostic(source: text))")
            }
            let problems = checkExpression(expression, functions: toolkit.functions, knownAttributes: nil)
            if arguments.flag("--json") {
                do {
                    context.out(
                        JSONWriter().string(try MappingSource.compile(expression, functions: toolkit.functions)))
                } catch {
                    throw CLIError("expression: \(error)")
                }
            } else {
                context.out((arguments.flag("--pretty") ? expression.prettyText() : expression.canonicalText) + "\n")
            }
            for problem in problems { context.err("\(problem.severity.rawValue): \(problem.message)\n") }
            return problems.contains { $0.severity == .error } ? ExitCode.failure : ExitCode.success
        })
}
