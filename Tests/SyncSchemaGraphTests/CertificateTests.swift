import Foundation
import SyncSchemaCore
import Testing

@testable import SyncSchemaGraph

@Suite struct DigestTests {
    @Test func knownVectors() {
        func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(Digest.sha1(Data("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            hex(Digest.sha256(Data("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // Several blocks, and a length whose padding spills into an extra block.
        let long = Data(repeating: UInt8(ascii: "a"), count: 1000)
        #expect(hex(Digest.sha1(long)) == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
        #expect(hex(Digest.sha256(long)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        #expect(hex(Digest.sha256(Data())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}

@Suite struct CertificateTests {
    static let pem = "-----BEGIN CERTIFICATE-----\naGVsbG8gY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"

    func decodePart(_ part: Substring) throws -> JSONValue {
        let bytes = try #require(Base64URL.decode(String(part)))
        return try JSONParser.parse(bytes: [UInt8](bytes))
    }

    @Test func theAssertionIsSignedThroughOpenSSLWithThumbprintHeaders() async throws {
        let clock = TestClock()
        let recorder = ProcessRecorder()
        let effects = makeEffects(clock: clock, files: ["/certs/app.pem": Self.pem]) { invocation in
            recorder.record(invocation)
            return ProcessOutput(exitCode: 0, standardOutput: Data([1, 2, 3, 255]))
        }
        let transport = ScriptedTransport([Stub.token])
        let setting = CertificateSetting(
            clientID: "app-id", certificate: .file("/certs/app.pem"), privateKeyFile: "/certs/key.pem")
        let provider = CertificateTokenProvider(
            setting: setting, cloud: .global, transport: transport, effects: effects, redactor: SecretRedactor())
        _ = try await provider.token(for: "tenant")

        let request = try #require(transport.requests.first)
        let fields = formFields(request)
        #expect(fields["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        #expect(fields["client_secret"] == nil)
        let parts = try #require(fields["client_assertion"]).split(separator: ".")
        try #require(parts.count == 3)
        let header = try decodePart(parts[0])
        // Thumbprints of the certificate bytes "hello certificate", computed independently.
        #expect(
            header == [
                "alg": "RS256", "typ": "JWT", "x5t": "nuEJWMRUD8U8ezgNPdhE0P2sEKM",
                "x5t#S256": "AGY2yBZvbCn6VrYoy-Gsrmld7KGp-HCquxTa5dDYFKA",
            ])
        let claims = try decodePart(parts[1])
        let now = Int(clock.now.timeIntervalSince1970)
        #expect(
            claims == [
                "aud": "https://login.microsoftonline.com/tenant/oauth2/v2.0/token", "iss": "app-id", "sub": "app-id",
                "jti": "00000000-0000-4000-8000-000000000001", "nbf": .int(now), "iat": .int(now),
                "exp": .int(now + 600),
            ])
        #expect(parts[2] == "AQID_w")
        #expect(
            recorder.invocations == [
                ProcessInvocation(
                    executable: "openssl", arguments: ["dgst", "-sha256", "-sign", "/certs/key.pem"],
                    input: Data("\(parts[0]).\(parts[1])".utf8))
            ])
    }

    @Test func missingOpenSSLIsExplainedWithAlternatives() async throws {
        // No process runner: every program is "not found".
        let effects = makeEffects(files: ["/certs/app.pem": Self.pem])
        let setting = CertificateSetting(
            clientID: "app-id", certificate: .file("/certs/app.pem"), privateKeyFile: "/certs/app.pem")
        let provider = CertificateTokenProvider(
            setting: setting, cloud: .global, transport: ScriptedTransport([]), effects: effects,
            redactor: SecretRedactor())
        let text = await errorText { _ = try await provider.token(for: "t") }
        #expect(
            text
                == "Authentication (certificate) failed: `openssl` is not installed or not on PATH; certificate sign-in signs with the system OpenSSL; install it, or use `workload-identity`, `managed-identity` or `client-secret`"
        )
    }

    @Test func aFileWithoutACertificateIsExplained() async throws {
        let effects = makeEffects(environment: ["CERT": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"])
        let setting = CertificateSetting(
            clientID: "app-id", certificate: .environmentVariable("CERT"), privateKeyFile: "/k.pem")
        let provider = CertificateTokenProvider(
            setting: setting, cloud: .global, transport: ScriptedTransport([]), effects: effects,
            redactor: SecretRedactor())
        let text = await errorText { _ = try await provider.token(for: "t") }
        #expect(text.contains("no `-----BEGIN CERTIFICATE-----` block found"))
        #expect(!text.contains("AAAA"))
    }

    /// A real round trip through the system OpenSSL, when it is installed: the signature verifies
    /// with the certificate's public key and `x5t` matches OpenSSL's own SHA-1 fingerprint.
    @Test(.enabled(if: LiveProcessRunner.locate("openssl", environment: ProcessInfo.processInfo.environment) != nil))
    func realOpenSSLRoundTrip() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "syncschema-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path
        let cert = directory.appendingPathComponent("cert.pem").path
        let live = SideEffects.live
        func run(_ arguments: [String], input: Data? = nil) async throws -> ProcessOutput {
            let output = try await live.runProcess(
                ProcessInvocation(executable: "openssl", arguments: arguments, input: input))
            #expect(
                output.exitCode == 0, "openssl \(arguments): \(String(decoding: output.standardError, as: UTF8.self))")
            return output
        }
        _ = try await run([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-subj",
            "/CN=syncschema-test", "-days", "1",
        ])

        let transport = ScriptedTransport([Stub.token])
        var effects = live
        effects.environment = [:]
        effects.environment["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        let setting = CertificateSetting(clientID: "app-id", certificate: .file(cert), privateKeyFile: key)
        let provider = CertificateTokenProvider(
            setting: setting, cloud: .global, transport: transport, effects: effects, redactor: SecretRedactor())
        _ = try await provider.token(for: "tenant")

        let request = try #require(transport.requests.first)
        let assertion = try #require(formFields(request)["client_assertion"])
        let parts = assertion.split(separator: ".")
        try #require(parts.count == 3)
        let input = directory.appendingPathComponent("input").path
        let signature = directory.appendingPathComponent("signature").path
        let publicKey = directory.appendingPathComponent("public.pem").path
        try Data("\(parts[0]).\(parts[1])".utf8).write(to: URL(fileURLWithPath: input))
        let signatureBytes = try #require(Base64URL.decode(String(parts[2])))
        try signatureBytes.write(to: URL(fileURLWithPath: signature))
        _ = try await run(["x509", "-in", cert, "-pubkey", "-noout", "-out", publicKey])
        let verified = try await run(["dgst", "-sha256", "-verify", publicKey, "-signature", signature, input])
        #expect(String(decoding: verified.standardOutput, as: UTF8.self).contains("Verified OK"))

        let fingerprint = try await run(["x509", "-in", cert, "-noout", "-fingerprint", "-sha1"])
        let hex = String(decoding: fingerprint.standardOutput, as: UTF8.self).split(separator: "=").last!
            .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ":", with: "")
        let bytes = stride(from: 0, to: hex.count, by: 2).map { offset -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
        let header = try decodePart(parts[0])
        #expect(header["x5t"] == .string(Base64URL.encode(Data(bytes))))
    }
}
