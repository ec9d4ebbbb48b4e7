import Foundation
import SyncSchemaCore

/// SHA-1 and SHA-256, for certificate thumbprints only (Foundation has no hashing on Linux and the
/// package takes no dependencies). Not used for anything security-relevant beyond naming a
/// certificate the server already knows.
enum Digest {
    static func sha1(_ data: Data) -> Data {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        for block in blocks(data) {
            var w = [UInt32](repeating: 0, count: 80)
            for i in 0..<16 { w[i] = word(block, i) }
            for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32) =
                    switch i {
                    case 0..<20: ((b & c) | (~b & d), 0x5A82_7999)
                    case 20..<40: (b ^ c ^ d, 0x6ED9_EBA1)
                    case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                    default: (b ^ c ^ d, 0xCA62_C1D6)
                    }
                let temp = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
                (e, d, c, b, a) = (d, c, rotl(b, 30), a, temp)
            }
            h[0] &+= a
            h[1] &+= b
            h[2] &+= c
            h[3] &+= d
            h[4] &+= e
        }
        return bytes(h)
    }

    /// SHA-256, from the core (one implementation for plans, snapshots and certificates).
    static func sha256(_ data: Data) -> Data { Data(SHA256.digest([UInt8](data))) }

    /// The message padded to 64-byte blocks with its bit length (big-endian) at the end.
    private static func blocks(_ data: Data) -> [[UInt8]] {
        var message = [UInt8](data)
        let bitLength = UInt64(message.count) * 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        return stride(from: 0, to: message.count, by: 64).map { Array(message[$0..<$0 + 64]) }
    }

    private static func word(_ block: [UInt8], _ index: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { ($0 << 8) | UInt32(block[index * 4 + $1]) }
    }

    private static func bytes(_ words: [UInt32]) -> Data {
        Data(words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * UInt32($0))) } })
    }

    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
}
