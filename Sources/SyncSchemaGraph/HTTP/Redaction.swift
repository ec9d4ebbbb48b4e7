import Foundation

/// Removes secrets from text before it is shown: the values this run has learned are secret
/// (client secrets, assertions, tokens), and anything in the places secrets travel (the
/// `Authorization` header, `client_secret=`, `client_assertion=`, `"access_token": …`).
///
/// Auth providers register every secret they read or receive, so the trace and error messages
/// are cleaned with the same list.
public final class SecretRedactor: @unchecked Sendable {
    /// What replaces a secret.
    public static let placeholder = "[redacted]"
    /// Form fields and JSON members whose values are always secret.
    public static let secretFields = [
        "client_secret", "client_assertion", "access_token", "refresh_token", "assertion",
    ]

    private let lock = NSLock()
    private var secrets: Set<String> = []

    /// An empty redactor.
    public init() {}

    /// Adds a value that must never be shown. Very short values are ignored: replacing every `a`
    /// would make output unreadable, and such values are not credentials.
    public func register(_ secret: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= 6 else { return }
        // The form-encoded spelling travels in request bodies.
        let encoded = FormEncoding.encode(trimmed)
        lock.withLock {
            secrets.insert(trimmed)
            secrets.insert(encoded)
        }
    }

    /// `text` with every known secret and every secret-carrying field replaced by ``placeholder``.
    public func redact(_ text: String) -> String {
        var result = text
        let known = lock.withLock { secrets.sorted { $0.count > $1.count } }
        for secret in known { result = result.replacingOccurrences(of: secret, with: Self.placeholder) }
        for field in Self.secretFields {
            result = Self.replaceValues(in: result, after: "\(field)=", until: { $0 == "&" || $0.isWhitespace })
            result = Self.replaceJSONString(in: result, member: field)
        }
        result = Self.replaceValues(in: result, after: "Bearer ", until: { $0.isWhitespace || $0 == "\"" || $0 == "," })
        return result
    }

    /// Replaces the characters after each `marker` up to the first `stop` character.
    private static func replaceValues(in text: String, after marker: String, until stop: (Character) -> Bool) -> String
    {
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: marker, options: .caseInsensitive) {
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let end = rest.firstIndex(where: stop) ?? rest.endIndex
            if end != rest.startIndex && rest[rest.startIndex..<end] != Substring(placeholder) {
                result += placeholder
            } else {
                result += rest[rest.startIndex..<end]
            }
            rest = rest[end...]
        }
        return result + rest
    }

    /// Replaces the string value of `"member": "…"` (JSON), escapes included.
    private static func replaceJSONString(in text: String, member: String) -> String {
        var result = ""
        var rest = Substring(text)
        let marker = "\"\(member)\""
        while let range = rest.range(of: marker) {
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let afterSpace = rest.drop { $0 == " " || $0 == ":" }
            guard afterSpace.first == "\"" else { continue }
            result += rest[..<afterSpace.startIndex]
            var index = afterSpace.index(after: afterSpace.startIndex)
            while index < afterSpace.endIndex && afterSpace[index] != "\"" {
                if afterSpace[index] == "\\" { index = afterSpace.index(after: index) }
                if index < afterSpace.endIndex { index = afterSpace.index(after: index) }
            }
            result += "\"" + placeholder + "\""
            rest = index < afterSpace.endIndex ? afterSpace[afterSpace.index(after: index)...] : afterSpace[index...]
        }
        return result + rest
    }
}

/// `application/x-www-form-urlencoded`, as OAuth token requests need.
public enum FormEncoding {
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-encodes everything but unreserved characters (so `+`, `/`, `=` and `&` are safe).
    public static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// A form body from ordered fields.
    public static func body(_ fields: [(String, String)]) -> Data {
        Data(fields.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&").utf8)
    }

    /// Decodes a form body into ordered fields (tests and traces).
    public static func fields(_ body: Data) -> [(String, String)] {
        String(decoding: body, as: UTF8.self).split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }
}

/// Wraps a transport and reports each exchange to a sink, for `--verbose`: method, URL, status,
/// duration and `request-id`, plus headers and the body of token requests, with every secret
/// replaced by `[redacted]`.
public struct TracingTransport: HTTPTransport {
    private let base: any HTTPTransport
    private let sink: @Sendable (String) -> Void
    private let redactor: SecretRedactor
    private let now: @Sendable () -> Date

    /// A tracing wrapper around `base` writing lines to `sink`.
    public init(
        _ base: any HTTPTransport, redactor: SecretRedactor, now: @escaping @Sendable () -> Date,
        sink: @escaping @Sendable (String) -> Void
    ) {
        self.base = base
        self.sink = sink
        self.redactor = redactor
        self.now = now
    }

    /// Sends `request` and returns whatever response arrives; throws ``TransportError`` when none does.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let url = request.url.absoluteString
        var lines = ["> \(request.method.rawValue) \(url)"]
        for field in request.headers {
            let value =
                field.name.caseInsensitiveCompare("Authorization") == .orderedSame
                ? SecretRedactor.placeholder : field.value
            lines.append(">   \(field.name): \(value)")
        }
        if let body = request.body, !body.isEmpty {
            if request.headers["Content-Type"]?.hasPrefix("application/x-www-form-urlencoded") == true {
                let fields = FormEncoding.fields(body).map { name, value in
                    "\(name)=\(SecretRedactor.secretFields.contains(name) ? SecretRedactor.placeholder : value)"
                }
                lines.append(">   body: " + fields.joined(separator: "&"))
            } else {
                lines.append(">   body: \(body.count) bytes")
            }
        }
        emit(lines)
        let start = now()
        do {
            let response = try await base.send(request)
            let milliseconds = Int((now().timeIntervalSince(start) * 1000).rounded())
            var line = "< \(response.status) \(request.method.rawValue) \(url) (\(milliseconds) ms)"
            if let requestID = response.headers["request-id"] { line += " request-id: \(requestID)" }
            var responseLines = [line]
            if let retryAfter = response.headers["Retry-After"] {
                responseLines.append("<   Retry-After: \(retryAfter)")
            }
            if response.status >= 400 && !response.body.isEmpty {
                responseLines.append("<   body: " + String(response.bodyText.prefix(2000)))
            }
            emit(responseLines)
            return response
        } catch {
            let milliseconds = Int((now().timeIntervalSince(start) * 1000).rounded())
            emit(["< \(request.method.rawValue) \(url) failed after \(milliseconds) ms: \(error)"])
            throw error
        }
    }

    private func emit(_ lines: [String]) {
        for line in lines { sink(redactor.redact(line)) }
    }
}
