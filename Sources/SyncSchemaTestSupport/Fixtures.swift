import Foundation
import SyncSchemaCore

/// Locates the repository's test fixtures (`Tests/Fixtures/…`) from any test file.
public enum Fixtures {
    /// The repository root, found from this source file's path.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures`.
    public static let directory = repositoryRoot.appendingPathComponent("Tests/Fixtures")

    /// A file under `Tests/Fixtures`.
    public static func url(_ relativePath: String) -> URL { directory.appendingPathComponent(relativePath) }

    /// The text of a fixture file.
    public static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }

    /// A fixture parsed as JSON.
    public static func json(_ relativePath: String) throws -> JSONValue {
        try JSONParser.parse(text(relativePath))
    }

    /// The names of the sub-directories of a fixture directory, sorted.
    public static func cases(in relativePath: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url(relativePath).path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(
                atPath: url(relativePath).appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }
}

/// Golden-file comparison: returns `nil` when `actual` equals the file, otherwise a unified-style
/// diff to print. With `SYNCSCHEMA_RECORD=1` in the environment (what `make golden` sets) the file
/// is (re)written instead and the comparison passes.
public func goldenMismatch(_ actual: String, file relativePath: String) -> String? {
    let url = Fixtures.url(relativePath)
    if ProcessInfo.processInfo.environment["SYNCSCHEMA_RECORD"] == "1" {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let existing = try? String(contentsOf: url, encoding: .utf8)
        if existing != actual { try? actual.write(to: url, atomically: true, encoding: .utf8) }
        return nil
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        return "missing golden file \(relativePath); run `make golden` to record it"
    }
    if expected == actual { return nil }
    return "golden file \(relativePath) differs (run `make golden` to re-record):\n" + lineDiff(expected, actual)
}

/// A minimal line diff (`-` expected, `+` actual) for test failure messages.
public func lineDiff(_ expected: String, _ actual: String) -> String {
    let old = expected.components(separatedBy: "\n")
    let new = actual.components(separatedBy: "\n")
    let n = old.count, m = new.count
    if n * m > 4_000_000 { return "--- expected (\(n) lines)\n+++ actual (\(m) lines)\n(too large to diff)" }
    var table = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
    for i in stride(from: n - 1, through: 0, by: -1) {
        for j in stride(from: m - 1, through: 0, by: -1) {
            table[i][j] = old[i] == new[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
        }
    }
    var lines: [String] = []
    var i = 0, j = 0
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            i += 1; j += 1
        } else if j < m && (i == n || table[i][j + 1] >= table[i + 1][j]) {
            lines.append("+\(j + 1): \(new[j])"); j += 1
        } else {
            lines.append("-\(i + 1): \(old[i])"); i += 1
        }
    }
    return lines.joined(separator: "\n")
}
