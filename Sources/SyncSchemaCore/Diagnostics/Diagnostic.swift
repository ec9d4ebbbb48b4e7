/// A finding about an input file: a problem that stops the work (`error`), something that is
/// probably wrong (`warning`, an error under `--strict`), or a remark (`note`).
///
/// Checks collect every finding instead of stopping at the first, so that one run reports all.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// How serious a finding is.
    public enum Severity: String, Hashable, Sendable, Comparable, CaseIterable {
        case note, warning, error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public var severity: Severity
    /// What is wrong and what to do about it, for people.
    public var message: String
    /// Where in the document (a JSON path).
    public var path: JSONPath
    /// The file, when known (`schemas/hr.json`).
    public var file: String?
    /// A stable identifier of the check that produced it (`duplicate-name`, `empty-constant`).
    public var code: String

    public init(_ severity: Severity, _ message: String, at path: JSONPath = .root, file: String? = nil, code: String) {
        self.severity = severity
        self.message = Diagnostic.abbreviated(message)
        self.path = path
        self.file = file
        self.code = code
    }

    /// Longest line a message keeps; longer lines (a megabyte-long name quoted back) lose their middle.
    public static let maximumLineLength = 1_000

    /// `message` with every line over ``maximumLineLength`` characters cut in the middle and marked.
    static func abbreviated(_ message: String) -> String {
        guard message.utf8.count > maximumLineLength else { return message }
        return message.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let count = line.count
            guard count > maximumLineLength else { return String(line) }
            let keep = maximumLineLength / 2 - 40
            return "\(line.prefix(keep)) … (\(count - 2 * keep) characters omitted) … \(line.suffix(keep))"
        }.joined(separator: "\n")
    }

    /// `schemas/hr.json: at `synchronizationRules[0].name`: error: expected a string [code]`
    public var description: String {
        var text = ""
        if let file { text += "\(file): " }
        if !path.components.isEmpty { text += "at `\(path)`: " }
        text += "\(severity.rawValue): \(message)"
        return text
    }
}

/// Collects diagnostics in the order they are found.
public struct DiagnosticCollector: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    /// Records one finding.
    public mutating func add(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    /// Records a finding built in place.
    public mutating func add(
        _ severity: Diagnostic.Severity, _ message: String, at path: JSONPath, code: String
    ) {
        diagnostics.append(Diagnostic(severity, message, at: path, code: code))
    }

    /// Whether anything of error severity was found (warnings count too when `strict`).
    public func hasErrors(strict: Bool = false) -> Bool {
        diagnostics.contains { $0.severity == .error || (strict && $0.severity == .warning) }
    }
}
