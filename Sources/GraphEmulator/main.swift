import Foundation
import GraphEmulatorKit

// Thin entry point: parse flags, start the server, print the address, run until SIGINT/SIGTERM.
let commandLine: EmulatorCommandLine
do {
    commandLine = try EmulatorCommandLine(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(
        Data("graph-emulator: \(error.message)\nRun 'graph-emulator --help' for usage.\n".utf8))
    exit(64)
}
if commandLine.showHelp {
    FileHandle.standardOutput.write(Data((EmulatorCommandLine.help + "\n").utf8))
    exit(0)
}

// Block SIGINT/SIGTERM in every thread (the server's threads inherit the mask) and take them
// with sigwait below: a signal sent at any moment after this line is kept pending, never lost.
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGINT)
sigaddset(&stopSignals, SIGTERM)
pthread_sigmask(SIG_BLOCK, &stopSignals, nil)

let server: EmulatorServer
do {
    server = try EmulatorServer(state: commandLine.loadState(), port: commandLine.port, options: commandLine.options)
    try server.start()
} catch {
    FileHandle.standardError.write(Data("graph-emulator: \(error)\n".utf8))
    exit(1)
}
// Unbuffered write, so a parent process reading the pipe sees the line at once.
FileHandle.standardOutput.write(Data("listening on http://127.0.0.1:\(server.port)\n".utf8))

var received: Int32 = 0
var waitSet = stopSignals
sigwait(&waitSet, &received)
server.stop()
exit(0)
