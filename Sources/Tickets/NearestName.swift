/// Finds the known name nearest to a misspelt one, for "did you mean" messages (a subcommand,
/// a configuration key).
public enum NearestName {
    /// The name in `known` with the smallest edit distance to `text` (case-insensitive), when that
    /// distance is at most `limit` (by default a third of the text's length, at least 1, at most 3).
    public static func closest(to text: String, in known: [String], limit: Int? = nil) -> String? {
        let word = Array(text.lowercased())
        let allowed = limit ?? min(3, max(1, word.count / 3))
        var best: (name: String, distance: Int)?
        for name in known {
            let distance = editDistance(word, Array(name.lowercased()))
            if distance <= allowed, distance < (best?.distance ?? .max) { best = (name, distance) }
        }
        return best?.name
    }

    /// The Damerau–Levenshtein (optimal string alignment) distance: insertions, deletions,
    /// substitutions and swaps of neighbours each cost 1.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            before = previous
            previous = current
        }
        return previous[b.count]
    }
}
