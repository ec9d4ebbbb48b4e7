import Foundation
import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// Replays every input under `Tests/Fixtures/fuzz/<target>/` through the code paths of the fuzz
/// targets in `Fuzz/`, with their round-trip checks, so a crash once found stays fixed.
@Suite struct FuzzRegressionTests {
    /// The inputs of one target, as bytes, by file name.
    static func inputs(_ target: String) throws -> [(String, [UInt8])] {
        let folder = Fixtures.url("fuzz/\(target)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.map { ($0, Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
    }

    @Test func jsonParser() throws {
        for (name, bytes) in try Self.inputs("JSONParser") {
            guard let value = try? JSONParser.parse(bytes: bytes) else { continue }
            #expect(try JSONParser.parse(JSONWriter.compact(value)) == value, "\(name)")
            _ = JSONWriter().string(value)
        }
    }

    @Test func expressionParser() throws {
        for (name, bytes) in try Self.inputs("ExpressionParser") {
            let text = String(decoding: bytes, as: UTF8.self)
            _ = ExpressionParser.escapeWarnings(in: text)
            guard let expression = try? ExpressionParser.parse(text) else { continue }
            #expect(try ExpressionParser.parse(expression.canonicalText) == expression, "\(name)")
            _ = expression.prettyText()
            _ = try? MappingSourceCodec.standard().compile(text)
        }
    }

    @Test func schemaFile() throws {
        let codec = MappingSourceCodec.standard()
        for (name, bytes) in try Self.inputs("SchemaFile") {
            guard let document = try? SchemaFile.read(String(decoding: bytes, as: UTF8.self), file: name) else {
                continue
            }
            _ = SchemaValidator().validate(document)
            #expect(try SchemaFile.read(JSONWriter().string(document), file: name) == document, "\(name)")
            if let raw = try? Renderer(codec: codec).render(document) {
                _ = try? Normalizer(codec: codec).normalize(raw)
            }
        }
    }

    @Test func environmentFile() throws {
        for (name, bytes) in try Self.inputs("EnvironmentFile") {
            guard let value = try? JSONParser.parse(bytes: bytes) else { continue }
            _ = try? EnvironmentFile.decode(value, file: name)
        }
    }

    /// The Graph half of the `GraphResponse` target is in `SyncSchemaGraphTests`.
    @Test func graphResponseSchemas() throws {
        let codec = MappingSourceCodec.standard()
        for (_, bytes) in try Self.inputs("GraphResponse") {
            guard let value = try? JSONParser.parse(bytes: bytes),
                let file = try? Normalizer(codec: codec).normalize(value)
            else { continue }
            _ = Plan.fingerprint(value)
            _ = try? Planner(codec: codec).plan(
                environment: "fuzz", app: "fuzz", file: file, variables: [:], live: value)
        }
    }
}
