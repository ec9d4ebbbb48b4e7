import SyncSchemaCore
import SyncSchemaTestSupport
import Testing

/// Golden fixtures: `Tests/Fixtures/normalize/<case>/raw.json` (real-world Graph payloads) and the
/// schema file each normalizes to (`schema.json`, re-recorded by `make golden`).
@Suite struct GoldenNormalizeTests {
    static let cases = Fixtures.cases(in: "normalize")
    // Cloud Sync fixtures use its extra functions (Trim); offline compilation needs them in the table.
    let codec = MappingSourceCodec.standard(functions: FunctionTable.builtIn.merging(.cloudSyncExtras))

    @Test func thereAreFixtures() {
        #expect(Self.cases.count >= 6)
    }

    @Test(arguments: cases)
    func normalizesToTheGoldenFile(_ name: String) throws {
        let raw = try Fixtures.json("normalize/\(name)/raw.json")
        let file = try Normalizer(codec: codec).normalize(raw)
        if let mismatch = goldenMismatch(JSONWriter().string(file), file: "normalize/\(name)/schema.json") {
            Issue.record(Comment(rawValue: mismatch))
        }
    }

    @Test(arguments: cases)
    func renderingOntoLiveGivesLiveBack(_ name: String) throws {
        let raw = try Fixtures.json("normalize/\(name)/raw.json")
        let file = try Normalizer(codec: codec).normalize(raw)
        let rendered = try Renderer(codec: codec).render(file, live: raw)
        #expect(rendered == raw, Comment(rawValue: lineDiff(JSONWriter().string(raw), JSONWriter().string(rendered))))
    }

    @Test(arguments: cases)
    func fileSurvivesRenderAndNormalize(_ name: String) throws {
        let raw = try Fixtures.json("normalize/\(name)/raw.json")
        let normalizer = Normalizer(codec: codec)
        let file = try normalizer.normalize(raw)
        #expect(normalizer.format(file) == file)
        // Offline (every tree compiled locally) and onto live (trees reused) both come back to the file.
        for live in [nil, raw] {
            let rendered = try Renderer(codec: codec).render(file, live: live)
            let again = try normalizer.normalize(rendered)
            #expect(again == file, Comment(rawValue: lineDiff(JSONWriter().string(file), JSONWriter().string(again))))
        }
    }

    @Test(arguments: cases)
    func goldenFileReadsBackCleanly(_ name: String) throws {
        let text = try Fixtures.text("normalize/\(name)/schema.json")
        let file = try SchemaFile.read(text, file: name)
        #expect(JSONWriter().string(Normalizer(codec: codec).format(file)) == text)
    }
}
