/// "Did you mean" suggestions, shared by every reader that rejects a name: options, commands,
/// file keys, enum values, function and attribute names.
public enum Suggestions {
    /// The candidate closest to `word` (case-insensitive) when it is a plausible typo — within one
    /// edit for words of up to three characters, otherwise a third of the word's length (two at
    /// least, three at most) — or, failing that, a candidate that `word` extends or abbreviates
    /// (`clientSecretEnvironment` → `clientSecretEnv`). Ties go to the alphabetically first.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let target = Array(word.lowercased())
        let limit = target.count <= 3 ? 1 : min(3, max(2, target.count / 3))
        var best: (candidate: String, distance: Int)?
        for candidate in candidates.sorted() {
            let distance = editDistance(target, Array(candidate.lowercased()), limit: limit)
            if distance <= limit, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        if let best { return best.candidate }
        guard target.count >= 4 else { return nil }
        let lowered = String(target)
        return candidates.sorted().first {
            let other = $0.lowercased()
            return other.count >= 4 && (lowered.hasPrefix(other) || other.hasPrefix(lowered))
        }
    }

    /// The Levenshtein distance between two strings, in characters.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        return editDistance(a, b, limit: max(a.count, b.count))
    }

    /// Levenshtein distance, giving up (returning `limit + 1`) as soon as it must exceed `limit`,
    /// so that a megabyte-long name costs no more than a short one.
    static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
