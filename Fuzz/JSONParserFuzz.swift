import SyncSchemaCore

// Fuzz target: the JSON parser. Any input must either be refused with a JSONSyntaxError or parse
// to a value that the compact writer prints and the parser reads back to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONParser.parse(bytes: bytes) else { return 0 }
    let printed = JSONWriter.compact(value)
    guard let again = try? JSONParser.parse(printed), again == value else {
        fatalError("compact output does not read back to the same value: \(printed)")
    }
    _ = JSONWriter().string(value)
    return 0
}
