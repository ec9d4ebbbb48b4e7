import SyncSchemaCore

/// `syncschema pull --env E [--app A]`: live schema → `schemas/<app>.json`.
enum PullCommand {
    static let spec = CommandSpec(
        name: "pull",
        abstract: "Write the live schema of each app to schemas/<app>.json.",
        discussion: """
            Reads each app's synchronization schema from Graph, normalizes it into a schema file and turns
            the environment's variable values back into ${placeholders}, so the same file plans clean
            against every environment where only variables differ. Files already up to date are left alone.
            """,
        options: [RemoteOptions.environments, RemoteOptions.apps, RemoteOptions.verbose],
        positionals: [],
        examples: ["syncschema pull --env dev", "syncschema pull --env dev --app hr-employees"],
        run: { arguments, context in
            let workspace = try Workspace(arguments: arguments, context: context)
            let targets = try workspace.targets(arguments, command: "pull", singleEnvironment: true)
            let outcomes = await workspace.forEach(targets) { target in
                var outcome = UnitOutcome()
                do {
                    let (_, raw) = try await workspace.live(target)
                    let normalized = try workspace.toolkit.normalizer.normalize(raw)
                    let (file, warnings) = Templatizer.templatize(normalized, variables: target.environment.variables)
                    outcome.warnings = warnings.map { "\(target.label): \($0.message)" }
                    let path = "schemas/\(target.app.name).json"
                    let text = JSONWriter().string(withSchemaReference(file, path: path, context: context))
                    if (try? context.fileSystem.readText(path)) == text {
                        outcome.output = "\(path) is already up to date with \(target.label)\n"
                    } else {
                        try context.fileSystem.writeText(text, to: path)
                        outcome.output = "wrote \(path) from \(target.label)\n"
                    }
                } catch {
                    outcome.errors.append("\(target.label): \(Workspace.message(for: error))")
                    outcome.exitCode = ExitCode.failure
                }
                return outcome
            }
            return workspace.finish(outcomes)
        })
}

/// The pulled file with the `"$schema"` reference it should carry: the one the existing file has
/// (pull never drops it), or the project's `.syncschema/` copy when `init` put one there.
func withSchemaReference(_ file: JSONValue, path: String, context: CommandContext) -> JSONValue {
    let existing: JSONValue? = (try? context.fileSystem.readText(path)).flatMap { try? JSONParser.parse($0) }?[
        "$schema"]
    let project: JSONValue? =
        context.fileSystem.exists(EditorSchemas.schemaFilePath) ? .string(EditorSchemas.schemaFileReference) : nil
    guard let reference = existing ?? project, case .object(let object) = file else { return file }
    var result = JSONObject([("$schema", reference)])
    for (key, value) in object { result[key] = value }
    return .object(result)
}
