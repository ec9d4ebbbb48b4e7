import SyncSchemaCore

/// `syncschema json-schema KIND`: the JSON Schema of a file format, for editors.
enum JSONSchemaCommand {
    static let spec = CommandSpec(
        name: "json-schema",
        abstract: "Print the JSON Schema of schema files or environment files, for editor validation.",
        discussion: """
            Point a file's "$schema" key (or your editor's settings) at the printed document to get
            validation and completion. The repository keeps copies in docs/schemas/ (`make json-schemas`).
            """,
        options: [],
        positionals: [PositionalSpec("KIND", help: "schema-file or environment-file.")],
        examples: ["syncschema json-schema schema-file > .vscode/syncschema-schema-file.json"],
        run: { arguments, context in
            let kinds = ["schema-file": JSONSchemas.schemaFile, "environment-file": JSONSchemas.environmentFile]
            let kind = arguments.positionals[0]
            guard let document = kinds[kind] else {
                throw UsageError(
                    message: "unknown kind '\(kind)'; expected schema-file or environment-file", command: "json-schema")
            }
            context.out(JSONWriter().string(document))
            return ExitCode.success
        })
}
