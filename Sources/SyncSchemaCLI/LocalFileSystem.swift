import Foundation
import SyncSchemaCore

/// The real disk, relative paths resolved against a base directory. Writes are atomic: a
/// temporary file in the same directory, then a rename, so a file is never left half written.
struct LocalFileSystem: FileSystem {
    let base: URL

    private func url(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
    }

    func read(_ path: String) throws(FileSystemError) -> [UInt8] {
        let target = url(path)
        if isDirectory(path) { throw FileSystemError(path: path, reason: "is a directory, expected a file") }
        guard FileManager.default.fileExists(atPath: target.path) else {
            throw FileSystemError(path: path, reason: "no such file")
        }
        do {
            return Array(try Data(contentsOf: target))
        } catch {
            throw FileSystemError(path: path, reason: "cannot be read (\(Self.reason(error)))")
        }
    }

    func write(_ bytes: [UInt8], to path: String) throws(FileSystemError) {
        let target = url(path)
        let directory = target.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let temporary = directory.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
            try Data(bytes).write(to: temporary)
            if rename(temporary.path, target.path) != 0 {
                let code = errno
                try? FileManager.default.removeItem(at: temporary)
                throw FileSystemError(path: path, reason: "cannot be replaced (\(String(cString: strerror(code))))")
            }
        } catch let error as FileSystemError {
            throw error
        } catch {
            throw FileSystemError(path: path, reason: "cannot be written (\(Self.reason(error)))")
        }
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: url(path).path) }

    func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url(path).path, isDirectory: &flag) && flag.boolValue
    }

    func list(_ directory: String) throws(FileSystemError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: url(directory).path).sorted()
        } catch {
            throw FileSystemError(path: directory, reason: "cannot be listed (\(Self.reason(error)))")
        }
    }

    func remove(_ path: String) throws(FileSystemError) {
        do {
            try FileManager.default.removeItem(at: url(path))
        } catch {
            throw FileSystemError(path: path, reason: "cannot be removed (\(Self.reason(error)))")
        }
    }

    private static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}
