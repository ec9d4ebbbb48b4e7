import Foundation

/// One parsed HTTP/1.1 request, as the emulator's router sees it.
public struct HTTPRequest: Sendable {
    /// The method, upper-case as sent (`GET`, `PUT`, …).
    public var method: String
    /// The request target exactly as sent (path and query, still percent-encoded).
    public var target: String
    /// Header fields in arrival order; names keep their case, lookups ignore it.
    public var headers: [HTTPHeader]
    /// The body bytes (empty when there is none).
    public var body: [UInt8]

    /// A request value; used by the server's parser and by tests that call the router directly.
    public init(method: String, target: String, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? { headers.value(of: name) }

    /// The path part of the target, still percent-encoded.
    public var rawPath: String {
        if let mark = target.firstIndex(of: "?") { return String(target[..<mark]) }
        return target
    }

    /// The query part of the target without the `?`, still percent-encoded.
    public var rawQuery: String {
        if let mark = target.firstIndex(of: "?") { return String(target[target.index(after: mark)...]) }
        return ""
    }

    /// Query parameters, decoded (`%XX` and `+` as space); later duplicates are ignored.
    public var queryItems: [String: String] { FormDecoding.fields(Array(rawQuery.utf8)) }
}

/// One header field.
public struct HTTPHeader: Sendable, Equatable {
    /// The field name as sent.
    public var name: String
    /// The field value, trimmed.
    public var value: String

    /// A header field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension [HTTPHeader] {
    /// The first value of the named field, compared case-insensitively.
    public func value(of name: String) -> String? {
        first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// One HTTP response the router hands back to the server.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Extra header fields (the server adds `Content-Length`, `Date` and `Connection`).
    public var headers: [HTTPHeader]
    /// The body bytes.
    public var body: [UInt8]
    /// When set, the server closes the connection without answering (a simulated network drop).
    public var dropConnection = false
    /// When positive, the server spreads the body over this many milliseconds (a slow network).
    public var slowBodyMilliseconds = 0

    /// A response value.
    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is `text` as UTF-8 with the given content type.
    public init(status: Int, contentType: String, text: String, headers: [HTTPHeader] = []) {
        self.init(status: status, headers: [HTTPHeader("Content-Type", contentType)] + headers, body: Array(text.utf8))
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? { headers.value(of: name) }

    /// The standard reason phrase for the status line.
    static func reason(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 411: "Length Required"
        case 413: "Payload Too Large"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}

/// Decoding of `application/x-www-form-urlencoded` text and of URL query components.
enum FormDecoding {
    /// Decodes `%XX` escapes and, unless told otherwise, `+` as a space; bad escapes stay literal.
    static func decode(_ text: String, plusIsSpace: Bool = true) -> String {
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        bytes.reserveCapacity(source.count)
        var index = 0
        while index < source.count {
            let byte = source[index]
            if byte == UInt8(ascii: "%"), index + 2 < source.count,
                let high = hexValue(source[index + 1]), let low = hexValue(source[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(byte == UInt8(ascii: "+") && plusIsSpace ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A form body or query as name → value (the first occurrence of a name wins).
    static func fields(_ body: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        let text = String(decoding: body, as: UTF8.self)
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(String(parts[0]))
            if result[name] == nil { result[name] = parts.count > 1 ? decode(String(parts[1])) : "" }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Why bytes on a connection are not an acceptable request; each maps to one status code.
enum HTTPParseError: Error, Equatable {
    /// Not HTTP/1.x syntax (400).
    case malformed(String)
    /// Header block larger than the limit (431).
    case headersTooLarge
    /// Declared body larger than the limit (413).
    case bodyTooLarge
    /// A body without `Content-Length` (411).
    case lengthRequired
    /// Not HTTP/1.0 or 1.1 (505).
    case unsupportedVersion

    var status: Int {
        switch self {
        case .malformed: 400
        case .headersTooLarge: 431
        case .bodyTooLarge: 413
        case .lengthRequired: 411
        case .unsupportedVersion: 505
        }
    }

    var message: String {
        switch self {
        case .malformed(let why): "Malformed HTTP request: \(why)."
        case .headersTooLarge: "The request header block is too large."
        case .bodyTooLarge: "The request body is larger than this emulator accepts."
        case .lengthRequired: "A request body needs a Content-Length header (chunked bodies are not supported)."
        case .unsupportedVersion: "Only HTTP/1.0 and HTTP/1.1 are supported."
        }
    }
}

/// The head of a request: request line and headers, before the body is read.
struct HTTPRequestHead {
    var method: String
    var target: String
    var version: String
    var headers: [HTTPHeader]
    var contentLength: Int

    /// Whether the connection stays open after this exchange, from the version and `Connection`.
    var keepAlive: Bool {
        let connection = headers.value(of: "Connection")?.lowercased() ?? ""
        if version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }

    /// Parses the bytes of a header block (without the terminating empty line).
    static func parse(_ bytes: ArraySlice<UInt8>, maximumBody: Int) throws(HTTPParseError) -> HTTPRequestHead {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed("header is not UTF-8") }
        var lines = text.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst()
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .malformed("the request line must be 'METHOD target HTTP/1.1'")
        }
        let method = String(parts[0])
        guard method.utf8.allSatisfy({ (65...90).contains($0) }) else { throw .malformed("invalid method") }
        let target = String(parts[1])
        guard target.hasPrefix("/"), !target.utf8.contains(where: { $0 <= 32 || $0 == 127 }) else {
            throw .malformed("the request target must be an origin-form path")
        }
        let version = String(parts[2])
        guard version.hasPrefix("HTTP/") else { throw .malformed("missing HTTP version") }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw .unsupportedVersion }
        var headers: [HTTPHeader] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("a header line has no ':'") }
            let name = String(line[..<colon])
            guard !name.isEmpty, !name.contains(" "), !name.contains("\t") else {
                throw .malformed("invalid header name")
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            headers.append(HTTPHeader(name, value))
        }
        var head = HTTPRequestHead(method: method, target: target, version: version, headers: headers, contentLength: 0)
        if let encoding = headers.value(of: "Transfer-Encoding"), !encoding.isEmpty { throw .lengthRequired }
        let lengths = headers.filter { $0.name.caseInsensitiveCompare("Content-Length") == .orderedSame }
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0.value == first.value }), !first.value.isEmpty,
                first.value.utf8.allSatisfy({ (48...57).contains($0) }), first.value.utf8.count <= 15,
                let length = Int(first.value)
            else { throw .malformed("invalid Content-Length") }
            guard length <= maximumBody else { throw .bodyTooLarge }
            head.contentLength = length
        }
        return head
    }
}
