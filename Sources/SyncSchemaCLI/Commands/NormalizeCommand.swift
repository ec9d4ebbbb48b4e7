import SyncSchemaCore

/// `syncschema normalize RAW.json`: raw Graph schema JSON → schema file on stdout.
enum NormalizeCommand {
    static let spec = CommandSpec(
        name: "normalize",
        abstract: "Convert a raw Graph schema (JSON from GET …/schema) into a schema file.",
        discussion: """
            Drops server-owned values (ids, versions), omits documented defaults, sorts attribute and
            mapping lists, and shows every mapping source as expression text. Properties syncschema does
            not know are kept verbatim. Reads standard input when RAW is '-'.
            """,
        options: [
            OptionSpec(
                "--functions", .value(placeholder: "FUNCTIONS.json"),
                help: "A captured GET …/schema/functions response to read expressions with.")
        ],
        positionals: [PositionalSpec("RAW.json", help: "The raw schema document ('-' for standard input).")],
        examples: [
            "syncschema normalize snapshots/dev/hr-employees/20261123T101500.000Z.json > schemas/hr-employees.json",
            "curl -s … | syncschema normalize -",
        ],
        run: { arguments, context in
            let path = arguments.positionals[0]
            let toolkit = try Toolkit(functionsPath: arguments.value("--functions"), context: context)
            let raw = try toolkit.readJSON(path)
            do {
                let file = try toolkit.normalizer.normalize(raw)
                context.out(JSONWriter().string(file))
            } catch let error as SchemaError {
                throw error.inFile(path == "-" ? "<stdin>" : path)
            }
            return ExitCode.success
        })
}
