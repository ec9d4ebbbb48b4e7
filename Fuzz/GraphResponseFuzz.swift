import Foundation
import SyncSchemaCore

@testable import SyncSchemaGraph

// Fuzz target: what syncschema does with bodies Graph sends — error bodies through
// GraphFailure.parse, and any JSON as a live schema through normalize, plan and fingerprint.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(UnsafeBufferPointer(start: data, count: size))
    _ = GraphFailure.parse(body: body, headers: HTTPHeaders())
    guard let value = try? JSONParser.parse(bytes: [UInt8](body)) else { return 0 }
    let codec = MappingSourceCodec.standard()
    guard let file = try? Normalizer(codec: codec).normalize(value) else { return 0 }
    _ = Plan.fingerprint(value)
    _ = try? Planner(codec: codec).plan(environment: "fuzz", app: "fuzz", file: file, variables: [:], live: value)
    return 0
}
