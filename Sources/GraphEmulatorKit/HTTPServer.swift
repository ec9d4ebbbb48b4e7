import Foundation
import SyncSchemaCore

#if canImport(Glibc)
    import Glibc
    private let streamSocketType = Int32(SOCK_STREAM.rawValue)
    private let sendFlags = Int32(MSG_NOSIGNAL)
#elseif canImport(Musl)
    import Musl
    private let streamSocketType = Int32(SOCK_STREAM)
    private let sendFlags = Int32(MSG_NOSIGNAL)
#elseif canImport(Darwin)
    import Darwin
    private let streamSocketType = SOCK_STREAM
    private let sendFlags: Int32 = 0
#endif

/// Why the server could not start.
public enum HTTPServerError: Error, CustomStringConvertible {
    /// A socket call failed; `call` names it, `code` is `errno`.
    case socket(call: String, code: Int32)
    /// `start()` was called on a running server.
    case alreadyRunning

    public var description: String {
        switch self {
        case .socket(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .alreadyRunning: "the server is already running"
        }
    }
}

/// A small HTTP/1.1 server on POSIX sockets, bound to 127.0.0.1 only.
///
/// One thread accepts; each connection gets its own thread that reads requests (keep-alive or
/// `Connection: close`), hands them to `handler` and writes the answers. Bodies need
/// `Content-Length`; oversize or malformed requests are answered 413/431/400 and the connection
/// is closed, never the process. Threads rather than Dispatch so that a slow handler (simulated
/// latency) never starves the others.
final class HTTPServer: @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// Largest accepted header block.
    static let maximumHeaderBytes = 64 * 1024
    /// How long an idle keep-alive connection is kept, in milliseconds.
    static let idleTimeoutMilliseconds: Int32 = 30_000

    private let handler: Handler
    private let maximumBodyBytes: Int
    private let lock = NSLock()
    private var listenDescriptor: Int32 = -1
    private var wakePipe: (read: Int32, write: Int32) = (-1, -1)
    private var connections: Set<Int32> = []
    private var running = false
    private var boundPort = 0
    private let threads = DispatchGroup()

    init(maximumBodyBytes: Int, handler: @escaping Handler) {
        self.maximumBodyBytes = maximumBodyBytes
        self.handler = handler
    }

    /// The bound port (0 before `start`).
    var port: Int { lock.withLock { boundPort } }

