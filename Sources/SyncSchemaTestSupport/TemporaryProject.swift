import Foundation

/// A throw-away copy of the repository's example project (`environments/`, `schemas/`) whose
/// environment files point at a running emulator instead of `http://127.0.0.1:8765`. Removed when
/// released.
public final class TemporaryProject: @unchecked Sendable {
    /// The URL the committed example environments use.
    public static let exampleBaseURL = "http://127.0.0.1:8765"

    /// The project directory.
    public let directory: URL

    /// Copies the example project and points it at `baseURL`.
    public init(pointingAt baseURL: String) throws {
        let manager = FileManager.default
        directory = manager.temporaryDirectory.appendingPathComponent("syncschema-e2e-\(UUID().uuidString)")
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        for folder in ["environments", "schemas"] {
            try manager.copyItem(
                at: Fixtures.repositoryRoot.appendingPathComponent(folder), to: directory.appendingPathComponent(folder)
            )
        }
        for name in try manager.contentsOfDirectory(atPath: directory.appendingPathComponent("environments").path)
        where name.hasSuffix(".json") {
            let path = "environments/\(name)"
            try write(path, try read(path).replacingOccurrences(of: Self.exampleBaseURL, with: baseURL))
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// The absolute URL of a project-relative path.
    public func url(_ relativePath: String) -> URL { directory.appendingPathComponent(relativePath) }

    /// The text of a project file.
    public func read(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }

    /// Writes a project file, creating its directory.
    public func write(_ relativePath: String, _ text: String) throws {
        let target = url(relativePath)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: target, atomically: true, encoding: .utf8)
    }

    /// Whether a project file exists.
    public func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relativePath).path)
    }

    /// The files of a project directory, sorted, as project-relative paths (empty when it is missing).
    public func files(in relativePath: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url(relativePath).path)) ?? []
        return names.sorted().map { "\(relativePath)/\($0)" }
    }
}
