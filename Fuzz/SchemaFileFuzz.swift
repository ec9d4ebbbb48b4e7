import SyncSchemaCore

// Fuzz target: reading a schema file as `validate`, `fmt` and `render` do — SchemaFile.read, the
// validator, the canonical writer, normalize of the rendered document and render.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let document = try? SchemaFile.read(text, file: "fuzz.json") else { return 0 }
    _ = SchemaValidator().validate(document)
    let formatted = JSONWriter().string(document)
    guard let again = try? SchemaFile.read(formatted, file: "fuzz.json"), again == document else {
        fatalError("the formatted schema file does not read back to the same document")
    }
    let codec = MappingSourceCodec.standard()
    if let raw = try? Renderer(codec: codec).render(document) {
        _ = try? Normalizer(codec: codec).normalize(raw)
    }
    return 0
}
