import SyncSchemaCore

/// The pieces most commands share: the codec for mapping sources, normalizer, renderer, and
/// readers that turn every input problem into a located, one-line error.
struct Toolkit {
    let context: CommandContext
    /// Built-in functions, overridden by a captured `schema/functions` response when one is given.
    let functions: FunctionTable
    let codec: MappingSourceCodec

    init(functionsPath: String?, context: CommandContext) throws {
        self.context = context
        var functions = FunctionTable.builtIn
        if let functionsPath {
            let text = try context.readText(functionsPath)
            let response: JSONValue
            do {
                response = try JSONParser.parse(text)
            } catch {
                throw CLIError(
                    "\(functionsPath): invalid JSON at line \(error.line), column \(error.column): \(error.message)")
            }
            do {
                functions = functions.merging(try FunctionTable(functionsResponse: response))
            } catch {
                throw CLIError("\(functionsPath): \(error); expected a GET …/schema/functions response")
            }
        }
        self.functions = functions
        self.codec = .standard(functions: functions)
    }

    var normalizer: Normalizer { Normalizer(codec: codec) }
    var renderer: Renderer { Renderer(codec: codec) }

    /// Reads and parses a JSON file; syntax errors name the file, line and column.
    func readJSON(_ path: String) throws -> JSONValue {
        let text = try context.readText(path)
        do {
            return try JSONParser.parse(text)
        } catch {
            throw CLIError(
                "\(displayName(path)): invalid JSON at line \(error.line), column \(error.column): \(error.message)")
        }
    }

    /// Reads a schema file and checks its structure.
    func readSchemaFile(_ path: String) throws -> JSONValue {
        try SchemaFile.read(try context.readText(path), file: displayName(path))
    }

    /// The schema files named, or every `schemas/*.json` when none are.
    func schemaFiles(_ named: [String]) throws -> [String] {
        if !named.isEmpty { return named }
        guard context.fileSystem.isDirectory("schemas") else {
            throw CLIError("no schemas/ directory here; name the files to use, or run `syncschema init`")
        }
        let files = try context.fileSystem.list("schemas").filter { $0.hasSuffix(".json") }.map { "schemas/\($0)" }
        if files.isEmpty { throw CLIError("schemas/ holds no .json files; run `syncschema pull` to create one") }
        return files
    }

    func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }
}
