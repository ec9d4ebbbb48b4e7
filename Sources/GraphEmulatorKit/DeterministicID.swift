/// Stable, reproducible identifiers derived from names, so that the built-in tenants have the same
/// ids on every run (tests and the demo can rely on them) while differing between tenants.
///
/// FNV-1a over the joined parts, widened to 128 bits with two seeds; not cryptographic, and it
/// need not be: these are fixture ids, not secrets.
public enum DeterministicID {
    /// A lower-case GUID (`8-4-4-4-12`) derived from `parts`.
    public static func guid(_ parts: String...) -> String { guid(parts) }

    /// A lower-case GUID derived from `parts`.
    public static func guid(_ parts: [String]) -> String {
        let hex = hex32(parts)
        let characters = Array(hex)
        func slice(_ from: Int, _ to: Int) -> String { String(characters[from..<to]) }
        return "\(slice(0, 8))-\(slice(8, 12))-4\(slice(13, 16))-a\(slice(17, 20))-\(slice(20, 32))"
    }

    /// 32 lower-case hex digits derived from `parts` (the middle part of a job id).
    public static func hex32(_ parts: [String]) -> String {
        let text = parts.joined(separator: "\u{1F}")
        return hex16(fnv(text, seed: 0xcbf2_9ce4_8422_2325)) + hex16(fnv(text, seed: 0x8422_2325_cbf2_9ce4))
    }

    private static func fnv(_ text: String, seed: UInt64) -> UInt64 {
        var hash = seed
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        // Final avalanche (SplitMix64's mixer) so similar names give unrelated ids.
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }

    private static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// A small seeded pseudo-random generator (SplitMix64) so fault injection is reproducible.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var value = state
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        return value ^ (value >> 31)
    }

    /// A uniform double in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