    /// Binds 127.0.0.1:`port` (0 = any free port), starts accepting, and returns the bound port.
    func start(port requestedPort: Int) throws -> Int {
        signal(SIGPIPE, SIG_IGN)
        try lock.withLock {
            if running { throw HTTPServerError.alreadyRunning }
        }
        let descriptor = socket(AF_INET, streamSocketType, 0)
        guard descriptor >= 0 else { throw HTTPServerError.socket(call: "socket", code: errno) }
        Self.setCloseOnExec(descriptor)
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        #if canImport(Darwin)
            address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: requestedPort)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(descriptor)
            throw HTTPServerError.socket(call: "bind", code: code)
        }
        guard listen(descriptor, 128) == 0 else {
            let code = errno
            close(descriptor)
            throw HTTPServerError.socket(call: "listen", code: code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else {
            close(descriptor)
            throw HTTPServerError.socket(call: "pipe", code: errno)
        }
        Self.setCloseOnExec(pipeEnds[0])
        Self.setCloseOnExec(pipeEnds[1])
        let port = Int(UInt16(bigEndian: actual.sin_port))
        let wakeRead = pipeEnds[0]
        lock.withLock {
            listenDescriptor = descriptor
            wakePipe = (pipeEnds[0], pipeEnds[1])
            boundPort = port
            running = true
        }
        threads.enter()
        let thread = Thread { [self] in
            acceptLoop(descriptor: descriptor, wake: wakeRead)
            threads.leave()
        }
        thread.name = "graph-emulator-accept"
        thread.start()
        return port
    }

    /// Stops accepting, closes every open connection and waits (briefly) for the threads to end.
    func stop() {
        let (wasRunning, wakeWrite, open): (Bool, Int32, Set<Int32>) = lock.withLock {
            let result = (running, wakePipe.write, connections)
            running = false
            return result
        }
        guard wasRunning else { return }
        var byte: UInt8 = 1
        _ = writeByte(wakeWrite, &byte)
        for descriptor in open { shutdown(descriptor, Int32(SHUT_RDWR)) }
        _ = threads.wait(timeout: .now() + 5)
        lock.withLock {
            if wakePipe.write >= 0 {
                close(wakePipe.read)
                close(wakePipe.write)
                wakePipe = (-1, -1)
            }
        }
    }

    private static func setCloseOnExec(_ descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    }

    private var isRunning: Bool { lock.withLock { running } }

    private func acceptLoop(descriptor: Int32, wake: Int32) {
        defer { close(descriptor) }
        while isRunning {
            var fds = [
                pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 || !isRunning { return }
            guard fds[0].revents & Int16(POLLIN) != 0 else { continue }
            let client = accept(descriptor, nil, nil)
            if client < 0 { continue }
            Self.setCloseOnExec(client)
            #if canImport(Darwin)
                var yes: Int32 = 1
                setsockopt(client, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
            #endif
            let accepted: Bool = lock.withLock {
                guard running else { return false }
                connections.insert(client)
                return true
            }
            guard accepted else {
                close(client)
                return
            }
            threads.enter()
            let thread = Thread { [self] in
                serve(client)
                lock.withLock { _ = connections.remove(client) }
                close(client)
                threads.leave()
            }
            thread.name = "graph-emulator-connection"
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    /// Reads and answers requests on one connection until it closes, errs or asks to close.
    private func serve(_ descriptor: Int32) {
        var buffer: [UInt8] = []
        while isRunning {
            // Read the header block.
            var headerEnd: Int? = nil
            var searchFrom = 0
            while headerEnd == nil {
                if let end = Self.find(terminator: buffer, from: searchFrom) {
                    headerEnd = end
                    break
                }
                searchFrom = max(0, buffer.count - 3)
                if buffer.count > Self.maximumHeaderBytes {
                    sendError(descriptor, .headersTooLarge)
                    return
                }
                guard receive(descriptor, into: &buffer, idle: buffer.isEmpty) else { return }
            }
            guard let end = headerEnd else { return }
            let head: HTTPRequestHead
            do {
                head = try HTTPRequestHead.parse(buffer[0..<end], maximumBody: maximumBodyBytes)
            } catch {
                sendError(descriptor, error)
                return
            }
            buffer.removeFirst(end + 4)
            if head.contentLength > buffer.count,
                head.headers.value(of: "Expect")?.lowercased() == "100-continue"
            {
                guard sendAll(descriptor, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
            }
            while buffer.count < head.contentLength {
                guard receive(descriptor, into: &buffer, idle: false) else { return }
            }
            let body = Array(buffer[0..<head.contentLength])
            buffer.removeFirst(head.contentLength)
            let request = HTTPRequest(method: head.method, target: head.target, headers: head.headers, body: body)
            let response = handler(request)
            if response.dropConnection { return }
            let keepAlive = head.keepAlive && isRunning
            guard transmit(response, to: descriptor, keepAlive: keepAlive, isHead: head.method == "HEAD") else {
                return
            }
            if !keepAlive { return }
        }
    }

    private static func find(terminator buffer: [UInt8], from start: Int) -> Int? {
        guard buffer.count >= 4 else { return nil }
        var index = start
        while index + 3 < buffer.count {
            if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 {
                return index
            }
            index += 1
        }
        return nil
    }

    /// Appends what arrives to `buffer`; false on end of stream, error or idle timeout.
    private func receive(_ descriptor: Int32, into buffer: inout [UInt8], idle: Bool) -> Bool {
        var fds = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, 1, Self.idleTimeoutMilliseconds)
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { return false }
            break
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
    }

    private func sendAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        if bytes.isEmpty { return true }
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                send(descriptor, $0.baseAddress! + offset, bytes.count - offset, sendFlags)
            }
            if sent < 0, errno == EINTR { continue }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    private func sendError(_ descriptor: Int32, _ error: HTTPParseError) {
        let code = error.status == 413 ? "RequestEntityTooLarge" : "BadRequest"
        let body: JSONValue = ["error": ["code": .string(code), "message": .string(error.message)]]
        var response = HTTPResponse(
            status: error.status, contentType: "application/json", text: JSONWriter.compact(body))
        response.headers.append(HTTPHeader("Connection", "close"))
        _ = transmit(response, to: descriptor, keepAlive: false, isHead: false)
    }

    private func transmit(_ response: HTTPResponse, to descriptor: Int32, keepAlive: Bool, isHead: Bool) -> Bool {
        var head = "HTTP/1.1 \(response.status) \(HTTPResponse.reason(for: response.status))\r\n"
        head += "Date: \(HTTPDate.now())\r\n"
        for header in response.headers where header.name.caseInsensitiveCompare("Connection") != .orderedSame {
            head += "\(header.name): \(header.value)\r\n"
        }
        if response.status != 204 && response.status != 304 {
            head += "Content-Length: \(response.body.count)\r\n"
        }
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        let body = isHead || response.status == 204 ? [] : response.body
        if response.slowBodyMilliseconds > 0, !body.isEmpty {
            guard sendAll(descriptor, Array(head.utf8)) else { return false }
            let pieces = min(10, body.count)
            let pieceSize = (body.count + pieces - 1) / pieces
            let pause = Double(response.slowBodyMilliseconds) / 1000 / Double(pieces)
            var offset = 0
            while offset < body.count {
                Thread.sleep(forTimeInterval: pause)
                let end = min(body.count, offset + pieceSize)
                guard sendAll(descriptor, Array(body[offset..<end])) else { return false }
                offset = end
            }
            return true
        }
        return sendAll(descriptor, Array(head.utf8) + body)
    }
}

private func writeByte(_ descriptor: Int32, _ byte: inout UInt8) -> Int {
    write(descriptor, &byte, 1)
}

/// IMF-fixdate formatting for the `Date` header, without a shared (non-thread-safe) formatter.
enum HTTPDate {
    static func now() -> String { format(Date()) }

    static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// ISO 8601 in UTC with seconds (`2026-11-23T04:34:09Z`), as Graph writes `innerError.date`.
    static func iso8601(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
