import Foundation
import SyncSchemaCore

/// Run-time options of an emulator instance.
public struct EmulatorOptions: Sendable {
    /// Initial fault settings.
    public var faults = FaultSettings()
    /// When set, the full state is written here (atomically) after every mutation.
    public var stateFile: String?
    /// Largest accepted request body, in bytes (larger → 413).
    public var maximumBodyBytes = 32 * 1024 * 1024
    /// Most request-log entries kept (oldest dropped first).
    public var requestLogLimit = 10_000
    /// Compiles `parseExpression` input; `nil` uses `StandardExpressionCompiler`.
    public var expressionCompiler: ExpressionCompiler?

    /// Default options: no faults, no state file.
    public init() {}
}

/// The Graph emulator: an HTTP server on 127.0.0.1 serving the synchronization API, the token
/// endpoint and the `/_emulator` control routes over one shared, lock-protected state.
///
/// ```swift
/// let server = try EmulatorServer(state: .builtInDefault(), port: 0)
/// try server.start()
/// // http://127.0.0.1:\(server.port)/…
/// server.stop()
/// ```
public final class EmulatorServer: @unchecked Sendable {
    private let app: GraphEmulatorApp
    private let requestedPort: Int
    private var http: HTTPServer?
    private let lock = NSLock()

    /// Prepares a server over `state` (nothing is bound until `start()`); `port` 0 picks a free one.
    public init(state: EmulatorState = .builtInDefault(), port: Int = 0, options: EmulatorOptions = EmulatorOptions())
        throws
    {
        requestedPort = port
        app = GraphEmulatorApp(state: state, options: options)
        if let file = options.stateFile { try state.write(to: file) }
    }

    /// Binds and starts serving.
    public func start() throws {
        let server = HTTPServer(maximumBodyBytes: app.options.maximumBodyBytes) { [app] request in
            app.handle(request)
        }
        _ = try server.start(port: requestedPort)
        lock.withLock { http = server }
    }

    /// Stops serving and closes every connection.
    public func stop() {
        let server = lock.withLock { () -> HTTPServer? in
            defer { http = nil }
            return http
        }
        server?.stop()
    }

    /// The bound port (0 before `start()`).
    public var port: Int { lock.withLock { http?.port ?? 0 } }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// A snapshot of the current state.
    public var state: EmulatorState { app.snapshot() }

    /// The `parseExpression` compiler (`nil` = the built-in fallback); settable at any time.
    public var expressionCompiler: ExpressionCompiler? {
        get { app.compiler }
        set { app.compiler = newValue }
    }

    /// Handles one request without the network (for unit tests and embedding).
    public func handle(_ request: HTTPRequest) -> HTTPResponse { app.handle(request) }
}
