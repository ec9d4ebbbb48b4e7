import Foundation
import SyncSchemaTestSupport
import Testing

@testable import SyncSchemaGraph

/// Replays `Tests/Fixtures/fuzz/GraphResponse/` through `GraphFailure.parse`, as the fuzz target does.
@Suite struct GraphFuzzRegressionTests {
    @Test func graphFailureParse() throws {
        let folder = Fixtures.url("fuzz/GraphResponse")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let body = try Data(contentsOf: folder.appendingPathComponent(name))
            let parsed = GraphFailure.parse(body: body, headers: HTTPHeaders())
            if name == "wrapped-message.json" {
                #expect(parsed.code == "UnknownError")
                #expect(parsed.message == "No HTTP resource")
                #expect(parsed.requestID == "1")
            }
        }
    }
}
