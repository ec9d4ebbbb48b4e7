import SyncSchemaCore

// Fuzz target: the expression parser. Parsing any text either fails with an ExpressionError or
// gives an expression whose canonical text parses to the same expression (parse ∘ print = id),
// and compiling it to a mapping source and back does not crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = ExpressionParser.escapeWarnings(in: text)
    guard let expression = try? ExpressionParser.parse(text) else { return 0 }
    let canonical = expression.canonicalText
    guard let again = try? ExpressionParser.parse(canonical), again == expression else {
        fatalError("canonical text does not parse back to the same expression: \(canonical)")
    }
    _ = expression.prettyText()
    _ = try? MappingSourceCodec.standard().compile(text)
    return 0
}
