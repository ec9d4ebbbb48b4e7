import Foundation
import SyncSchemaCLI

// The executable only wires the real world (arguments, environment, files, terminal) into the CLI.
let code = await CLI.run(arguments: Array(CommandLine.arguments.dropFirst()), environment: .live())
exit(code)
