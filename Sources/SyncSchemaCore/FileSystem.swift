import Foundation

/// The file operations the tool needs, as a seam: the real disk in production, memory in tests.
public protocol FileSystem: Sendable {
    /// The bytes of a file; throws `FileSystemError` when it cannot be read.
    func read(_ path: String) throws(FileSystemError) -> [UInt8]
    /// Replaces a file atomically (temporary file + rename), creating parent directories.
    func write(_ bytes: [UInt8], to path: String) throws(FileSystemError)
    /// Whether a file or directory exists at `path`.
    func exists(_ path: String) -> Bool
    /// Whether `path` is a directory.
    func isDirectory(_ path: String) -> Bool
    /// The names in a directory, sorted.
    func list(_ directory: String) throws(FileSystemError) -> [String]
    /// Removes a file.
    func remove(_ path: String) throws(FileSystemError)
}

extension FileSystem {
    /// A file's text (UTF-8; invalid bytes are an error naming the file).
    public func readText(_ path: String) throws(FileSystemError) -> String {
        let bytes = try read(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FileSystemError(path: path, reason: "is not valid UTF-8 text")
        }
        return text
    }

    /// Writes text atomically.
    public func writeText(_ text: String, to path: String) throws(FileSystemError) {
        try write(Array(text.utf8), to: path)
    }
}

/// A file that could not be read or written, with the reason in words.
public struct FileSystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// A file system held in memory, for tests of everything that reads and writes files.
public final class InMemoryFileSystem: FileSystem, @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String: [UInt8]] = [:]

    public init(files: [String: String] = [:]) {
        for (path, text) in files { self.files[Self.clean(path)] = Array(text.utf8) }
    }

    /// Every file path held, sorted.
    public var paths: [String] { lock.withLock { files.keys.sorted() } }

    public func read(_ path: String) throws(FileSystemError) -> [UInt8] {
        let found = lock.withLock { files[Self.clean(path)] }
        guard let found else { throw FileSystemError(path: path, reason: "no such file") }
        return found
    }

    public func write(_ bytes: [UInt8], to path: String) throws(FileSystemError) {
        lock.withLock { files[Self.clean(path)] = bytes }
    }

    public func exists(_ path: String) -> Bool { lock.withLock { files[Self.clean(path)] != nil } || isDirectory(path) }

    public func isDirectory(_ path: String) -> Bool {
        let prefix = Self.clean(path) + "/"
        return lock.withLock { files.keys.contains { $0.hasPrefix(prefix) } }
    }

    public func list(_ directory: String) throws(FileSystemError) -> [String] {
        let prefix = Self.clean(directory) + "/"
        let names = lock.withLock {
            Set(
                files.keys.filter { $0.hasPrefix(prefix) }.map {
                    String($0.dropFirst(prefix.count).split(separator: "/")[0])
                })
        }
        if names.isEmpty { throw FileSystemError(path: directory, reason: "no such directory") }
        return names.sorted()
    }

    public func remove(_ path: String) throws(FileSystemError) {
        let removed = lock.withLock { files.removeValue(forKey: Self.clean(path)) }
        if removed == nil { throw FileSystemError(path: path, reason: "no such file") }
    }

    private static func clean(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." { parts.append(part) }
        return parts.joined(separator: "/")
    }
}
