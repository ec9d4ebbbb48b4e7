import SyncSchemaCore

/// `syncschema docs --app A [--env E] [--out FILE]`: Markdown documentation of an app's schema file.
enum DocsCommand {
    static let spec = CommandSpec(
        name: "docs",
        abstract: "Write Markdown documentation of an app: directories, attributes, object and attribute mappings.",
        discussion: """
            Reads schemas/APP.json (offline) and prints its directories and attributes, and each object
            mapping with its flow settings, scoping filter in words, matching attributes and attribute
            mappings; long expressions are pretty-printed in code blocks. With --env, ${variables} show
            that environment's values; without it they stay as placeholders. The output is deterministic,
            ready to commit or publish.
            """,
        options: [
            OptionSpec("--app", short: "a", .value(placeholder: "APP"), help: "The app (schemas/APP.json)."),
            OptionSpec(
                "--env", short: "e", .value(placeholder: "ENV"),
                help: "Fill in ${variables} from environments/ENV.json."),
            OptionSpec(
                "--out", short: "o", .value(placeholder: "FILE"),
                help: "Write the Markdown to FILE instead of standard output."),
        ],
        positionals: [],
        examples: [
            "syncschema docs --app hr-employees",
            "syncschema docs --app hr-employees --env prod --out docs/hr-employees.md",
        ],
        run: { arguments, context in
            guard let app = arguments.value("--app") else {
                throw UsageError(message: "missing --app APP (the schema file schemas/APP.json)", command: "docs")
            }
            let workspace = try Workspace(arguments: arguments, context: context)
            let file = try workspace.schemaFile(for: app)
            let environment = try arguments.value("--env").map { name in
                SchemaDocumentation.Environment(name: name, variables: try workspace.environment(name).variables)
            }
            let documentation = SchemaDocumentation(codec: workspace.toolkit.codec)
            let path = "schemas/\(app).json"
            let (markdown, diagnostics) = documentation.render(file, app: app, source: path, environment: environment)
            if !diagnostics.isEmpty {
                context.printDiagnostics(
                    diagnostics.map {
                        var diagnostic = $0; diagnostic.file = path; return diagnostic
                    })
                if diagnostics.contains(where: { $0.severity == .error }) { return ExitCode.failure }
            }
            guard let out = arguments.value("--out") else {
                context.out(markdown)
                return ExitCode.success
            }
            if context.fileSystem.exists(out), (try? context.fileSystem.readText(out)) == markdown {
                context.err("\(out) is already up to date\n")
                return ExitCode.success
            }
            try context.fileSystem.writeText(markdown, to: out)
            context.err("wrote \(out)\n")
            return ExitCode.success
        })
}
