import SyncSchemaCore

// Fuzz target: decoding environment files (`environments/<name>.json`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONParser.parse(bytes: bytes) else { return 0 }
    _ = try? EnvironmentFile.decode(value, file: "environments/fuzz.json")
    return 0
}
