import SyncSchemaCore

/// `syncschema render SCHEMA.json`: schema file → raw Graph JSON on stdout, offline.
enum RenderCommand {
    static let spec = CommandSpec(
        name: "render",
        abstract: "Render a schema file into the raw Graph schema document it would PUT.",
        discussion: """
            Substitutes ${variables}, expands defaults and compiles expressions into source trees. With
            --live, merges onto that raw document the way apply does: ids, versions and everything the
            file does not manage come from it, and unchanged mappings keep their trees byte for byte.
            """,
        options: [
            OptionSpec("--live", .value(placeholder: "RAW.json"), help: "The live raw schema to merge onto."),
            OptionSpec("--var", .repeated(placeholder: "NAME=VALUE"), help: "A variable value."),
            OptionSpec(
                "--functions", .value(placeholder: "FUNCTIONS.json"),
                help: "A captured GET …/schema/functions response to compile with."),
        ],
        positionals: [PositionalSpec("SCHEMA.json", help: "The schema file ('-' for standard input).")],
        examples: [
            "syncschema render schemas/hr-employees.json --var extensionAppId=0b3e51c2a0b74b4e8c3b2b1f6f0e9d11",
            "syncschema render schemas/hr-employees.json --live live.json > put-body.json",
        ],
        // Synchronous work in a separate function: the same code inline in the async closure crashes
        // the Swift 6.3 optimizer (coroutine splitting around a typed-throws catch) in release builds.
        run: { arguments, context in try run(arguments, context) })

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let path = arguments.positionals[0]
        let toolkit = try Toolkit(functionsPath: arguments.value("--functions"), context: context)
        let file = try toolkit.readSchemaFile(path)
        var variables: [String: String] = [:]
        for assignment in arguments.all("--var") {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw UsageError(message: "--var expects NAME=VALUE, got '\(assignment)'", command: "render")
            }
            variables[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        let live = try arguments.value("--live").map { try toolkit.readJSON($0) }
        do {
            let raw = try toolkit.renderer.render(file, variables: variables, live: live)
            context.out(JSONWriter().string(raw))
        } catch {
            throw error.inFile(path == "-" ? "<stdin>" : path)
        }
        return ExitCode.success
    }
}
