extension MappingSourceCodec {
    /// Reads a tree's own top-level `expression` (what Graph returns at every level) and cannot
    /// compile. Used where no function table is at hand; `MappingSourceCodec.standard` is the
    /// production codec.
    public static let expressionField = MappingSourceCodec(
        text: { $0["expression"]?.stringValue },
        compile: { text in throw SchemaError("no expression compiler available for \(text)") })
}
